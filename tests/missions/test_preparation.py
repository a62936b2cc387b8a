"""Before the mission: each seat's checklist (all five items shown, rows written on their first
update, by the Secretariat or the expert on the seat only, never once the mission is cancelled
or closed) and the mission's documents, checked by their content and size, never their name."""

import io
import zipfile
from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from experts.services import uploads
from missions.demo import preparation as demo_preparation
from missions.enums import LogisticsItemKind, LogisticsState, MissionState, PositionRole
from missions.models import LogisticsItem, Mission, MissionDocument
from missions.services import missions, positions, preparation
from missions.services.errors import MissionError
from missions.services.preparation import DocumentRefused, NotAllowed, PreparationClosed
from tests.missions.preparation import (
    DOCM_MAIN,
    OFFICE_MAIN,
    office_bytes,
    office_upload,
    pdf_upload,
    seat,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

TRAVEL, VISA = LogisticsItemKind.TRAVEL_DATES, LogisticsItemKind.VISA


@pytest.fixture
def seated(staffing, pool, officer):
    """Amani confirmed on the lead seat of the Ghana mission, the mission confirmed."""
    assignment = seat(staffing, pool["Amani"], officer)
    missions.confirm(staffing.mission.pk, by=officer)
    return assignment


def stored_files() -> list[str]:
    try:
        return default_storage.listdir("missions")[0]
    except FileNotFoundError:
        return []


# --- The checklist ----------------------------------------------------------------------------


def test_checklist_shows_all_five_items_to_do_before_any_update(seated):
    items = preparation.checklist(seated)
    assert [item.kind for item in items] == list(LogisticsItemKind)
    assert {item.state for item in items} == {LogisticsState.TO_DO}
    assert all(item.pk is None for item in items)
    assert LogisticsItem.objects.count() == 0
    assert preparation.settled(items) == 0


def test_checklist_the_expert_and_the_officer_update_rows_made_on_first_update(
    seated, pool, officer
):
    amani = pool["Amani"]
    travel = preparation.update_item(
        seated.pk, TRAVEL, by=amani.user, state=LogisticsState.DONE, note=" Flight LH 572 ",
        departure=date(2027, 3, 7), return_date=date(2027, 3, 13),
    )  # fmt: skip
    assert (travel.state, travel.note, travel.updated_by) == ("done", "Flight LH 572", amani.user)
    visa = preparation.update_item(seated.pk, VISA, by=officer, state=LogisticsState.IN_PROGRESS)
    assert visa.updated_by == officer
    again = preparation.update_item(seated.pk, VISA, by=amani.user, state=LogisticsState.DONE)
    assert again.pk == visa.pk
    assert LogisticsItem.objects.filter(assignment=seated).count() == 2
    seated.refresh_from_db()
    items = preparation.checklist(seated)
    assert [item.state for item in items] == ["done", "to_do", "done", "to_do", "to_do"]
    assert preparation.settled(items) == 2


def test_checklist_another_expert_may_not_update_it(seated, pool, bob):
    for stranger in (pool["Bello"].user, bob.user):
        with pytest.raises(NotAllowed, match="Only the Secretariat and the expert"):
            preparation.update_item(seated.pk, VISA, by=stranger, state=LogisticsState.DONE)
    assert LogisticsItem.objects.count() == 0


def test_checklist_a_seat_waiting_for_its_release_has_one(staffing, pool, officer):
    waiting = seat(staffing, pool["Amani"], officer, released=False)
    assert waiting.state == "awaiting_release" and preparation.has_checklist(waiting)
    item = preparation.update_item(waiting.pk, VISA, by=pool["Amani"].user, state="in_progress")
    assert item.pk


def test_checklist_refused_once_the_mission_is_cancelled_and_nothing_changes(seated, pool, officer):
    preparation.update_item(seated.pk, VISA, by=officer, state=LogisticsState.IN_PROGRESS)
    missions.cancel(seated.position.mission_id, by=officer, reason="The venue is closed.")
    with pytest.raises(PreparationClosed, match="no longer holds a seat"):
        preparation.update_item(seated.pk, VISA, by=officer, state=LogisticsState.DONE)
    assert LogisticsItem.objects.get().state == LogisticsState.IN_PROGRESS


def test_checklist_refused_on_a_closed_mission(seated, officer):
    Mission.objects.filter(pk=seated.position.mission_id).update(state=MissionState.CLOSED)
    with pytest.raises(PreparationClosed, match="cancelled or closed"):
        preparation.update_item(seated.pk, VISA, by=officer, state=LogisticsState.DONE)
    assert LogisticsItem.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "changes", "message"),
    [
        (TRAVEL, {"departure": date(2027, 3, 9), "return_date": date(2027, 3, 8)}, "before the"),
        (TRAVEL, {"state": "done", "departure": date(2027, 3, 9)}, "Give the departure and"),
        (VISA, {"departure": date(2027, 3, 7)}, "Only the travel dates item"),
        ("passport", {}, "no such item"),
        (VISA, {"state": "lost"}, "Choose a state"),
        (VISA, {"note": "x" * 2001}, "under 2000 characters"),
    ],
)
def test_checklist_bad_input_refused_and_nothing_changes(seated, officer, kind, changes, message):
    preparation.update_item(seated.pk, TRAVEL, by=officer, state="in_progress", note="Booked")
    preparation.update_item(seated.pk, VISA, by=officer, state="in_progress", note="Applied")
    before = list(LogisticsItem.objects.order_by("pk").values())
    with pytest.raises(MissionError, match=message):
        preparation.update_item(seated.pk, kind, by=officer, **({"state": "in_progress"} | changes))
    assert list(LogisticsItem.objects.order_by("pk").values()) == before


