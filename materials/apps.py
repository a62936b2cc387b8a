from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Working groups and materials")

    def ready(self):
        from materials import notifications  # noqa: F401 - registers notification kinds
