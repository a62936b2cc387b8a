# Over 500 lines: one function per transition, and the state table reads best in one file.
"""Accreditation business actions: one function per transition, each writing its event.

Every function locks the accreditation row, checks that the transition is allowed from the state
it finds (and, when given, that this is the state the reviewer saw), changes the state, writes one
AccreditationEvent and queues the expert's notification, all in one transaction.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.services.outbox import notify
from experts.enums import (
    HOLDING_STATES,
    AccreditationPhase,
    AccreditationState,
)
from experts.models import Accreditation, AccreditationEvent, Expert
from experts.notifications import ACCREDITATION_CHANGED

S = AccreditationState

# (from state, to state) -> action. None as "from" creates the accreditation.
TRANSITIONS: dict[tuple[str | None, str], str] = {
    (None, S.NOMINATED): "nominate",
    (None, S.RECOGNIZED): "recognize",
    (S.NOMINATED, S.SHORTLISTED): "shortlist",
    (S.NOMINATED, S.NOT_RETAINED): "not_retain",
    (S.SHORTLISTED, S.NOT_RETAINED): "not_retain",
    (S.SHORTLISTED, S.PRE_ACCREDITED): "pre_accredit",
    (S.PRE_ACCREDITED, S.ACCREDITED): "accredit",
    **{(state, S.SUSPENDED): "suspend" for state in HOLDING_STATES},
    **{(S.SUSPENDED, state): "reinstate" for state in HOLDING_STATES},
    **{(state, S.LAPSED): "lapse" for state in HOLDING_STATES},
    **{(S.LAPSED, state): "renew" for state in HOLDING_STATES},
    **{
        (state, S.WITHDRAWN): "withdraw"
        for state in [S.NOMINATED, S.SHORTLISTED, *HOLDING_STATES, S.SUSPENDED, S.LAPSED]
    },
    **{(state, S.RETIRED): "retire" for state in [*HOLDING_STATES, S.SUSPENDED, S.LAPSED]},
}

# What each event's action means, for the timelines (the expert's and the Secretariat's).
ACTION_LABELS = {
    "nominate": _("Nominated"),
    "recognize": _("Recognized"),
    "shortlist": _("Shortlisted for an accreditation workshop"),
    "not_retain": _("Not retained"),
    "pre_accredit": _("Passed the accreditation workshop"),
    "accredit": _("Accredited"),
    "suspend": _("Suspended"),
    "reinstate": _("Reinstated"),
    "lapse": _("Lapsed"),
    "renew": _("Renewed"),
    "withdraw": _("Withdrawn"),
    "retire": _("Retired"),
    "extend": _("Validity extended"),
    "convert": _("Profile changed"),
    "field_evaluation": _("Field evaluation recorded"),
}

PHASE_OF = {
    S.NOMINATED: AccreditationPhase.PRE_SCREENING,
    S.SHORTLISTED: AccreditationPhase.WORKSHOP,
    S.PRE_ACCREDITED: AccreditationPhase.FIELD_EVALUATION,
}


class AccreditationError(Exception):
    """A refused change; ``message`` is written for the reviewer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class IllegalTransition(AccreditationError):
    pass


class StaleState(AccreditationError):
    """Somebody changed the accreditation since the reviewer looked at it."""


class DuplicateAccreditation(AccreditationError):
    pass


@dataclass(frozen=True)
class Evidence:
    document: object = None
    workshop: object = None
    evaluation: dict | None = None


def validity_years(area) -> int:
    return area.validity_years or settings.ACCREDITATION_VALIDITY_YEARS


def valid_until_from(start: date, area) -> date:
    years = validity_years(area)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise AccreditationError(_("Please give a reason: it is recorded and shown to the expert."))
    return reason


