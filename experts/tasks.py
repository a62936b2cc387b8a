from celery import shared_task

from . import reminders


@shared_task(name="experts.send_profile_confirmation_reminders", acks_late=True)
def send_profile_confirmation_reminders() -> int:
    return reminders.queue_profile_confirmation_reminders()


@shared_task(name="experts.send_passport_expiry_reminders", acks_late=True)
def send_passport_expiry_reminders() -> int:
    return reminders.queue_passport_expiry_reminders()
