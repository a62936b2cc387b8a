"""Exports that finish (issue 9, item 5): above a threshold the directory's export becomes a job
written by a worker, with a progress page and a private, expiring download; below it, it still
streams. Row production reads tuples, not model objects, and translates labels once per export.

The job runs here through the eager task (on commit); test_export_worker.py drives a real one.
"""

import csv
import io
from datetime import date, timedelta
from io import BytesIO
from unittest import mock

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from ace_portal.accounts.roles import Role
from experts import tasks
from experts.enums import ExportState
from experts.models import Expert, ExpertExport, MemberAdministration, Region
from experts.services.exports import files as export
from experts.services.exports import jobs as exports
from tests.conftest import _with_totp, sign_in
from tests.experts.exports.sheets import as_csv_text
from tests.factories import ExpertFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/secretariat/experts/export/"
BOM = "\ufeff"
ROSTER = 7


@pytest.fixture
def roster(db):
    france = MemberAdministration.objects.get(iso_code="FR")
    experts = [
        ExpertFactory(
            given_names="Élodie",
            family_name="Lefèvre",
            home_administration=france,
            phone="+33 1 40 00 00 00",
            passport_number="FR9876543",
            date_of_birth=date(1975, 2, 14),
            position="=HYPERLINK(1)",
            gender="female",
            remote_only=True,
        )
    ]
    experts += [ExpertFactory(given_names=f"Person {index}") for index in range(ROSTER - 1)]
    return experts


@pytest.fixture
def officer_client(client, officer):
    return sign_in(client, officer)


@pytest.fixture
def small_threshold(settings):
    """Anything above 3 rows goes through a job."""
    settings.ACE_EXPORT_STREAM_MAX_ROWS = 3
    return 3


def streamed_csv(client, settings, params=None) -> bytes:
    """The same export as the streamed response gives it (the threshold lifted)."""
    previous = settings.ACE_EXPORT_STREAM_MAX_ROWS
    settings.ACE_EXPORT_STREAM_MAX_ROWS = 1_000_000
    try:
        response = client.get(URL, params or {})
        assert isinstance(response, StreamingHttpResponse)
        return b"".join(response.streaming_content)
    finally:
        settings.ACE_EXPORT_STREAM_MAX_ROWS = previous


def request_job(client, django_capture_on_commit_callbacks, params=None) -> ExpertExport:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(URL, params or {})
    job = ExpertExport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("secretariat:export_detail", args=[job.pk])
    job.refresh_from_db()
    return job


def download(client, job):
    return client.get(reverse("secretariat:export_download", args=[job.pk]))


