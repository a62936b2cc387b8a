"""The Secretariat's month calendar: each mission on every day it covers within the month, the
list's filters, months before and after, any ?month without a 500, one query for the missions."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import MemberAdministration, ThematicArea
from missions.models import Mission
from missions.services import missions
from tests.conftest import sign_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

URL = reverse("missions:month_calendar")


def days_with(response, mission) -> list[int]:
    return [day.date.day for day in response.context["days"] if mission in day.missions]


def test_a_mission_shows_on_each_of_its_days(officer_client, make_mission):
    mission = make_mission()  # 8 to 12 March 2027
    response = officer_client.get(URL, {"month": "2027-03"})
    assert response.status_code == 200
    assert response.context["first"] == date(2027, 3, 1)
    assert len(response.context["days"]) == 31
    assert days_with(response, mission) == [8, 9, 10, 11, 12]
    link = reverse("missions:detail", args=[mission.reference])
    assert response.text.count(f'href="{link}"') == 5
    assert f"{mission.reference} Risk management diagnostic" in response.text
    assert "Missions in March 2027" in response.text


def test_a_mission_across_the_end_of_a_month_shows_in_both(officer_client, make_mission):
    mission = make_mission(start_date=date(2027, 3, 29), end_date=date(2027, 4, 2))
    march = officer_client.get(URL, {"month": "2027-03"})
    april = officer_client.get(URL, {"month": "2027-04"})
    assert days_with(march, mission) == [29, 30, 31]
    assert days_with(april, mission) == [1, 2]
    assert len(april.context["days"]) == 30


def test_a_mission_longer_than_the_month_fills_it(officer_client, make_mission):
    mission = make_mission(start_date=date(2027, 1, 25), end_date=date(2027, 3, 3))
    response = officer_client.get(URL, {"month": "2027-02"})
    assert days_with(response, mission) == list(range(1, 29))
    assert officer_client.get(URL, {"month": "2027-04"}).context["missions"] == []


def test_the_days_start_on_their_weekday(officer_client):
    response = officer_client.get(URL, {"month": "2027-03"})  # 1 March 2027 is a Monday
    assert 'class="day weekday-1 quiet"' in response.text
    # A Sunday, the day's full date for a screen reader (and on a phone).
    assert '<time datetime="2027-03-07"><span class="day-name">Sunday</span>' in response.text
    assert "No mission takes place this month." in response.text


@pytest.mark.parametrize(
    "month", ["", "2027-13", "2027-00", "2027-3", "March", "0000-01", "99999-01", "2027-03-01"]
)
def test_a_bad_month_gives_the_current_month(officer_client, month):
    response = officer_client.get(URL, {"month": month})
    assert response.status_code == 200
    assert response.context["first"] == date(2027, 2, 1)  # now is 1 February 2027


def test_the_previous_and_next_months_keep_the_filters(officer_client, officer):
    response = officer_client.get(URL, {"month": "2027-01", "officer": officer.pk})
    assert response.context["previous_link"] == f"?officer={officer.pk}&month=2026-12"
    assert response.context["next_link"] == f"?officer={officer.pk}&month=2027-02"
    assert f'href="?officer={officer.pk}&amp;month=2026-12"' in response.text
    plain = officer_client.get(URL, {"month": "2027-12"})
    assert plain.context["next_link"] == "?month=2028-01"


def test_the_filters_narrow_the_calendar(officer_client, make_mission, officer):
    kenya = MemberAdministration.objects.get(iso_code="KE")
    ghana_mission = make_mission()
    kenya_mission = make_mission(
        title="Transit in Kenya",
        beneficiaries=[kenya],
        region=kenya.region,
        thematic_area=ThematicArea.objects.get(code="transit"),
    )
    missions.plan(kenya_mission.pk, by=officer)

    def shown(**query):
        response = officer_client.get(URL, {"month": "2027-03", **query})
        assert response.status_code == 200
        return set(response.context["missions"])

    assert shown() == {ghana_mission, kenya_mission}
    assert shown(state="planned") == {kenya_mission}
    assert shown(area=ThematicArea.objects.get(code="transit").pk) == {kenya_mission}
    assert shown(region=ghana_mission.region.pk) == {ghana_mission}  # WCA, Kenya is ESA
    assert shown(officer=officer.pk) == {ghana_mission, kenya_mission}
    # A value the form refuses shows its message and leaves the calendar unfiltered.
    response = officer_client.get(URL, {"month": "2027-03", "state": "lost", "officer": "x"})
    assert response.status_code == 200 and "Select a valid choice." in response.text


def test_a_cancelled_mission_is_shown_struck_with_its_state(officer_client, make_mission, officer):
    mission = make_mission()
    missions.cancel(mission.pk, by=officer, reason="The administration postponed it.")
    response = officer_client.get(URL, {"month": "2027-03"})
    assert days_with(response, Mission.objects.get(pk=mission.pk)) == [8, 9, 10, 11, 12]
    assert response.text.count('<li class="cancelled">') == 5
    assert "Cancelled" in response.text


def _seed(make_mission, count):
    for n in range(count):
        start = date(2027, 2, 26) + timedelta(days=n % 35)
        make_mission(title=f"Mission {n}", start_date=start, end_date=start + timedelta(days=4))


def _page_queries(client) -> tuple[int, int]:
    """All the page's queries, and those that read missions."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"month": "2027-03"}).status_code == 200
    table = Mission._meta.db_table
    reading = [q for q in queries if f'FROM "{table}"' in q["sql"]]
    return len(queries), len(reading)


def test_the_calendar_reads_its_missions_in_one_query_whatever_their_number(
    officer_client, make_mission
):
    _seed(make_mission, 3)
    _page_queries(officer_client)  # warm the session
    few = _page_queries(officer_client)
    _seed(make_mission, 30)
    many = _page_queries(officer_client)
    assert many == few and few[1] == 1


def test_the_calendar_is_for_the_secretariat_only(client, alice):
    sign_in(client, alice.user)
    assert client.get(URL).status_code == 404
