"""Deliverables of working groups: the coordinator (or the Secretariat) adds, edits, moves and
removes them; members and outsiders are refused; a closed group accepts no change; the
coordinator is reminded before and after each due date, each reminder once."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from ace_portal.notifications.models import Notification
from materials.enums import DeliverableState
from materials.models import Deliverable
from materials.notifications import DELIVERABLE_REMINDER
from materials.services import deliverables, groups
from materials.services.errors import IllegalTransition, MaterialsError
from materials.tasks import remind_deliverables

pytestmark = pytest.mark.django_db
S = DeliverableState
TODAY = date(2027, 3, 1)
DUE = date(2027, 4, 1)


def on(day: date, hour: int = 9):
    """Travel to ``day`` (at ``hour`` UTC, mid-morning in Brussels)."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=UTC), tick=False)


@pytest.fixture(autouse=True)
def _today():
    with on(TODAY):
        yield


@pytest.fixture
def deliverable(group, alice):
    return deliverables.add_deliverable(
        group.pk,
        title="Risk indicators handbook",
        description="Chapters 1-3.",
        due_date=DUE,
        by=alice.user,
    )


def row(deliverable):
    deliverable.refresh_from_db()
    return (deliverable.title, deliverable.description, deliverable.due_date, deliverable.state)


# --- Managing ------------------------------------------------------------------------------------


def test_add_deliverable_by_the_coordinator_starts_planned(group, alice):
    made = deliverables.add_deliverable(
        group.pk, title="  Case study  ", description="", due_date=DUE, by=alice.user
    )
    assert (made.group, made.title, made.state, made.updated_by) == (
        group,
        "Case study",
        S.PLANNED,
        alice.user,
    )


def test_the_secretariat_manages_deliverables_too(group, officer, deliverable):
    deliverables.move_deliverable(deliverable.pk, S.DRAFTING, by=officer)
    assert row(deliverable)[3] == S.DRAFTING
    made = deliverables.add_deliverable(group.pk, title="Glossary", due_date=DUE, by=officer)
    assert made.updated_by == officer


def test_a_member_who_is_not_the_coordinator_is_refused(group, bob, carol, deliverable):
    before = row(deliverable)
    for user in (bob.user, carol.user):
        with pytest.raises(MaterialsError, match="Only the group's coordinator"):
            deliverables.add_deliverable(group.pk, title="X", due_date=DUE, by=user)
        with pytest.raises(MaterialsError, match="Only the group's coordinator"):
            deliverables.update_deliverable(deliverable.pk, title="X", due_date=DUE, by=user)
        with pytest.raises(MaterialsError, match="Only the group's coordinator"):
            deliverables.move_deliverable(deliverable.pk, S.DONE, by=user)
        with pytest.raises(MaterialsError, match="Only the group's coordinator"):
            deliverables.remove_deliverable(deliverable.pk, by=user)
    assert row(deliverable) == before
    assert Deliverable.objects.count() == 1


def test_a_former_coordinator_is_refused(group, officer, alice, bob, deliverable):
    groups.set_coordinator(group.pk, bob, by=officer)
    with pytest.raises(MaterialsError, match="Only the group's coordinator"):
        deliverables.move_deliverable(deliverable.pk, S.DRAFTING, by=alice.user)
    deliverables.move_deliverable(deliverable.pk, S.DRAFTING, by=bob.user)
    assert row(deliverable)[3] == S.DRAFTING


def test_bad_input_is_refused_and_changes_nothing(group, alice, deliverable):
    before = row(deliverable)
    with pytest.raises(MaterialsError, match="Give the deliverable a title"):
        deliverables.add_deliverable(group.pk, title=" ", due_date=DUE, by=alice.user)
    with pytest.raises(MaterialsError, match="Give the deliverable a due date"):
        deliverables.add_deliverable(group.pk, title="X", due_date=None, by=alice.user)
    with pytest.raises(MaterialsError, match="This due date has passed"):
        deliverables.add_deliverable(
            group.pk, title="X", due_date=TODAY - timedelta(days=1), by=alice.user
        )
    with pytest.raises(MaterialsError, match="This due date has passed"):
        deliverables.update_deliverable(
            deliverable.pk, title="New", due_date=date(2027, 2, 1), by=alice.user
        )
    assert row(deliverable) == before and Deliverable.objects.count() == 1


