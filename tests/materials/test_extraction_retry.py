"""Readings that were lost (the broker down at the upload, a worker killed in the middle) are
queued again by the quarter-hourly sweep, a bounded number of times, so no material stays
unsearchable for ever and no poisonous file comes back for ever. Tasks run inline here; the
real worker's part is in test_extraction_worker.py."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from ace_portal.celery import registered_task
from materials.enums import TextExtraction, VersionReview
from materials.models import Material, MaterialVersion
from materials.services import extraction, search
from materials.tasks import retry_lost_text_extraction
from tests.materials.extraction_documents import add_version, make_material, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(ecommerce, officer):
    return make_material(ecommerce, by=officer, title="Risk indicators")


@pytest.fixture
def lost(material, officer):
    """A version whose reading was queued 20 minutes ago and never happened."""
    version = add_version(material, pdf_bytes("The zephyrine indicator."), ".pdf", by=officer)
    queued = timezone.now() - timedelta(minutes=20)
    MaterialVersion.objects.filter(pk=version.pk).update(extraction_queued_at=queued)
    return version


@pytest.fixture
def queued(monkeypatch):
    """The versions handed to the broker, instead of read."""
    task = registered_task("materials.extract_text")
    handed: list[int] = []
    monkeypatch.setattr(task, "delay", lambda pk: handed.append(pk))
    return handed


def found(word: str) -> list[int]:
    return [material.pk for material in search.search(Material.objects.all(), word)]


def test_a_lost_reading_is_read_by_the_next_sweep_and_then_found(material, lost):
    assert found("zephyrine") == []

    assert retry_lost_text_extraction() == 1

    lost.refresh_from_db()
    assert lost.extraction == TextExtraction.DONE
    assert lost.extraction_attempts == 1
    assert found("zephyrine") == [material.pk]
    assert retry_lost_text_extraction() == 0  # done: not queued again


def test_a_reading_queued_less_than_the_setting_ago_is_left_to_its_job(
    material, officer, queued, settings
):
    settings.MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES = 15
    version = add_version(material, pdf_bytes("zephyrine"), ".pdf", by=officer)

    assert extraction.retry_lost(now=timezone.now() + timedelta(minutes=14)) == 0
    assert extraction.retry_lost(now=timezone.now() + timedelta(minutes=16)) == 1
    assert queued == [version.pk]


def test_requeued_reading_waits_again_before_the_next_retry(lost, queued):
    now = timezone.now()
    assert extraction.retry_lost(now=now) == 1
    lost.refresh_from_db()
    assert lost.extraction_queued_at == now
    assert extraction.retry_lost(now=now + timedelta(minutes=10)) == 0
    assert extraction.retry_lost(now=now + timedelta(minutes=16)) == 1
    assert queued == [lost.pk, lost.pk]


def test_done_and_failed_readings_are_never_queued_again(material, officer, queued):
    old = timezone.now() - timedelta(days=2)
    for state in (TextExtraction.DONE, TextExtraction.FAILED):
        version = add_version(
            material, pdf_bytes("x"), ".pdf", by=officer, review=VersionReview.SUPERSEDED
        )
        MaterialVersion.objects.filter(pk=version.pk).update(
            extraction=state, extraction_queued_at=old
        )

    assert extraction.retry_lost() == 0
    assert queued == []


def test_a_broker_still_down_loses_nothing_and_costs_no_attempt(lost, monkeypatch, caplog):
    task = registered_task("materials.extract_text")

    def down(pk):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(task, "delay", down)
    for _ in range(5):  # an outage of more than an hour
        assert extraction.retry_lost() == 0
    lost.refresh_from_db()
    assert (lost.extraction, lost.extraction_attempts) == (TextExtraction.PENDING, 0)
    assert "will retry" in caplog.text

    monkeypatch.undo()
    assert extraction.retry_lost() == 1
    lost.refresh_from_db()
    assert lost.extraction == TextExtraction.DONE


def test_the_sweep_stops_at_the_first_refusal_of_the_broker(material, officer, monkeypatch):
    old = timezone.now() - timedelta(hours=1)
    for _ in range(3):
        version = add_version(
            material, pdf_bytes("x"), ".pdf", by=officer, review=VersionReview.SUPERSEDED
        )
        MaterialVersion.objects.filter(pk=version.pk).update(extraction_queued_at=old)
    tries: list[int] = []

    def down(pk):
        tries.append(pk)
        raise OperationalError("timed out")  # a hung broker: each try costs its timeout

    monkeypatch.setattr(registered_task("materials.extract_text"), "delay", down)
    assert extraction.retry_lost() == 0
    assert len(tries) == 1


def test_a_reading_killed_in_the_middle_is_retried_then_given_up(material, lost, queued, settings):
    settings.MATERIAL_EXTRACTION_MAX_ATTEMPTS = 3
    now = timezone.now()
    # Each time a worker begins the file and is killed (hard time limit, out of memory).
    for attempt in (1, 2):
        MaterialVersion.objects.filter(pk=lost.pk).update(extraction_attempts=attempt)
        now += timedelta(minutes=16)
        assert extraction.retry_lost(now=now) == 1
    MaterialVersion.objects.filter(pk=lost.pk).update(extraction_attempts=3)

    assert extraction.retry_lost(now=now + timedelta(minutes=16)) == 0

    lost.refresh_from_db()
    assert lost.extraction == TextExtraction.FAILED
    assert queued == [lost.pk, lost.pk]
    assert found("risk") == [material.pk]  # still found by its title


def test_a_redelivered_reading_past_the_attempts_is_not_read_again(lost, settings, monkeypatch):
    # A job whose worker was lost is redelivered by the broker (reject on worker lost): the
    # file that killed its workers three times is not read a fourth.
    settings.MATERIAL_EXTRACTION_MAX_ATTEMPTS = 3
    MaterialVersion.objects.filter(pk=lost.pk).update(extraction_attempts=3)

    def must_not_read(field_file):
        raise AssertionError("read again")

    monkeypatch.setattr(extraction, "read_text", must_not_read)
    assert registered_task("materials.extract_text").delay(lost.pk).get() == "failed"
    lost.refresh_from_db()
    assert (lost.extraction, lost.extraction_attempts) == (TextExtraction.FAILED, 4)


def test_each_reading_begun_is_counted(lost):
    registered_task("materials.extract_text").delay(lost.pk).get()
    registered_task("materials.extract_text").delay(lost.pk).get()  # read again: still fine
    lost.refresh_from_db()
    assert (lost.extraction, lost.extraction_attempts) == (TextExtraction.DONE, 2)


def test_the_retry_is_scheduled_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="materials.retry_lost_text_extraction")
    assert task.enabled and (task.interval.every, task.interval.period) == (15, "minutes")
