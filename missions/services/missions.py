"""Missions: creation with a yearly reference, and one function per state transition.

Every transition locks the mission's row, checks the move against TRANSITIONS, writes an
append-only MissionEvent (who, when, from, to, note) and returns the mission. The daily task
``follow_dates`` moves confirmed missions to in progress on their first day and in-progress
missions to delivered the day after their last, as an officer may do by hand.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from experts.enums import AccreditationState
from experts.models import Accreditation
from experts.services.accreditation.transitions import extend_validity
from missions.enums import CANCELLABLE_STATES, AssignmentState, MissionState, PositionRole
from missions.models import Assignment, Mission, MissionEvent, MissionSequence, Position
from missions.services import staffing
from missions.services.errors import IllegalTransition, MissionError

S = MissionState

# (from, to) -> the action that makes that move; nothing else is allowed.
TRANSITIONS = {
    (S.DRAFT, S.PLANNED): "plan",
    (S.PLANNED, S.STAFFING): "open_staffing",
    (S.STAFFING, S.CONFIRMED): "confirm",
    (S.CONFIRMED, S.IN_PROGRESS): "start",
    (S.IN_PROGRESS, S.DELIVERED): "deliver",
    (S.DELIVERED, S.REPORTED): "report",
    (S.REPORTED, S.CLOSED): "close",
    **{(state, S.CANCELLED): "cancel" for state in CANCELLABLE_STATES},
}


def next_reference(year: int) -> str:
    """The next reference of ``year`` (``2027-014``), counted by a single upsert: two missions
    created at once never get the same number, and nothing is locked for longer than it."""
    table = MissionSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 - our own table
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{year}-{number:03d}"


def _check_dates(start: date, end: date) -> None:
    if end < start:
        raise MissionError(_("A mission cannot end before it starts."))


@transaction.atomic
def create_mission(
    *,
    title: str,
    mission_type: str,
    thematic_area,
    beneficiaries,
    region,
    start_date: date,
    end_date: date,
    working_languages,
    officer,
    by,
    **details,
) -> Mission:
    """Create a mission in draft with the next reference of the year it is created in.

    ``details``: delivery, location, funding_source, terms_of_reference.
    Side effects: one Mission row, its beneficiaries and languages, one MissionEvent.
    """
    _check_dates(start_date, end_date)
    if not beneficiaries:
        raise MissionError(_("Name at least one beneficiary administration."))
    mission = Mission.objects.create(
        reference=next_reference(timezone.localdate().year),
        title=title,
        mission_type=mission_type,
        thematic_area=thematic_area,
        region=region,
        start_date=start_date,
        end_date=end_date,
        officer=officer,
        created_by=by,
        **details,
    )
    mission.beneficiaries.set(beneficiaries)
    mission.working_languages.set(working_languages)
    MissionEvent.objects.create(
        mission=mission, action="create", from_state="", to_state=S.DRAFT, by=by
    )
    return mission


def _move(pk: int, to_state: str, *, action: str, by, note: str = "", changes=None) -> Mission:
    """Lock the row, check the move, apply it with ``changes``, record it."""
    mission = Mission.objects.select_for_update().get(pk=pk)
    from_state = mission.state
    if TRANSITIONS.get((from_state, to_state)) != action:
        raise IllegalTransition(
            _("A mission cannot go from %(from)s to %(to)s.")
            % {"from": S(from_state).label, "to": S(to_state).label}
        )
    mission.state = to_state
    for field, value in (changes or {}).items():
        setattr(mission, field, value)
    mission.save(update_fields=["state", "updated_at", *(changes or {})])
    MissionEvent.objects.create(
        mission=mission, action=action, from_state=from_state, to_state=to_state, by=by, note=note
    )
    return mission


@transaction.atomic
def plan(pk: int, *, by, note: str = "") -> Mission:
    """The Secretariat has agreed the activity with the beneficiary: dates and scope are set."""
    return _move(pk, S.PLANNED, action="plan", by=by, note=note)


@transaction.atomic
def open_staffing(pk: int, *, by, note: str = "") -> Mission:
    """Experts may now be found and invited for the mission's positions."""
    mission = Mission.objects.select_for_update().get(pk=pk)
    if not mission.positions.exists():
        raise MissionError(_("Add at least one position before staffing the mission."))
    return _move(pk, S.STAFFING, action="open_staffing", by=by, note=note)


