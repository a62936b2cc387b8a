"""Personal iCalendar feeds, parsed back with the icalendar library: the expert's confirmed
missions and the officer's, whole days, the time zone named, cancelled missions gone; the
address regenerated or stopped on demand."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from missions.models import Release
from missions.services import calendars, invitations, missions
from missions.services import releases as release_services
from tests.conftest import sign_in
from tests.missions.staffing import NOW, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(staffing, pool, officer):
    """Amani confirmed on the Ghana mission (8-12 March 2027), which is confirmed."""
    with time_machine.travel(NOW, tick=False):
        invitation = invite(staffing, pool["Amani"], officer)
        invitations.accept(invitation.pk, by=pool["Amani"].user)
        release_services.release(
            Release.objects.get(assignment__invitation=invitation).pk, via="link"
        )
        missions.confirm(staffing.mission.pk, by=officer)
    return staffing.mission


def parsed(client, user) -> Calendar:
    feed = calendars.feed_for(user)
    response = client.get(reverse("missions:calendar", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def test_the_experts_feed_lists_the_confirmed_mission_as_whole_days(client, confirmed, pool):
    calendar = parsed(client, pool["Amani"].user)
    assert str(calendar["x-wr-timezone"]) == "Europe/Brussels"
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == f"{confirmed.reference}: Risk management diagnostic"
    assert event.decoded("dtstart") == date(2027, 3, 8)
    assert event.decoded("dtend") == date(2027, 3, 13)  # the day after the last
    assert str(event["description"]) == "Lead expert"
    assert str(event["uid"]).startswith(f"mission-{confirmed.pk}@")
    # Bello, who holds no seat, has an empty calendar.
    assert parsed(client, pool["Bello"].user).walk("VEVENT") == []


def test_the_officers_feed_lists_the_missions_in_their_charge(client, confirmed, officer):
    [event] = parsed(client, officer).walk("VEVENT")
    assert str(event["summary"]).startswith(confirmed.reference)


def test_a_cancelled_mission_leaves_the_feeds(client, confirmed, pool, officer):
    missions.cancel(confirmed.pk, by=officer, reason="Postponed.")
    assert parsed(client, pool["Amani"].user).walk("VEVENT") == []
    assert parsed(client, officer).walk("VEVENT") == []


def test_the_address_is_regenerated_and_stopped_on_demand(client, confirmed, pool):
    user = pool["Amani"].user
    old = calendars.feed_for(user).token
    client.force_login(user)
    page = client.get(reverse("missions:mine"))
    assert "Get a calendar address for my missions" not in page.text  # made above
    client.post(reverse("missions:manage_calendar"), {"action": "regenerate"})
    new = calendars.feed_for(user).token
    assert new != old
    client.logout()
    assert client.get(reverse("missions:calendar", args=[old])).status_code == 404
    assert client.get(reverse("missions:calendar", args=[new])).status_code == 200
    client.force_login(user)
    client.post(reverse("missions:manage_calendar"), {"action": "revoke"})
    client.logout()
    assert client.get(reverse("missions:calendar", args=[new])).status_code == 404


def test_the_expert_gets_an_address_from_my_missions(client, pool):
    user = pool["Bello"].user
    client.force_login(user)
    page = client.get(reverse("missions:mine"))
    assert "Get a calendar address for my missions" in page.text
    # The feed's section is in the page once, not inside its <title> as well.
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title
    assert page.text.count('id="calendar-title"') == 1
    response = client.post(reverse("missions:manage_calendar"), {"action": "create"}, follow=True)
    assert "Your calendar address is ready." in response.text
    assert calendars.url_of(user) in response.text


def test_an_officer_manages_their_address_from_the_mission_list(client, officer):
    sign_in(client, officer)
    response = client.post(reverse("missions:manage_calendar"), {"action": "create"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("missions:list")
    assert calendars.url_of(officer) in response.text
