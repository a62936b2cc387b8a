"""The sweep: whatever the broker never got, or a dead worker left in sending, is dispatched
again; fresh rows, digest rows and finished rows are left alone."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings

from ace_portal.notifications import tasks
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import delivery, outbox
from ace_portal.notifications.services.delivery import RetryLater
from ace_portal.notifications.services.outbox import notify
from experts.notifications import PROFILE_CONFIRMATION

from .fakes import install_failing_backend

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    delivery.close_connection()
    yield
    delivery.close_connection()


def queue(user, key="reminder:1"):
    return notify(
        user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice Mwangi", "confirmed_at": None, "url": "http://x.example/p/"},
        dedupe_key=key,
    )


def state_of(row):
    row.refresh_from_db()
    return row.state


def test_sweep_leaves_a_fresh_pending_row_to_its_own_dispatch(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)  # its dispatch never ran: the broker was down
    grace = django_settings.NOTIFICATIONS_PENDING_GRACE_SECONDS
    time_machine.move_to(T0 + timedelta(seconds=grace - 1), tick=False)

    assert outbox.sweep() == 0

    assert state_of(row) == "pending"
    assert mailoutbox == []


def test_sweep_delivers_a_pending_row_older_than_the_grace(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)
    time_machine.move_to(T0 + timedelta(seconds=61), tick=False)

    assert outbox.sweep() == 1

    assert state_of(row) == "sent"
    assert [message.to for message in mailoutbox] == [[alice.user.email]]
    assert outbox.sweep() == 0
    assert len(mailoutbox) == 1


def test_sweep_task_returns_how_many_it_dispatched(alice, bob, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    queue(alice.user, key="a")
    queue(bob.user, key="b")
    time_machine.move_to(T0 + timedelta(minutes=5), tick=False)

    assert tasks.sweep.delay().get() == 2

    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert len(mailoutbox) == 2


def test_sweep_waits_for_a_retry_to_be_due(alice, settings, monkeypatch, time_machine):
    backend = install_failing_backend(settings, monkeypatch, 451, failures=1)
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)
    with pytest.raises(RetryLater):
        delivery.deliver(row.pk)  # next attempt at T0 + 30 s

    time_machine.move_to(T0 + timedelta(seconds=61), tick=False)
    assert outbox.sweep() == 0
    assert state_of(row) == "pending"

    time_machine.move_to(T0 + timedelta(seconds=91), tick=False)
    assert outbox.sweep() == 1
    assert state_of(row) == "sent"
    assert backend.calls == 2


def stuck_row(user, claimed_at):
    row = queue(user)
    Notification.objects.filter(pk=row.pk).update(
        state="sending", claimed_at=claimed_at, attempts=1
    )
    return row


def test_sweep_leaves_a_row_in_sending_before_the_timeout(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = stuck_row(alice.user, T0)
    time_machine.move_to(T0 + timedelta(seconds=179), tick=False)  # the claim holds 180 s

    outbox.sweep()

    assert state_of(row) == "sending"
    assert mailoutbox == []


def test_sweep_recovers_a_row_stuck_in_sending(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = stuck_row(alice.user, T0)
    time_machine.move_to(T0 + timedelta(seconds=181), tick=False)  # 3 minutes, not 10
    outbox.sweep()
    # At the latest the next sweep after the grace period delivers it.
    time_machine.move_to(T0 + timedelta(seconds=601 + 61), tick=False)
    outbox.sweep()

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 2)
    assert [message.to for message in mailoutbox] == [[alice.user.email]]


def test_sweep_redispatches_a_stuck_row_in_the_same_run(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = stuck_row(alice.user, T0)
    time_machine.move_to(T0 + timedelta(seconds=601), tick=False)

    assert outbox.sweep() == 1

    assert state_of(row) == "sent"
    assert len(mailoutbox) == 1


def test_sweep_never_dispatches_digest_rows(alice, mailoutbox, time_machine):
    NotificationSettings.objects.create(user=alice.user, digest="daily")
    time_machine.move_to(datetime(2026, 3, 10, 5, 0, tzinfo=BRUSSELS), tick=False)
    row = queue(alice.user)
    assert row.digest is True
    time_machine.move_to(datetime(2026, 3, 10, 6, 0, tzinfo=BRUSSELS), tick=False)

    assert outbox.sweep() == 0

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 0)
    assert mailoutbox == []


@pytest.mark.parametrize("state", ["failed", "cancelled", "skipped", "sent"])
def test_sweep_leaves_finished_rows_alone(alice, mailoutbox, time_machine, state):
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)
    Notification.objects.filter(pk=row.pk).update(state=state, claimed_at=T0)
    time_machine.move_to(T0 + timedelta(days=1), tick=False)

    assert outbox.sweep() == 0

    row.refresh_from_db()
    assert (row.state, row.attempts) == (state, 0)
    assert mailoutbox == []
