from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ace_portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from . import notifications  # noqa: F401 - registers this app's notification kinds
        from .mfa import record_totp_activation

        authenticator_added.connect(record_totp_activation, dispatch_uid="record-totp-activation")
