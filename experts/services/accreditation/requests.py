"""Experts ask for a renewal, a recognition in a new area or a correction; reviewers decide."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.services.outbox import notify
from experts.enums import AccreditationState, DocumentKind, RequestKind, RequestState
from experts.models import AccreditationRequest, ExpertDocument
from experts.notifications import REQUEST_DECIDED
from experts.services.accreditation import transitions
from experts.services.uploads import safe_original_name


class RequestAlreadyDecided(transitions.AccreditationError):
    pass


@transaction.atomic
def submit_request(
    expert, *, kind, message, upload, by, accreditation=None, profile_type=None, area=None
) -> AccreditationRequest:
    """The expert's request, with its supporting document (a PDF checked by the form).

    Side effects: one ExpertDocument (kind supporting) and one AccreditationRequest, pending.
    """
    if accreditation is not None and accreditation.expert_id != expert.pk:
        raise transitions.AccreditationError(_("Choose one of your own accreditations."))
    original_name = safe_original_name(upload, default="document.pdf")
    upload.name = "document.pdf"
    document = ExpertDocument.objects.create(
        expert=expert,
        kind=DocumentKind.SUPPORTING,
        file=upload,
        original_name=original_name,
        size=upload.size,
        uploaded_by=by,
    )
    return AccreditationRequest.objects.create(
        expert=expert,
        kind=kind,
        accreditation=accreditation,
        profile_type=profile_type if kind == RequestKind.RECOGNITION else None,
        area=area if kind == RequestKind.RECOGNITION else None,
        message=message,
        document=document,
    )


def _lock_pending(pk) -> AccreditationRequest:
    request = (
        AccreditationRequest.objects.select_for_update(of=("self",))
        .select_related("expert__user", "accreditation", "profile_type", "area", "document")
        .get(pk=pk)
    )
    if request.state != RequestState.PENDING:
        raise RequestAlreadyDecided(
            _("This request was already %(state)s by %(who)s: nothing was changed.")
            % {"state": request.get_state_display().lower(), "who": request.decided_by}
        )
    return request


def _decide(request, state, *, by, reason):
    request.state = state
    request.decided_by = by
    request.decided_at = timezone.now()
    request.decision_reason = reason
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    notify(
        request.expert.user,
        REQUEST_DECIDED,
        context={
            "name": request.expert.full_name,
            "request": request.kind,
            "approved": state == RequestState.APPROVED,
            "reason": reason,
            "url": settings.ACE_BASE_URL.rstrip("/") + "/me/accreditations/",
        },
        dedupe_key=f"accreditation-request-decided:{request.pk}",
    )


@transaction.atomic
def approve_request(pk, *, by, reason) -> AccreditationRequest:
    """Approve and apply: a recognition creates a recognized accreditation, a renewal renews a
    lapsed one (or extends a current one from today); a correction is applied by the reviewer.

    Side effects: the request decided; accreditation transition and event; expert notified.
    """
    reason = transitions.require_reason(reason)
    request = _lock_pending(pk)
    evidence = transitions.Evidence(document=request.document)
    if request.kind == RequestKind.RECOGNITION:
        transitions.recognize(
            request.expert,
            request.profile_type,
            request.area,
            by=by,
            reason=reason,
            evidence=evidence,
        )
    elif request.kind == RequestKind.RENEWAL:
        target = request.accreditation
        if target is None or target.expert_id != request.expert_id:
            raise transitions.AccreditationError(
                _("This renewal names no accreditation of this expert.")
            )
        if target.state == AccreditationState.LAPSED:
            transitions.renew(target.pk, by=by, reason=reason, evidence=evidence)
        else:
            transitions.extend_validity(
                target.pk, since=timezone.localdate(), by=by, reason=reason, evidence=evidence
            )
    _decide(request, RequestState.APPROVED, by=by, reason=reason)
    return request


@transaction.atomic
def reject_request(pk, *, by, reason) -> AccreditationRequest:
    """Refuse, with the reason the expert will read. Side effects: request decided; notified."""
    reason = transitions.require_reason(reason)
    request = _lock_pending(pk)
    _decide(request, RequestState.REJECTED, by=by, reason=reason)
    return request
