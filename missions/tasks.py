from celery import shared_task

from missions.services import invitations, missions, releases, reports


@shared_task(name="missions.follow_dates", acks_late=True)
def follow_dates() -> int:
    return missions.follow_dates()


@shared_task(name="missions.follow_invitations", acks_late=True)
def follow_invitations() -> dict:
    """Hourly: expire what is past its deadline, remind what is near it, catch up the cascade."""
    return {
        "expired": invitations.expire_due(),
        "reminded": invitations.remind_due(),
        "cascaded": invitations.cascade_due(),
    }


@shared_task(name="missions.cascade", acks_late=True)
def cascade(position_pk: int) -> bool:
    return invitations.cascade(position_pk) is not None


@shared_task(name="missions.follow_releases", acks_late=True)
def follow_releases() -> int:
    """Daily: remind the administrations that have not answered a release request."""
    return releases.remind_due()


@shared_task(name="missions.follow_reports", acks_late=True)
def follow_reports() -> int:
    """Daily: remind lead experts of the mission reports due soon or overdue."""
    return reports.remind_due()
