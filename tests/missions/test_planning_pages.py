"""The officer plans a mission in the portal: creates it, adds its positions, moves it from
state to state; every refusal comes with a message and changes nothing."""

import pytest
from django.urls import reverse

from experts.models import Language, MemberAdministration, ProfileType, ThematicArea
from missions.models import Mission, Position

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def mission_data(**overrides):
    ghana = MemberAdministration.objects.get(iso_code="GH")
    return {
        "title": "Post-clearance audit advisory",
        "mission_type": "expert_advisory",
        "thematic_area": ThematicArea.objects.get(code="risk-management").pk,
        "beneficiaries": [ghana.pk],
        "region": ghana.region.pk,
        "delivery": "in_person",
        "location": "Accra",
        "start_date": "2027-05-10",
        "end_date": "2027-05-14",
        "working_languages": [Language.objects.get(code="en").pk],
        "officer": overrides.pop("officer"),
        "terms_of_reference": "Review the audit manual.",
    } | overrides


def position_data(**overrides):
    return {
        "role": "lead",
        "profile_type": ProfileType.objects.get(code="TOA").pk,
        "area": ThematicArea.objects.get(code="risk-management").pk,
        "seats": "1",
        "cascade": "on",
    } | overrides


def test_the_officer_creates_a_mission_and_adds_a_position(officer_client, officer):
    response = officer_client.post(
        reverse("missions:create"), mission_data(officer=officer.pk), follow=True
    )
    assert "Mission 2027-001 created." in response.text
    mission = Mission.objects.get()
    assert (mission.reference, mission.state, mission.location) == ("2027-001", "draft", "Accra")
    assert list(mission.beneficiaries.values_list("iso_code", flat=True)) == ["GH"]
    added = officer_client.post(
        reverse("missions:add_position", args=[mission.reference]), position_data(), follow=True
    )
    assert "Position added." in added.text
    position = Position.objects.get()
    assert (position.role, position.seats, position.cascade) == ("lead", 1, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "2027-05-01"}, "A mission cannot end before it starts."),
        ({"beneficiaries": []}, "This field is required."),
        ({"start_date": "next week"}, "Enter a valid date."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_mission_is_refused_with_a_message(officer_client, officer, overrides, message):
    response = officer_client.post(
        reverse("missions:create"), mission_data(officer=officer.pk, **overrides)
    )
    assert response.status_code == 200 and message in response.text
    assert not Mission.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"language": "en"}, "Give both the required language and its minimum level, or neither."),
        ({"seats": "0"}, "From 1 to 20 seats."),
        ({"seats": "21"}, "From 1 to 20 seats."),
        ({"role": "chief"}, "Select a valid choice."),
    ],
)
def test_a_bad_position_is_refused_with_a_message(officer_client, make_mission, overrides, message):
    mission = make_mission()
    if overrides.get("language"):
        overrides["language"] = Language.objects.get(code="en").pk
    response = officer_client.post(
        reverse("missions:add_position", args=[mission.reference]), position_data(**overrides)
    )
    assert response.status_code == 200 and message in response.text
    assert not Position.objects.exists()


def test_the_mission_moves_by_its_buttons_and_refuses_what_it_cannot_do(
    officer_client, make_mission
):
    mission = make_mission()
    url = reverse("missions:move", args=[mission.reference])
    page = officer_client.get(reverse("missions:detail", args=[mission.reference]))
    assert "Mark as planned" in page.text and "Open staffing" not in page.text
    illegal = officer_client.post(url, {"action": "close"}, follow=True)
    assert "This mission cannot make that move now." in illegal.text
    planned = officer_client.post(url, {"action": "plan"}, follow=True)
    assert "The mission is now planned." in planned.text
    refused = officer_client.post(url, {"action": "open_staffing"}, follow=True)
    assert "Add at least one position before staffing the mission." in refused.text
    mission.refresh_from_db()
    assert mission.state == "planned"
    no_reason = officer_client.post(url, {"action": "cancel", "note": " "}, follow=True)
    assert "Say why the mission is cancelled." in no_reason.text
    officer_client.post(url, {"action": "cancel", "note": "The request was withdrawn."})
    mission.refresh_from_db()
    assert (mission.state, mission.cancel_reason) == ("cancelled", "The request was withdrawn.")
    assert [e.action for e in mission.events.all()] == ["create", "plan", "cancel"]


def test_positions_no_longer_change_once_the_mission_is_confirmed(
    officer_client, make_mission, officer
):
    mission = make_mission()
    Mission.objects.filter(pk=mission.pk).update(state="confirmed")
    page = officer_client.get(reverse("missions:detail", args=[mission.reference]))
    assert "Add a position" not in page.text
    response = officer_client.post(
        reverse("missions:add_position", args=[mission.reference]), position_data(), follow=True
    )
    assert "Positions can no longer change: the mission is Confirmed." in response.text
    assert not Position.objects.exists()
