"""The Secretariat's requests for assistance in the portal: recorded with their files (checked by
content, all kept or none), listed waiting first, accepted into a mission or declined, once."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from experts.models import Language, MemberAdministration, ThematicArea
from missions.demo import requests as demo_requests
from missions.enums import MissionState, MissionType, RequestState
from missions.models import AssistanceRequest, Mission, RequestAttachment
from missions.services import requests
from missions.views import requests as views
from tests.conftest import sign_in
from tests.missions.staffing import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]

# What a Windows program starts with: an executable is no PDF, whatever its name says.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def picture(image_format: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def request_data(**overrides):
    return {
        "requesting_administration": MemberAdministration.objects.get(iso_code="SN").pk,
        "received_on": "2027-01-20",
        "thematic_area": ThematicArea.objects.get(code="transit").pk,
        "mission_type": MissionType.NATIONAL_WORKSHOP,
        "working_language": Language.objects.get(code="fr").pk,
        "preferred_start": "2027-05-03",
        "preferred_end": "2027-05-07",
        "justification": "A national workshop on transit guarantees.",
    } | overrides


def stored_files() -> list[str]:
    if not default_storage.exists("requests"):
        return []
    folders, _files = default_storage.listdir("requests")
    return [name for folder in folders for name in default_storage.listdir(f"requests/{folder}")[1]]


@pytest.fixture
def make_request(officer, ghana):
    def make(**fields):
        values = {
            "requesting_administration": ghana,
            "thematic_area": ThematicArea.objects.get(code="transit"),
            "mission_type": MissionType.NATIONAL_WORKSHOP,
            "working_language": Language.objects.get(code="en"),
            "justification": "A national workshop on transit.",
            "preferred_start": date(2027, 5, 3),
            "preferred_end": date(2027, 5, 7),
            "by": officer,
        } | fields
        return requests.record_request(**values)

    return make


@pytest.fixture
def waiting(make_request):
    return make_request(attachments=[upload("Letter from the DG.pdf", PDF)])


# --- Recording a request -----------------------------------------------------------------------


def test_the_officer_records_a_request_with_its_letter_and_a_scan(officer_client, officer):
    files = [upload("letter.pdf", PDF), upload("scan.png", picture("PNG"), "image/png")]
    response = officer_client.post(
        reverse("missions:record_request"), request_data(attachments=files), follow=True
    )
    assert "Request recorded: it is waiting for a decision." in response.text
    assistance = AssistanceRequest.objects.get()
    assert (assistance.state, assistance.created_by, assistance.received_on) == (
        RequestState.WAITING,
        officer,
        date(2027, 1, 20),
    )
    attachments = list(assistance.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type, a.uploaded_by) for a in attachments] == [
        ("letter.pdf", "application/pdf", officer),
        ("scan.png", "image/png", officer),
    ]
    # Stored under the portal's own names, with the suffix of what the content is.
    assert [a.file.name.rsplit(".", 1)[1] for a in attachments] == ["pdf", "png"]
    assert not any("letter" in a.file.name or "scan" in a.file.name for a in attachments)
    assert "letter.pdf" in response.text and "scan.png" in response.text


def test_a_request_without_files_is_recorded(officer_client):
    response = officer_client.post(reverse("missions:record_request"), request_data())
    assistance = AssistanceRequest.objects.get()
    assert response.url == reverse("missions:request_detail", args=[assistance.pk])
    assert not assistance.attachments.exists()


def test_the_form_is_labelled_and_limits_its_files(officer_client):
    response = officer_client.get(reverse("missions:record_request"))
    assert response.status_code == 200
    for name in ("requesting_administration", "thematic_area", "justification", "attachments"):
        assert f'for="id_{name}"' in response.text
    assert 'name="attachments"' in response.text and "multiple" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert "up to 5 files" in response.text


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [upload("program.pdf", EXECUTABLE)],
            "program.pdf: This file is neither a PDF document nor a PNG or JPEG picture.",
        ),
        ([upload("empty.pdf", b"")], "empty.pdf: The file is empty."),
        (
            [upload("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n")],
            "cut.pdf: This file is neither a PDF document nor a PNG or JPEG picture.",
        ),
        (
            [upload("photo.webp", picture("WEBP"), "image/webp")],
            "photo.webp: This file is neither a PDF document nor a PNG or JPEG picture.",
        ),
        ([upload(f"p{n}.pdf", PDF) for n in range(6)], "Attach at most 5 files to a request."),
    ],
    ids=["executable", "empty", "truncated-pdf", "webp", "too-many"],
)
def test_a_bad_upload_is_refused_and_nothing_is_saved(officer_client, files, message):
    response = officer_client.post(
        reverse("missions:record_request"), request_data(attachments=files)
    )
    assert response.status_code == 200
    assert message in response.text
    assert not AssistanceRequest.objects.exists() and not RequestAttachment.objects.exists()
    assert stored_files() == []


def test_an_oversized_file_is_refused_with_its_size(officer_client, settings):
    settings.MAX_CV_BYTES = 1024
    big = PDF[:-6] + b" " * 2000 + b"%%EOF\n"
    response = officer_client.post(
        reverse("missions:record_request"), request_data(attachments=[upload("big.pdf", big)])
    )
    assert "big.pdf: The file is 2.0\xa0KB; the limit is 1.0\xa0KB." in response.text
    assert not AssistanceRequest.objects.exists() and stored_files() == []


def test_one_bad_file_among_good_ones_keeps_none_and_names_only_it(officer_client):
    files = [
        upload("letter.pdf", PDF),
        upload("scan.jpg", picture("JPEG"), "image/jpeg"),
        upload("virus.pdf", EXECUTABLE),
    ]
    response = officer_client.post(
        reverse("missions:record_request"), request_data(attachments=files)
    )
    assert "virus.pdf: This file is neither" in response.text
    assert "letter.pdf:" not in response.text and "scan.jpg:" not in response.text
    assert not AssistanceRequest.objects.exists() and stored_files() == []


def test_every_bad_file_is_named_in_the_message(officer_client):
    files = [upload("one.pdf", EXECUTABLE), upload("two.png", b"", "image/png")]
    response = officer_client.post(
        reverse("missions:record_request"), request_data(attachments=files)
    )
    assert "one.pdf: This file is neither" in response.text
    assert "two.png: The file is empty." in response.text
    assert response.text.count('id="id_attachments_error"') == 1
    assert not AssistanceRequest.objects.exists()


def test_the_service_refuses_a_bad_file_and_keeps_nothing(officer, ghana):
    with pytest.raises(requests.MissionError, match="virus.pdf: This file is neither"):
        requests.record_request(
            requesting_administration=ghana,
            thematic_area=ThematicArea.objects.get(code="transit"),
            mission_type=MissionType.DIAGNOSTIC,
            working_language=Language.objects.get(code="en"),
            justification="Diagnostic.",
            attachments=[upload("letter.pdf", PDF), upload("virus.pdf", EXECUTABLE)],
            by=officer,
        )
    assert not AssistanceRequest.objects.exists() and stored_files() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"preferred_end": "2027-05-01"}, "The preferred end cannot be before the start."),
        ({"received_on": "2027-02-02"}, "A request cannot be received in the future."),
        ({"justification": "   "}, "This field is required."),
        ({"requesting_administration": "999999"}, "Select a valid choice."),
        ({"mission_type": "party"}, "Select a valid choice."),
        ({"preferred_start": "soon"}, "Enter a valid date."),
    ],
)
def test_a_bad_request_is_refused_with_a_message(officer_client, overrides, message):
    response = officer_client.post(reverse("missions:record_request"), request_data(**overrides))
    assert response.status_code == 200 and message in response.text
    assert not AssistanceRequest.objects.exists()


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_waiting_first_the_longest_waiting_at_the_top(
    officer_client, make_request, officer
):
    recent = make_request(received_on=date(2027, 1, 25))
    oldest = make_request(received_on=date(2026, 12, 2))
    decided = make_request(received_on=date(2026, 11, 1))
    requests.decline_request(decided.pk, by=officer, reason="Covered by a regional workshop.")
    response = officer_client.get(reverse("missions:requests"))
    assert [r.pk for r in response.context["page"].object_list] == [
        oldest.pk,
        recent.pk,
        decided.pk,
    ]
    # Today is 1 February 2027: 61 and 7 days waited; the declined one waited until today.
    assert [r.days_waited for r in response.context["page"].object_list] == [61, 7, 92]
    assert "61 days" in response.text and "7 days" in response.text


def test_the_list_filters_by_state_and_ignores_a_bad_one(officer_client, make_request, officer):
    kept = make_request()
    declined = make_request()
    requests.decline_request(declined.pk, by=officer, reason="No funding this year.")
    url = reverse("missions:requests")
    response = officer_client.get(url, {"state": "declined"})
    assert [r.pk for r in response.context["page"].object_list] == [declined.pk]
    response = officer_client.get(url, {"state": "lost", "page": "x"})
    assert response.status_code == 200 and "Select a valid choice." in response.text
    assert {r.pk for r in response.context["page"].object_list} == {kept.pk, declined.pk}


def test_the_list_pages_through_many_requests(officer_client, make_request):
    for _ in range(51):
        make_request()
    response = officer_client.get(reverse("missions:requests"), {"page": "2"})
    assert len(response.context["page"].object_list) == 1 and 'rel="prev"' in response.text


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_many_requests(
    officer_client, make_request, officer, make_mission
):
    def seed(count):
        for n in range(count):
            made = make_request(attachments=[upload("l.pdf", PDF)] if n % 2 else [])
            if n % 3 == 1:
                requests.decline_request(made.pk, by=officer, reason="No.")
            elif n % 3 == 2:
                requests.accept_request(
                    made.pk,
                    by=officer,
                    title=f"Workshop {n}",
                    start_date=date(2027, 5, 3),
                    end_date=date(2027, 5, 7),
                    officer=officer,
                )

    seed(3)
    url = reverse("missions:requests")
    _queries(officer_client, url)  # warm the session
    few = _queries(officer_client, url)
    seed(30)
    assert _queries(officer_client, url) == few


def test_the_mission_list_links_the_requests_and_the_calendar(officer_client):
    response = officer_client.get(reverse("missions:list"))
    assert reverse("missions:requests") in response.text
    assert reverse("missions:month_calendar") in response.text
    assert "<section" not in response.text.split("</title>")[0]


# --- A request's page, its files --------------------------------------------------------------


def test_the_page_shows_the_facts_and_the_files(officer_client, waiting):
    response = officer_client.get(reverse("missions:request_detail", args=[waiting.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Ghana" in text and "A national workshop on transit." in text
    assert "Letter_from_the_DG.pdf" in text  # cleaned as every upload name is
    attachment = waiting.attachments.get()
    assert reverse("missions:request_attachment", args=[waiting.pk, attachment.pk]) in text
    assert "Accept into a mission" in text and 'for="id_reason"' in text


def test_a_file_downloads_under_a_safe_name(officer_client, make_request):
    made = make_request(attachments=[upload('poly"; x=.html', PDF)])
    attachment = made.attachments.get()
    response = officer_client.get(
        reverse("missions:request_attachment", args=[made.pk, attachment.pk])
    )
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.pdf"')
    assert "html" not in disposition.split("filename=")[1].rsplit(".", 1)[1]
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_is_found_only_under_its_own_request(officer_client, waiting, make_request):
    other = make_request()
    attachment = waiting.attachments.get()
    url = reverse("missions:request_attachment", args=[other.pk, attachment.pk])
    assert officer_client.get(url).status_code == 404


def test_experts_get_404_on_every_request_page(client, alice, waiting):
    sign_in(client, alice.user)
    attachment = waiting.attachments.get()
    for url in (
        reverse("missions:requests"),
        reverse("missions:request_detail", args=[waiting.pk]),
        reverse("missions:request_attachment", args=[waiting.pk, attachment.pk]),
        reverse("missions:accept_request", args=[waiting.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("missions:decline_request", args=[waiting.pk])).status_code == 404


def test_an_unknown_request_is_404(officer_client):
    assert officer_client.get("/secretariat/missions/requests/999999/").status_code == 404


# --- Accepting ---------------------------------------------------------------------------------


def accept_data(officer, **overrides):
    return {
        "title": "National transit workshop",
        "start_date": "2027-05-03",
        "end_date": "2027-05-07",
        "officer": officer.pk,
        "delivery": "in_person",
        "location": "Accra",
        "terms_of_reference": "Train 25 officers.",
    } | overrides


def test_the_accept_form_starts_from_the_request(officer_client, waiting):
    response = officer_client.get(reverse("missions:accept_request", args=[waiting.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "National workshop: Ghana"
    assert form["start_date"].value() == date(2027, 5, 3)
    assert "beneficiaries" not in form.fields and "thematic_area" not in form.fields


def test_accepting_makes_the_mission_and_links_both_ways(officer_client, officer, waiting):
    response = officer_client.post(
        reverse("missions:accept_request", args=[waiting.pk]), accept_data(officer), follow=True
    )
    mission = Mission.objects.get()
    assert response.redirect_chain[-1][0] == reverse("missions:detail", args=[mission.reference])
    assert f"Request accepted into mission {mission.reference}." in response.text
    assert (mission.state, mission.location, mission.title) == (
        MissionState.DRAFT,
        "Accra",
        "National transit workshop",
    )
    assert reverse("missions:request_detail", args=[waiting.pk]) in response.text
    page = officer_client.get(reverse("missions:request_detail", args=[waiting.pk])).text
    assert reverse("missions:detail", args=[mission.reference]) in page
    assert "by Sam" in page and "Accept into a mission" not in page


def test_a_bad_acceptance_shows_its_message_and_keeps_the_request_waiting(
    officer_client, officer, waiting
):
    response = officer_client.post(
        reverse("missions:accept_request", args=[waiting.pk]),
        accept_data(officer, end_date="2027-05-01", title=""),
    )
    assert response.status_code == 200
    assert "A mission cannot end before it starts." in response.text
    assert "This field is required." in response.text
    waiting.refresh_from_db()
    assert waiting.state == RequestState.WAITING and not Mission.objects.exists()


def test_accepting_twice_says_so_and_makes_one_mission(officer_client, officer, waiting):
    url = reverse("missions:accept_request", args=[waiting.pk])
    officer_client.post(url, accept_data(officer))
    again = officer_client.post(url, accept_data(officer, title="Again"), follow=True)
    assert again.status_code == 200 and "This request was already accepted." in again.text
    assert Mission.objects.count() == 1
    # The form of a decided request is not offered again either.
    opened = officer_client.get(url, follow=True)
    assert "This request was already accepted." in opened.text


def test_a_second_tab_accepting_after_the_decision_is_told(
    officer_client, officer, waiting, monkeypatch
):
    # The page read the request while it waited; the other tab declined it just after.
    stale = views.request_for_page(waiting.pk)
    requests.decline_request(waiting.pk, by=officer, reason="Declined in the other tab.")
    monkeypatch.setattr(views, "request_for_page", lambda pk: stale)
    response = officer_client.post(
        reverse("missions:accept_request", args=[waiting.pk]), accept_data(officer), follow=True
    )
    assert "This request was already declined." in response.text
    assert not Mission.objects.exists()


# --- Declining ---------------------------------------------------------------------------------


def test_declining_needs_a_reason(officer_client, waiting):
    response = officer_client.post(
        reverse("missions:decline_request", args=[waiting.pk]), {"reason": "  "}
    )
    assert response.status_code == 200 and "Say why the request is declined." in response.text
    waiting.refresh_from_db()
    assert waiting.state == RequestState.WAITING


def test_declining_shows_who_when_and_why(officer_client, waiting):
    response = officer_client.post(
        reverse("missions:decline_request", args=[waiting.pk]),
        {"reason": "Covered by the regional workshop."},
        follow=True,
    )
    assert "Request declined." in response.text
    assert "Covered by the regional workshop." in response.text and "by Sam" in response.text
    waiting.refresh_from_db()
    assert waiting.state == RequestState.DECLINED
    assert "Decline the request" not in response.text


def test_declining_twice_or_after_acceptance_says_so(officer_client, officer, waiting):
    url = reverse("missions:decline_request", args=[waiting.pk])
    officer_client.post(url, {"reason": "First."})
    again = officer_client.post(url, {"reason": "Second."}, follow=True)
    assert "This request was already declined." in again.text
    waiting.refresh_from_db()
    assert waiting.decision_reason == "First."
    accepted = officer_client.post(
        reverse("missions:accept_request", args=[waiting.pk]), accept_data(officer), follow=True
    )
    assert "This request was already declined." in accepted.text
    assert not Mission.objects.exists()


# --- Admin and demo ----------------------------------------------------------------------------


def test_the_admin_shows_the_files_of_a_request(client, admin_user, waiting):
    sign_in(client, admin_user)
    response = client.get(reverse("admin:missions_assistancerequest_change", args=[waiting.pk]))
    attachment = waiting.attachments.get()
    assert response.status_code == 200
    assert reverse("missions:request_attachment", args=[waiting.pk, attachment.pk]) in (
        response.text
    )


def test_the_demo_requests_wait_are_accepted_and_declined_with_real_letters(officer, make_mission):
    mission = make_mission()
    today = date(2027, 2, 1)
    made = demo_requests.create_requests(officers=[officer], today=today)
    assert made == AssistanceRequest.objects.count() == 5
    states = list(AssistanceRequest.objects.values_list("state", flat=True))
    assert sorted(states) == ["accepted", "declined", "waiting", "waiting", "waiting"]
    assert AssistanceRequest.objects.get(state="accepted").mission == mission
    for attachment in RequestAttachment.objects.all():
        with attachment.file.open("rb") as handle:
            assert requests.check_attachment(handle) == (".pdf", "application/pdf")
    assert demo_requests.create_requests(officers=[officer], today=today) == 0
    assert AssistanceRequest.objects.filter(received_on=today - timedelta(days=45)).exists()
    demo_requests.delete_requests()
    assert not AssistanceRequest.objects.exists() and not RequestAttachment.objects.exists()
