"""Requests from Member administrations: recorded, accepted into a mission, or declined."""

from datetime import date

import pytest

from experts.models import Language, ThematicArea
from missions.enums import MissionState, MissionType, RequestState
from missions.models import AssistanceRequest, Mission
from missions.services import requests
from missions.services.errors import MissionError
from missions.services.requests import RequestAlreadyDecided

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(officer, ghana):
    return requests.record_request(
        requesting_administration=ghana,
        thematic_area=ThematicArea.objects.get(code="transit"),
        mission_type=MissionType.NATIONAL_WORKSHOP,
        working_language=Language.objects.get(code="fr"),
        justification="  A national workshop on transit for 25 officers.  ",
        preferred_start=date(2027, 5, 3),
        preferred_end=date(2027, 5, 7),
        by=officer,
    )


def test_a_recorded_request_waits(waiting, officer):
    assert waiting.state == RequestState.WAITING
    assert waiting.justification == "A national workshop on transit for 25 officers."
    assert waiting.created_by == officer and waiting.mission is None


def test_a_request_with_its_dates_reversed_is_refused(officer, ghana):
    with pytest.raises(MissionError, match="preferred end cannot be before"):
        requests.record_request(
            requesting_administration=ghana,
            thematic_area=ThematicArea.objects.get(code="transit"),
            mission_type=MissionType.DIAGNOSTIC,
            working_language=Language.objects.get(code="en"),
            justification="Diagnostic.",
            preferred_start=date(2027, 5, 7),
            preferred_end=date(2027, 5, 3),
            by=officer,
        )
    assert not AssistanceRequest.objects.exists()


def test_accepting_makes_a_draft_mission_for_the_administration(waiting, officer, ghana):
    mission = requests.accept_request(
        waiting.pk,
        by=officer,
        title="National transit workshop",
        start_date=date(2027, 5, 3),
        end_date=date(2027, 5, 7),
        officer=officer,
        location="Accra",
    )
    waiting.refresh_from_db()
    assert (waiting.state, waiting.mission, waiting.decided_by) == (
        RequestState.ACCEPTED,
        mission,
        officer,
    )
    assert mission.state == MissionState.DRAFT
    assert list(mission.beneficiaries.all()) == [ghana]
    assert (mission.region, mission.thematic_area.code, mission.mission_type) == (
        ghana.region,
        "transit",
        MissionType.NATIONAL_WORKSHOP,
    )
    assert [language.code for language in mission.working_languages.all()] == ["fr"]
    assert mission.location == "Accra" and mission.request == waiting


def test_a_request_is_decided_once(waiting, officer):
    requests.decline_request(waiting.pk, by=officer, reason="Covered by the regional workshop.")
    with pytest.raises(RequestAlreadyDecided, match="already Declined"):
        requests.accept_request(
            waiting.pk,
            by=officer,
            title="Too late",
            start_date=date(2027, 5, 3),
            end_date=date(2027, 5, 7),
            officer=officer,
        )
    assert not Mission.objects.exists()
    waiting.refresh_from_db()
    assert waiting.decision_reason == "Covered by the regional workshop."


def test_declining_needs_a_reason(waiting, officer):
    with pytest.raises(MissionError, match="Say why"):
        requests.decline_request(waiting.pk, by=officer, reason="")
    waiting.refresh_from_db()
    assert waiting.state == RequestState.WAITING


def test_an_accepted_request_with_bad_dates_stays_waiting(waiting, officer):
    with pytest.raises(MissionError, match="cannot end before it starts"):
        requests.accept_request(
            waiting.pk,
            by=officer,
            title="Reversed",
            start_date=date(2027, 5, 7),
            end_date=date(2027, 5, 3),
            officer=officer,
        )
    waiting.refresh_from_db()
    assert waiting.state == RequestState.WAITING and not Mission.objects.exists()