def test_update_deliverable_keeps_a_passed_due_date_it_had(group, alice, deliverable):
    with on(DUE + timedelta(days=3)):
        deliverables.update_deliverable(
            deliverable.pk, title="Handbook", description="All chapters.", due_date=DUE,
            by=alice.user,
        )  # fmt: skip
    assert row(deliverable) == ("Handbook", "All chapters.", DUE, S.PLANNED)


def test_moves_forward_back_and_reopened_to_drafting(alice, deliverable):
    by = alice.user
    for state in (S.DRAFTING, S.PLANNED, S.IN_REVIEW, S.DRAFTING, S.DONE, S.DRAFTING, S.DONE):
        deliverables.move_deliverable(deliverable.pk, state, by=by)
        assert row(deliverable)[3] == state


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DONE, S.PLANNED),
        (S.DONE, S.IN_REVIEW),
        (S.PLANNED, S.PLANNED),
        (S.PLANNED, "archived"),
    ],
)
def test_moves_outside_the_transitions_are_refused(alice, deliverable, start, target):
    Deliverable.objects.filter(pk=deliverable.pk).update(state=start)
    with pytest.raises(IllegalTransition):
        deliverables.move_deliverable(deliverable.pk, target, by=alice.user)
    assert row(deliverable)[3] == start


def test_remove_deliverable_deletes_it(alice, deliverable):
    deliverables.remove_deliverable(deliverable.pk, by=alice.user)
    assert not Deliverable.objects.exists()


def test_a_closed_groups_deliverables_accept_no_change(group, officer, alice, deliverable):
    groups.close_group(group.pk, by=officer)
    before = row(deliverable)
    calls = [
        lambda: deliverables.add_deliverable(group.pk, title="X", due_date=DUE, by=alice.user),
        lambda: deliverables.update_deliverable(
            deliverable.pk, title="X", due_date=DUE, by=alice.user
        ),
        lambda: deliverables.move_deliverable(deliverable.pk, S.DONE, by=officer),
        lambda: deliverables.remove_deliverable(deliverable.pk, by=officer),
    ]
    for call in calls:
        with pytest.raises(IllegalTransition, match="closed"):
            call()
    assert row(deliverable) == before and Deliverable.objects.count() == 1


# --- Reminders -----------------------------------------------------------------------------------


def run_days(first: int, last: int, capture) -> list[int]:
    """Run the daily task on each day from DUE + first to DUE + last, twice a day (morning and
    evening); the days on which something was queued."""
    sent = []
    for day in range(first, last + 1):
        for hour in (7, 19):
            with on(DUE + timedelta(days=day), hour), capture(execute=True):
                if remind_deliverables():
                    sent.append(day)
    return sent


def test_reminders_before_the_day_after_and_weekly_while_overdue(
    deliverable, alice, django_capture_on_commit_callbacks
):
    sent = run_days(-10, 23, django_capture_on_commit_callbacks)
    assert sent == [-7, 1, 8, 15, 22]
    assert all(m.to == [alice.email] for m in mail.outbox)
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [
        "[ACE Portal] E-commerce risk indicators: “Risk indicators handbook” is due on 2027-04-01",
        *["[ACE Portal] E-commerce risk indicators: “Risk indicators handbook” is overdue"] * 4,
    ]
    soon, late = mail.outbox[0], mail.outbox[1]
    assert "As coordinator of the working group" in soon.body
    assert "It is now: Planned." in soon.body
    assert "was due on 2027-04-01, 1 day ago" in late.body
    assert "was due on 2027-04-01, 8 days ago" in mail.outbox[2].alternatives[0][0]
    assert "/working-groups/" in late.alternatives[0][0]


