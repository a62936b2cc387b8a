"""Matching on a small hand-built pool: each hard rule excludes exactly whom it should, with its
reason, and the soft criteria give the exact points and ranking the README documents."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from experts.enums import AccreditationPhase, AccreditationState, Proficiency
from experts.models import (
    Accreditation,
    ExpertLanguage,
    Language,
    MemberAdministration,
    ProfileType,
    ThematicArea,
    UnavailablePeriod,
)
from missions.enums import AssignmentState, Delivery, InvitationState, MissionState, PositionRole
from missions.models import Assignment, Evaluation, Invitation, Mission
from missions.services import matching, positions
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 2, 1)
GOOD_PASSPORT = date(2030, 1, 1)


def member(iso):
    return MemberAdministration.objects.get(iso_code=iso)


@pytest.fixture
def position(make_mission, officer, toa):
    """A lead expert for an in-person mission in Ghana, 8-12 March 2027, French at B2 or more."""
    mission = make_mission(delivery=Delivery.IN_PERSON)
    return positions.add_position(
        mission.pk,
        role=PositionRole.LEAD,
        profile_type=toa,
        area=mission.thematic_area,
        language=Language.objects.get(code="fr"),
        minimum_level=Proficiency.B2,
        by=officer,
    )


def expert(
    name,
    iso="KE",
    *,
    state=AccreditationState.ACCREDITED,
    french=Proficiency.C1,
    passport=GOOD_PASSPORT,
    profile="TOA",
    area="risk-management",
):
    person = ExpertFactory(
        family_name=name, home_administration=member(iso), passport_expiry=passport
    )
    if state is not None:
        Accreditation.objects.create(
            expert=person,
            profile_type=ProfileType.objects.get(code=profile),
            area=ThematicArea.objects.get(code=area),
            state=state,
            phase=AccreditationPhase.COMPLETE,
            valid_until=date(2029, 1, 1),
        )
    if french is not None:
        ExpertLanguage.objects.create(
            expert=person, language=Language.objects.get(code="fr"), proficiency=french
        )
    return person


def seat(person, mission, state=AssignmentState.CONFIRMED):
    return Assignment.objects.create(position=mission.positions.first(), expert=person, state=state)


def past_mission(make_mission, start, end, state=MissionState.DELIVERED):
    """Another mission with one position, put in ``state`` directly (its history is not the
    point here)."""
    mission = make_mission(start_date=start, end_date=end)
    positions.add_position(
        mission.pk,
        role=PositionRole.CO_FACILITATOR,
        profile_type=ProfileType.objects.get(code="TOA"),
        area=mission.thematic_area,
        by=mission.officer,
    )
    Mission.objects.filter(pk=mission.pk).update(state=state)
    mission.refresh_from_db()
    return mission


@pytest.fixture
def pool(position, make_mission, officer):
    """The cast: two candidates to rank, one excluded for each rule, two who are fine."""
    people = {
        "amani": expert("Amani"),  # Kenya (ESA), French C1, never deployed
        "bello": expert("Bello", "SN", french=Proficiency.NATIVE),  # Senegal (WCA), evaluated
        "chege": expert("Chege"),  # a Kenyan seated on the mission: Kenya spread is taken
        "pre": expert("Pre", state=AccreditationState.PRE_ACCREDITED),
        "suspended": expert("Suspended", state=AccreditationState.SUSPENDED),
        "b1": expert("Beeone", french=Proficiency.B1),
        "mute": expert("Mute", french=None),
        "away": expert("Away"),
        "touching_leave": expert("Touchingleave"),
        "busy": expert("Busy"),
        "touching_mission": expert("Touchingmission"),
        "ghana": expert("Ghanaian", "GH"),
        "passport": expert("Passport", passport=date(2027, 6, 1)),
        "nopassport": expert("Nopassport", passport=None),
        "invited": expert("Invited"),
        "other_area": expert("Otherarea", area="transit"),
    }
    # Bello delivered a mission that ended on 15 December 2026, evaluated 4.6 on average.
    before = past_mission(make_mission, date(2026, 12, 10), date(2026, 12, 15))
    Evaluation.objects.create(
        assignment=seat(people["bello"], before),
        technical_knowledge=5,
        facilitation=5,
        use_of_wco_tools=4,
        communication=5,
        teamwork=4,
        evaluated_by=officer,
    )
    seat(people["chege"], position.mission, AssignmentState.AWAITING_RELEASE)
    UnavailablePeriod.objects.create(
        expert=people["away"], start_date=date(2027, 3, 10), end_date=date(2027, 3, 20)
    )
    # Ends the day the mission starts: touching, not overlapping.
    UnavailablePeriod.objects.create(
        expert=people["touching_leave"], start_date=date(2027, 3, 1), end_date=date(2027, 3, 8)
    )
    seat(people["busy"], past_mission(make_mission, date(2027, 3, 11), date(2027, 3, 15)))
    later = past_mission(make_mission, date(2027, 3, 12), date(2027, 3, 16), MissionState.CONFIRMED)
    seat(people["touching_mission"], later)
    Invitation.objects.create(
        position=position,
        expert=people["invited"],
        deadline=timezone.now(),
        state=InvitationState.PENDING,
    )
    return people


def test_each_hard_rule_excludes_whom_it_should(position, pool):
    result = matching.match(position, today=TODAY)
    rules = {c.name.split(",")[0]: c.rules for c in result.excluded(result.excluded_ids())}
    assert rules == {
        "Pre": [matching.ACCREDITATION],
        "Suspended": [matching.STANDING],
        "Beeone": [matching.LANGUAGE],
        "Mute": [matching.LANGUAGE],
        "Away": [matching.UNAVAILABLE],
        "Busy": [matching.BUSY],
        "Ghanaian": [matching.CONFLICT],
        "Passport": [matching.PASSPORT],
        "Nopassport": [matching.PASSPORT],
        "Chege": [matching.ON_MISSION],
        "Invited": [matching.ON_MISSION],
    }
    # Everyone else of the pool holds nothing in this profile and area (Otherarea included).
    others = result.without_accreditation
    assert others >= 1
    assert result.counts == {
        matching.ACCREDITATION: 1 + others,
        matching.STANDING: 1,
        matching.LANGUAGE: 2,
        matching.UNAVAILABLE: 1,
        matching.BUSY: 1,
        matching.CONFLICT: 1,
        matching.PASSPORT: 2,
        matching.ON_MISSION: 2,
    }


def test_candidates_are_ranked_with_their_points(position, pool):
    result = matching.match(position, today=TODAY)
    ranked = [(c.name.split(",")[0], c.total, c.points) for c in result.candidates]
    # Weights: rotation 30, evaluation 25, language 10, region 10, spread 10, recency 15.
    never = {"rotation": 30.0, "evaluation": 12.5, "region": 0.0, "recency": 15.0}
    kenyan = never | {"language": 5.0, "spread": 0.0}  # C1 for B2; Chege holds Kenya's seat
    assert ranked == [
        # One mission in 12 months (22.5), average 4.6 (22.5), native for B2 (10), same region
        # as Ghana (10), first Senegalese (10), last mission 48 days ago (48/365 x 15 = 2.0).
        (
            "Bello",
            77.0,
            {
                "rotation": 22.5,
                "evaluation": 22.5,
                "language": 10.0,
                "region": 10.0,
                "spread": 10.0,
                "recency": 2.0,
            },
        ),
        ("Amani", 62.5, kenyan),
        ("Touchingleave", 62.5, kenyan),
        ("Touchingmission", 62.5, kenyan),
    ]


def test_the_field_evaluation_seat_takes_only_the_pre_accredited(make_mission, officer, toa, pool):
    mission = make_mission(delivery=Delivery.VIRTUAL)
    seat_for = positions.add_position(
        mission.pk,
        role=PositionRole.FIELD_EVALUATION,
        profile_type=toa,
        area=mission.thematic_area,
        by=officer,
    )
    result = matching.match(seat_for, today=TODAY)
    assert [c.name.split(",")[0] for c in result.candidates] == ["Pre"]
    amani = next(c for c in result.excluded(result.excluded_ids()) if c.name.startswith("Amani"))
    assert amani.rules == [matching.ACCREDITATION]


def test_a_virtual_mission_needs_no_passport(make_mission, officer, toa, pool):
    mission = make_mission(delivery=Delivery.VIRTUAL)
    seat_for = positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    names = {c.name.split(",")[0] for c in matching.match(seat_for, today=TODAY).candidates}
    assert {"Passport", "Nopassport", "Beeone", "Mute"} <= names  # no language asked either


def test_someone_from_the_directory_is_assessed_with_warnings(position, pool):
    ghana = matching.assess(position, pool["ghana"], today=TODAY)
    assert ghana.rules == [matching.CONFLICT]
    outsider = matching.assess(position, pool["other_area"], today=TODAY)
    assert outsider.rules == [matching.ACCREDITATION]
    assert matching.assess(position, pool["amani"], today=TODAY).rules == []


def test_a_cancelled_mission_does_not_make_anyone_busy(position, pool, make_mission):
    cancelled = past_mission(
        make_mission, date(2027, 3, 9), date(2027, 3, 10), MissionState.CANCELLED
    )
    seat(pool["amani"], cancelled)
    assert matching.assess(position, pool["amani"], today=TODAY).rules == []


@pytest.mark.parametrize("extra", [0, 30])
def test_matching_costs_the_same_queries_whatever_the_pool(position, pool, extra):
    for index in range(extra):
        expert(f"Extra{index}")
    with CaptureQueriesContext(connection) as queries:
        result = matching.match(position, today=TODAY)
    assert len(result.candidates) == 4 + extra
    # The position, the verdicts, the pool's size, the ranked; PostgreSQL keeps plans serial.
    assert len(queries) == 4 + (connection.vendor == "postgresql")


def test_an_older_accreditation_of_the_pair_neither_doubles_nor_excludes_an_expert(position, pool):
    # The partial unique constraint allows a withdrawn accreditation beside the live one.
    amani = pool["amani"]
    live = amani.accreditations.get()
    Accreditation.objects.create(
        expert=amani,
        profile_type=live.profile_type,
        area=live.area,
        state=AccreditationState.WITHDRAWN,
        phase=AccreditationPhase.COMPLETE,
        valid_until=date(2025, 1, 1),
    )
    result = matching.match(position, today=TODAY)
    names = [c.name.split(",")[0] for c in result.candidates]
    assert names.count("Amani") == 1
    assert result.counts[matching.STANDING] == 1  # still only Suspended
    assert matching.assess(position, amani, today=TODAY).rules == []
    # Withdrawn alone is out of standing, not "nothing held".
    live.delete()
    assert matching.assess(position, amani, today=TODAY).rules == [matching.STANDING]
