from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ace_portal.accounts"
    label = "accounts"
    # allauth's app (email addresses) is "Accounts" in the admin: ours says what it holds.
    verbose_name = _("Users and invitations")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from ace_portal.notifications import kinds

        from . import notifications  # noqa: F401 - registers this app's notification kinds
        from .mfa import record_totp_activation
        from .roles import notification_audiences

        kinds.set_audiences(notification_audiences)

        authenticator_added.connect(record_totp_activation, dispatch_uid="record-totp-activation")
