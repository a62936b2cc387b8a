"""What the tests of "before the mission" share: a seat taken and released, and real files
(a PDF, Office documents built with zipfile) to upload."""

import io
import zipfile
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from experts.demo.requests import tiny_pdf
from missions.enums import AssignmentState, InvitationState, ReleaseState
from missions.models import Assignment, Invitation, Release

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OPENXML = "application/vnd.openxmlformats-officedocument."
# Main part and its content type, per kind of Office document.
OFFICE_MAIN = {
    "docx": ("word/document.xml", OPENXML + "wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml", OPENXML + "presentationml.presentation.main+xml"),
    "xlsx": ("xl/workbook.xml", OPENXML + "spreadsheetml.sheet.main+xml"),
}
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def seat(position, expert, officer, *, released=True):
    """``expert`` on a seat of ``position``: accepted and (by default) released, so confirmed.
    The rows are made as the staffing services leave them (their own tests cover them)."""
    invitation = Invitation.objects.create(
        position=position,
        expert=expert,
        state=InvitationState.ACCEPTED,
        deadline=timezone.now() + timedelta(days=2),
        invited_by=officer,
        answered_at=timezone.now(),
    )
    assignment = Assignment.objects.create(
        position=position,
        expert=expert,
        invitation=invitation,
        state=AssignmentState.CONFIRMED if released else AssignmentState.AWAITING_RELEASE,
        confirmed_at=timezone.now() if released else None,
    )
    Release.objects.create(
        assignment=assignment,
        administration=expert.home_administration,
        state=ReleaseState.RELEASED if released else ReleaseState.REQUESTED,
    )
    return assignment


def invited(position, expert, officer, *, state=InvitationState.PENDING):
    return Invitation.objects.create(
        position=position,
        expert=expert,
        state=state,
        deadline=timezone.now() + timedelta(days=2),
        invited_by=officer,
    )


def pdf_upload(name="Agenda.pdf", lines=("Agenda", "Day 1: opening")):
    return SimpleUploadedFile(name, tiny_pdf(list(lines)), content_type="application/pdf")


def office_bytes(main_part, main_type, *, extra=(), doctype="", with_main=True) -> bytes:
    """A minimal Office Open XML package: [Content_Types].xml naming ``main_part`` as
    ``main_type``, the package relationships, the main part, and ``extra`` (name, bytes)."""
    content_types = (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
        f'<Types xmlns="{CONTENT_TYPES_NS}">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/officeDocument" Target="{main_part}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        if with_main:
            archive.writestr(main_part, '<?xml version="1.0" encoding="UTF-8"?><document/>')
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def office_upload(kind="docx", name=None, **options):
    main_part, main_type = OFFICE_MAIN[kind]
    return SimpleUploadedFile(
        name or f"Materials.{kind}", office_bytes(main_part, main_type, **options)
    )
