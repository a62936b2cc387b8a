"""Accreditation cycles: a workshop with its candidates, and each candidate's outcome."""

from django.db import transaction
from django.utils.translation import gettext as _

from experts.enums import AccreditationState, WorkshopKind, WorkshopOutcome
from experts.models import Accreditation, Workshop, WorkshopParticipant
from experts.services.accreditation import transitions

S = AccreditationState
Outcome = WorkshopOutcome


@transaction.atomic
def add_candidate(workshop: Workshop, expert, *, by) -> WorkshopParticipant:
    """Seat an expert at a workshop.

    Accreditation workshop: the expert's live accreditation for the workshop's profile and area
    is nominated and shortlisted as needed (a candidate is shortlisted by definition).
    Refresher: the expert must hold an accreditation in the workshop's area.
    Side effects: one WorkshopParticipant; accreditation transitions and events.
    """
    live = (
        Accreditation.objects.live()
        .filter(expert=expert, profile_type=workshop.profile_type, area=workshop.area)
        .first()
    )
    reason = _("Candidate for %(workshop)s.") % {"workshop": workshop}
    evidence = transitions.Evidence(workshop=workshop)
    if workshop.kind == WorkshopKind.ACCREDITATION:
        if live is None:
            live = transitions.nominate(
                expert,
                workshop.profile_type,
                workshop.area,
                by=by,
                reason=reason,
                evidence=evidence,
            )
        if live.state == S.NOMINATED:
            live = transitions.shortlist(live.pk, by=by, reason=reason)
        if live.state != S.SHORTLISTED:
            raise transitions.IllegalTransition(
                _("%(expert)s is already %(state)s in this profile and area.")
                % {"expert": expert, "state": live.get_state_display().lower()}
            )
    elif not Accreditation.objects.holding().filter(expert=expert, area=workshop.area).exists():
        raise transitions.IllegalTransition(
            _("%(expert)s holds no accreditation in %(area)s to refresh.")
            % {"expert": expert, "area": workshop.area}
        )
    participant, created = WorkshopParticipant.objects.get_or_create(
        workshop=workshop, expert=expert, defaults={"accreditation": live}
    )
    if not created:
        raise transitions.AccreditationError(
            _("%(expert)s is already a participant.") % {"expert": expert}
        )
    return participant


@transaction.atomic
def record_outcomes(workshop: Workshop, outcomes: dict, *, by) -> int:
    """Record every participant's outcome at once: all of them, or none if one is refused.

    ``outcomes`` maps a participant's pk to (outcome, comment, convert_to or None).
    Accreditation workshop: passed → pre-accredited; failed → not retained (comment required).
    Refresher: attended → validity of the expert's accreditations in the area restarts from the
    workshop's last day, and the accreditation may be converted to another profile.
    Returns how many outcomes were recorded.
    """
    participants = {
        p.pk: p
        for p in workshop.participants.select_for_update(of=("self",)).select_related(
            "expert", "accreditation"
        )
    }
    allowed = {
        WorkshopKind.ACCREDITATION: {Outcome.PENDING, Outcome.PASSED, Outcome.FAILED},
        WorkshopKind.REFRESHER: {Outcome.PENDING, Outcome.ATTENDED, Outcome.ABSENT},
    }[workshop.kind]
    recorded = 0
    evidence = transitions.Evidence(workshop=workshop)
    for pk, (outcome, comment, convert_to) in outcomes.items():
        participant = participants.get(pk)
        if participant is None:
            raise transitions.AccreditationError(
                _("This person is not a participant of this workshop.")
            )
        if outcome not in allowed:
            raise transitions.AccreditationError(
                _("This outcome does not apply to this kind of workshop.")
            )
        if outcome == participant.outcome or outcome == WorkshopOutcome.PENDING:
            continue
        if participant.outcome != WorkshopOutcome.PENDING:
            raise transitions.AccreditationError(
                _("The outcome for %(expert)s was already recorded.")
                % {"expert": participant.expert}
            )
        _apply(workshop, participant, outcome, comment, convert_to, by=by, evidence=evidence)
        participant.outcome = outcome
        participant.comment = comment
        participant.save(update_fields=["outcome", "comment"])
        recorded += 1
    return recorded


def _apply(workshop, participant, outcome, comment, convert_to, *, by, evidence):
    default = _("Outcome of %(workshop)s.") % {"workshop": workshop}
    if workshop.kind == WorkshopKind.ACCREDITATION:
        pk = participant.accreditation_id
        if outcome == WorkshopOutcome.PASSED:
            transitions.pre_accredit(pk, by=by, reason=comment or default, evidence=evidence)
        elif outcome == WorkshopOutcome.FAILED:
            if not comment.strip():
                raise transitions.AccreditationError(
                    _("Please give a comment for %(expert)s, who was not retained.")
                    % {"expert": participant.expert}
                )
            transitions.not_retain(pk, by=by, reason=comment, evidence=evidence)
        return
    if outcome != WorkshopOutcome.ATTENDED:
        return
    held = Accreditation.objects.holding().filter(expert=participant.expert, area=workshop.area)
    for accreditation in held:
        transitions.extend_validity(
            accreditation.pk,
            since=workshop.end_date,
            by=by,
            reason=comment or default,
            evidence=evidence,
        )
    if convert_to is not None:
        target = held.filter(profile_type=workshop.profile_type).first() or held.first()
        if target is not None and target.profile_type_id != convert_to.pk:
            transitions.convert_profile(
                target.pk, convert_to, by=by, reason=comment or default, evidence=evidence
            )
