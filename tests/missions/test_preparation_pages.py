"""Before the mission, in the browser's terms: the officer's documents and checklist pages, the
expert's page of their mission, and who may download a mission's documents (the Secretariat
and the seated experts; anyone else 404, never 403)."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.enums import InvitationState, LogisticsItemKind, MissionState, PositionRole
from missions.models import LogisticsItem, Mission, MissionDocument
from missions.services import missions, positions, preparation
from tests.conftest import sign_in
from tests.missions.preparation import invited, office_upload, pdf_upload, seat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


@pytest.fixture
def seated(staffing, pool, officer):
    """Amani confirmed on the lead seat of the Ghana mission, the mission confirmed."""
    assignment = seat(staffing, pool["Amani"], officer)
    missions.confirm(staffing.mission.pk, by=officer)
    return assignment


@pytest.fixture
def mission(seated):
    return seated.position.mission


@pytest.fixture
def amani_client(client, pool):
    sign_in(client, pool["Amani"].user)
    return client


def add(mission, officer, **fields):
    values = {"kind": "agenda", "title": "Agenda", "file": pdf_upload()} | fields
    return preparation.add_document(mission.pk, by=officer, **values)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- The officer's mission page and documents -------------------------------------------------


def test_the_mission_page_lists_documents_and_links_each_seat_to_its_checklist(
    officer_client, mission, seated, officer
):
    add(mission, officer, title="Programme of the week")
    response = officer_client.get(reverse("missions:detail", args=[mission.reference]))
    assert response.status_code == 200
    text = response.text
    assert "Programme of the week" in text
    assert reverse("missions:checklist", args=[seated.pk]) in text
    assert "0 of 5 settled" in text
    assert 'enctype="multipart/form-data"' in text


def test_the_officer_uploads_downloads_and_removes_a_document(officer_client, mission):
    url = reverse("missions:add_document", args=[mission.reference])
    response = officer_client.post(
        url, {"kind": "materials", "title": "", "file": office_upload("pptx")}, follow=True
    )
    assert "Document added: the mission&#x27;s experts can open it." in response.text
    document = MissionDocument.objects.get()
    assert document.title == "Materials" and document.file.name.endswith(".pptx")
    download = officer_client.get(
        reverse("missions:document", args=[mission.reference, document.pk])
    )
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Materials.pptx"'
    assert download["Content-Type"] == document.content_type
    assert download["Cache-Control"] == "private, no-store"
    remove = reverse("missions:remove_document", args=[mission.reference, document.pk])
    response = officer_client.post(remove, follow=True)
    assert "Document removed." in response.text
    assert not MissionDocument.objects.exists()


def test_a_bad_upload_says_why_and_saves_nothing(officer_client, mission):
    url = reverse("missions:add_document", args=[mission.reference])
    response = officer_client.post(url, {"kind": "agenda", "title": "Agenda"}, follow=True)
    assert response.status_code == 200
    assert "File (PDF, Word, PowerPoint or Excel): This field is required." in response.text
    exe = office_upload("docx", extra=[("word/vbaProject.bin", b"\0")])
    response = officer_client.post(url, {"kind": "agenda", "file": exe}, follow=True)
    assert "This document contains macros" in response.text
    response = officer_client.post(url, {"kind": "novel", "file": pdf_upload()}, follow=True)
    assert "Kind of document: Select a valid choice." in response.text
    assert not MissionDocument.objects.exists()


def test_a_closed_mission_shows_its_documents_without_the_forms(officer_client, mission, officer):
    document = add(mission, officer)
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.CLOSED)
    response = officer_client.get(reverse("missions:detail", args=[mission.reference]))
    assert document.title in response.text
    assert reverse("missions:add_document", args=[mission.reference]) not in response.text
    remove = reverse("missions:remove_document", args=[mission.reference, document.pk])
    assert remove not in response.text
    response = officer_client.post(remove, follow=True)
    assert "its documents no longer change" in response.text
    assert MissionDocument.objects.count() == 1


# --- The officer's checklist page -------------------------------------------------------------


def test_the_checklist_page_shows_five_items_and_saves_one(officer_client, seated):
    url = reverse("missions:checklist", args=[seated.pk])
    response = officer_client.get(url)
    assert response.status_code == 200
    assert [row["item"].kind for row in response.context["checklist"]] == list(LogisticsItemKind)
    for kind in LogisticsItemKind:
        assert f'id="id_{kind}-state"' in response.text
    assert 'id="id_travel_dates-departure"' in response.text
    assert 'id="id_visa-departure"' not in response.text
    response = officer_client.post(
        url,
        {
            "item": "travel_dates",
            "travel_dates-state": "done",
            "travel_dates-departure": "2027-03-07",
            "travel_dates-return_date": "2027-03-13",
            "travel_dates-note": "Flight booked by the Secretariat.",
        },
    )
    assert response.status_code == 302 and response.url == f"{url}#item-travel_dates"
    item = LogisticsItem.objects.get()
    assert (item.state, item.departure, item.updated_by) == (
        "done",
        date(2027, 3, 7),
        response.wsgi_request.user,
    )
    page = officer_client.get(url)
    assert "Travel dates: saved." in page.text and "1 of 5 items settled" in page.text


def test_the_checklist_page_shows_errors_on_the_item_and_never_fails(officer_client, seated):
    url = reverse("missions:checklist", args=[seated.pk])
    response = officer_client.post(
        url,
        {
            "item": "travel_dates",
            "travel_dates-state": "in_progress",
            "travel_dates-departure": "2027-03-09",
            "travel_dates-return_date": "2027-03-08",
        },
    )
    assert response.status_code == 200
    assert "The return cannot come before the departure." in response.text
    response = officer_client.post(url, {"item": "travel_dates", "travel_dates-state": "done"})
    assert "Give the departure and return dates" in response.text
    response = officer_client.post(url, {"item": "visa", "visa-state": "lost"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    response = officer_client.post(url, {"item": "passport\r\nSet-Cookie: x"}, follow=True)
    assert "There is no such item on the checklist." in response.text
    response = officer_client.post(url, {"travel_dates-departure": "not a date"}, follow=True)
    assert response.status_code == 200
    assert not LogisticsItem.objects.exists()


def test_a_withdrawn_seat_has_no_checklist_page(officer_client, seated, officer):
    missions.cancel(seated.position.mission_id, by=officer, reason="Postponed.")
    assert officer_client.get(reverse("missions:checklist", args=[seated.pk])).status_code == 404


def test_a_closed_missions_checklist_is_read_only(officer_client, seated, officer):
    preparation.update_item(seated.pk, "visa", by=officer, state="done", note="Visa issued.")
    Mission.objects.filter(pk=seated.position.mission_id).update(state=MissionState.CLOSED)
    url = reverse("missions:checklist", args=[seated.pk])
    response = officer_client.get(url)
    assert "Visa issued." in response.text and "<form" not in response.text.split("<main")[1]
    response = officer_client.post(url, {"item": "visa", "visa-state": "to_do"}, follow=True)
    assert "its checklists no longer change" in response.text
    assert LogisticsItem.objects.get().state == "done"


# --- The expert's page of their mission -------------------------------------------------------


def test_the_expert_sees_their_mission_and_updates_their_checklist(
    amani_client, mission, seated, officer
):
    add(mission, officer, title="Terms of reference", kind="terms")
    mine = amani_client.get(reverse("missions:mine"))
    url = reverse("missions:my_mission", args=[mission.reference])
    assert url in mine.text
    response = amani_client.get(url)
    assert response.status_code == 200
    text = response.text
    assert mission.title in text and "Lead expert" in text and "Virtual" in text
    assert "Terms of reference" in text and "officer@wco.example" in text
    response = amani_client.post(
        url, {"item": "visa", "visa-state": "not_needed", "visa-note": "No visa for Ghana."}
    )
    assert response.status_code == 302
    item = LogisticsItem.objects.get()
    assert (item.kind, item.state, item.updated_by) == ("visa", "not_needed", seated.expert.user)


def test_only_a_seat_holder_reaches_the_expert_page(client, mission, staffing, pool, officer, bob):
    url = reverse("missions:my_mission", args=[mission.reference])
    assert client.get(url).status_code == 302  # to sign in
    sign_in(client, bob.user)
    assert client.get(url).status_code == 404
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.STAFFING)
    co = positions.add_position(
        mission.pk, role=PositionRole.CO_FACILITATOR, profile_type=staffing.profile_type,
        area=staffing.area, by=officer,
    )  # fmt: skip
    invited(co, pool["Bello"], officer)
    sign_in(client, pool["Bello"].user)  # invited, not yet answered
    assert client.get(url).status_code == 404


# --- Who downloads a document -----------------------------------------------------------------


def test_documents_reach_the_seated_experts_and_the_secretariat_only(
    mission, staffing, pool, officer, bob, toa
):
    document = add(mission, officer)
    url = reverse("missions:document", args=[mission.reference, document.pk])
    Mission.objects.filter(pk=mission.pk).update(state=MissionState.STAFFING)
    co = positions.add_position(
        mission.pk, role=PositionRole.CO_FACILITATOR, profile_type=toa, area=staffing.area,
        by=officer,
    )  # fmt: skip
    pending = invited(co, pool["Bello"], officer)

    def status(user):
        client = Client()
        if user is not None:
            sign_in(client, user)
        return client.get(url)

    anonymous = status(None)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("account_login"))
    seen = {
        name: status(user).status_code
        for name, user in [
            ("officer", officer),
            ("seat holder", pool["Amani"].user),
            ("other expert", bob.user),
            ("pending invitee", pool["Bello"].user),
        ]
    }
    pending.state = InvitationState.DECLINED
    pending.save()
    seen["declined invitee"] = status(pool["Bello"].user).status_code
    assert seen == {
        "officer": 200,
        "seat holder": 200,
        "other expert": 404,
        "pending invitee": 404,
        "declined invitee": 404,
    }
    other = reverse("missions:document", args=["2027-999", document.pk])
    client = Client()
    sign_in(client, officer)
    assert client.get(other).status_code == 404


# --- Queries ----------------------------------------------------------------------------------


def _fill(seated, mission, officer, documents: int):
    for n in range(documents):
        add(mission, officer, title=f"Materials {n}", kind="materials")
    for kind in LogisticsItemKind:
        preparation.update_item(seated.pk, kind, by=officer, state="in_progress", note="On it")


def test_the_expert_page_takes_as_many_queries_with_more_documents_and_items(
    amani_client, mission, seated, officer
):
    url = reverse("missions:my_mission", args=[mission.reference])
    _queries(amani_client, url)  # warm the session
    few = _queries(amani_client, url)
    _fill(seated, mission, officer, documents=4)
    assert _queries(amani_client, url) == few


def test_the_checklist_page_takes_as_many_queries_with_more_items(
    officer_client, mission, seated, officer
):
    url = reverse("missions:checklist", args=[seated.pk])
    _queries(officer_client, url)
    few = _queries(officer_client, url)
    _fill(seated, mission, officer, documents=0)
    assert _queries(officer_client, url) == few


def test_the_mission_page_takes_as_many_queries_with_documents_and_checklists(
    officer_client, mission, seated, officer
):
    url = reverse("missions:detail", args=[mission.reference])
    _queries(officer_client, url)
    few = _queries(officer_client, url)
    _fill(seated, mission, officer, documents=3)
    assert _queries(officer_client, url) == few


def test_the_admin_removes_a_document_and_its_file(
    admin_user, mission, officer, django_capture_on_commit_callbacks
):
    document = add(mission, officer)
    name = document.file.name
    client = Client()
    sign_in(client, admin_user)
    change = reverse("admin:missions_missiondocument_change", args=[document.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert reverse("missions:document", args=[mission.reference, document.pk]) in page.text
    delete = reverse("admin:missions_missiondocument_delete", args=[document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not MissionDocument.objects.exists()
    assert not document.file.storage.exists(name)
