from celery import shared_task

from missions.services import missions


@shared_task(name="missions.follow_dates", acks_late=True)
def follow_dates() -> int:
    return missions.follow_dates()
