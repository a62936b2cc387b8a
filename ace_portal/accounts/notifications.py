from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import Kind, register

ACCOUNT_ACTIVATION = "account.activation"

register(
    Kind(
        ACCOUNT_ACTIVATION,
        _("Account activation link"),
        template="invitation",
        essential=True,
        # The person cannot sign in yet, and the single-use link must not linger in the outbox.
        in_app=False,
        secret_context=("link",),
    )
)
