"""Before the mission: each seated expert's logistics checklist (travel dates, ticket, visa,
insurance, daily subsistence allowance), and the mission's documents (terms of reference,
agenda, materials), which only its seated experts and the Secretariat see, and the published
materials of the training library the Secretariat attaches to it.

Who changes what (our rule): the Secretariat updates any seated expert's checklist, and an
expert their own (they book their travel, apply for their visa); only the Secretariat adds or
removes documents and library materials. Nothing changes once the mission is cancelled or
closed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ace_portal.accounts.roles import is_secretariat
from experts.services import uploads
from materials.enums import MaterialState
from materials.models import Material
from missions.enums import (
    SEAT_HOLDING_STATES,
    DocumentKind,
    LogisticsItemKind,
    LogisticsState,
    MissionState,
)
from missions.models import Assignment, LogisticsItem, Mission, MissionDocument, MissionMaterial
from missions.services.errors import MissionError

CLOSED_STATES = (MissionState.CANCELLED, MissionState.CLOSED)
SETTLED_STATES = (LogisticsState.DONE, LogisticsState.NOT_NEEDED)
MAX_NOTE = 2000


class PreparationClosed(MissionError):
    """The mission is cancelled or closed, or the expert no longer holds the seat."""


class NotAllowed(MissionError):
    """The person is neither the Secretariat nor the expert whose checklist it is."""


class DocumentRefused(MissionError):
    """The file is not a document the portal accepts (type, size, macros)."""


def is_open(mission: Mission) -> bool:
    return mission.state not in CLOSED_STATES


def has_checklist(assignment: Assignment) -> bool:
    """Seat holders have a checklist (shown, read-only, once the mission is closed)."""
    return assignment.state in SEAT_HOLDING_STATES


def may_update(user, assignment: Assignment) -> bool:
    """May ``user`` change this checklist: the Secretariat, or the expert on the seat."""
    return is_secretariat(user) or (user.is_authenticated and assignment.expert.user_id == user.pk)


def checklist(assignment: Assignment) -> list[LogisticsItem]:
    """All five items of the checklist in their order, those never updated as unsaved "To do"
    rows. Reads ``assignment.logistics.all()``, so a prefetch serves it."""
    saved = {item.kind: item for item in assignment.logistics.all()}
    return [
        saved.get(kind) or LogisticsItem(assignment=assignment, kind=kind)
        for kind in LogisticsItemKind
    ]


def settled(items) -> int:
    """How many of the items are done or not needed."""
    return sum(1 for item in items if item.state in SETTLED_STATES)


def _lock_assignment(assignment_pk: int) -> Assignment:
    # The mission first, as its cancellation does, then the seat.
    mission_pk = (
        Assignment.objects.filter(pk=assignment_pk)
        .values_list("position__mission_id", flat=True)
        .first()
    )
    if mission_pk is None:
        raise PreparationClosed(_("This seat does not exist."))
    mission = Mission.objects.select_for_update().get(pk=mission_pk)
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("expert", "position")
        .get(pk=assignment_pk)
    )
    assignment.position.mission = mission
    return assignment


def _check_item(kind, state, departure, return_date) -> None:
    if kind not in LogisticsItemKind.values:
        raise MissionError(_("There is no such item on the checklist."))
    if state not in LogisticsState.values:
        raise MissionError(_("Choose a state for this item."))
    if kind != LogisticsItemKind.TRAVEL_DATES:
        if departure or return_date:
            raise MissionError(_("Only the travel dates item takes dates."))
        return
    if departure and return_date and return_date < departure:
        raise MissionError(_("The return cannot come before the departure."))
    if state == LogisticsState.DONE and not (departure and return_date):
        raise MissionError(_("Give the departure and return dates to mark the travel done."))


@transaction.atomic
def update_item(
    assignment_pk: int,
    kind: str,
    *,
    by,
    state: str,
    note: str = "",
    departure=None,
    return_date=None,
) -> LogisticsItem:
    """Set one item of a seated expert's checklist: its state, note and (the travel dates item
    only) the departure and return dates. ``by`` is the Secretariat or the expert on the seat.

    Side effects: the item's row is written, created on its first update (with who and when).
    Nothing is sent. Refused, and nothing written, when the seat is no longer held, the
    mission is cancelled or closed, or ``by`` may not change this checklist."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise MissionError(_("Keep the note under %(count)s characters.") % {"count": MAX_NOTE})
    _check_item(kind, state, departure, return_date)
    assignment = _lock_assignment(assignment_pk)
    if not may_update(by, assignment):
        raise NotAllowed(_("Only the Secretariat and the expert on this seat update it."))
    if not has_checklist(assignment):
        raise PreparationClosed(_("This expert no longer holds a seat on the mission."))
    if not is_open(assignment.position.mission):
        raise PreparationClosed(
            _("The mission is cancelled or closed: its checklists no longer change.")
        )
    item = LogisticsItem.objects.filter(assignment=assignment, kind=kind).first()
    if item is None:  # the seat's lock keeps a second first update waiting
        item = LogisticsItem(assignment=assignment, kind=kind)
    item.state, item.note = state, note
    item.departure, item.return_date = departure, return_date
    item.updated_by, item.updated_at = by, timezone.now()
    item.save()
    return item


