"""Delivery that neither doubles nor gives up, against a real SMTP conversation (the sink).

Measured before: a reply to the final dot that came after the client's timeout made the
sender reconnect and send again at once, then retry again (up to 12 copies); an SMTP outage of
more than about 15 minutes failed every email for good; a database connection dropped right
after the server took a message left the row "sending" for the sweep to send again.
"""

from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from ace_portal.notifications.enums import NotificationState
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import delivery, outbox
from experts.notifications import PROFILE_CONFIRMATION

pytestmark = pytest.mark.django_db


def queue(user, key="doubles"):
    return outbox.notify(
        user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice", "confirmed_at": None, "url": "http://x/"},
        dedupe_key=key,
    )


def test_a_late_reply_to_the_final_dot_is_not_sent_again_at_once(
    alice, smtp_to_sink, settings, time_machine
):
    settings.EMAIL_TIMEOUT = 1
    smtp_to_sink.reply_late(3)  # keeps the message, answers 250 after the client gave up
    row = queue(alice.user)

    with pytest.raises(delivery.RetryLater) as retry:
        delivery.deliver(row.pk)

    assert smtp_to_sink.count == 1  # one copy, not a resend on a fresh connection
    assert retry.value.seconds == settings.NOTIFICATIONS_UNCERTAIN_RETRY_SECONDS >= 3600
    row.refresh_from_db()
    assert row.state == NotificationState.PENDING
    assert row.last_error.startswith("Uncertain")
    assert row.next_attempt_at > timezone.now() + timedelta(hours=1)
    # The sweep does not take it before its time.
    assert outbox.sweep() == 0
    assert smtp_to_sink.count == 1


def test_a_waiting_row_is_not_claimed_early_by_a_worker_job(alice, smtp_to_sink, settings):
    """What a job delivered again by the broker does: nothing, until the row's time has come."""
    settings.EMAIL_TIMEOUT = 1
    smtp_to_sink.reply_late(2)
    row = queue(alice.user)
    with pytest.raises(delivery.RetryLater):
        delivery.deliver(row.pk)

    assert delivery.deliver(row.pk, due_only=True) == "not-claimed"
    assert smtp_to_sink.received == 1
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(row.pk, due_only=True) == NotificationState.SENT


def test_a_wait_of_hours_is_left_to_the_sweep_not_the_broker(alice, smtp_to_sink, settings):
    """A countdown of hours would be copied by Redis every visibility timeout (an hour)."""
    from ace_portal.notifications import tasks

    settings.EMAIL_TIMEOUT = 1
    smtp_to_sink.reply_late(2)
    row = queue(alice.user)
    assert tasks.deliver_notification.apply(args=(row.pk,)).get() == "left-to-the-sweep"
    assert smtp_to_sink.received == 1
    assert Notification.objects.get(pk=row.pk).state == NotificationState.PENDING


def test_a_second_late_reply_counts_as_sent(alice, smtp_to_sink, settings):
    settings.EMAIL_TIMEOUT = 1
    smtp_to_sink.reply_late(2, times=2)
    row = queue(alice.user)
    with pytest.raises(delivery.RetryLater):
        delivery.deliver(row.pk)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    assert delivery.deliver(row.pk) == NotificationState.SENT
    assert smtp_to_sink.count == 2  # at most one more copy, hours later
    assert delivery.deliver(row.pk) == "not-claimed"


def test_a_refusal_after_the_message_is_certain(alice, smtp_to_sink):
    """A 550 to the final dot is a reply: the message is refused for good, nothing uncertain."""
    smtp_to_sink.refuse(550)
    row = queue(alice.user)
    assert delivery.deliver(row.pk) == NotificationState.FAILED
    row.refresh_from_db()
    assert not row.last_error.startswith("Uncertain")


def test_an_smtp_outage_of_hours_is_waited_out(alice, smtp_to_sink, time_machine):
    """Default settings: 451 (or a server that is down) for 20 hours, then it recovers."""
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    smtp_to_sink.refuse(451)
    row = queue(alice.user)
    waited = timedelta(0)
    while waited < timedelta(hours=20):
        with pytest.raises(delivery.RetryLater) as retry:
            delivery.deliver(row.pk)
        waited += timedelta(seconds=retry.value.seconds)
        time_machine.move_to(start + waited, tick=False)
    smtp_to_sink.accept()

    assert delivery.deliver(row.pk) == NotificationState.SENT
    assert smtp_to_sink.count == 1
    row.refresh_from_db()
    assert row.attempts < 40  # the backoff grows to an hour: not a retry storm


def test_an_outage_past_the_retry_horizon_fails_the_row(alice, smtp_to_sink, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    smtp_to_sink.refuse(451)
    row = queue(alice.user)
    with pytest.raises(delivery.RetryLater):
        delivery.deliver(row.pk)
    time_machine.move_to(start + timedelta(hours=49), tick=False)
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())

    assert delivery.deliver(row.pk) == NotificationState.FAILED


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_drop_after_the_server_took_the_message_does_not_resend(
    alice, smtp_to_sink, monkeypatch, settings, time_machine
):
    """The worker's connection is killed (pg_terminate_backend) right after acceptance."""
    monkeypatch.setattr(outbox, "dispatch", lambda pks: 0)  # delivered below, by hand
    row = queue(alice.user, key="db-drop")
    real_send = delivery.send

    def send_then_lose_the_database(message):
        real_send(message)
        pid = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

    monkeypatch.setattr(delivery, "send", send_then_lose_the_database)
    monkeypatch.setattr(delivery, "RECORD_SENT_WAITS", (0.1, 0.2))

    assert delivery.deliver(row.pk) == NotificationState.SENT

    row.refresh_from_db()
    assert row.state == NotificationState.SENT
    # Long after, the sweep finds nothing to send again.
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    assert outbox.sweep() == 0
    assert smtp_to_sink.count == 1
