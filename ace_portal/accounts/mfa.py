"""What a session has proved: allauth's records of the factors it passed, read in one place.

"The user has TOTP" is not "this session passed TOTP". allauth records every factor a session
passes (password, mfa, ...) in the session itself; staff pages ask here.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator


def session_passed_second_factor(request, user) -> bool:
    """True when this session's own records show a second factor (TOTP or a recovery code)."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_totp_activation(sender, request, user, authenticator, **kwargs):
    """Count setting up TOTP as passing it: the set-up form checked a code from the new device.

    Without this, a staff member who has just set up TOTP would be asked for a code at once.
    (Connected to allauth's `authenticator_added` signal in AccountsConfig.ready.)
    """
    if request is None or authenticator.type != Authenticator.Type.TOTP:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, activated=True
    )
