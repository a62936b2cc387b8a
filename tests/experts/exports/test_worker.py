"""An export job through a real ``celery worker`` over Redis, as deployed: the web process
queues it, the worker writes the file into the shared private storage, the page shows it done
and the requester downloads every row."""

import csv
import io
import os

import pytest
import redis
from django.urls import reverse

from ace_portal.celery import app as celery_app
from experts.enums import ExportState
from experts.models import ExpertExport
from tests.conftest import sign_in
from tests.factories import ExpertFactory
from tests.notifications.conftest import (
    Worker,
    _forget_queue,
    _test_redis_url,
    route_notifications_to,
    use_broker,
    wait_until,
    worker_database_url,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROWS = 60


@pytest.fixture
def export_worker(django_db_setup, tmp_path, settings):
    """A worker on a queue of this test's own, writing into the storage this process reads."""
    url = _test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is unreachable at {url} ({error}).", pytrace=False)
    queue = f"exports-{tmp_path.name}"
    media = tmp_path / "shared-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ace_portal.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": url,
        "ACE_PRIVATE_MEDIA_ROOT": str(media),
    }
    worker = Worker(env=env, queue=queue, log_dir=tmp_path)
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager, conf.task_routes
    worker.start()
    try:
        conf.task_always_eager = False
        use_broker(url)
        route_notifications_to({"experts.build_export": {"queue": queue}})
        yield worker
    finally:
        route_notifications_to(previous[2])
        use_broker(previous[0])
        conf.task_always_eager = previous[1]
        worker.stop()
        _forget_queue(redis.Redis.from_url(url), queue)


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
