"""What invitations and releases share: the position's lock, its open seats, the facts a notice
about a mission carries, the officer's staffing notices and the cascade's trigger."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from ace_portal.celery import registered_task
from ace_portal.notifications.services.outbox import Outgoing, notify, notify_many
from missions.enums import SEAT_HOLDING_STATES, AssignmentState, InvitationState, ReleaseState
from missions.models import Assignment, Invitation, Mission, Position, Release
from missions.notifications import MISSION_CANCELLED, STAFFING_UPDATE


def absolute(path: str) -> str:
    return settings.ACE_BASE_URL.rstrip("/") + path


def mission_context(position: Position, language: str | None = None) -> dict:
    """What a notice about a seat says of its mission, labels in the recipient's ``language``
    (the context is stored as text when queued)."""
    mission = position.mission
    with translation.override(language or translation.get_language()):
        return {
            "reference": mission.reference,
            "title": mission.title,
            "role": str(position.get_role_display()),
            "location": mission.location,
            "start": mission.start_date.isoformat(),
            "end": mission.end_date.isoformat(),
            "missions_url": absolute(reverse("missions:mine")),
        }


def tell_officer(position: Position, expert, event: str, *, key: str, reason: str = "") -> None:
    """Tell the officer in charge what happened to a seat (``event``, once per ``key``)."""
    officer = position.mission.officer
    notify(
        officer,
        STAFFING_UPDATE,
        context=mission_context(position, officer.preferred_language)
        | {"event": event, "expert": expert.full_name, "reason": reason},
        dedupe_key=key,
    )


def lock_position(pk: int) -> Position:
    """The position's row is the lock of its seats: lock it before any invitation or release."""
    return Position.objects.select_for_update().select_related("mission").get(pk=pk)


def open_seats(position: Position) -> int:
    held = Assignment.objects.filter(position=position, state__in=SEAT_HOLDING_STATES).count()
    return position.seats - held


def to_administration(release: Release, kind: str, context: dict, *, key: str) -> list:
    """One notice to each address a release request went to, in its administration's
    language; ``key`` names the address as ``{address}`` (one dedupe key per address)."""
    return [
        Outgoing(
            address,
            kind,
            context,
            key.format(address=address),
            language=release.administration.correspondence_language,
        )
        for address in release.addresses.split()
    ]


def cascade_after_commit(position: Position) -> None:
    """With the cascade on, invite the next candidate once this transaction has committed (a
    broker that is down loses nothing: the hourly catch-up finds the free seat)."""
    if position.cascade:
        transaction.on_commit(
            lambda: registered_task("missions.cascade").delay(position.pk), robust=True
        )


def stand_down(mission: Mission, reason: str) -> None:
    """A mission is cancelled (inside the cancellation): pending invitations are withdrawn,
    seats and release requests end, and everyone concerned is told: each expert who held a seat
    or was invited, and each administration asked to release one of them."""
    invitations = list(
        Invitation.objects.filter(
            position__mission=mission, state=InvitationState.PENDING
        ).select_related("expert__user", "position")
    )
    assignments = list(
        Assignment.objects.filter(
            position__mission=mission, state__in=SEAT_HOLDING_STATES
        ).select_related("expert__user", "position")
    )
    releases = list(
        Release.objects.filter(
            assignment__in=assignments,
            state__in=[ReleaseState.REQUESTED, ReleaseState.RELEASED],
        ).select_related("administration", "assignment__expert", "assignment__position")
    )
    Invitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        state=InvitationState.WITHDRAWN
    )
    Assignment.objects.filter(pk__in=[a.pk for a in assignments]).update(
        state=AssignmentState.WITHDRAWN
    )
    Release.objects.filter(pk__in=[r.pk for r in releases], state=ReleaseState.REQUESTED).update(
        state=ReleaseState.WITHDRAWN
    )
    people = [(i.expert, i.position) for i in invitations] + [
        (a.expert, a.position) for a in assignments
    ]
    notices = [
        Outgoing(
            expert.user,
            MISSION_CANCELLED,
            _cancelled(position, expert.user.preferred_language, expert.given_names, reason),
            f"missions.cancelled:{mission.pk}:expert:{expert.pk}",
        )
        for expert, position in people
    ]
    for release in releases:
        language = release.administration.correspondence_language
        assignment = release.assignment
        context = _cancelled(assignment.position, language, "", reason) | {
            "expert": assignment.expert.full_name,
            "administration": release.administration.name,
        }
        notices += to_administration(
            release,
            MISSION_CANCELLED,
            context,
            key=f"missions.cancelled:{mission.pk}:release:{release.pk}:{{address}}",
        )
    notify_many(notices)


def _cancelled(position, language, name, reason) -> dict:
    return mission_context(position, language) | {"name": name, "reason": reason}
