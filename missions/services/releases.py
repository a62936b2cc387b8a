"""Releases: an expert who accepts a seat is employed by their home administration, which must
release them before the assignment is confirmed.

The request goes by email to the administration's release contacts with a signed link that
records the answer once, and as a letter the officer can download and send another way; the
officer may also record the answer (a letter, a call) with a note and the scanned letter.
Reminders follow while no answer comes. A refusal frees the seat, and with the cascade on the
next candidate is invited.

Locks, always in this order: the position (its seats), the release, the expert (their
confirmed missions), so that an answer racing another answer, or a withdrawal, waits its turn.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ace_portal.notifications.services.outbox import notify, notify_many
from experts.models import Expert
from missions.enums import AssignmentState, MissionState, RecordedVia, ReleaseState
from missions.models import Assignment, Release
from missions.notifications import ASSIGNMENT_DECIDED, RELEASE_REQUEST
from missions.services import staffing
from missions.services.errors import MissionError

TOKEN_SALT = "missions.release"
# A release may be recorded while the mission is being staffed or is confirmed (a seat can be
# filled again after a confirmation); after that, or once cancelled, the request is void.
OPEN_FOR_RELEASE = (MissionState.STAFFING, MissionState.CONFIRMED)


class ReleaseClosed(MissionError):
    """The release can no longer be answered (answered already, or the mission moved on)."""


def token_for(release: Release) -> str:
    return signing.dumps(release.pk, salt=TOKEN_SALT)


def release_for_token(token: str) -> Release:
    """The release a link names; BadSignature for a tampered, made-up or too old link."""
    max_age = timedelta(days=settings.RELEASE_LINK_DAYS)
    return Release.objects.select_related(
        "assignment__expert", "assignment__position__mission", "administration"
    ).get(pk=signing.loads(token, salt=TOKEN_SALT, max_age=max_age))


def release_url(release: Release) -> str:
    return staffing.absolute(reverse("missions:release", args=[token_for(release)]))


def request_release(assignment: Assignment) -> Release:
    """Ask the expert's home administration to release them (inside the acceptance).

    Side effects: one Release; an email to each release contact of the administration; when it
    has none, the officer is told to send the letter another way.
    """
    administration = assignment.expert.home_administration
    addresses = administration.release_addresses if administration else []
    release = Release.objects.create(
        assignment=assignment, administration=administration, addresses="\n".join(addresses)
    )
    if addresses:
        _ask(release, occasion="sent")
    else:
        staffing.tell_officer(
            assignment.position,
            assignment.expert,
            "no_release_contact",
            key=f"missions.release:{release.pk}:no_contact",
        )
    return release


def _ask(release: Release, *, occasion: str) -> int:
    """Email the request (or a reminder) to each address it was sent to; once per occasion."""
    assignment = release.assignment
    mission = assignment.position.mission
    language = release.administration.correspondence_language
    with translation.override(language):
        context = staffing.mission_context(assignment.position) | {
            "expert": assignment.expert.full_name,
            "administration": release.administration.name,
            "mission_type": mission.get_mission_type_display(),
            "officer": mission.officer.get_full_name() or mission.officer.email,
            "officer_email": mission.officer.email,
            "release_url": release_url(release),
            "reminder": occasion != "sent",
        }
    notices = staffing.to_administration(
        release,
        RELEASE_REQUEST,
        context,
        key=f"missions.release:{release.pk}:{{address}}:{occasion}",
    )
    return len(notify_many(notices))


def _lock(pk: int) -> Release:
    position_pk = Release.objects.values_list("assignment__position_id", flat=True).get(pk=pk)
    position = staffing.lock_position(position_pk)
    release = (
        Release.objects.select_for_update(of=("self",))
        .select_related("assignment__expert__user", "administration")
        .get(pk=pk)
    )
    release.assignment.position = position
    if release.state != ReleaseState.REQUESTED:
        raise ReleaseClosed(
            _("The answer to this request was already recorded: %(state)s.")
            % {"state": release.get_state_display().lower()}
        )
    if position.mission.state not in OPEN_FOR_RELEASE:
        raise ReleaseClosed(
            _("This request is void: the mission is %(state)s.")
            % {"state": position.mission.get_state_display().lower()}
        )
    return release


def _check_no_overlap(assignment: Assignment) -> None:
    """Refuse to confirm an expert already confirmed on a mission whose dates overlap (touching
    dates do not). The expert's row is locked, so two confirmations at once are taken in turn."""
    Expert.objects.select_for_update().filter(pk=assignment.expert_id).first()
    mission = assignment.position.mission
    clash = (
        Assignment.objects.filter(
            expert_id=assignment.expert_id,
            state=AssignmentState.CONFIRMED,
            position__mission__start_date__lt=mission.end_date,
            position__mission__end_date__gt=mission.start_date,
        )
        .exclude(position__mission__state=MissionState.CANCELLED)
        .exclude(pk=assignment.pk)
        .select_related("position__mission")
        .first()
    )
    if clash is not None:
        raise MissionError(
            _(
                "%(name)s is already confirmed on mission %(reference)s, whose dates overlap "
                "these. Nothing was recorded."
            )
            % {
                "name": assignment.expert.full_name,
                "reference": clash.position.mission.reference,
            }
        )


