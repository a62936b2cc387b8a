from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Working groups and materials")

    def ready(self):
        from django.db.models.signals import post_save

        from experts.models import ThematicArea
        from materials import notifications  # noqa: F401 - registers notification kinds
        from materials.services import search

        # A material is found by its area's names: renaming the area re-indexes its materials.
        post_save.connect(search.refresh_area, sender=ThematicArea, dispatch_uid="material-area")
