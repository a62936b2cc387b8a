"""Evaluations: the officer scores each confirmed expert of a delivered mission on the rubric.
For an expert under field evaluation the result (pass or fail) goes to their accreditation
through ``record_field_evaluation``: a pass makes them accredited with the evaluation as
evidence, a fail keeps them pre-accredited. The expert sees their evaluations without the
internal note."""

from django.db import transaction
from django.utils.translation import gettext as _

from experts.enums import AccreditationState
from experts.models import Accreditation
from experts.services.accreditation import transitions
from missions.enums import AssignmentState, MissionState, PositionRole
from missions.models import Assignment, Evaluation
from missions.services.errors import MissionError

EVALUATED_STATES = (MissionState.DELIVERED, MissionState.REPORTED, MissionState.CLOSED)


@transaction.atomic
def evaluate(
    assignment_pk: int, *, by, scores: dict, comment: str = "", internal_note: str = "", passed=None
) -> Evaluation:
    """Record the evaluation of one seat (once). ``scores``: each of Evaluation.SCORES, 1-5.

    Side effects: one Evaluation; for a field evaluation, the accreditation's transition (a
    pass accredits) with the evaluation attached to its history."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("position__mission", "expert")
        .get(pk=assignment_pk)
    )
    mission, position = assignment.position.mission, assignment.position
    if mission.state not in EVALUATED_STATES:
        raise MissionError(_("An expert is evaluated once the mission is delivered."))
    if assignment.state != AssignmentState.CONFIRMED:
        raise MissionError(_("Only an expert confirmed on the mission is evaluated."))
    if Evaluation.objects.filter(assignment=assignment).exists():
        raise MissionError(_("This expert's work on the mission is evaluated already."))
    if set(scores) != set(Evaluation.SCORES) or not all(1 <= v <= 5 for v in scores.values()):
        raise MissionError(_("Give each criterion a score from 1 to 5."))
    field_evaluation = position.role == PositionRole.FIELD_EVALUATION
    if field_evaluation and passed is None:
        raise MissionError(_("Say whether the field evaluation is passed."))
    evaluation = Evaluation.objects.create(
        assignment=assignment,
        **scores,
        comment=(comment or "").strip(),
        internal_note=(internal_note or "").strip(),
        passed=passed if field_evaluation else None,
        evaluated_by=by,
    )
    if field_evaluation:
        accreditation = Accreditation.objects.filter(
            expert=assignment.expert,
            profile_type=position.profile_type_id,
            area=position.area_id,
            state=AccreditationState.PRE_ACCREDITED,
        ).first()
        if accreditation is None:
            raise MissionError(
                _("This expert holds no pre-accredited accreditation in this profile and area.")
            )
        transitions.record_field_evaluation(
            accreditation.pk,
            passed=passed,
            evaluator=by,
            by=by,
            comment=evaluation.comment
            or _("Field evaluation on mission %(reference)s.") % {"reference": mission.reference},
            mission_reference=mission.reference,
        )
    return evaluation
