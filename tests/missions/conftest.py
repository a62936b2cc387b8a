from datetime import date

import pytest
import time_machine

from experts.models import Language, MemberAdministration, ProfileType, ThematicArea
from missions.enums import Delivery, MissionType, PositionRole
from missions.services import missions, positions
from tests.conftest import sign_in
from tests.missions.staffing import NOW, accredited


@pytest.fixture
def ghana(db):
    return MemberAdministration.objects.get(iso_code="GH")


@pytest.fixture
def make_mission(officer, ghana):
    """A mission in draft; keyword arguments override its fields."""

    def make(**fields):
        values = {
            "title": "Risk management diagnostic",
            "mission_type": MissionType.DIAGNOSTIC,
            "thematic_area": ThematicArea.objects.get(code="risk-management"),
            "beneficiaries": [ghana],
            "region": ghana.region,
            "start_date": date(2027, 3, 8),
            "end_date": date(2027, 3, 12),
            "working_languages": [Language.objects.get(code="en")],
            "officer": officer,
            "by": officer,
        } | fields
        return missions.create_mission(**values)

    return make


@pytest.fixture
def toa(db):
    return ProfileType.objects.get(code="TOA")


@pytest.fixture
def staffing(make_mission, officer, toa):
    """A virtual mission in Ghana being staffed, with one lead seat and the cascade on."""
    mission = make_mission(delivery=Delivery.VIRTUAL)
    position = positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    position.cascade = True
    position.save()
    missions.plan(mission.pk, by=officer)
    missions.open_staffing(mission.pk, by=officer)
    position.refresh_from_db()
    return position


@pytest.fixture
def pool(staffing, toa):
    return {name: accredited(name, iso, toa) for name, iso in [("Amani", "KE"), ("Bello", "SN")]}


@pytest.fixture
def at_now():
    """Time stands still at staffing.NOW (1 February 2027), a month before the test missions.
    Modules that need it ask for it with ``pytest.mark.usefixtures("at_now")``."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client