def csv_table(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


# --- Small and large ------------------------------------------------------------------------


def test_small_export_still_streams_without_a_job(officer_client, roster, settings):
    settings.ACE_EXPORT_STREAM_MAX_ROWS = ROSTER  # exactly at the threshold: streamed
    response = officer_client.get(URL)
    assert isinstance(response, StreamingHttpResponse)
    assert len(csv_table(b"".join(response.streaming_content))) == 1 + ROSTER
    assert not ExpertExport.objects.exists()


def test_large_csv_export_is_a_job_with_exactly_every_row(
    officer_client, officer, roster, small_threshold, settings, django_capture_on_commit_callbacks
):
    job = request_job(officer_client, django_capture_on_commit_callbacks)
    assert job.state == ExportState.DONE
    assert (job.requested_by, job.format, job.sensitive) == (officer, "csv", False)
    assert job.rows_total == job.rows_done == ROSTER
    assert job.expires_at == job.finished_at + timedelta(hours=settings.ACE_EXPORT_KEEP_HOURS)
    assert job.file.name.startswith("exports/") and job.file.name.endswith(".csv")

    response = download(officer_client, job)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="experts-{timezone.localdate().isoformat()}.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    table = csv_table(content)
    assert len(table) == 1 + ROSTER  # the header and exactly N data rows
    # In the directory's default order, by name.
    by_name = Expert.objects.order_by("family_name", "given_names", "pk")
    assert [int(row[0]) for row in table[1:]] == list(by_name.values_list("pk", flat=True))
    # Byte for byte what the streamed export gives.
    assert content == streamed_csv(officer_client, settings)


def test_large_xlsx_export_opens_with_every_row(
    officer_client, roster, small_threshold, settings, django_capture_on_commit_callbacks
):
    job = request_job(officer_client, django_capture_on_commit_callbacks, {"format": "xlsx"})
    assert job.state == ExportState.DONE and job.file.name.endswith(".xlsx")
    response = download(officer_client, job)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Experts"]
    rows = [[as_csv_text(cell) for cell in row] for row in workbook.active.iter_rows()]
    assert len(rows) == 1 + ROSTER
    assert rows == csv_table(streamed_csv(officer_client, settings))


def test_job_keeps_the_filters_and_the_sensitive_choice(
    officer_client, roster, small_threshold, django_capture_on_commit_callbacks
):
    ExpertFactory.create_batch(
        3, home_administration=MemberAdministration.objects.get(iso_code="DE")
    )
    europe = str(Region.objects.get(code="EUR").pk)
    job = request_job(
        officer_client,
        django_capture_on_commit_callbacks,
        {"region": europe, "sensitive": "1", "format": "csv", "after": "x", "page": "2"},
    )
    assert job.query == f"region={europe}"  # paging and file choices are not filters
    assert job.sensitive
    table = csv_table(b"".join(download(officer_client, job).streaming_content))
    assert len(table) == 1 + 4  # Lefèvre and the three in Germany
    assert table[0][-3:] == ["Date of birth", "Passport number", "Passport expiry"]
    lefevre = dict(zip(table[0], next(r for r in table if r[1] == "Lefèvre"), strict=True))
    assert lefevre["Passport number"] == "FR9876543"
    assert lefevre["Position"] == "'=HYPERLINK(1)"  # still neutralised
    assert lefevre["Phone"] == "'+33 1 40 00 00 00"


def test_job_is_written_in_the_requesters_language(
    client, roster, small_threshold, django_capture_on_commit_callbacks
):
    french = UserFactory(
        email="agent@wco.example", roles=[Role.SECRETARIAT], preferred_language="fr"
    )
    sign_in(client, _with_totp(french))
    job = request_job(client, django_capture_on_commit_callbacks)
    assert job.language == "fr"
    table = csv_table(b"".join(download(client, job).streaming_content))
    assert table[0][1] == "Nom de famille"
    assert "oui" in [row[14] for row in table[1:]]


def test_asking_again_joins_the_export_being_written(officer_client, roster, small_threshold):
    # The task is queued on commit, which this test's transaction never reaches: still pending.
    first = officer_client.get(URL)
    second = officer_client.get(URL)
    assert ExpertExport.objects.count() == 1
    assert first.url == second.url
    officer_client.get(URL, {"format": "xlsx"})  # another file: another export
    assert ExpertExport.objects.count() == 2


# --- Failures -------------------------------------------------------------------------------


def test_an_error_while_writing_leaves_the_export_failed_with_a_message(
    officer_client, roster, small_threshold, django_capture_on_commit_callbacks
):
    with mock.patch.dict(exports.WRITERS, {"csv": mock.Mock(side_effect=OSError("disk full"))}):
        job = request_job(officer_client, django_capture_on_commit_callbacks)
    assert job.state == ExportState.FAILED and not job.file
    page = officer_client.get(reverse("secretariat:export_detail", args=[job.pk]))
    assert "could not be written because of an error on our side" in page.content.decode()
    status = page.content.decode().split('id="export-status"', 1)[1].split(">", 1)[0]
    assert "data-hx-get" not in status  # no polling of a finished export
    assert download(officer_client, job).status_code == 404


def test_an_unreachable_broker_fails_the_export_at_once(
    officer_client, roster, small_threshold, django_capture_on_commit_callbacks
):
    with mock.patch.object(tasks.build_export, "delay", side_effect=OSError("refused")):
        job = request_job(officer_client, django_capture_on_commit_callbacks)
    assert job.state == ExportState.FAILED
    assert "worker could not be reached" in job.error


def test_filters_that_no_longer_apply_export_nothing(officer):
    job = ExpertExport.objects.create(requested_by=officer, query="area=999999", format="csv")
    exports.build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.FAILED and not job.file
    assert "no longer apply" in job.error


def test_a_finished_export_is_not_built_twice(officer, roster):
    job = ExpertExport.objects.create(requested_by=officer, format="csv")
    exports.build(job.pk)
    job.refresh_from_db()
    name = job.file.name
    exports.build(job.pk)  # a redelivered task
    job.refresh_from_db()
    assert job.file.name == name and job.state == ExportState.DONE


# --- Progress page --------------------------------------------------------------------------


def test_progress_page_polls_while_writing_and_works_without_javascript(officer_client, officer):
    job = ExpertExport.objects.create(
        requested_by=officer, format="csv", state=ExportState.RUNNING, rows_total=10, rows_done=4
    )
    progress_url = reverse("secretariat:export_progress", args=[job.pk])
    page = officer_client.get(reverse("secretariat:export_detail", args=[job.pk])).content.decode()
    assert f'data-hx-get="{progress_url}"' in page
    assert 'data-hx-trigger="every 1s"' in page and 'data-hx-swap="outerHTML"' in page
    status = page.split('<div id="export-status"')[1].split("</div>")[0]
    assert ' hx-get="' not in status  # the valid data-hx-* form only
    assert '<progress id="export-progress-bar" max="10" value="4">' in page
    assert "4 of 10 rows (40%)" in page
    # Without JavaScript: a link that reloads the page.
    assert f'href="{reverse("secretariat:export_detail", args=[job.pk])}">Refresh</a>' in page
    # The strict CSP holds: no inline script or style.
    assert "<script>" not in page and "style=" not in page and "<style" not in page

    fragment = officer_client.get(progress_url).content.decode()
    assert fragment.lstrip().startswith('<div id="export-status"')
    assert "<html" not in fragment and 'value="4"' in fragment

    ExpertExport.objects.filter(pk=job.pk).update(
        state=ExportState.DONE,
        rows_done=10,
        file="exports/x.csv",
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=1),
    )
    fragment = officer_client.get(progress_url).content.decode()
    assert "data-hx-get" not in fragment  # polling stops
    assert reverse("secretariat:export_download", args=[job.pk]) in fragment
    assert "The file is ready: 10 experts." in fragment


