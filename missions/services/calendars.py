"""Personal iCalendar feeds: a secret address per person, listing the missions they are
confirmed on (an expert's seats) or in charge of (an officer's), taking place or done, never
the cancelled ones. Events are whole days, as missions are planned."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from ace_portal.accounts.roles import is_secretariat
from missions.enums import AssignmentState, MissionState
from missions.models import Assignment, CalendarFeed, Mission
from missions.services import staffing

SHOWN_STATES = (
    MissionState.CONFIRMED,
    MissionState.IN_PROGRESS,
    MissionState.DELIVERED,
    MissionState.REPORTED,
    MissionState.CLOSED,
)


def feed_for(user) -> CalendarFeed:
    """The person's feed, made on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


@transaction.atomic
def regenerate(user) -> CalendarFeed:
    """A new secret address; the old one answers 404 from now on."""
    feed = feed_for(user)
    feed.token, feed.created_at = secrets.token_urlsafe(32), timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


def revoke(user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def url_of(user) -> str:
    """The person's feed address, or "" when they have none (or stopped it)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return ""
    return staffing.absolute(reverse("missions:calendar", args=[feed.token]))


def _missions_of(user):
    seats = Assignment.objects.filter(
        expert__user=user,
        state=AssignmentState.CONFIRMED,
        position__mission__state__in=SHOWN_STATES,
    ).select_related("position__mission")
    roles = {}
    for seat in seats:
        roles.setdefault(seat.position.mission_id, (seat.position.mission, seat.position))
    missions = [(mission, position.get_role_display()) for mission, position in roles.values()]
    if is_secretariat(user):
        seen = set(roles)
        missions += [
            (mission, "")
            for mission in Mission.objects.filter(officer=user, state__in=SHOWN_STATES)
            if mission.pk not in seen
        ]
    return sorted(missions, key=lambda pair: (pair[0].start_date, pair[0].pk))


def render(feed: CalendarFeed) -> bytes:
    """The feed as iCalendar text. No side effects."""
    calendar = Calendar()
    calendar.add("prodid", "-//ACE Portal//Missions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "ACE Portal missions")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    for mission, role in _missions_of(feed.user):
        event = Event()
        event.add("uid", f"mission-{mission.pk}@{settings.NOTIFICATIONS_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("summary", f"{mission.reference}: {mission.title}")
        event.add("dtstart", mission.start_date)
        # DTEND of a whole-day event is the day after the last (RFC 5545).
        event.add("dtend", mission.end_date + timedelta(days=1))
        event.add("location", mission.location)
        event.add("description", role or mission.get_mission_type_display())
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return calendar.to_ical()
