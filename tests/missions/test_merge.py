"""A merge of two expert records carries the merged record's invitations and assignments."""

import pytest
from django.utils import timezone

from missions.enums import PositionRole
from missions.models import Assignment, Invitation
from missions.services import positions
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


def test_a_merge_moves_invitations_and_assignments_to_the_survivor(make_mission, officer, toa):
    from experts.services.merge import merge_experts

    mission = make_mission()
    position = positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    survivor, other = ExpertFactory(), ExpertFactory()
    invitation = Invitation.objects.create(position=position, expert=other, deadline=timezone.now())
    assignment = Assignment.objects.create(position=position, expert=other, invitation=invitation)
    merge_experts(survivor, other, choices={}, by=officer)
    invitation.refresh_from_db()
    assignment.refresh_from_db()
    assert invitation.expert == survivor and assignment.expert == survivor
