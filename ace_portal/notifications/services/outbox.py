"""The outbox: a notification is queued in the transaction of the event that causes it, once
per dedupe key, and handed to the broker after commit; the sweep hands over what was left behind.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ace_portal.celery import registered_task
from ace_portal.notifications import kinds
from ace_portal.notifications.enums import Digest, NotificationState
from ace_portal.notifications.models import Notification, NotificationSettings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    """One notification to queue: who, what, and the key that makes it happen only once.

    ``recipient`` is a user, or an email address with no account behind it (then ``language``
    says which language to write in; the email is sent whatever the kind, with no in-app copy).
    """

    recipient: object
    kind: str
    context: dict
    dedupe_key: str
    language: str = ""


def settings_for(user) -> NotificationSettings:
    found = getattr(user, "_notification_settings", None)
    if found is None:
        found, _ = NotificationSettings.objects.get_or_create(user=user)
        user._notification_settings = found
    return found


def _row(item: Outgoing, preferences: NotificationSettings | None) -> Notification:
    kind = kinds.get(item.kind)
    if isinstance(item.recipient, str):
        return Notification(
            address=item.recipient,
            kind=item.kind,
            context=item.context,
            language=item.language or settings.LANGUAGE_CODE,
            in_app=False,
            dedupe_key=item.dedupe_key,
        )
    muted = bool(preferences and item.kind in preferences.muted_kinds) and not kind.essential
    digest = bool(preferences and preferences.digest != Digest.NONE) and not kind.essential
    return Notification(
        recipient=item.recipient,
        kind=item.kind,
        context=item.context,
        language=item.recipient.preferred_language or settings.LANGUAGE_CODE,
        email=not muted,
        in_app=kind.in_app,
        digest=digest and not muted,
        state=NotificationState.SKIPPED if muted else NotificationState.PENDING,
        dedupe_key=item.dedupe_key,
    )


def notify(recipient, kind: str, *, context: dict, dedupe_key: str) -> Notification | None:
    """Queue one notification; call it inside the transaction of the event that causes it.

    Side effects: one Notification row (none if ``dedupe_key`` exists already); its email is
    dispatched to a worker after commit. Returns the row, or None when it was a duplicate.
    """
    created = notify_many([Outgoing(recipient, kind, context, dedupe_key)])
    return created[0] if created else None


def notify_many(items: list[Outgoing]) -> list[Notification]:
    """Queue many notifications at once, skipping those whose dedupe key exists already.

    Side effects: Notification rows (one INSERT per batch); dispatch after commit.
    """
    if not items:
        return []
    users = {item.recipient.pk for item in items if not isinstance(item.recipient, str)}
    preferences = {s.user_id: s for s in NotificationSettings.objects.filter(user__in=users)}
    rows = list(
        {
            row.dedupe_key: row
            for row in (_row(i, preferences.get(getattr(i.recipient, "pk", None))) for i in items)
        }.values()
    )
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows]).values_list(
                "dedupe_key", flat=True
            )
        )
        fresh = [row for row in rows if row.dedupe_key not in existing]
        try:
            with transaction.atomic():
                created = Notification.objects.bulk_create(fresh, batch_size=1000)
        except IntegrityError:
            # A concurrent run queued some of the same keys meanwhile: insert one by one.
            created = [row for row in fresh if _insert_unless_duplicate(row)]
        to_send = [row.pk for row in created if row.email and not row.digest]
        if to_send:
            transaction.on_commit(lambda: dispatch(to_send))
    return created


def _insert_unless_duplicate(row: Notification) -> bool:
    try:
        with transaction.atomic():
            row.save(force_insert=True)
        return True
    except IntegrityError:
        return False


def dispatch(pks: list[int]) -> int:
    """Hand notifications to the broker in batches (one job per NOTIFICATIONS_DISPATCH_BATCH).
    A broker that is down loses nothing: the rows stay pending and the sweep dispatches them
    again. Returns how many were handed over."""
    size = settings.NOTIFICATIONS_DISPATCH_BATCH
    handed = 0
    for start in range(0, len(pks), size):
        chunk = list(pks[start : start + size])
        try:
            registered_task("notifications.deliver_many").apply_async((chunk,), retry=False)
            handed += len(chunk)
        except Exception:  # the broker is unreachable: the sweep will come back for them
            logger.warning("Could not dispatch %d notifications; the sweep will retry.", len(pks))
            break
    return handed


def sweep(*, now=None, limit: int = 5000) -> int:
    """Re-dispatch what was left behind: pending rows the broker never got (it was down) or
    whose retry is due, and rows stuck in sending because a worker died mid-delivery.

    Side effects: stuck rows go back to pending; due rows are handed to the broker.
    Two sweeps at once only dispatch the same rows twice, and the claim lets one through.
    """
    now = now or timezone.now()
    stuck_before = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
    due_before = now - timedelta(seconds=settings.NOTIFICATIONS_PENDING_GRACE_SECONDS)
    # Dated so that this same sweep dispatches them, not one a grace period later.
    Notification.objects.filter(
        state=NotificationState.SENDING, claimed_at__lt=stuck_before
    ).update(state=NotificationState.PENDING, next_attempt_at=due_before)
    due = list(
        Notification.objects.filter(
            state=NotificationState.PENDING, digest=False, next_attempt_at__lte=due_before
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return dispatch(due)
