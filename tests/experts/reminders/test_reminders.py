"""Reminders to experts, queued through the outbox by daily beat tasks: profile confirmation
(at most once a calendar month) and passport expiry (once per expiry date)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django_celery_beat.models import PeriodicTask

from ace_portal.celery import app as celery_app
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import delivery
from experts import tasks
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION
from experts.services import profile as services
from experts.services import reminders
from experts.services.reminders import (
    months_after,
    months_before,
    queue_passport_expiry_reminders,
    queue_profile_confirmation_reminders,
)
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo(django_settings.TIME_ZONE)
TODAY = date(2026, 3, 10)
BASE_URL = django_settings.ACE_BASE_URL.rstrip("/")


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    delivery.close_connection()
    yield
    delivery.close_connection()


def local(day, hour=12):
    return datetime.combine(day, time(hour), tzinfo=LOCAL)


def confirmed(expert, when):
    expert.profile_confirmed_at = when
    expert.save()
    return expert


def with_passport(expert, expiry, number="AK1234567"):
    expert.passport_number = number
    expert.passport_expiry = expiry
    expert.save()
    return expert


def queued(kind):
    return list(
        Notification.objects.filter(kind=kind).order_by("pk").values_list("dedupe_key", flat=True)
    )


# Calendar arithmetic


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 12, date(2025, 3, 10)),
        (date(2026, 3, 1), 1, date(2026, 2, 1)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 30), 1, date(2026, 2, 28)),
        (date(2024, 3, 30), 1, date(2024, 2, 29)),
        (date(2026, 3, 29), 1, date(2026, 2, 28)),
        (date(2026, 5, 31), 1, date(2026, 4, 30)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 2, 29), 48, date(2020, 2, 29)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),
        (date(2026, 1, 31), 13, date(2024, 12, 31)),
        (date(2026, 12, 31), 0, date(2026, 12, 31)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 10), 6, date(2026, 9, 10)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 12, 15), 1, date(2026, 1, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 10, 31), 1, date(2026, 11, 30)),
        (date(2026, 7, 31), 18, date(2028, 1, 31)),
    ],
)
def test_months_after(day, months, expected):
    assert months_after(day, months) == expected


# Profile confirmation


def test_profile_confirmation_queued_when_last_confirmation_is_too_old(alice):
    confirmed(alice, local(date(2025, 3, 9)))

    assert queue_profile_confirmation_reminders(today=TODAY) == 1

    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.state) == (alice.user, PROFILE_CONFIRMATION, "pending")
    assert row.dedupe_key == f"profile-confirmation:{alice.pk}:2025-03-09:0"
    assert row.context == {
        "name": "Alice Mwangi",
        "confirmed_at": "2025-03-09T11:00:00+00:00",
        "url": f"{BASE_URL}/me/profile/",
    }


def test_profile_confirmation_one_reminder_across_the_new_year(alice, bob):
    """Due in December: 31 December and 1 January are the same month of being overdue (keyed
    by calendar month, nine experts were reminded two days running)."""
    confirmed(alice, local(date(2025, 12, 15)))  # due from 16 December 2026
    confirmed(bob, local(date(2025, 12, 30)))  # due from 31 December 2026
    assert queue_profile_confirmation_reminders(today=date(2026, 12, 31)) == 2
    assert queue_profile_confirmation_reminders(today=date(2027, 1, 1)) == 0
    assert queue_profile_confirmation_reminders(today=date(2027, 1, 14)) == 0
    # A month after it fell due, the next reminder: Alice's, then Bob's.
    assert queue_profile_confirmation_reminders(today=date(2027, 1, 15)) == 1
    assert queue_profile_confirmation_reminders(today=date(2027, 1, 30)) == 1
    assert queue_profile_confirmation_reminders(today=date(2027, 2, 1)) == 0
    assert Notification.objects.filter(recipient=alice.user).count() == 2
    assert Notification.objects.filter(recipient=bob.user).count() == 2


def test_profile_confirmation_a_new_confirmation_starts_a_new_count(alice):
    confirmed(alice, local(date(2025, 1, 5)))
    assert queue_profile_confirmation_reminders(today=date(2026, 1, 20)) == 1
    confirmed(alice, local(date(2026, 1, 21)))
    assert queue_profile_confirmation_reminders(today=date(2026, 1, 22)) == 0
    assert queue_profile_confirmation_reminders(today=date(2027, 1, 22)) == 1


def test_profile_confirmation_period_follows_settings(alice, settings):
    settings.PROFILE_CONFIRMATION_MONTHS = 3
    confirmed(alice, local(date(2025, 12, 9)))

    assert queue_profile_confirmation_reminders(today=TODAY) == 1


def test_profile_confirmation_not_queued_for_a_recent_confirmation(alice, bob):
    confirmed(alice, datetime.combine(date(2025, 3, 10), time.min, tzinfo=LOCAL))  # the cutoff
    confirmed(bob, local(date(2026, 1, 5)))

    assert queue_profile_confirmation_reminders(today=TODAY) == 0
    assert not Notification.objects.exists()


def test_profile_confirmation_not_queued_before_the_account_is_activated(alice, bob):
    confirmed(alice, local(date(2024, 1, 1)))
    alice.user.set_unusable_password()
    alice.user.save()
    confirmed(bob, local(date(2024, 1, 1)))
    bob.user.is_active = False
    bob.user.save()

    assert queue_profile_confirmation_reminders(today=TODAY) == 0


def test_profile_confirmation_falls_back_to_creation_when_never_confirmed(alice, bob):
    alice.created_at = local(date(2025, 1, 20))
    alice.save()
    bob.created_at = local(date(2025, 6, 1))
    bob.save()

    assert queue_profile_confirmation_reminders(today=TODAY) == 1

    row = Notification.objects.get()
    assert row.recipient == alice.user
    assert row.context["confirmed_at"] is None


def test_profile_confirmation_at_most_once_a_month(alice):
    confirmed(alice, local(date(2025, 1, 5)))  # due on 5 January 2026

    assert queue_profile_confirmation_reminders(today=TODAY) == 1
    assert queue_profile_confirmation_reminders(today=TODAY) == 0
    assert queue_profile_confirmation_reminders(today=date(2026, 3, 31)) == 0
    # A new calendar month is not a new month of being overdue (it was, three weeks after).
    assert queue_profile_confirmation_reminders(today=date(2026, 4, 1)) == 0
    assert queue_profile_confirmation_reminders(today=date(2026, 4, 5)) == 1

    assert queued(PROFILE_CONFIRMATION) == [
        f"profile-confirmation:{alice.pk}:2025-01-05:2",
        f"profile-confirmation:{alice.pk}:2025-01-05:3",
    ]


def test_profile_confirmation_stops_once_confirmed(alice):
    confirmed(alice, local(date(2025, 1, 5)))
    queue_profile_confirmation_reminders(today=TODAY)

    services.confirm_profile(alice, by=alice.user)

    assert queue_profile_confirmation_reminders(today=date(2026, 4, 1)) == 0
    assert Notification.objects.count() == 1


def test_profile_confirmation_reminder_email(alice, mailoutbox, django_capture_on_commit_callbacks):
    confirmed(alice, local(date(2025, 3, 9)))

    with django_capture_on_commit_callbacks(execute=True):
        queue_profile_confirmation_reminders(today=TODAY)

    [message] = mailoutbox
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] Is your expert profile still accurate?"
    for part in (message.body, message.alternatives[0].content):
        assert "Hello Alice Mwangi," in part
        assert "You last confirmed your expert profile on March 9, 2025." in part
        assert f"{BASE_URL}/me/profile/" in part
        assert f"{BASE_URL}/notifications/preferences/" in part
    assert Notification.objects.get().state == "sent"


@pytest.mark.parametrize("count", [4, 5])
def test_profile_confirmation_in_batches(monkeypatch, count):
    monkeypatch.setattr(reminders, "BATCH", 2)
    experts = [confirmed(ExpertFactory(), local(date(2024, 1, 1))) for _ in range(count)]

    assert queue_profile_confirmation_reminders(today=TODAY) == count
    assert queue_profile_confirmation_reminders(today=TODAY) == 0
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        expert.user.pk for expert in experts
    }


# Passport expiry


def test_passport_warning_queued_within_the_warning_period(alice):
    with_passport(alice, date(2026, 6, 30))

    assert queue_passport_expiry_reminders(today=TODAY) == 1

    row = Notification.objects.get()
    assert (row.recipient, row.kind, row.state) == (alice.user, PASSPORT_EXPIRY, "pending")
    assert row.dedupe_key == f"passport-expiry:{alice.pk}:2026-06-30"
    assert row.context == {
        "name": "Alice Mwangi",
        "expires_on": "2026-06-30",
        "warning_until": "2026-09-10",
        "url": f"{BASE_URL}/me/profile/passport/",
    }


@pytest.mark.parametrize(
    ("expiry", "due"),
    [
        (date(2026, 3, 9), False),  # expired yesterday
        (date(2026, 3, 10), True),  # expires today
        (date(2026, 9, 10), True),  # six months from today
        (date(2026, 9, 11), False),
        (date(2031, 1, 1), False),
    ],
)
def test_passport_warning_window(alice, expiry, due):
    with_passport(alice, expiry)

    assert queue_passport_expiry_reminders(today=TODAY) == int(due)


def test_passport_warning_period_follows_settings(alice, settings):
    settings.PASSPORT_WARNING_MONTHS = 1
    with_passport(alice, date(2026, 4, 11))

    assert queue_passport_expiry_reminders(today=TODAY) == 0
    assert queue_passport_expiry_reminders(today=date(2026, 3, 11)) == 1


def test_passport_warning_needs_a_passport(alice, bob):
    with_passport(alice, date(2026, 6, 30), number="")
    bob.passport_number = "BK7654321"
    bob.save()

    assert queue_passport_expiry_reminders(today=TODAY) == 0


def test_passport_warning_not_queued_before_the_account_is_activated(alice):
    with_passport(alice, date(2026, 6, 30))
    alice.user.set_unusable_password()
    alice.user.save()

    assert queue_passport_expiry_reminders(today=TODAY) == 0


def test_passport_warning_once_per_expiry_date(alice):
    with_passport(alice, date(2026, 6, 30))

    assert queue_passport_expiry_reminders(today=TODAY) == 1
    assert queue_passport_expiry_reminders(today=TODAY) == 0
    assert queue_passport_expiry_reminders(today=date(2026, 4, 10)) == 0
    assert queue_passport_expiry_reminders(today=date(2026, 6, 29)) == 0
    assert Notification.objects.count() == 1


def test_passport_warning_again_for_a_newly_recorded_passport(alice):
    with_passport(alice, date(2026, 6, 30))
    queue_passport_expiry_reminders(today=TODAY)

    with_passport(alice, date(2036, 6, 30), number="AK7654321")
    assert queue_passport_expiry_reminders(today=date(2026, 4, 10)) == 0
    assert queue_passport_expiry_reminders(today=date(2036, 1, 10)) == 1

    with_passport(alice, date(2036, 5, 31))  # a corrected date, still within the period
    assert queue_passport_expiry_reminders(today=date(2036, 1, 11)) == 1

    assert queued(PASSPORT_EXPIRY) == [
        f"passport-expiry:{alice.pk}:2026-06-30",
        f"passport-expiry:{alice.pk}:2036-06-30",
        f"passport-expiry:{alice.pk}:2036-05-31",
    ]


def test_passport_warning_email(alice, mailoutbox, django_capture_on_commit_callbacks):
    with_passport(alice, date(2026, 6, 30))

    with django_capture_on_commit_callbacks(execute=True):
        queue_passport_expiry_reminders(today=TODAY)

    [message] = mailoutbox
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] Your passport expires on June 30, 2026"
    for part in (message.body, message.alternatives[0].content):
        assert "Hello Alice Mwangi," in part
        assert "The passport recorded in your expert profile expires on June 30, 2026." in part
        assert f"{BASE_URL}/me/profile/passport/" in part


def test_reminder_uses_the_experts_language(alice):
    alice.user.preferred_language = "fr"
    alice.user.save()
    with_passport(alice, date(2026, 6, 30))

    queue_passport_expiry_reminders(today=TODAY)

    assert Notification.objects.get().language == "fr"


# Beat


def test_beat_tasks_run_inline_and_return_counts(alice, bob, time_machine):
    time_machine.move_to(local(TODAY, 5), tick=False)
    confirmed(alice, local(date(2024, 1, 1)))
    confirmed(bob, local(date(2024, 1, 1)))
    with_passport(bob, date(2026, 6, 30))

    assert tasks.send_profile_confirmation_reminders.delay().get() == 2
    assert tasks.send_passport_expiry_reminders.delay().get() == 1
    assert tasks.send_profile_confirmation_reminders.delay().get() == 0
    assert tasks.send_passport_expiry_reminders.delay().get() == 0

    assert queued(PROFILE_CONFIRMATION) == [
        f"profile-confirmation:{alice.pk}:2024-01-01:14",
        f"profile-confirmation:{bob.pk}:2024-01-01:14",
    ]
    assert queued(PASSPORT_EXPIRY) == [f"passport-expiry:{bob.pk}:2026-06-30"]


def test_beat_schedule_is_in_the_database_after_migrations():
    schedule = {
        task.name: (
            task.task,
            task.enabled,
            (task.crontab.minute, task.crontab.hour) if task.crontab else None,
            (task.interval.every, task.interval.period) if task.interval else None,
        )
        for task in PeriodicTask.objects.select_related("crontab", "interval")
    }
    expected = {
        "Notifications: sweep left-behind emails": (
            "notifications.sweep",
            True,
            None,
            (1, "minutes"),
        ),
        "Notifications: send due digests": ("notifications.send_digests", True, ("5", "*"), None),
        "Experts: profile confirmation reminders": (
            "experts.send_profile_confirmation_reminders",
            True,
            ("0", "5"),
            None,
        ),
        "Experts: passport expiry reminders": (
            "experts.send_passport_expiry_reminders",
            True,
            ("10", "5"),
            None,
        ),
    }
    assert {name: schedule.get(name) for name in expected} == expected
    # Every scheduled task (these and any other app's) names a task the worker knows.
    for name, (task, *_) in schedule.items():
        assert task in celery_app.tasks, name
