# Over 500 lines: queue, claim, delivery and sweep share one state machine, read together.
"""The notification engine: queue in the event's transaction, deliver once, sweep the rest.

Delivery is at-least-once towards the broker and exactly-once towards the mail server as far as
this process can tell: a worker claims a row with a conditional UPDATE and proceeds only when that
UPDATE changed one row, so a redelivered or doubly dispatched job finds nothing to do.
"""

import contextlib
import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db import connection as db_connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ace_portal.celery import registered_task

from . import kinds
from .emails import render_email, render_subject
from .enums import Digest, NotificationState
from .models import Notification, NotificationSettings
from .smtp import DeliveryUncertain

logger = logging.getLogger(__name__)

PREFERENCES_SALT = "notifications.preferences"


@dataclass(frozen=True)
class Outgoing:
    """One notification to queue: who, what, and the key that makes it happen only once."""

    recipient: object
    kind: str
    context: dict
    dedupe_key: str


def settings_for(user) -> NotificationSettings:
    found = getattr(user, "_notification_settings", None)
    if found is None:
        found, _ = NotificationSettings.objects.get_or_create(user=user)
        user._notification_settings = found
    return found


def _row(item: Outgoing, preferences: NotificationSettings | None) -> Notification:
    kind = kinds.get(item.kind)
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
    users = [item.recipient for item in items]
    preferences = {
        s.user_id: s for s in NotificationSettings.objects.filter(user__in={u.pk for u in users})
    }
    rows = list(
        {
            row.dedupe_key: row for row in (_row(i, preferences.get(i.recipient.pk)) for i in items)
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


# A retry job may run a moment before the time its row records (clocks, rounding).
DUE_TOLERANCE = timedelta(seconds=5)


def claim(pk: int, *, due_only: bool = False) -> bool:
    """Take a pending row for delivery. True only for the one caller whose UPDATE changed it.

    ``due_only``: only a row whose next attempt has come. Worker jobs claim so: a job delivered
    again by the broker (a restarted worker, a visibility timeout) must not send early a row that
    waits, above all one whose last reply was lost (probably delivered already).
    """
    rows = Notification.objects.filter(pk=pk, state=NotificationState.PENDING, digest=False)
    if due_only:
        rows = rows.filter(next_attempt_at__lte=timezone.now() + DUE_TOLERANCE)
    return bool(
        rows.update(
            state=NotificationState.SENDING,
            claimed_at=timezone.now(),
            attempts=F("attempts") + 1,
        )
    )


def preferences_url(user) -> str:
    token = signing.dumps(user.pk, salt=PREFERENCES_SALT)
    return settings.ACE_BASE_URL.rstrip("/") + reverse(
        "notifications:preferences_by_link", args=[token]
    )


def user_for_preferences_token(token: str):
    from django.contrib.auth import get_user_model

    max_age = timedelta(days=settings.NOTIFICATIONS_PREFERENCES_LINK_DAYS)
    user_pk = signing.loads(token, salt=PREFERENCES_SALT, max_age=max_age)
    return get_user_model().objects.get(pk=user_pk, is_active=True)


def build_message(notification: Notification, connection=None) -> EmailMultiAlternatives:
    kind = kinds.get(notification.kind)
    context = {
        **notification.context,
        "recipient": notification.recipient,
        "preferences_url": preferences_url(notification.recipient),
    }
    subject, text, html = render_email(kind.template, context, language=notification.language)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
        connection=connection,
        headers={
            # Stable per notification: a mail client shows a resent copy as the same message.
            "Message-ID": f"<notification-{notification.pk}@{settings.NOTIFICATIONS_DOMAIN}>",
            "List-Unsubscribe": f"<{context['preferences_url']}>",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Delivery ---------------------------------------------------------------------------------


class RetryLater(Exception):  # noqa: N818 - it is an instruction, not an error
    """A transient failure: the row is pending again and should be retried after ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def is_transient(error: Exception) -> bool:
    """SMTP 4xx replies, dropped connections and timeouts pass; anything else will not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError))


def backoff_seconds(attempts: int) -> int:
    base = settings.NOTIFICATIONS_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATIONS_RETRY_MAX_SECONDS)


_connection = None


def _send(message: EmailMultiAlternatives) -> None:
    """Send over a connection kept open between notifications (one per worker process):
    opening an SMTP session per email would cost more than the email itself."""
    global _connection
    for fresh in (False, True):
        if _connection is None or fresh:
            close_connection()
            _connection = get_connection()
            _connection.open()
        message.connection = _connection
        try:
            message.send()
            return
        except smtplib.SMTPServerDisconnected:
            # An idle session the server closed: it fails before the message is handed over, so
            # one fresh session may try again. A reply lost after the message was sent raises
            # DeliveryUncertain instead, and is never sent again at once.
            if fresh:
                raise  # a new session failed too: a real outage, not an idle timeout


