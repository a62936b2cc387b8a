"""Text extraction through a real ``celery worker`` over Redis, as deployed: the upload queues
the job once its rows are committed, the worker reads the file from the shared private storage,
and the library's search finds a word that only the file holds."""

import pytest
from django.db import transaction

from ace_portal.celery import app as celery_app
from ace_portal.celery import registered_task
from materials.enums import TextExtraction
from materials.models import Material
from materials.services import search
from tests.materials.extraction_documents import add_version, make_material, pptx_bytes
from tests.worker_fixtures import wait_until

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_worker_extracts_an_uploaded_presentation_that_the_search_then_finds(
    extraction_worker, ecommerce, officer
):
    material = make_material(ecommerce, by=officer, title="Postal traffic")
    with transaction.atomic():  # as the upload service does: queued once the rows are saved
        version = add_version(material, pptx_bytes(notes="zephyrine"), ".pptx", by=officer)
        transaction.on_commit(lambda: registered_task("materials.extract_text").delay(version.pk))
    assert list(search.search(Material.objects.all(), "zephyrine")) == []

    def extracted():
        version.refresh_from_db()
        return version.extraction != TextExtraction.PENDING

    wait_until(extracted, timeout=60, message=lambda: extraction_worker.output())
    assert version.extraction == TextExtraction.DONE
    assert "zephyrine" in version.text
    assert [found.pk for found in search.search(Material.objects.all(), "zephyrine")] == [
        material.pk
    ]


def test_an_upload_while_the_broker_is_down_is_read_by_the_worker_after_the_sweep(
    extraction_worker, ecommerce, officer, caplog
):
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from materials.services import extraction, library
    from tests.worker_fixtures import use_broker

    material = make_material(ecommerce, by=officer, title="Postal traffic")
    broker = celery_app.conf.broker_url
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is down
    try:
        upload = SimpleUploadedFile("Traffic.pptx", pptx_bytes(notes="zephyrine"))
        version = library.upload_version(material.pk, file=upload, by=officer)
    finally:
        use_broker(broker)
    version.refresh_from_db()
    assert version.extraction == TextExtraction.PENDING  # the upload itself went through
    assert "in on_commit()" in caplog.text  # Django logged the failed queueing

    # The sweep a quarter of an hour later, the broker back: the worker reads the file.
    assert extraction.retry_lost(now=timezone.now() + timedelta(minutes=16)) == 1

    def extracted():
        version.refresh_from_db()
        return version.extraction != TextExtraction.PENDING

    wait_until(extracted, timeout=60, message=lambda: extraction_worker.output())
    assert (version.extraction, version.extraction_attempts) == (TextExtraction.DONE, 1)
    assert [found.pk for found in search.search(Material.objects.all(), "zephyrine")] == [
        material.pk
    ]