# --- The documents' checks --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["docx", "pptx", "xlsx"])
def test_an_office_document_is_known_by_its_content(kind):
    # Named .pdf: the name is never what decides.
    upload = office_upload(kind, name="renamed.pdf")
    assert uploads.validate_office(upload) == f".{kind}"
    assert uploads.validate_document(upload) == f".{kind}"
    assert upload.tell() == 0


def test_a_real_pdf_passes():
    assert uploads.validate_document(pdf_upload(name="agenda.docx")) == ".pdf"


def _refused(upload) -> str:
    with pytest.raises(ValidationError) as refused:
        uploads.validate_document(upload)
    return " ".join(refused.value.messages)


def test_an_executable_renamed_pdf_is_refused():
    exe = SimpleUploadedFile("agenda.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200)
    assert "neither a PDF nor a Word" in _refused(exe)


def test_a_zip_that_is_not_office_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "not a Word, PowerPoint or Excel" in _refused(
        SimpleUploadedFile("a.docx", buffer.getvalue())
    )


def test_a_main_part_named_but_missing_or_a_doctype_is_refused():
    main_part, main_type = OFFICE_MAIN["docx"]
    missing = office_bytes(main_part, main_type, with_main=False)
    assert "not a Word" in _refused(SimpleUploadedFile("a.docx", missing))
    laughs = office_bytes(main_part, main_type, doctype='<!DOCTYPE t [<!ENTITY a "aaaa">]>')
    assert "not a Word" in _refused(SimpleUploadedFile("a.docx", laughs))


def test_a_document_with_macros_is_refused():
    docm = office_bytes("word/document.xml", DOCM_MAIN, extra=[("word/vbaProject.bin", b"\0")])
    assert "contains macros" in _refused(SimpleUploadedFile("a.docm", docm))
    # A macro project slipped into a document that claims to be a plain .docx.
    hidden = office_upload("docx", extra=[("word/vbaProject.bin", b"\0" * 10)])
    assert "contains macros" in _refused(hidden)


def test_a_zip_of_too_many_parts_is_refused():
    extra = [(f"word/media/p{n}.xml", b"") for n in range(uploads.OFFICE_MAX_PARTS)]
    assert "parts" in _refused(office_upload("docx", extra=extra))


def test_an_empty_or_oversized_file_is_refused(settings):
    assert _refused(SimpleUploadedFile("a.pdf", b"")) == "The file is empty."
    settings.MISSION_DOCUMENT_MAX_BYTES = 100
    message = _refused(pdf_upload())
    assert message.startswith("The file is") and "the limit is 100" in message


# --- Adding and removing documents ------------------------------------------------------------


def test_the_officer_adds_a_pdf_and_a_docx_stored_under_the_portals_names(seated, officer):
    mission_pk = seated.position.mission_id
    agenda = preparation.add_document(
        mission_pk, by=officer, kind="agenda", title="", file=pdf_upload("../Agenda v2.pdf")
    )
    assert (agenda.title, agenda.original_name) == ("Agenda_v2", "Agenda_v2.pdf")
    assert agenda.content_type == "application/pdf" and agenda.size > 0
    assert agenda.file.name.startswith(f"missions/{mission_pk}/")
    assert agenda.file.name.endswith(".pdf") and "Agenda" not in agenda.file.name
    materials = preparation.add_document(
        mission_pk, by=officer, kind="materials", title=" Slides ", file=office_upload("docx")
    )
    assert materials.title == "Slides" and materials.file.name.endswith(".docx")
    assert materials.content_type == uploads.DOCUMENT_CONTENT_TYPES[".docx"]
    assert len(stored_files()) == 1  # the mission's folder
    assert len(default_storage.listdir(f"missions/{mission_pk}")[1]) == 2


def test_a_refused_document_leaves_nothing_behind(seated, officer, pool):
    mission_pk = seated.position.mission_id
    exe = SimpleUploadedFile("agenda.pdf", b"MZ" + b"\0" * 100)
    with pytest.raises(DocumentRefused, match="neither a PDF"):
        preparation.add_document(mission_pk, by=officer, kind="agenda", title="", file=exe)
    with pytest.raises(NotAllowed):
        preparation.add_document(
            mission_pk, by=pool["Amani"].user, kind="agenda", title="", file=pdf_upload()
        )
    with pytest.raises(MissionError, match="kind of document"):
        preparation.add_document(mission_pk, by=officer, kind="novel", title="", file=pdf_upload())
    assert MissionDocument.objects.count() == 0 and stored_files() == []


def test_documents_no_longer_change_once_the_mission_is_cancelled(seated, officer):
    mission_pk = seated.position.mission_id
    document = preparation.add_document(
        mission_pk, by=officer, kind="agenda", title="Agenda", file=pdf_upload()
    )
    missions.cancel(mission_pk, by=officer, reason="Postponed.")
    with pytest.raises(PreparationClosed):
        preparation.add_document(mission_pk, by=officer, kind="agenda", title="", file=pdf_upload())
    with pytest.raises(PreparationClosed):
        preparation.remove_document(document.pk, by=officer)
    assert MissionDocument.objects.count() == 1


def test_removing_a_document_deletes_its_file_once_committed(
    seated, officer, django_capture_on_commit_callbacks
):
    document = preparation.add_document(
        seated.position.mission_id, by=officer, kind="agenda", title="Agenda", file=pdf_upload()
    )
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        preparation.remove_document(document.pk, by=officer)
    assert not MissionDocument.objects.exists()
    assert not default_storage.exists(name)
    with pytest.raises(MissionError, match="removed already"):
        preparation.remove_document(document.pk, by=officer)


def test_a_position_added_later_is_not_needed_for_documents(make_mission, officer, toa):
    """A mission in draft takes documents too (terms of reference come early)."""
    mission = make_mission()
    positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=toa, area=mission.thematic_area, by=officer
    )
    document = preparation.add_document(
        mission.pk, by=officer, kind="terms", title="ToR", file=pdf_upload()
    )
    assert document.mission_id == mission.pk


# --- The demo ---------------------------------------------------------------------------------


def test_the_demo_prepares_confirmed_missions_and_a_reset_removes_it():
    call_command("seed_demo", experts=150, missions=80, seed=3, verbosity=0)
    items = LogisticsItem.objects.select_related("assignment__position__mission")
    assert {item.assignment.position.mission.state for item in items} <= {
        MissionState.CONFIRMED,
        MissionState.IN_PROGRESS,
    }
    assert len({item.state for item in items}) >= 3
    travel = items.filter(kind=TRAVEL, departure__isnull=False).first()
    assert travel.return_date > travel.departure
    document = MissionDocument.objects.first()
    assert document is not None
    assert uploads.validate_document(document.file.open("rb")) == ".pdf"
    document.file.close()
    # A second run prepares only the missions left out (a doubled item would break its
    # unique constraint), never a second copy of a mission's documents.
    demo_preparation.prepare_missions(seed=3, share=1.0)
    assert max(Counter(MissionDocument.objects.values_list("mission", flat=True)).values()) == 2
    call_command("seed_demo", experts=0, missions=0, reset=True, verbosity=0)
    assert not LogisticsItem.objects.exists() and not MissionDocument.objects.exists()
