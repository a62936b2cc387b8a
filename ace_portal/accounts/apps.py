from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ace_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import notifications  # noqa: F401 - registers this app's notification kinds
