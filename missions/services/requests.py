"""Requests for assistance from Member administrations: recorded with their attachments, then
accepted into a mission or declined with a reason (or kept waiting, which needs no action)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from experts.services import uploads
from missions.enums import RequestState
from missions.models import AssistanceRequest, RequestAttachment
from missions.services import missions
from missions.services.errors import MissionError

# A request comes with its letter and perhaps a needs assessment or two: a handful of files.
MAX_ATTACHMENTS = 5
# What a Member's letter arrives as: a PDF, or a scan as a picture (WebP is no scanner's output).
SCAN_TYPES = {".png": "image/png", ".jpg": "image/jpeg"}


class RequestAlreadyDecided(MissionError):
    pass


def check_attachment(upload) -> tuple[str, str]:
    """The suffix and content type an attachment is stored with, judged by its content (a PDF,
    or a PNG or JPEG scan) and size; ValidationError with a message for the uploader otherwise.
    No side effects."""
    not_accepted = _("This file is neither a PDF document nor a PNG or JPEG picture.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        uploads.validate_pdf(upload, message=not_accepted)
        return ".pdf", "application/pdf"
    try:
        suffix = uploads.validate_photo(upload)
    except ValidationError as refused:
        if refused.code in ("empty", "too_large"):
            raise
        raise ValidationError(not_accepted, code="not_accepted") from None
    if suffix not in SCAN_TYPES:
        raise ValidationError(not_accepted, code="not_accepted")
    return suffix, SCAN_TYPES[suffix]


def _judged(attachments) -> tuple[list, list[str]]:
    """Each acceptable file with its suffix and content type, and a message for each bad one
    (naming it) or one for too many files. Each file's content is read once here."""
    if len(attachments) > MAX_ATTACHMENTS:
        return [], [_("Attach at most %(count)d files to a request.") % {"count": MAX_ATTACHMENTS}]
    checked, problems = [], []
    for upload in attachments:
        try:
            checked.append((upload, *check_attachment(upload)))
        except ValidationError as refused:
            name = uploads.safe_original_name(upload, _("a file without a name"))
            problems.append(
                _("%(name)s: %(problem)s") % {"name": name, "problem": refused.messages[0]}
            )
    return checked, problems


def attachment_problems(attachments) -> list[str]:
    """What is wrong with these files as a request's attachments, one message a bad file
    (naming it) or one for too many files; empty when they may all be kept. No side effects."""
    return _judged(attachments)[1]


def _keep(request: AssistanceRequest, upload, suffix: str, content_type: str, *, by):
    """Keep a checked ``upload`` with ``request``, under a name of the portal's (only its
    checked type shows in it); the uploader's file name is kept apart, cleaned, for the
    download. Side effects: one RequestAttachment row and its file in private storage."""
    attachment = RequestAttachment(
        request=request,
        original_name=uploads.safe_original_name(upload, f"attachment{suffix}"),
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    attachment.file.save(f"attachment{suffix}", upload, save=False)
    attachment.save()


@transaction.atomic
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
    attachments=(),
) -> AssistanceRequest:
    """Record a request received from a Member administration (by letter or email), with up to
    MAX_ATTACHMENTS files that came with it: all of them kept, or none and no request.

    Side effects: one AssistanceRequest row, waiting; one RequestAttachment (and file) each.
    """
    if preferred_start and preferred_end and preferred_end < preferred_start:
        raise MissionError(_("The preferred end cannot be before the preferred start."))
    if not (justification or "").strip():
        raise MissionError(_("Say what the administration asks for and why."))
    # Every file is checked before anything is written, so a bad one leaves no file behind.
    checked, problems = _judged(attachments)
    if problems:
        raise MissionError(" ".join(problems))
    request = AssistanceRequest.objects.create(
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
    for upload, suffix, content_type in checked:
        _keep(request, upload, suffix, content_type, by=by)
    return request


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
