"""The Secretariat's mission list (filters, pages) and a mission's page (positions, seats,
invitations, releases, history), each in a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import MemberAdministration, ThematicArea
from missions.enums import Delivery, MissionType, PositionRole
from missions.models import FundingSource
from missions.services import invitations, missions, positions
from tests.missions.staffing import accredited, invite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def listed(response) -> list[str]:
    return [m.reference for m in response.context["page"].object_list]


def test_the_list_filters_by_each_criterion(officer_client, make_mission, officer):
    kenya = MemberAdministration.objects.get(iso_code="KE")
    ccf = FundingSource.objects.first()
    diagnostic = make_mission()
    workshop = make_mission(
        title="AEO national workshop",
        mission_type=MissionType.NATIONAL_WORKSHOP,
        thematic_area=ThematicArea.objects.get(code="aeo-safe"),
        beneficiaries=[kenya],
        region=kenya.region,
        start_date=date(2027, 6, 1),
        end_date=date(2027, 6, 4),
        funding_source=ccf,
    )
    missions.plan(workshop.pk, by=officer)
    url = reverse("missions:list")
    assert listed(officer_client.get(url)) == [workshop.reference, diagnostic.reference]
    cases = {
        "state=planned": [workshop.reference],
        f"area={diagnostic.thematic_area.pk}": [diagnostic.reference],
        f"region={kenya.region.pk}": [workshop.reference],
        "mission_type=diagnostic": [diagnostic.reference],
        f"officer={officer.pk}": [workshop.reference, diagnostic.reference],
        f"funding_source={ccf.pk}": [workshop.reference],
        "start_after=2027-04-01": [workshop.reference],
        "end_before=2027-03-10": [diagnostic.reference],
        # Partly within the dates counts: 8-12 March overlaps 12 March-1 May.
        "start_after=2027-03-12&end_before=2027-05-01": [diagnostic.reference],
    }
    for query, expected in cases.items():
        assert listed(officer_client.get(f"{url}?{query}")) == expected, query


def test_a_bad_filter_says_so_and_lists_everything(officer_client, make_mission):
    make_mission()
    response = officer_client.get(
        reverse("missions:list") + "?start_after=2027-05-01&end_before=2027-04-01&state=nope"
    )
    assert response.status_code == 200
    assert "This date is before the first one." in response.text
    assert "Select a valid choice." in response.text
    assert len(listed(response)) == 1


def test_a_missions_page_shows_its_seats_invitations_release_and_history(
    officer_client, make_mission, officer, toa, kenya_contacts
):
    mission = make_mission(delivery=Delivery.VIRTUAL)
    position = positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    missions.plan(mission.pk, by=officer)
    missions.open_staffing(mission.pk, by=officer)
    amani = accredited("Amani", "KE", toa)
    bello = accredited("Bello", "SN", toa)
    position.refresh_from_db()
    invitations.accept(invite(position, amani, officer).pk, by=amani.user)
    invitations.decline(invite(position, bello, officer).pk, by=bello.user, reason="On leave.")
    page = officer_client.get(reverse("missions:detail", args=[mission.reference]))
    assert page.status_code == 200
    text = page.text
    for expected in (
        "Ana Amani",
        "Waiting for the release",
        "Waiting for the administration",
        "Declined: On leave.",
        "Draft → Planned",
        "Planned → Staffing",
    ):
        assert expected in text, expected
    release = amani.assignments.get().release
    assert reverse("missions:release_record", args=[release.pk]) in text


@pytest.fixture
def kenya_contacts(db):
    kenya = MemberAdministration.objects.get(iso_code="KE")
    kenya.release_contacts = "hr@kra.example"
    kenya.save()


def _seed(make_mission, officer, toa, count):
    made = []
    for n in range(count):
        start = date(2027, 3, 1) + timedelta(days=n)
        mission = make_mission(
            title=f"Mission {n}",
            delivery=Delivery.VIRTUAL,
            start_date=start,
            end_date=start + timedelta(days=2),
        )
        for role in (PositionRole.LEAD, PositionRole.CO_FACILITATOR):
            positions.add_position(
                mission.pk, role=role, profile_type=toa, area=mission.thematic_area, by=officer
            )
        missions.plan(mission.pk, by=officer)
        made.append(mission)
    return made


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_many_missions(
    officer_client, make_mission, officer, toa
):
    _seed(make_mission, officer, toa, 2)
    url = reverse("missions:list")
    _queries(officer_client, url)  # warm the session and the reference caches
    few = _queries(officer_client, url)
    _seed(make_mission, officer, toa, 20)
    assert _queries(officer_client, url) == few


def test_a_page_takes_as_many_queries_for_a_busy_mission(
    officer_client, make_mission, officer, toa, kenya_contacts
):
    quiet, busy = _seed(make_mission, officer, toa, 2)
    missions.open_staffing(busy.pk, by=officer)
    lead, co = busy.positions.order_by("pk")
    people = [accredited(name, "KE", toa) for name in ("Amani", "Baraka", "Chege", "Doto")]
    for person in people[:2]:
        invite(lead, person, officer)
    for person in people[2:]:
        invite(co, person, officer)
    invitations.accept(lead.invitations.first().pk, by=people[0].user)
    _queries(officer_client, reverse("missions:detail", args=[quiet.reference]))  # warm up
    few = _queries(officer_client, reverse("missions:detail", args=[quiet.reference]))
    assert _queries(officer_client, reverse("missions:detail", args=[busy.reference])) == few


def test_an_unknown_reference_is_404(officer_client):
    assert officer_client.get("/secretariat/missions/2027-999/").status_code == 404
