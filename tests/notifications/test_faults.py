"""Delivery faults without a worker: the retry bookkeeping of delivery.deliver against a real
SMTP conversation (the sink), the reason shown in the admin, and a doubly dispatched job."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ace_portal.notifications.enums import NotificationState
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import delivery, outbox
from experts.notifications import PROFILE_CONFIRMATION
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmation(alice):
    """A pending profile-confirmation reminder for Alice, never dispatched (the test's
    transaction never commits)."""
    return outbox.notify(
        alice.user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice", "confirmed_at": None, "url": "http://x/"},
        dedupe_key=f"faults:{alice.pk}",
    )


@pytest.fixture
def admin_client(client, admin_user):
    sign_in(client, admin_user)
    return client


def change_page(admin_client, notification) -> str:
    url = reverse("admin:notifications_notification_change", args=[notification.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    return response.text


def test_deliver_transient_failure_keeps_row_pending_with_backoff(
    settings, smtp_to_sink, confirmation
):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    smtp_to_sink.refuse(451, times=2)

    for attempt, backoff in [(1, 30), (2, 60)]:
        before = timezone.now()
        with pytest.raises(delivery.RetryLater) as retry:
            delivery.deliver(confirmation.pk)
        after = timezone.now()
        assert retry.value.seconds == backoff
        row = Notification.objects.get(pk=confirmation.pk)
        assert (row.state, row.attempts) == (NotificationState.PENDING, attempt)
        assert "451" in row.last_error
        assert "Try again later" in row.last_error
        wait = timedelta(seconds=backoff)
        assert before + wait <= row.next_attempt_at <= after + wait

    assert delivery.deliver(confirmation.pk) == NotificationState.SENT
    row = Notification.objects.get(pk=confirmation.pk)
    assert (row.state, row.attempts, row.last_error) == (NotificationState.SENT, 3, "")
    assert [m.recipients for m in smtp_to_sink.messages] == [(confirmation.recipient.email,)]
    assert smtp_to_sink.received == 3


def test_deliver_permanent_failure_marks_row_failed_with_reason_in_admin(
    smtp_to_sink, confirmation, admin_client
):
    smtp_to_sink.refuse(550)

    assert delivery.deliver(confirmation.pk) == NotificationState.FAILED

    row = Notification.objects.get(pk=confirmation.pk)
    assert (row.state, row.attempts) == (NotificationState.FAILED, 1)
    assert "550" in row.last_error
    assert (smtp_to_sink.received, smtp_to_sink.count) == (1, 0)
    page = change_page(admin_client, row)
    assert "550" in page
    assert "Refused for good (test sink)" in page
    assert delivery.deliver(confirmation.pk) == "not-claimed", "a failed row is not retried"


def test_deliver_gives_up_after_max_attempts_and_resend_delivers_once(
    settings, smtp_to_sink, confirmation, admin_client, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_to_sink.refuse(451)  # always

    with pytest.raises(delivery.RetryLater):
        delivery.deliver(confirmation.pk)
    assert delivery.deliver(confirmation.pk) == NotificationState.FAILED

    row = Notification.objects.get(pk=confirmation.pk)
    assert (row.state, row.attempts) == (NotificationState.FAILED, 2)
    assert "451" in row.last_error
    assert "451" in change_page(admin_client, row)
    assert smtp_to_sink.count == 0

    # The mail server recovers; the Secretariat resends from the admin, twice by mistake.
    smtp_to_sink.accept()
    changelist = reverse("admin:notifications_notification_changelist")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                changelist, {"action": "resend", "_selected_action": [row.pk]}
            )
        assert response.status_code == 302

    row.refresh_from_db()
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)
    assert [m.recipients for m in smtp_to_sink.messages] == [(row.recipient.email,)]


def test_deliver_twice_sends_one_email(confirmation, mailoutbox):
    assert delivery.deliver(confirmation.pk) == NotificationState.SENT
    assert delivery.deliver(confirmation.pk) == "not-claimed"

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [confirmation.recipient.email]
    row = Notification.objects.get(pk=confirmation.pk)
    assert (row.state, row.attempts) == (NotificationState.SENT, 1)
