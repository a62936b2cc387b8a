"""Demo "before the mission": checklists in varied states for the seats of most confirmed and
in-progress missions, and terms of reference and an agenda (two small real PDFs, stored once
and shared by the demo rows) for some of them; and library materials attached to the demo
expert's confirmed mission. Rows are bulk-inserted: thousands of missions
take well under a second. Draws come from a ``random.Random`` of their own."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from fpdf.enums import XPos, YPos

from experts.services.cv import FONT, LINE, PortalPDF, write_heading
from materials.models import Material
from missions.enums import (
    SEAT_HOLDING_STATES,
    Delivery,
    DocumentKind,
    LogisticsItemKind,
    LogisticsState,
    MissionState,
)
from missions.models import Assignment, LogisticsItem, Mission, MissionDocument
from missions.services import preparation

K, L = LogisticsItemKind, LogisticsState
NOTES = {
    K.TRAVEL_DATES: "Arrive the day before the opening session.",
    K.TICKET: "E-ticket sent by the travel agency.",
    K.VISA: "Visa on arrival; invitation letter attached to the request.",
    K.INSURANCE: "Covered by the WCO travel insurance.",
    K.ALLOWANCE: "Paid on arrival, in local currency.",
}
TRAVEL_ONLY = (K.TRAVEL_DATES, K.TICKET, K.VISA, K.INSURANCE)


def _pdf(title: str, paragraphs: list[str]) -> bytes:
    pdf = PortalPDF(footer_text="ACE Portal demo")
    pdf.set_title(title)
    pdf.set_creator("ACE Portal")
    pdf.add_page()
    write_heading(pdf, title)
    pdf.set_font(FONT, "", 10)
    for paragraph in paragraphs:
        pdf.multi_cell(0, LINE, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    return bytes(pdf.output())


def _demo_files() -> list[tuple[str, str, str, bytes]]:
    """(kind, title, file name, content) of the two demo documents."""
    terms = _pdf(
        "Terms of reference (demo)",
        [
            "Objective: assess the current practice and agree an action plan with the "
            "administration's managers.",
            "Deliverables: the sessions the plan calls for, and the mission report within "
            "two weeks of the last day.",
        ],
    )
    agenda = _pdf(
        "Agenda (demo)",
        [
            "Day 1: opening, presentation of the WCO tools, current practice.",
            "Day 2-3: working sessions with the administration's teams.",
            "Last day: action plan agreed, closing session.",
        ],
    )
    return [
        (DocumentKind.TERMS_OF_REFERENCE, "Terms of reference", "missions/demo/terms.pdf", terms),
        (DocumentKind.AGENDA, "Agenda", "missions/demo/agenda.pdf", agenda),
    ]


def _state(rng, kind, mission_state, delivery) -> str:
    if delivery == Delivery.VIRTUAL and kind in (*TRAVEL_ONLY, K.ALLOWANCE):
        return L.NOT_NEEDED
    if mission_state == MissionState.IN_PROGRESS:
        return rng.choice([L.DONE] * 4 + [L.NOT_NEEDED])
    return rng.choice([L.TO_DO, L.IN_PROGRESS, L.IN_PROGRESS, L.DONE, L.DONE, L.NOT_NEEDED])


def _items(rng, seat, mission) -> list[LogisticsItem]:
    pk, expert_user = seat
    items = []
    for kind in LogisticsItemKind:
        if rng.random() < 0.2:  # never updated: the page shows it "To do"
            continue
        state = _state(rng, kind, mission.state, mission.delivery)
        dated = kind == K.TRAVEL_DATES and state in (L.IN_PROGRESS, L.DONE)
        items.append(
            LogisticsItem(
                assignment_id=pk,
                kind=kind,
                state=state,
                departure=mission.start_date - timedelta(days=1) if dated else None,
                return_date=mission.end_date + timedelta(days=1) if dated else None,
                note=NOTES[kind] if state != L.NOT_NEEDED and rng.random() < 0.5 else "",
                updated_by_id=rng.choice([expert_user, mission.officer_id]),
                updated_at=mission.created_at + timedelta(days=rng.randint(20, 50)),
            )
        )
    return items


@transaction.atomic
def prepare_missions(*, seed: int, share: float = 0.7) -> dict:
    """Checklists for the seats of ``share`` of the confirmed and in-progress missions, and
    the two demo documents for half of those. Missions that have some already are skipped, so a
    second run adds nothing. Returns how many rows of each kind were made."""
    rng = random.Random(f"preparation-{seed}")
    missions = list(
        Mission.objects.filter(state__in=[MissionState.CONFIRMED, MissionState.IN_PROGRESS])
        .exclude(documents__isnull=False)
        .exclude(positions__assignments__logistics__isnull=False)
        .only("pk", "state", "delivery", "start_date", "end_date", "officer", "created_at")
        .order_by("pk")
    )
    chosen = {mission.pk: mission for mission in missions if rng.random() < share}
    seats = Assignment.objects.filter(
        position__mission_id__in=chosen, state__in=SEAT_HOLDING_STATES
    ).values_list("pk", "expert__user_id", "position__mission_id")
    items = []
    for pk, user, mission_pk in seats.order_by("pk"):
        items.extend(_items(rng, (pk, user), chosen[mission_pk]))
    LogisticsItem.objects.bulk_create(items, batch_size=2000)
    with_documents = [mission for mission in chosen.values() if rng.random() < 0.5]
    documents = []
    if with_documents:
        for kind, title, name, content in _demo_files():
            stored = default_storage.save(name, ContentFile(content))
            documents.extend(
                MissionDocument(
                    mission=mission,
                    kind=kind,
                    title=title,
                    file=stored,
                    original_name=f"{title}.pdf",
                    content_type="application/pdf",
                    size=len(content),
                    uploaded_by_id=mission.officer_id,
                    uploaded_at=mission.created_at + timedelta(days=10),
                )  # fmt: skip
                for mission in with_documents
            )
    MissionDocument.objects.bulk_create(documents, batch_size=2000)
    return {"logistics": len(items), "documents": len(documents)}


def delete_preparation() -> int:
    """Delete EVERY checklist row and mission document (before the missions, for a demo
    reset), their stored files once the deletion is committed."""
    names = set(MissionDocument.objects.values_list("file", flat=True))
    LogisticsItem.objects.all().delete()
    count, _ = MissionDocument.objects.all().delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in names])
    return count


def attach_library_materials(expert, *, officer, count: int = 2) -> int:
    """Attach up to ``count`` published library materials to the demo expert's confirmed
    mission, through the service: one of the mission's area when there is one, then one of
    another area (the expert opens it from the mission even without holding that area).
    Nothing when the mission has some already; returns how many were attached."""
    seat = (
        Assignment.objects.filter(expert=expert, state__in=SEAT_HOLDING_STATES)
        .filter(position__mission__state=MissionState.CONFIRMED)
        .select_related("position__mission")
        .order_by("pk")
        .first()
    )
    if seat is None or seat.position.mission.library_materials.exists():
        return 0
    mission = seat.position.mission
    published = Material.objects.published().order_by("pk")
    chosen = list(published.filter(area=mission.thematic_area_id)[:1])
    # Then one of the Secretariat's own tools (no working group) of another area.
    others = published.exclude(area=mission.thematic_area_id)
    chosen += list(others.filter(group__isnull=True)[: count - len(chosen)])
    chosen += list(others.exclude(pk__in=[m.pk for m in chosen])[: count - len(chosen)])
    for material in chosen:
        preparation.attach_material(mission.pk, material.pk, by=officer)
    return len(chosen)
