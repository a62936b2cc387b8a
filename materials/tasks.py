from celery import shared_task

from materials.services import deliverables, extraction


# Reading is bounded (pages, slides, rows, characters: services/extraction.py) and takes a
# few seconds at most, but a pathological file can still be slow. At the soft limit the reader
# is interrupted where it is and the version ends FAILED ("No text found") instead of holding a
# worker; the hard limit kills a child stuck in C code (lxml, zlib) that the soft one cannot
# reach. A job killed so is acknowledged, not redelivered (Celery's acks_on_timeout); the
# quarter-hourly retry_lost_text_extraction queues it again, a bounded number of times.
@shared_task(name="materials.extract_text", acks_late=True, soft_time_limit=120, time_limit=150)
def extract_text(version_pk: int) -> str:
    """After an upload: read the text of a material's version for the library's search."""
    return extraction.extract(version_pk)


@shared_task(name="materials.retry_lost_text_extraction", acks_late=True)
def retry_lost_text_extraction() -> int:
    """Every quarter of an hour: queue again the readings lost with the broker or a worker."""
    return extraction.retry_lost()


@shared_task(name="materials.remind_deliverables", acks_late=True)
def remind_deliverables() -> int:
    """Daily: remind coordinators of the deliverables due soon or overdue."""
    return deliverables.remind_due()
