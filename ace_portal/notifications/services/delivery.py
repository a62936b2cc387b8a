"""Delivering one notification's email exactly once as far as this process can tell.

Delivery is at-least-once towards the broker and exactly-once towards the mail server: a worker
claims a row with a conditional UPDATE and proceeds only when that UPDATE changed one row, so a
redelivered or doubly dispatched job finds nothing to do.
"""

import contextlib
import logging
import smtplib
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from ace_portal.notifications import kinds
from ace_portal.notifications.emails import render_email
from ace_portal.notifications.enums import NotificationState
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import centre
from ace_portal.notifications.smtp import DeliveryUncertain

logger = logging.getLogger(__name__)


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


def build_message(notification: Notification, connection=None) -> EmailMultiAlternatives:
    kind = kinds.get(notification.kind)
    user = notification.recipient
    # An address without an account has no preferences to link to.
    preferences_url = centre.preferences_url(user) if user else ""
    context = {**notification.context, "recipient": user, "preferences_url": preferences_url}
    subject, text, html = render_email(kind.template, context, language=notification.language)
    headers = {
        # Stable per notification: a mail client shows a resent copy as the same message.
        "Message-ID": f"<notification-{notification.pk}@{settings.NOTIFICATIONS_DOMAIN}>",
    }
    if preferences_url:
        headers["List-Unsubscribe"] = f"<{preferences_url}>"
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [notification.to],
        connection=connection,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


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


def send(message: EmailMultiAlternatives) -> None:
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
        send(build_message(notification))
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
