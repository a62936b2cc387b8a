"""Demo requests for assistance: some waiting (one for weeks), two accepted into the demo's
draft or planned missions, one declined; each with its letter as a small real PDF."""

from datetime import UTC, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from fpdf.enums import XPos, YPos

from experts.demo.accounts import remove_files
from experts.models import Language, MemberAdministration, ThematicArea
from experts.services.cv import FONT, LINE, PortalPDF, write_heading
from missions.enums import MissionState, MissionType, RequestState
from missions.models import AssistanceRequest, Mission, RequestAttachment
from missions.services import requests

# (administration, area, type, language, received days ago, state, justification)
DEMO_REQUESTS = [
    (
        "SN",
        "transit",
        MissionType.NATIONAL_WORKSHOP,
        "fr",
        45,
        RequestState.WAITING,
        "A national workshop on transit guarantees for 25 officers of the border posts.",
    ),
    (
        "PE",
        "risk-management",
        MissionType.DIAGNOSTIC,
        "es",
        12,
        RequestState.WAITING,
        "A diagnostic of the risk management unit before the new targeting system goes live.",
    ),
    (
        "VN",
        "e-commerce",
        MissionType.EXPERT_ADVISORY,
        "en",
        3,
        RequestState.WAITING,
        "Advice on the treatment of low-value consignments from cross-border e-commerce.",
    ),
    (
        "JO",
        "aeo-safe",
        MissionType.SCOPING,
        "ar",
        60,
        RequestState.DECLINED,
        "Scoping of an AEO programme with the Chamber of Commerce.",
    ),
]
DECLINE_REASON = "Covered by the regional AEO workshop planned in Amman next quarter."


def letter_pdf(administration, justification: str) -> bytes:
    """The request letter, as the administration might have sent it (fictitious)."""
    pdf = PortalPDF(footer_text="Demo letter, fictitious")
    pdf.set_title("Request for assistance")
    pdf.add_page()
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, LINE, administration.name_en, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    write_heading(pdf, "Request for assistance")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, LINE, justification, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _letter(administration, justification):
    return SimpleUploadedFile(
        "request-letter.pdf",
        letter_pdf(administration, justification),
        content_type="application/pdf",
    )


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _accepted(missions, *, by, today):
    """Requests the demo's first draft or planned missions came from."""
    english = Language.objects.get(code="en")
    for mission in missions:
        administration = mission.beneficiaries.first()
        if administration is None:
            continue
        # A demo mission far ahead was "created" in the future: decided today at the latest.
        decided = min(mission.created_at, timezone.now())
        assistance = requests.record_request(
            requesting_administration=administration,
            thematic_area=mission.thematic_area,
            mission_type=mission.mission_type,
            working_language=english,
            justification=f"A {mission.get_mission_type_display().lower()} on "
            f"{mission.thematic_area.name_en.lower()}, as discussed with the regional office.",
            received_on=min(decided.date(), today) - timedelta(days=14),
            attachments=[_letter(administration, "Our request, as discussed.")],
            by=by,
        )
        AssistanceRequest.objects.filter(pk=assistance.pk).update(
            state=RequestState.ACCEPTED, mission=mission, decided_by=by, decided_at=decided
        )


@transaction.atomic
def create_requests(*, officers, today) -> int:
    """Create the demo requests, unless there are requests already; returns how many."""
    if AssistanceRequest.objects.exists():
        return 0
    officer = officers[0]
    made = 0
    for iso, area, kind, language, days_ago, state, justification in DEMO_REQUESTS:
        administration = MemberAdministration.objects.filter(iso_code=iso).first()
        if administration is None:
            continue
        assistance = requests.record_request(
            requesting_administration=administration,
            thematic_area=ThematicArea.objects.get(code=area),
            mission_type=kind,
            working_language=Language.objects.get(code=language),
            justification=justification,
            received_on=today - timedelta(days=days_ago),
            attachments=[_letter(administration, justification)],
            by=officer,
        )
        if state == RequestState.DECLINED:
            requests.decline_request(assistance.pk, by=officer, reason=DECLINE_REASON)
            AssistanceRequest.objects.filter(pk=assistance.pk).update(
                decided_at=_at(today - timedelta(days=days_ago - 9))
            )
        made += 1
    drafts = list(
        Mission.objects.filter(
            state__in=[MissionState.DRAFT, MissionState.PLANNED], request__isnull=True
        ).order_by("start_date")[:2]
    )
    _accepted(drafts, by=officer, today=today)
    return made + len(drafts)


def delete_requests() -> int:
    """Delete EVERY request and its files, not only the demo's: for a demo reset only. The files
    go once the deletion is committed."""
    count = AssistanceRequest.objects.count()
    names = list(RequestAttachment.objects.values_list("file", flat=True))
    RequestAttachment.objects.all().delete()
    AssistanceRequest.objects.all().delete()
    transaction.on_commit(lambda: remove_files(names))
    return count
