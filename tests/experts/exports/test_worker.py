"""An export job through a real ``celery worker`` over Redis, as deployed: the web process
queues it, the worker writes the file into the shared private storage, the page shows it done
and the requester downloads every row."""

import csv
import io

import pytest
from django.urls import reverse

from experts.enums import ExportState
from experts.models import ExpertExport
from tests.conftest import sign_in
from tests.factories import ExpertFactory
from tests.worker_fixtures import task_worker, wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 60


@pytest.fixture
def export_worker(django_db_setup, tmp_path, settings):
    """A worker writing the exports into the storage this process reads."""
    with task_worker(settings, tmp_path, task="experts.build_export") as worker:
        yield worker


def test_worker_writes_a_large_export_that_its_requester_downloads(
    export_worker, client, officer, settings
):
    settings.ACE_EXPORT_STREAM_MAX_ROWS = 10
    experts = ExpertFactory.create_batch(ROWS)
    sign_in(client, officer)

    response = client.get("/secretariat/experts/export/")
    job = ExpertExport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("secretariat:export_detail", args=[job.pk])

    def finished():
        job.refresh_from_db()
        return job.state in (ExportState.DONE, ExportState.FAILED)

    wait_until(finished, timeout=60, message=lambda: export_worker.output())
    assert job.state == ExportState.DONE, job.error
    assert job.rows_total == job.rows_done == ROWS

    page = client.get(reverse("secretariat:export_progress", args=[job.pk])).content.decode()
    assert reverse("secretariat:export_download", args=[job.pk]) in page
    download = client.get(reverse("secretariat:export_download", args=[job.pk]))
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8").removeprefix("\ufeff")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == 1 + ROWS
    assert sorted(int(row[0]) for row in table[1:]) == sorted(e.pk for e in experts)