@transaction.atomic
def confirm(pk: int, *, by, note: str = "") -> Mission:
    """Every seat is filled and released: the mission will take place."""
    state = Mission.objects.select_for_update().values_list("state", flat=True).get(pk=pk)
    if state != S.STAFFING:
        return _move(pk, S.CONFIRMED, action="confirm", by=by, note=note)  # refused: illegal
    unconfirmed = sum(
        max(position.seats - position.confirmed, 0)
        for position in Position.objects.filter(mission_id=pk).annotate(
            confirmed=Count("assignments", filter=Q(assignments__state=AssignmentState.CONFIRMED))
        )
    )
    if unconfirmed:
        raise MissionError(
            ngettext(
                "%(count)d seat is not confirmed yet: each needs an expert who accepted and "
                "was released.",
                "%(count)d seats are not confirmed yet: each needs an expert who accepted and "
                "was released.",
                unconfirmed,
            )
            % {"count": unconfirmed}
        )
    return _move(pk, S.CONFIRMED, action="confirm", by=by, note=note)


@transaction.atomic
def start(pk: int, *, by=None, note: str = "") -> Mission:
    """The mission has begun (by hand, or by ``follow_dates`` on its first day)."""
    return _move(pk, S.IN_PROGRESS, action="start", by=by, note=note)


@transaction.atomic
def deliver(pk: int, *, by=None, note: str = "") -> Mission:
    """The mission took place (by hand, or by ``follow_dates`` the day after its last).

    Side effects: each confirmed expert's accreditation in the position's profile and area has
    its validity restarted from the mission's end (DOMAIN.md's rule; a field evaluation's
    result comes with its evaluation instead)."""
    mission = _move(pk, S.DELIVERED, action="deliver", by=by, note=note)
    seats = Assignment.objects.filter(
        position__mission=mission, state=AssignmentState.CONFIRMED
    ).exclude(position__role=PositionRole.FIELD_EVALUATION)
    used = Accreditation.objects.filter(
        state__in=[AccreditationState.ACCREDITED, AccreditationState.RECOGNIZED]
    )
    for expert, profile, area in seats.values_list(
        "expert_id", "position__profile_type_id", "position__area_id"
    ):
        for accreditation in used.filter(expert=expert, profile_type=profile, area=area):
            extend_validity(
                accreditation.pk,
                since=mission.end_date,
                by=by,
                reason=_("Delivered mission %(reference)s.") % {"reference": mission.reference},
            )
    return mission


@transaction.atomic
def report(pk: int, *, by, note: str = "") -> Mission:
    """The mission report has been accepted."""
    return _move(pk, S.REPORTED, action="report", by=by, note=note)


@transaction.atomic
def close(pk: int, *, by, note: str = "") -> Mission:
    """Everything is done: report accepted, experts evaluated."""
    return _move(pk, S.CLOSED, action="close", by=by, note=note)


@transaction.atomic
def cancel(pk: int, *, by, reason: str) -> Mission:
    """Call the mission off, with the reason (any state before delivery).

    Side effects: pending invitations, seats and release requests end; each expert concerned
    and each administration asked for a release is told (staffing.stand_down)."""
    reason = (reason or "").strip()
    if not reason:
        raise MissionError(_("Say why the mission is cancelled."))
    mission = _move(
        pk, S.CANCELLED, action="cancel", by=by, note=reason, changes={"cancel_reason": reason}
    )
    staffing.stand_down(mission, reason)
    return mission


def follow_dates(*, today: date | None = None) -> int:
    """Move missions along their dates: confirmed ones whose first day has come start, and
    in-progress ones whose last day has passed are delivered (a mission confirmed late may do
    both in one run). Idempotent: a second run, or two at once, finds nothing more to move.

    Returns the number of moves made.
    """
    today = today or timezone.localdate()
    moves = 0
    due_to_start = Mission.objects.filter(state=S.CONFIRMED, start_date__lte=today)
    for pk in due_to_start.values_list("pk", flat=True):
        moves += _follow(pk, S.CONFIRMED, start)
    due_to_end = Mission.objects.filter(state=S.IN_PROGRESS, end_date__lt=today)
    for pk in due_to_end.values_list("pk", flat=True):
        moves += _follow(pk, S.IN_PROGRESS, deliver)
    return moves


def _follow(pk: int, expected: str, transition) -> int:
    """One move of ``follow_dates``, unless somebody moved the mission meanwhile."""
    with transaction.atomic():
        state = Mission.objects.select_for_update().values_list("state", flat=True).get(pk=pk)
        if state != expected:
            return 0
        transition(pk, by=None, note=_("Moved by its dates."))
    return 1
