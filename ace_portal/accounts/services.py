"""Account actions: invitations (activation links) and the preferred language."""

import secrets
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.services.outbox import notify

from .models import Invitation, User, hash_token
from .notifications import ACCOUNT_ACTIVATION


class InvitationError(Exception):
    """An activation link that cannot be used; ``message`` says why in words a person reads."""

    message = _("This activation link is not valid.")
    status = 404


class InvitationInvalid(InvitationError):
    message = _("This activation link is not valid. Check that you copied the whole link.")


class InvitationExpired(InvitationError):
    message = _("This activation link has expired. Ask the WCO Secretariat for a new one.")
    status = 410


class InvitationUsed(InvitationError):
    message = _("This activation link has already been used. Sign in with your password.")
    status = 410


def invite_user(user: User, *, by: User | None, base_url: str) -> Invitation:
    """Send ``user`` a single-use activation link.

    Side effects: revokes the user's earlier unused invitations, writes one Invitation row and
    queues the activation email (essential; the link is erased from the outbox once sent).
    """
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        invitation = Invitation.objects.create(
            user=user,
            token_hash=hash_token(token),
            created_by=by,
            expires_at=now + timedelta(days=settings.ACCOUNT_INVITATION_DAYS),
        )
        link = base_url.rstrip("/") + reverse("accept_invitation", args=[token])
        notify(
            user,
            ACCOUNT_ACTIVATION,
            context={"link": link, "expires_at": invitation.expires_at.isoformat()},
            dedupe_key=f"account-activation:{invitation.pk}",
        )
    return invitation


def check_invitation(token: str) -> Invitation:
    """Return the invitation behind ``token`` or raise the InvitationError that says why not."""
    invitation = Invitation.objects.select_related("user").filter(token_hash=hash_token(token))
    invitation = invitation.first()
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationInvalid
    if invitation.used_at is not None:
        raise InvitationUsed
    if invitation.is_expired:
        raise InvitationExpired
    return invitation


def accept_invitation(token: str, *, password: str) -> User:
    """Activate the account behind ``token`` with ``password``.

    Side effects: sets the password, marks the invitation used and the email address verified.
    The row lock makes a double submit of the same link use it once.
    """
    with transaction.atomic():
        invitation = check_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvitationUsed
        user = invitation.user
        user.set_password(password)
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    return user


def set_preferred_language(user: User, language: str) -> None:
    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