def _record(accreditation, *, action, from_state, by, reason, internal_comment, evidence):
    event = AccreditationEvent.objects.create(
        accreditation=accreditation,
        action=action,
        from_state=from_state or "",
        to_state=accreditation.state,
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence_document=evidence.document,
        evidence_workshop=evidence.workshop,
        evidence_evaluation=evidence.evaluation,
        valid_until=accreditation.valid_until,
    )
    expert = accreditation.expert
    notify(
        expert.user,
        ACCREDITATION_CHANGED,
        context={
            "name": expert.full_name,
            "profile": accreditation.profile_type.code,
            "area_en": accreditation.area.name_en,
            "area_fr": accreditation.area.name_fr,
            "state": accreditation.state,
            "reason": reason,
            "url": settings.ACE_BASE_URL.rstrip("/") + "/me/accreditations/",
        },
        dedupe_key=f"accreditation-event:{event.pk}",
    )
    return event


def _create(expert, profile_type, area, *, state, action, by, reason, internal_comment, evidence):
    reason = require_reason(reason)
    if profile_type is None or area is None:
        raise AccreditationError(_("An accreditation needs a profile and a thematic area."))
    today = timezone.localdate()
    accreditation = Accreditation(
        expert=expert,
        profile_type=profile_type,
        area=area,
        state=state,
        phase=PHASE_OF.get(state, AccreditationPhase.COMPLETE),
    )
    if state in HOLDING_STATES:
        accreditation.granted_on = today
        accreditation.valid_until = valid_until_from(today, area)
    try:
        with transaction.atomic():
            accreditation.save()
    except IntegrityError:
        live = Accreditation.objects.live().filter(
            expert=expert, profile_type=profile_type, area=area
        )
        if not live.exists():
            raise
        raise DuplicateAccreditation(
            _("%(expert)s already has a live %(profile)s accreditation in %(area)s.")
            % {"expert": expert, "profile": profile_type.code, "area": area}
        ) from None
    _record(
        accreditation,
        action=action,
        from_state=None,
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
    )
    return accreditation


def _move(
    pk,
    to_state,
    *,
    action,
    by,
    reason,
    internal_comment="",
    evidence=Evidence(),
    expected=None,
    changes=None,
):
    """Lock the row, check the transition, apply ``to_state`` and ``changes``, record it.

    ``to_state`` and ``changes`` may be functions of the locked row: what they read (e.g. the
    state to resume) is then read under the lock, not before it.
    """
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("expert__user", "profile_type", "area")
        .get(pk=pk)
    )
    from_state = accreditation.state
    if expected is not None and from_state != expected:
        raise StaleState(
            _(
                "This accreditation is now %(now)s: somebody changed it since you opened it. "
                "Nothing was changed; please look again."
            )
            % {"now": accreditation.get_state_display()}
        )
    if callable(to_state):
        to_state = to_state(accreditation)
    if callable(changes):
        changes = changes(accreditation)
    # The pair must be allowed *for this action*: accredit() on a suspended row is not a
    # reinstatement, even when the state it would reach is the one the row held before.
    if TRANSITIONS.get((from_state, to_state)) != action:
        raise IllegalTransition(
            _("An accreditation cannot go from %(from)s to %(to)s.")
            % {"from": S(from_state).label, "to": S(to_state).label}
        )
    reason = require_reason(reason)
    accreditation.state = to_state
    accreditation.phase = PHASE_OF.get(to_state, AccreditationPhase.COMPLETE)
    for field, value in (changes or {}).items():
        setattr(accreditation, field, value)
    accreditation.save()
    _record(
        accreditation,
        action=action,
        from_state=from_state,
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
    )
    return accreditation


# --- The transitions ---------------------------------------------------------------------------


@transaction.atomic
def nominate(
    expert: Expert, profile_type, area, *, by, reason, internal_comment="", evidence=Evidence()
):
    """A Member administration nominated the expert (phase 1, pre-screening)."""
    return _create(
        expert,
        profile_type,
        area,
        state=S.NOMINATED,
        action="nominate",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
    )


@transaction.atomic
def recognize(
    expert: Expert, profile_type, area, *, by, reason, internal_comment="", evidence=Evidence()
):
    """Recognition by another route than the workshop (e.g. an approved request)."""
    return _create(
        expert,
        profile_type,
        area,
        state=S.RECOGNIZED,
        action="recognize",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
    )