def _record(release, state, *, via, by, answered_by, note, letter, reason="") -> None:
    release.state = state
    release.answered_at = timezone.now()
    release.recorded_via = via
    release.recorded_by = by if via == RecordedVia.OFFICER else None
    release.answered_by = (answered_by or "").strip()[:200]
    release.note = (note or "").strip()[:4000]
    release.reason = (reason or "").strip()[:4000]
    if letter is not None:
        release.letter.save("letter.pdf", letter, save=False)
    release.save()


def _tell_expert(assignment: Assignment, decision: str) -> None:
    expert = assignment.expert
    notify(
        expert.user,
        ASSIGNMENT_DECIDED,
        context=staffing.mission_context(assignment.position, expert.user.preferred_language)
        | {"name": expert.given_names, "decision": decision},
        dedupe_key=f"missions.assignment:{assignment.pk}:{decision}",
    )


@transaction.atomic
def release(pk: int, *, via, by=None, answered_by="", note="", letter=None) -> Release:
    """The administration releases its officer: the assignment is confirmed.

    ``via``: RecordedVia.LINK (the administration's link) or OFFICER (``by``, with a ``note``
    and maybe the scanned ``letter``). Side effects: the release and the assignment change; the
    expert and the officer are told. Refused if the expert is confirmed elsewhere meanwhile.
    """
    found = _lock(pk)
    assignment = found.assignment
    _check_no_overlap(assignment)
    _record(
        found,
        ReleaseState.RELEASED,
        via=via,
        by=by,
        answered_by=answered_by,
        note=note,
        letter=letter,
    )
    assignment.state, assignment.confirmed_at = AssignmentState.CONFIRMED, timezone.now()
    assignment.save(update_fields=["state", "confirmed_at"])
    _tell_expert(assignment, "confirmed")
    staffing.tell_officer(
        assignment.position, assignment.expert, "released", key=f"missions.release:{pk}:released"
    )
    return found


@transaction.atomic
def refuse(pk: int, *, via, reason: str, by=None, answered_by="", note="", letter=None):
    """The administration does not release its officer: the seat is free again.

    Side effects: the release is refused and the assignment ends; the expert and the officer
    are told; with the cascade on, the next candidate is invited after commit.
    """
    if not (reason or "").strip():
        raise MissionError(_("Say why the officer cannot be released."))
    found = _lock(pk)
    assignment = found.assignment
    _record(
        found,
        ReleaseState.REFUSED,
        via=via,
        by=by,
        answered_by=answered_by,
        note=note,
        letter=letter,
        reason=reason,
    )
    assignment.state = AssignmentState.RELEASE_REFUSED
    assignment.save(update_fields=["state"])
    _tell_expert(assignment, "refused")
    staffing.tell_officer(
        assignment.position,
        assignment.expert,
        "refused",
        key=f"missions.release:{pk}:refused",
        reason=found.reason,
    )
    staffing.cascade_after_commit(assignment.position)
    return found


def remind_due(*, now=None) -> int:
    """Remind the administrations that have not answered, RELEASE_REMINDER_DAYS after the
    request (each reminder once: its dedupe key makes a second run queue nothing). Returns the
    emails queued."""
    now = now or timezone.now()
    queued = 0
    for days in settings.RELEASE_REMINDER_DAYS:
        due = (
            Release.objects.filter(
                state=ReleaseState.REQUESTED,
                requested_at__lte=now - timedelta(days=days),
                assignment__position__mission__state__in=OPEN_FOR_RELEASE,
            )
            .exclude(addresses="")
            .select_related(
                "administration",
                "assignment__expert",
                "assignment__position__mission__officer",
            )
        )
        for found in due:
            with transaction.atomic():
                queued += _ask(found, occasion=f"reminder-{days}")
    return queued
