"""seed_demo's missions are consistent with the pool: every state, staffed by holders of the
position's accreditation, never of a beneficiary, never on two overlapping confirmed missions;
the demo expert has an invitation to answer; a second run keeps them."""

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import F

from experts.models import Accreditation, Expert
from missions.enums import (
    AssignmentState,
    InvitationState,
    MissionState,
    ReleaseState,
    ReportState,
)
from missions.models import Assignment, Evaluation, Invitation, Mission, MissionReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", experts=150, missions=80, seed=3, verbosity=0)


def test_the_demo_has_missions_in_every_state(seeded):
    states = set(Mission.objects.values_list("state", flat=True))
    assert states == set(MissionState)
    assert not Mission.objects.filter(positions__isnull=True).exists()
    assert Evaluation.objects.exists()
    assert Invitation.objects.filter(state=InvitationState.PENDING).exists()
    # A reported or closed mission has its accepted report, from its lead.
    done = Mission.objects.filter(state__in=[MissionState.REPORTED, MissionState.CLOSED])
    reported = MissionReport.objects.filter(mission__in=done, state=ReportState.ACCEPTED)
    assert reported.exists()
    for report in reported.select_related("mission"):
        lead = report.mission.positions.get(role="lead").assignments.get(state="confirmed")
        assert report.submitted_by_id == lead.expert.user_id


def test_seats_are_held_by_holders_free_and_not_of_a_beneficiary(seeded):
    seated = Assignment.objects.filter(state=AssignmentState.CONFIRMED).select_related(
        "position__mission"
    )
    assert seated.exists()
    assert not seated.filter(
        expert__home_administration__in=F("position__mission__beneficiaries")
    ).exists()
    for assignment in seated:
        position = assignment.position
        assert Accreditation.objects.filter(
            expert=assignment.expert_id,
            profile_type=position.profile_type_id,
            area=position.area_id,
        ).exists()
        assert assignment.release.state == ReleaseState.RELEASED
    busy = defaultdict(list)
    for assignment in seated.exclude(position__mission__state=MissionState.CANCELLED):
        mission = assignment.position.mission
        for start, end in busy[assignment.expert_id]:
            assert not (start < mission.end_date and end > mission.start_date)
        busy[assignment.expert_id].append((mission.start_date, mission.end_date))


def test_the_demo_expert_has_an_invitation_and_a_second_run_keeps_everything(seeded):
    demo = Expert.objects.get(user__email="expert@demo.ace-portal.example")
    [invitation] = demo.invitations.filter(state=InvitationState.PENDING)
    assert invitation.position.mission.state == MissionState.STAFFING
    missions = Mission.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Mission.objects.count() == missions
    assert demo.invitations.filter(state=InvitationState.PENDING).count() == 1


def test_the_demo_expert_has_a_confirmed_mission_being_prepared(seeded):
    demo = Expert.objects.get(user__email="expert@demo.ace-portal.example")
    [seat] = demo.assignments.select_related("position__mission", "release")
    assert seat.state == AssignmentState.CONFIRMED
    assert seat.release.state == ReleaseState.RELEASED
    mission = seat.position.mission
    assert mission.state == MissionState.CONFIRMED
    assert mission.documents.count() == 1
    assert seat.logistics.count() == 1
    call_command("seed_demo", verbosity=0)
    assert demo.assignments.count() == 1


def test_a_reset_rebuilds_the_missions(seeded):
    call_command("seed_demo", experts=60, missions=10, seed=4, reset=True, verbosity=0)
    # Ten seeded, and the demo expert's two: the one they are confirmed on, the one they are
    # invited to.
    assert Mission.objects.count() == 12