def _lock_open_mission(mission_pk: int, by) -> Mission:
    if not is_secretariat(by):
        raise NotAllowed(_("Only the Secretariat manages a mission's documents."))
    mission = Mission.objects.select_for_update().get(pk=mission_pk)
    if not is_open(mission):
        raise PreparationClosed(
            _("The mission is cancelled or closed: its documents no longer change.")
        )
    return mission


@transaction.atomic
def add_document(mission_pk: int, *, by, kind: str, title: str, file) -> MissionDocument:
    """The Secretariat shares a document with the mission's seated experts. The file is
    checked by its content (PDF, or DOCX, PPTX, XLSX without macros) and size
    (MISSION_DOCUMENT_MAX_BYTES); the uploader's file name is kept only as a label.

    Side effects: the document's row and its stored file. Nothing is sent. Refused, with
    nothing written, for a file that is not such a document, or a cancelled or closed mission.
    """
    if kind not in DocumentKind.values:
        raise MissionError(_("Choose what kind of document this is."))
    mission = _lock_open_mission(mission_pk, by)
    try:
        suffix = uploads.validate_document(file)
    except ValidationError as refused:
        raise DocumentRefused(" ".join(refused.messages)) from None
    original_name = uploads.safe_original_name(file, f"document{suffix}")
    title = (title or "").strip()[:200] or original_name.rsplit(".", 1)[0] or original_name
    document = MissionDocument(
        mission=mission,
        kind=kind,
        title=title,
        original_name=original_name,
        content_type=uploads.DOCUMENT_CONTENT_TYPES[suffix],
        size=file.size,
        uploaded_by=by,
    )
    document.file.save(f"document{suffix}", file, save=False)
    stored = document.file.name
    try:
        document.save()
    except Exception:
        document.file.storage.delete(stored)
        raise
    return document


@transaction.atomic
def remove_document(document_pk: int, *, by) -> None:
    """The Secretariat removes a document of the mission.

    Side effects: the row is deleted, and its stored file once the deletion is committed
    (unless another row shares it, as the demo's do).
    Refused, with nothing changed, on a cancelled or closed mission."""
    mission_pk = (
        MissionDocument.objects.filter(pk=document_pk).values_list("mission_id", flat=True).first()
    )
    if mission_pk is None:
        raise MissionError(_("This document was removed already."))
    _lock_open_mission(mission_pk, by)
    document = MissionDocument.objects.select_for_update().filter(pk=document_pk).first()
    if document is None:
        raise MissionError(_("This document was removed already."))
    storage, name = document.file.storage, document.file.name
    document.delete()
    # The demo's documents share their files; a real upload has a file of its own.
    if not MissionDocument.objects.filter(file=name).exists():
        transaction.on_commit(lambda: storage.delete(name))


def attached_materials(mission: Mission):
    """The library materials attached to ``mission`` that its experts see: the published ones
    (a withdrawn material drops off their page), with what the page shows of each."""
    return (
        MissionMaterial.objects.filter(mission=mission, material__state=MaterialState.PUBLISHED)
        .select_related("material__area", "material__published_version")
        .order_by("material__title", "pk")
    )


@transaction.atomic
def attach_material(mission_pk: int, material_pk: int, *, by) -> MissionMaterial:
    """The Secretariat attaches a published material of the library to a mission: its seated
    experts then open the material's published version from the mission's page, whatever
    the areas they hold.

    Side effects: one link row. Nothing is sent. Refused, with nothing written, for a material
    that is not published (a draft, a withdrawn one), one attached already, or a cancelled or
    closed mission."""
    mission = _lock_open_mission(mission_pk, by)
    # Locked so that a withdrawal cannot slip in between the check and the link.
    material = Material.objects.select_for_update().filter(pk=material_pk).first()
    if material is None or material.state != MaterialState.PUBLISHED:
        raise MissionError(_("Only a published material of the library can be attached."))
    if MissionMaterial.objects.filter(mission=mission, material=material).exists():
        raise MissionError(_("This material is attached to the mission already."))
    return MissionMaterial.objects.create(mission=mission, material=material, added_by=by)


@transaction.atomic
def detach_material(mission_pk: int, material_pk: int, *, by) -> None:
    """The Secretariat takes a library material off a mission (the material itself stays in
    the library).

    Side effects: the link row is deleted. Nothing is sent. Refused, with nothing changed, on a
    cancelled or closed mission, or when the material is not attached."""
    mission = _lock_open_mission(mission_pk, by)
    deleted, _rows = MissionMaterial.objects.filter(
        mission=mission, material_id=material_pk
    ).delete()
    if not deleted:
        raise MissionError(_("This material is not attached to the mission."))