@transaction.atomic
def shortlist(pk, *, by, reason, internal_comment="", expected=None):
    return _move(
        pk,
        S.SHORTLISTED,
        action="shortlist",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        expected=expected,
    )


@transaction.atomic
def not_retain(pk, *, by, reason, internal_comment="", evidence=Evidence(), expected=None):
    """Not shortlisted, or did not pass the workshop."""
    return _move(
        pk,
        S.NOT_RETAINED,
        action="not_retain",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
        expected=expected,
    )


@transaction.atomic
def pre_accredit(pk, *, by, reason, internal_comment="", evidence=Evidence(), expected=None):
    """Passed the accreditation workshop (phase 2)."""
    return _move(
        pk,
        S.PRE_ACCREDITED,
        action="pre_accredit",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
        expected=expected,
        changes=_granted_today,
    )


@transaction.atomic
def accredit(pk, *, by, reason, internal_comment="", evidence=Evidence(), expected=None):
    """Passed the field evaluation (phase 3): fully accredited, validity starts today."""
    return _move(
        pk,
        S.ACCREDITED,
        action="accredit",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
        expected=expected,
        changes=_granted_today,
    )


def _granted_today(accreditation) -> dict:
    """Granted today, valid for the area's period from today (read from the locked row)."""
    today = timezone.localdate()
    return {"granted_on": today, "valid_until": valid_until_from(today, accreditation.area)}


def _resume_from(state, message):
    """The state an accreditation returns to when it leaves ``state`` (suspended or lapsed)."""

    def target(accreditation):
        if accreditation.state != state or not accreditation.resume_state:
            raise IllegalTransition(message)
        return accreditation.resume_state

    return target


@transaction.atomic
def suspend(pk, *, by, reason, internal_comment="", expected=None):
    return _move(
        pk,
        S.SUSPENDED,
        action="suspend",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        expected=expected,
        changes=lambda accreditation: {"resume_state": accreditation.state},
    )


@transaction.atomic
def reinstate(pk, *, by, reason, internal_comment="", expected=None):
    """End a suspension: back to the state held before it."""
    return _move(
        pk,
        _resume_from(S.SUSPENDED, _("Only a suspended accreditation can be reinstated.")),
        action="reinstate",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        expected=expected,
        changes={"resume_state": ""},
    )


@transaction.atomic
def lapse(pk, *, by=None, reason, expected=None):
    """The validity ran out (by=None: done by the system)."""
    return _move(
        pk,
        S.LAPSED,
        action="lapse",
        by=by,
        reason=reason,
        expected=expected,
        changes=lambda accreditation: {"resume_state": accreditation.state},
    )


@transaction.atomic
def renew(pk, *, by, reason, internal_comment="", evidence=Evidence(), expected=None):
    """Renew a lapsed accreditation: back to the state it held, with a fresh validity."""
    today = timezone.localdate()
    return _move(
        pk,
        _resume_from(S.LAPSED, _("Only a lapsed accreditation can be renewed; extend it instead.")),
        action="renew",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        evidence=evidence,
        expected=expected,
        changes=lambda accreditation: {
            "resume_state": "",
            "valid_until": valid_until_from(today, accreditation.area),
        },
    )


@transaction.atomic
def withdraw(pk, *, by, reason, internal_comment="", expected=None):
    return _move(
        pk,
        S.WITHDRAWN,
        action="withdraw",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        expected=expected,
    )


@transaction.atomic
def retire(pk, *, by, reason, internal_comment="", expected=None):
    return _move(
        pk,
        S.RETIRED,
        action="retire",
        by=by,
        reason=reason,
        internal_comment=internal_comment,
        expected=expected,
    )


# --- Changes that keep the state ----------------------------------------------------------------


