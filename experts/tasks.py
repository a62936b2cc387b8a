from celery import shared_task

from experts.services import reminders
from experts.services.accreditation import transitions as accreditation
from experts.services.exports import jobs as exports
from experts.services.imports import check as imports


@shared_task(name="experts.send_profile_confirmation_reminders", acks_late=True)
def send_profile_confirmation_reminders() -> int:
    return reminders.queue_profile_confirmation_reminders()


@shared_task(name="experts.send_passport_expiry_reminders", acks_late=True)
def send_passport_expiry_reminders() -> int:
    return reminders.queue_passport_expiry_reminders()


@shared_task(name="experts.send_accreditation_expiry_reminders", acks_late=True)
def send_accreditation_expiry_reminders() -> int:
    return reminders.queue_accreditation_expiry_reminders()


@shared_task(name="experts.send_upcoming_lapses_digest", acks_late=True)
def send_upcoming_lapses_digest() -> int:
    return reminders.queue_upcoming_lapses_digest()


@shared_task(name="experts.lapse_expired_accreditations", acks_late=True)
def lapse_expired_accreditations() -> int:
    return accreditation.lapse_expired()


@shared_task(name="experts.check_import", acks_late=True)
def check_import(pk: int) -> None:
    imports.check_safely(pk)


@shared_task(name="experts.apply_import", acks_late=True)
def apply_import(pk: int) -> None:
    imports.apply(pk)


# A whole-roster XLSX takes a few tens of seconds; the limits only stop a runaway job.
@shared_task(name="experts.build_export", acks_late=True, soft_time_limit=1800, time_limit=1900)
def build_export(pk: int) -> None:
    exports.build(pk)


@shared_task(name="experts.delete_expired_exports", acks_late=True)
def delete_expired_exports() -> int:
    return exports.delete_expired()
