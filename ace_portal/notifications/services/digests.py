"""Digests: one email, daily or weekly, listing what waited for a person who asked for one."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ace_portal.notifications import kinds
from ace_portal.notifications.emails import render_email, render_subject
from ace_portal.notifications.enums import Digest, NotificationState
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import centre, delivery

logger = logging.getLogger(__name__)


def digest_due(preferences: NotificationSettings, now) -> bool:
    local = timezone.localtime(now)
    if local.hour < settings.NOTIFICATIONS_DIGEST_HOUR:
        return False
    last = preferences.last_digest_at
    if preferences.digest == Digest.DAILY:
        return last is None or timezone.localtime(last).date() < local.date()
    if preferences.digest == Digest.WEEKLY:
        return local.weekday() == 0 and (last is None or (now - last) > timedelta(days=6))
    return False


def send_digest(user, *, now=None) -> int:
    """Send ``user`` one email listing their waiting digest notifications, if a digest is due.

    Side effects: claims the user's pending digest rows, sends one email, marks them sent and
    stamps the settings; on failure the rows go back to pending for the next run.
    """
    now = now or timezone.now()
    with transaction.atomic():
        preferences = NotificationSettings.objects.select_for_update().get(user=user)
        if not digest_due(preferences, now):
            return 0
        waiting = Notification.objects.filter(
            recipient=user, digest=True, state=NotificationState.PENDING
        )
        rows = list(waiting.order_by("created_at"))
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=NotificationState.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    try:
        delivery.send(_digest_message(user, rows))
    except Exception as error:
        delivery.close_connection()
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=NotificationState.PENDING, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("Digest for user %s failed: %s", user.pk, error)
        return 0
    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
        state=NotificationState.SENT, sent_at=timezone.now(), last_error=""
    )
    NotificationSettings.objects.filter(pk=preferences.pk).update(last_digest_at=now)
    return len(rows)


def _digest_message(user, rows: list[Notification]) -> EmailMultiAlternatives:
    language = user.preferred_language or settings.LANGUAGE_CODE
    items = [
        {**r.context, "subject": render_subject(kinds.get(r.kind).template, r.context, language)}
        for r in rows
    ]
    context = {"recipient": user, "items": items, "preferences_url": centre.preferences_url(user)}
    subject, text, html = render_email("digest", context, language=language)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
        headers={"List-Unsubscribe": f"<{context['preferences_url']}>"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_due_digests(*, now=None) -> int:
    """Send every digest that is due now (run hourly by beat). Returns the emails sent."""
    now = now or timezone.now()
    sent = 0
    users = NotificationSettings.objects.exclude(digest=Digest.NONE).select_related("user")
    for preferences in users.iterator():
        if digest_due(preferences, now) and send_digest(preferences.user, now=now):
            sent += 1
    return sent