def _keep_state(
    pk,
    *,
    action,
    by,
    reason,
    internal_comment="",
    evidence=Evidence(),
    changes=None,
    allowed=tuple(HOLDING_STATES),
):
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",))
        .select_related("expert__user", "profile_type", "area")
        .get(pk=pk)
    )
    if accreditation.state not in allowed:
        raise IllegalTransition(
            _("This cannot be done to a %(state)s accreditation.")
            % {"state": accreditation.get_state_display()}
        )
    for field, value in (changes or {}).items():
        setattr(accreditation, field, value)
    try:
        with transaction.atomic():
            accreditation.save()
    except IntegrityError:
        raise DuplicateAccreditation(
            _("The expert already has a live accreditation for this profile and area.")
        ) from None
    _record(
        accreditation,
        action=action,
        from_state=accreditation.state,
        by=by,
        reason=require_reason(reason),
        internal_comment=internal_comment,
        evidence=evidence,
    )
    return accreditation


@transaction.atomic
def extend_validity(pk, *, since: date, by, reason, evidence=Evidence()):
    """A refresher or a delivered mission on ``since`` restarts the validity period from then
    (never shortens it)."""
    accreditation = (
        Accreditation.objects.select_for_update(of=("self",)).select_related("area").get(pk=pk)
    )
    if accreditation.state not in HOLDING_STATES:
        raise IllegalTransition(
            _("This cannot be done to a %(state)s accreditation.")
            % {"state": accreditation.get_state_display()}
        )
    # Read under the lock: two extensions at once must never shorten the validity.
    until = max(
        filter(None, [accreditation.valid_until, valid_until_from(since, accreditation.area)])
    )
    if until == accreditation.valid_until:
        return accreditation  # nothing extended: no event to record
    return _keep_state(
        pk, action="extend", by=by, reason=reason, evidence=evidence, changes={"valid_until": until}
    )


@transaction.atomic
def convert_profile(pk, profile_type, *, by, reason, evidence=Evidence()):
    """A refresher can convert an expert to another profile type in the same area."""
    return _keep_state(
        pk,
        action="convert",
        by=by,
        reason=reason,
        evidence=evidence,
        changes={"profile_type": profile_type},
    )


@transaction.atomic
def record_field_evaluation(pk, *, passed: bool, evaluator, by, comment, mission_reference=""):
    """The missions app's hook: the field evaluation of a pre-accredited expert.

    A pass makes the expert accredited; a fail keeps them pre-accredited, with the evaluation
    attached to the history either way.
    """
    evaluation = {
        "passed": passed,
        "evaluator": str(evaluator),
        "evaluator_id": getattr(evaluator, "pk", None),
        "mission": mission_reference,
        "comment": comment,
    }
    current = Accreditation.objects.get(pk=pk).state
    if current != S.PRE_ACCREDITED:
        raise IllegalTransition(
            _("A field evaluation is for a pre-accredited expert; this accreditation is %(state)s.")
            % {"state": S(current).label}
        )
    if passed:
        return accredit(
            pk,
            by=by,
            reason=comment,
            evidence=Evidence(evaluation=evaluation),
            expected=S.PRE_ACCREDITED,
        )
    return _keep_state(
        pk,
        action="field_evaluation",
        by=by,
        reason=comment,
        evidence=Evidence(evaluation=evaluation),
        allowed=(S.PRE_ACCREDITED,),
    )


# --- Validity over time (beat tasks) -----------------------------------------------------------


def lapse_expired(*, today: date | None = None) -> int:
    """Lapse every holding accreditation whose validity ended before ``today``.

    Each row moves in its own transaction, checked against the state read, so a second run (or
    a concurrent one) finds nothing left to do. Returns how many lapsed.
    """
    today = today or timezone.localdate()
    due = (
        Accreditation.objects.holding()
        .filter(valid_until__lt=today)
        .values_list("pk", "state", "valid_until")
    )
    lapsed = 0
    for pk, state, until in due.iterator():
        try:
            lapse(
                pk,
                by=None,
                expected=state,
                reason=str(_("The validity ended on %(date)s.") % {"date": until.isoformat()}),
            )
            lapsed += 1
        except AccreditationError:
            continue  # changed meanwhile: nothing to do for this one
    return lapsed
