from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Experts")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from experts import notifications  # noqa: F401 - registers notification kinds
        from experts.services import choices

        for model in choices.REFERENCE_MODELS:
            post_save.connect(choices.bump_version, sender=model, dispatch_uid=f"choices-{model}")
            post_delete.connect(choices.bump_version, sender=model, dispatch_uid=f"del-{model}")