def close_connection() -> None:
    global _connection
    if _connection is not None:
        # Closing a broken session must not hide the error that made us close it.
        with contextlib.suppress(Exception):
            _connection.close()
        _connection = None


def deliver(pk: int, *, due_only: bool = False) -> str:
    """Deliver one notification's email if this caller wins the claim (see ``claim``).

    Side effects: the row moves pending → sending → sent (or back to pending with a retry time,
    or to failed with the reason); a sent row loses its secret context. Raises RetryLater.
    """
    if not claim(pk, due_only=due_only):
        return "not-claimed"
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    try:
        _send(build_message(notification))
    except Exception as error:
        return _record_failure(notification, error)
    _record_sent(notification)
    return NotificationState.SENT


# Waits between tries to record "sent" after the server took the message (about 30 s in all,
# well within the sending claim, which keeps the sweep off the row meanwhile).
RECORD_SENT_WAITS = (0.5, 1, 2, 4, 8, 15)


def _record_sent(notification: Notification) -> None:
    """Record that the server accepted the message, through a dropped database connection.

    The email is out: losing this update would leave the row "sending" for the sweep, which
    would send it again. So the update is retried on a fresh connection while the row stays
    claimed.
    """
    for wait in (*RECORD_SENT_WAITS, None):
        try:
            Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING).update(
                **_sent(notification, last_error="")
            )
            return
        except (OperationalError, InterfaceError):
            if wait is None:
                logger.critical(
                    "Notification %s was sent but could not be recorded; the sweep may send it "
                    "again.",
                    notification.pk,
                )
                raise
            db_connection.close()  # the next query opens a fresh one
            time.sleep(wait)


def _sent(notification: Notification, *, last_error: str) -> dict:
    """The fields of a row whose email went out: a sent row loses its secret context."""
    kind = kinds.get(notification.kind)
    context = {k: v for k, v in notification.context.items() if k not in kind.secret_context}
    return {
        "state": NotificationState.SENT,
        "sent_at": timezone.now(),
        "last_error": last_error,
        "context": context,
    }


def may_retry(notification: Notification) -> bool:
    """A transient failure is retried for NOTIFICATIONS_RETRY_HOURS after the row was queued, as
    a mail server keeps a message through an outage of hours (and never past MAX_ATTEMPTS)."""
    age = timezone.now() - notification.created_at
    return (
        age < timedelta(hours=settings.NOTIFICATIONS_RETRY_HOURS)
        and notification.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS
    )


UNCERTAIN = "Uncertain"


def _record_failure(notification: Notification, error: Exception) -> str:
    reason = f"{type(error).__name__}: {error}"[:2000]
    rows = Notification.objects.filter(pk=notification.pk, state=NotificationState.SENDING)
    if isinstance(error, DeliveryUncertain):
        return _record_uncertain(notification, rows, reason)
    if is_transient(error) and may_retry(notification):
        close_connection()
        wait = backoff_seconds(notification.attempts)
        rows.update(
            state=NotificationState.PENDING,
            last_error=reason,
            next_attempt_at=timezone.now() + timedelta(seconds=wait),
        )
        raise RetryLater(wait) from error
    logger.error("Notification %s failed for good: %s", notification.pk, reason)
    rows.update(state=NotificationState.FAILED, last_error=reason)
    return NotificationState.FAILED


def _record_uncertain(notification: Notification, rows, reason: str) -> str:
    """The server has the message but its reply was lost: probably delivered. Send it once more,
    hours later (a second copy, same Message-ID, rather than none); after a second such reply,
    count it as sent."""
    close_connection()
    note = f"{UNCERTAIN}: {reason}"[:2000]
    if notification.last_error.startswith(UNCERTAIN):
        logger.warning(
            "Notification %s: no reply twice after sending; counted as sent.", notification.pk
        )
        rows.update(**_sent(notification, last_error=note))
        return NotificationState.SENT
    wait = settings.NOTIFICATIONS_UNCERTAIN_RETRY_SECONDS
    rows.update(
        state=NotificationState.PENDING,
        last_error=note,
        next_attempt_at=timezone.now() + timedelta(seconds=wait),
    )
    raise RetryLater(wait)


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


# --- Digests ----------------------------------------------------------------------------------


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
        _send(_digest_message(user, rows))
    except Exception as error:
        close_connection()
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
    context = {"recipient": user, "items": items, "preferences_url": preferences_url(user)}
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


# --- In the app -------------------------------------------------------------------------------


def title(notification: Notification) -> str:
    """The line shown in the notification centre: the email's subject, in the viewer's language."""
    from django.utils.translation import get_language

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
    preferences = settings_for(user)
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
                transaction.on_commit(lambda: dispatch(pks))
    return preferences
