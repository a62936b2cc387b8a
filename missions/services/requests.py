"""Requests for assistance from Member administrations: recorded, then accepted into a mission
or declined with a reason (or kept waiting, which needs no action)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from missions.enums import RequestState
from missions.models import AssistanceRequest
from missions.services import missions
from missions.services.errors import MissionError


class RequestAlreadyDecided(MissionError):
    pass


def record_request(
    *,
    requesting_administration,
    thematic_area,
    mission_type: str,
    working_language,
    justification: str,
    by,
    preferred_start=None,
    preferred_end=None,
    received_on=None,
) -> AssistanceRequest:
    """Record a request received from a Member administration (by letter or email).

    Side effects: one AssistanceRequest row, waiting.
    """
    if preferred_start and preferred_end and preferred_end < preferred_start:
        raise MissionError(_("The preferred end cannot be before the preferred start."))
    if not (justification or "").strip():
        raise MissionError(_("Say what the administration asks for and why."))
    return AssistanceRequest.objects.create(
        requesting_administration=requesting_administration,
        thematic_area=thematic_area,
        mission_type=mission_type,
        working_language=working_language,
        justification=justification.strip(),
        preferred_start=preferred_start,
        preferred_end=preferred_end,
        received_on=received_on or timezone.localdate(),
        created_by=by,
    )


def _lock_waiting(pk: int) -> AssistanceRequest:
    request = (
        AssistanceRequest.objects.select_for_update()
        .select_related("requesting_administration")
        .get(pk=pk)
    )
    if request.state != RequestState.WAITING:
        raise RequestAlreadyDecided(
            _("This request was already %(state)s.") % {"state": request.get_state_display()}
        )
    return request


@transaction.atomic
def accept_request(pk: int, *, by, title: str, start_date, end_date, officer, **details):
    """Accept a waiting request into a new mission in draft for the requesting administration,
    in its area, type and language; ``details`` as for ``missions.create_mission``.

    Side effects: the request is accepted and linked to one new Mission (with its event).
    """
    request = _lock_waiting(pk)
    administration = request.requesting_administration
    mission = missions.create_mission(
        title=title,
        mission_type=request.mission_type,
        thematic_area=request.thematic_area,
        beneficiaries=[administration],
        region=administration.region,
        start_date=start_date,
        end_date=end_date,
        working_languages=[request.working_language],
        officer=officer,
        by=by,
        **details,
    )
    request.state = RequestState.ACCEPTED
    request.mission = mission
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["state", "mission", "decided_by", "decided_at"])
    return mission


@transaction.atomic
def decline_request(pk: int, *, by, reason: str) -> AssistanceRequest:
    """Decline a waiting request, saying why.

    Side effects: the request is declined with the reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise MissionError(_("Say why the request is declined."))
    request = _lock_waiting(pk)
    request.state = RequestState.DECLINED
    request.decision_reason = reason
    request.decided_by, request.decided_at = by, timezone.now()
    request.save(update_fields=["state", "decision_reason", "decided_by", "decided_at"])
    return request
