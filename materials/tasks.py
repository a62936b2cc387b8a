from celery import shared_task

from materials.services import deliverables, extraction


@shared_task(name="materials.extract_text", acks_late=True)
def extract_text(version_pk: int) -> str:
    """After an upload: read the text of a material's version for the library's search."""
    return extraction.extract(version_pk)


@shared_task(name="materials.remind_deliverables", acks_late=True)
def remind_deliverables() -> int:
    """Daily: remind coordinators of the deliverables due soon or overdue."""
    return deliverables.remind_due()