def test_the_reminders_days_come_from_the_settings(
    settings, deliverable, django_capture_on_commit_callbacks
):
    settings.DELIVERABLE_REMIND_DAYS_BEFORE = 2
    settings.DELIVERABLE_OVERDUE_EVERY_DAYS = 3
    assert run_days(-5, 8, django_capture_on_commit_callbacks) == [-2, 1, 4, 7]


def test_reminders_go_in_the_coordinators_language(
    deliverable, alice, django_capture_on_commit_callbacks
):
    alice.user.preferred_language = "fr"
    alice.user.save(update_fields=["preferred_language"])
    with on(DUE - timedelta(days=7)), django_capture_on_commit_callbacks(execute=True):
        assert remind_deliverables() == 1
    with translation.override("fr"):
        in_french = str(S.PLANNED.label)
    assert in_french != "Planned"
    assert Notification.objects.get(kind=DELIVERABLE_REMINDER).context["state"] == in_french
    assert mail.outbox[0].body.count(in_french) == 1


def test_no_reminder_once_done(alice, deliverable):
    deliverables.move_deliverable(deliverable.pk, S.DONE, by=alice.user)
    for day in (-7, 1, 8):
        with on(DUE + timedelta(days=day)):
            assert remind_deliverables() == 0
    assert not Notification.objects.filter(kind=DELIVERABLE_REMINDER).exists()


def test_no_reminder_for_a_closed_group(group, officer, deliverable):
    groups.close_group(group.pk, by=officer)
    for day in (-7, 1, 8):
        with on(DUE + timedelta(days=day)):
            assert remind_deliverables() == 0


def test_a_new_due_date_gives_new_reminders(alice, deliverable):
    with on(DUE - timedelta(days=7)):
        assert remind_deliverables() == 1
    later = DUE + timedelta(days=14)
    with on(DUE - timedelta(days=6)):
        deliverables.update_deliverable(
            deliverable.pk, title=deliverable.title, due_date=later, by=alice.user
        )
        assert remind_deliverables() == 0  # the new date is three weeks away
    with on(later - timedelta(days=7)):
        assert remind_deliverables() == 1
    reminded = Notification.objects.filter(kind=DELIVERABLE_REMINDER)
    assert sorted(n.context["due"] for n in reminded) == [DUE.isoformat(), later.isoformat()]


def test_a_day_missed_is_caught_up_once(deliverable):
    # The task did not run on the day after: two days later it sends the overdue reminder once.
    with on(DUE + timedelta(days=3)):
        assert remind_deliverables() == 1
        assert remind_deliverables() == 0
    with on(DUE + timedelta(days=7)):
        assert remind_deliverables() == 0
    with on(DUE + timedelta(days=8)):
        assert remind_deliverables() == 1


def test_a_deliverable_reopened_while_overdue_is_reminded_of_its_current_stage(alice, deliverable):
    deliverables.move_deliverable(deliverable.pk, S.DONE, by=alice.user)
    with on(DUE + timedelta(days=10)):
        deliverables.move_deliverable(deliverable.pk, S.DRAFTING, by=alice.user)
        assert remind_deliverables() == 1
    [notice] = Notification.objects.filter(kind=DELIVERABLE_REMINDER)
    assert notice.dedupe_key == f"materials.deliverable:{deliverable.pk}:2027-04-01:overdue-1"


def test_the_reminders_go_to_the_current_coordinator(
    group, officer, bob, deliverable, django_capture_on_commit_callbacks
):
    groups.set_coordinator(group.pk, bob, by=officer)
    mail.outbox.clear()
    with on(DUE + timedelta(days=1)), django_capture_on_commit_callbacks(execute=True):
        assert remind_deliverables() == 1
    assert [m.to for m in mail.outbox] == [[bob.email]]


def test_the_deliverables_reminder_is_scheduled_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="materials.remind_deliverables")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("8", "20")