# --- Who may see and fetch it ---------------------------------------------------------------


@pytest.fixture
def done_job(officer, roster):
    job = ExpertExport.objects.create(requested_by=officer, format="csv")
    exports.build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportState.DONE
    return job


def export_urls(job):
    return [
        reverse(f"secretariat:export_{name}", args=[job.pk])
        for name in ("detail", "progress", "download")
    ]


def test_only_the_requester_may_see_or_fetch_an_export(client, officer, done_job, alice):
    for url in export_urls(done_job):
        assert client.get(url).status_code == 302  # anonymous: to the login page
        assert reverse("account_login") in client.get(url).url
    sign_in(client, alice.user)
    for url in export_urls(done_job):
        assert client.get(url).status_code == 404  # an expert
    colleague = _with_totp(UserFactory(email="colleague@wco.example", roles=[Role.SECRETARIAT]))
    sign_in(client, colleague)
    for url in export_urls(done_job):
        assert client.get(url).status_code == 404  # another officer: not theirs
    sign_in(client, officer)
    for url in export_urls(done_job):
        assert client.get(url).status_code == 200


def test_an_unfinished_export_has_nothing_to_download(officer_client, officer):
    job = ExpertExport.objects.create(requested_by=officer, format="csv")
    assert download(officer_client, job).status_code == 404


# --- Expiry ---------------------------------------------------------------------------------


def test_an_expired_export_is_refused_then_its_file_deleted(officer_client, done_job):
    name = done_job.file.name
    assert default_storage.exists(name)
    ExpertExport.objects.filter(pk=done_job.pk).update(expires_at=timezone.now())
    response = download(officer_client, done_job)
    assert response.status_code == 410
    assert "This export has expired" in response.content.decode()
    assert default_storage.exists(name)  # refused from expiry, even before the sweep

    assert tasks.delete_expired_exports() == 1
    assert not default_storage.exists(name)
    done_job.refresh_from_db()
    assert not done_job.file and done_job.state == ExportState.DONE  # the record stays
    assert tasks.delete_expired_exports() == 0
    assert download(officer_client, done_job).status_code == 410


def test_the_sweep_keeps_exports_that_have_not_expired(done_job):
    assert exports.delete_expired() == 0
    assert default_storage.exists(done_job.file.name)
    assert exports.delete_expired(now=done_job.expires_at) == 1


def test_the_sweep_is_scheduled():
    task = PeriodicTask.objects.get(task="experts.delete_expired_exports")
    assert task.enabled and task.crontab.hour == "*"


# --- Row production -------------------------------------------------------------------------


def test_row_production_builds_no_model_object_per_row(roster):
    """Before: one Expert (with its user, administration and region) per row."""
    with mock.patch.object(Expert, "from_db", side_effect=AssertionError("a model object")):
        chunks = list(export.row_chunks(Expert.objects.all(), sensitive=True))
    assert sum(len(rows) for rows in chunks) == ROSTER


@pytest.mark.parametrize("writer", [export.write_csv, export.write_xlsx])
def test_labels_are_translated_once_per_export_not_per_row(writer):
    """Before: gettext for "yes"/"no" and a choice label lookup on every row."""

    def gettext_calls(count: int) -> int:
        Expert.objects.all().delete()
        ExpertFactory.create_batch(count, remote_only=True)
        with mock.patch("experts.services.exports.files._", wraps=export._) as gettext:
            writer(Expert.objects.all(), BytesIO(), sensitive=False)
        return gettext.call_count

    assert gettext_calls(2) == gettext_calls(12)


def test_row_production_queries_do_not_grow_with_rows(django_assert_num_queries):
    # Reference maps (administrations, languages, areas, profiles) and the rows (one query
    # read in chunks), then per chunk: their languages, areas and accreditations.
    ExpertFactory.create_batch(5)
    with django_assert_num_queries(5 + 3):
        list(export.row_chunks(Expert.objects.all(), sensitive=False))
    ExpertFactory.create_batch(20)
    with django_assert_num_queries(5 + 3):
        list(export.row_chunks(Expert.objects.all(), sensitive=False))
    with django_assert_num_queries(5 + 3 * 3):  # chunks of 10, 10 and 5
        list(export.row_chunks(Expert.objects.all(), sensitive=False, size=10))


def test_count_stops_past_the_limit(roster):
    assert export.count_at_most(Expert.objects.all(), 3) == 4
    assert export.count_at_most(Expert.objects.all(), 100) == ROSTER
