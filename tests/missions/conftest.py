from datetime import date

import pytest

from experts.models import Language, MemberAdministration, ProfileType, ThematicArea
from missions.enums import MissionType
from missions.services import missions


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
