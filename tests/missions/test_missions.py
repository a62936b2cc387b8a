"""Missions: yearly references, the state table, the history, and the daily task that follows
the dates (with time travel), as the missions issue and DOMAIN.md set them out."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, transaction

from experts.models import ThematicArea
from missions.enums import AssignmentState, MissionState, PositionRole
from missions.models import Assignment, Mission, MissionEvent
from missions.services import missions, positions
from missions.services.errors import IllegalTransition, MissionError
from missions.tasks import follow_dates
from tests.factories import ExpertFactory

S = MissionState
pytestmark = pytest.mark.django_db

# Written out from the issue, independently of missions.services.missions.TRANSITIONS.
EXPECTED = {
    (S.DRAFT, S.PLANNED),
    (S.PLANNED, S.STAFFING),
    (S.STAFFING, S.CONFIRMED),
    (S.CONFIRMED, S.IN_PROGRESS),
    (S.IN_PROGRESS, S.DELIVERED),
    (S.DELIVERED, S.REPORTED),
    (S.REPORTED, S.CLOSED),
    (S.DRAFT, S.CANCELLED),
    (S.PLANNED, S.CANCELLED),
    (S.STAFFING, S.CANCELLED),
    (S.CONFIRMED, S.CANCELLED),
    (S.IN_PROGRESS, S.CANCELLED),
}
MOVES = {
    S.PLANNED: lambda pk, by: missions.plan(pk, by=by),
    S.STAFFING: lambda pk, by: missions.open_staffing(pk, by=by),
    S.CONFIRMED: lambda pk, by: missions.confirm(pk, by=by),
    S.IN_PROGRESS: lambda pk, by: missions.start(pk, by=by),
    S.DELIVERED: lambda pk, by: missions.deliver(pk, by=by),
    S.REPORTED: lambda pk, by: missions.report(pk, by=by),
    S.CLOSED: lambda pk, by: missions.close(pk, by=by),
    S.CANCELLED: lambda pk, by: missions.cancel(pk, by=by, reason="Funding withdrawn."),
}


def with_position(mission, toa):
    return positions.add_position(
        mission.pk,
        role=PositionRole.LEAD,
        profile_type=toa,
        area=mission.thematic_area,
        by=mission.officer,
    )


def seat_confirmed(position):
    """The seat filled and released (the staffing tests walk the real path there)."""
    Assignment.objects.create(
        position=position, expert=ExpertFactory(), state=AssignmentState.CONFIRMED
    )


def in_state(make_mission, toa, state):
    """A mission brought to ``state`` by the legal path."""
    mission = make_mission()
    position = with_position(mission, toa)
    path = [S.PLANNED, S.STAFFING, S.CONFIRMED, S.IN_PROGRESS, S.DELIVERED, S.REPORTED, S.CLOSED]
    if state == S.CANCELLED:
        return missions.cancel(mission.pk, by=mission.officer, reason="Postponed sine die.")
    for step in path[: path.index(state) + 1] if state != S.DRAFT else []:
        if step == S.CONFIRMED:
            seat_confirmed(position)
        MOVES[step](mission.pk, mission.officer)
    mission.refresh_from_db()
    assert mission.state == state
    return mission


def test_the_state_table_is_the_issues(make_mission):
    assert set(missions.TRANSITIONS) == EXPECTED


@pytest.mark.parametrize("from_state", list(S))
@pytest.mark.parametrize("to_state", [s for s in S if s != S.DRAFT])  # nothing goes back
def test_every_move_is_allowed_or_refused_as_the_table_says(
    make_mission, toa, officer, from_state, to_state
):
    mission = in_state(make_mission, toa, from_state)
    events = mission.events.count()
    if (from_state, to_state) in EXPECTED:
        if to_state == S.CONFIRMED:
            seat_confirmed(mission.positions.get())
        moved = MOVES[to_state](mission.pk, officer)
        assert moved.state == to_state
        event = mission.events.last()
        assert (event.from_state, event.to_state, event.by) == (from_state, to_state, officer)
        assert mission.events.count() == events + 1
    else:
        with pytest.raises(IllegalTransition):
            MOVES[to_state](mission.pk, officer)
        mission.refresh_from_db()
        assert mission.state == from_state and mission.events.count() == events


def test_a_mission_gets_the_next_reference_of_the_year(make_mission):
    with time_machine.travel(date(2027, 1, 5)):
        first, second = make_mission(), make_mission()
    with time_machine.travel(date(2028, 1, 2)):
        next_year = make_mission()
    assert (first.reference, second.reference, next_year.reference) == (
        "2027-001",
        "2027-002",
        "2028-001",
    )


def test_creation_is_recorded_in_the_history(make_mission, officer):
    mission = make_mission()
    [event] = mission.events.all()
    assert (event.action, event.from_state, event.to_state, event.by) == (
        "create",
        "",
        S.DRAFT,
        officer,
    )


def test_a_mission_that_ends_before_it_starts_is_refused(make_mission):
    with pytest.raises(MissionError, match="cannot end before it starts"):
        make_mission(start_date=date(2027, 3, 8), end_date=date(2027, 3, 7))
    assert not Mission.objects.exists()


def test_a_mission_needs_a_beneficiary(make_mission):
    with pytest.raises(MissionError, match="beneficiary"):
        make_mission(beneficiaries=[])
    assert not Mission.objects.exists()


def test_a_one_day_mission_lasts_a_day(make_mission):
    mission = make_mission(start_date=date(2027, 3, 8), end_date=date(2027, 3, 8))
    assert mission.days == 1


def test_cancelling_needs_a_reason_and_keeps_it(make_mission, officer):
    mission = make_mission()
    with pytest.raises(MissionError, match="Say why"):
        missions.cancel(mission.pk, by=officer, reason="  ")
    mission.refresh_from_db()
    assert mission.state == S.DRAFT
    cancelled = missions.cancel(mission.pk, by=officer, reason="The beneficiary postponed it.")
    assert cancelled.cancel_reason == "The beneficiary postponed it."
    assert cancelled.events.last().note == "The beneficiary postponed it."


def test_staffing_needs_a_position(make_mission, officer):
    mission = make_mission()
    missions.plan(mission.pk, by=officer)
    with pytest.raises(MissionError, match="at least one position"):
        missions.open_staffing(mission.pk, by=officer)
    mission.refresh_from_db()
    assert mission.state == S.PLANNED


def test_positions_change_only_while_the_mission_is_prepared(make_mission, toa, officer):
    mission = in_state(make_mission, toa, S.CONFIRMED)
    with pytest.raises(MissionError, match="can no longer change"):
        with_position(mission, toa)
    with pytest.raises(MissionError, match="can no longer change"):
        positions.remove_position(mission.positions.get().pk, by=officer)
    assert mission.positions.count() == 1


@pytest.mark.parametrize("seats", [0, 21])
def test_a_position_has_from_one_to_twenty_seats(make_mission, toa, officer, seats):
    mission = make_mission()
    with pytest.raises(MissionError, match="from 1 to 20 seats"):
        positions.add_position(
            mission.pk,
            role=PositionRole.LEAD,
            profile_type=toa,
            area=ThematicArea.objects.get(code="transit"),
            seats=seats,
            by=officer,
        )
    assert not mission.positions.exists()


def test_a_language_comes_with_its_level(make_mission, toa, officer):
    mission = make_mission()
    with pytest.raises(MissionError, match="both the required language and its minimum level"):
        positions.add_position(
            mission.pk,
            role=PositionRole.LEAD,
            profile_type=toa,
            area=mission.thematic_area,
            language=mission.working_languages.get(),
            by=officer,
        )
    assert not mission.positions.exists()


def test_the_history_cannot_be_rewritten_on_postgresql(make_mission):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    mission = make_mission()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        MissionEvent.objects.filter(mission=mission).update(note="rewritten")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        MissionEvent.objects.filter(mission=mission).delete()


# --- The dates ------------------------------------------------------------------------------


def test_missions_follow_their_dates_by_the_daily_task(make_mission, toa):
    mission = in_state(make_mission, toa, S.CONFIRMED)  # 8 to 12 March 2027
    with time_machine.travel(date(2027, 3, 7)):
        assert follow_dates() == 0
    with time_machine.travel(date(2027, 3, 8)):
        assert follow_dates() == 1
        assert follow_dates() == 0  # idempotent
    mission.refresh_from_db()
    assert mission.state == S.IN_PROGRESS
    with time_machine.travel(date(2027, 3, 12)):
        assert follow_dates() == 0  # the last day is still a mission day
    with time_machine.travel(date(2027, 3, 13)):
        assert follow_dates() == 1
        assert follow_dates() == 0
    mission.refresh_from_db()
    assert mission.state == S.DELIVERED
    system = list(mission.events.filter(by=None).values_list("action", flat=True))
    assert system == ["start", "deliver"]


def test_a_mission_confirmed_after_its_end_starts_and_is_delivered_in_one_run(make_mission, toa):
    mission = in_state(make_mission, toa, S.CONFIRMED)
    assert missions.follow_dates(today=date(2027, 4, 1)) == 2
    mission.refresh_from_db()
    assert mission.state == S.DELIVERED


def test_the_daily_task_leaves_other_states_alone(make_mission, toa):
    planned = in_state(make_mission, toa, S.PLANNED)
    cancelled = in_state(make_mission, toa, S.CANCELLED)
    assert missions.follow_dates(today=date(2027, 4, 1)) == 0
    planned.refresh_from_db()
    cancelled.refresh_from_db()
    assert (planned.state, cancelled.state) == (S.PLANNED, S.CANCELLED)


def test_the_daily_task_is_scheduled_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="missions.follow_dates")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("0", "5")


# --- Races, each with two real database connections -------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_missions_created_at_once_get_two_references(make_mission):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    references, errors = [], []
    barrier = threading.Barrier(2)

    def create():
        try:
            barrier.wait()
            references.append(make_mission().reference)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    with time_machine.travel(date(2027, 6, 1)):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert sorted(references) == ["2027-001", "2027-002"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_officer_and_the_daily_task_at_once_move_a_mission_once(make_mission, toa, officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    mission = in_state(make_mission, toa, S.CONFIRMED)
    results, barrier = [], threading.Barrier(2)

    def by_hand():
        try:
            barrier.wait()
            missions.start(mission.pk, by=officer)
            results.append("hand")
        except IllegalTransition:
            results.append("refused")
        finally:
            connection.close()

    def by_task():
        try:
            barrier.wait()
            results.append(f"task:{missions.follow_dates(today=date(2027, 3, 8))}")
        finally:
            connection.close()

    threads = [threading.Thread(target=by_hand), threading.Thread(target=by_task)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) in (["hand", "task:0"], ["refused", "task:1"])
    assert mission.events.filter(action="start").count() == 1
