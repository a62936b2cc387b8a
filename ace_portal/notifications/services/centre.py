"""The in-app notification centre and a person's email preferences (also by a signed link)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from ace_portal.notifications import kinds
from ace_portal.notifications.emails import render_subject
from ace_portal.notifications.enums import Digest, NotificationState
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import outbox

PREFERENCES_SALT = "notifications.preferences"


def preferences_url(user) -> str:
    token = signing.dumps(user.pk, salt=PREFERENCES_SALT)
    return settings.ACE_BASE_URL.rstrip("/") + reverse(
        "notifications:preferences_by_link", args=[token]
    )


def user_for_preferences_token(token: str):
    max_age = timedelta(days=settings.NOTIFICATIONS_PREFERENCES_LINK_DAYS)
    user_pk = signing.loads(token, salt=PREFERENCES_SALT, max_age=max_age)
    return get_user_model().objects.get(pk=user_pk, is_active=True)


def title(notification: Notification) -> str:
    """The line shown in the notification centre: the email's subject, in the viewer's language."""
    kind = kinds.get(notification.kind)
    return render_subject(kind.template, notification.context, get_language() or "en")


def mark_read(user, pk: int) -> Notification:
    """Mark one of ``user``'s notifications read (a stranger's gives DoesNotExist → 404)."""
    notification = Notification.objects.for_bell(user).get(pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(user) -> int:
    return Notification.objects.for_bell(user).unread().update(read_at=timezone.now())


def save_preferences(user, *, digest: str, muted_kinds: list[str]) -> NotificationSettings:
    """Store a person's choices.

    Side effects: updates (or creates) their settings row; leaving the digest sends what waited.
    """
    preferences = outbox.settings_for(user)
    with transaction.atomic():
        preferences.digest = digest
        preferences.muted_kinds = sorted(muted_kinds)
        preferences.save(update_fields=["digest", "muted_kinds"])
        if digest == Digest.NONE:
            # What waited for a digest that will no longer come goes out as single emails.
            waiting = Notification.objects.filter(
                recipient=user, digest=True, state=NotificationState.PENDING
            )
            pks = list(waiting.values_list("pk", flat=True))
            waiting.update(digest=False, next_attempt_at=timezone.now())
            if pks:
                transaction.on_commit(lambda: outbox.dispatch(pks))
    return preferences
