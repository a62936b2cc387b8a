"""Thin Celery tasks: they take primary keys, call one service, and say when to retry."""

from celery import shared_task

from . import services

# Longer waits are not handed to the broker as a countdown: Redis gives an unacknowledged job
# to another worker after its visibility timeout (an hour), so a job scheduled hours ahead would
# be copied once an hour. The row records its next attempt, and the sweep dispatches it when due.
COUNTDOWN_MAX_SECONDS = 300


@shared_task(name="notifications.deliver", bind=True, acks_late=True, max_retries=None)
def deliver_notification(self, pk: int) -> str:
    # acks_late: a worker killed mid-delivery leaves the job to be redelivered, and the claim
    # in services.deliver makes the redelivered job harmless once the row has moved on.
    while True:
        try:
            return services.deliver(pk, due_only=not self.request.is_eager)
        except services.RetryLater as wait:
            if wait.seconds > COUNTDOWN_MAX_SECONDS:
                return "left-to-the-sweep"
            if not self.request.is_eager:
                raise self.retry(countdown=wait.seconds) from None
            # Inline (no broker, e.g. `make run`): retry here, bounded by the attempt limit.


@shared_task(name="notifications.deliver_many", bind=True, acks_late=True)
def deliver_notifications(self, pks: list[int]) -> int:
    """Deliver a batch: one broker round trip for many notifications. A redelivered batch is
    harmless (each row's claim skips what was handled); a retry goes back to the same queue."""
    queue = (self.request.delivery_info or {}).get("routing_key")
    delivered = 0
    for pk in pks:
        try:
            delivered += services.deliver(pk, due_only=not self.request.is_eager) == "sent"
        except services.RetryLater as wait:
            if wait.seconds > COUNTDOWN_MAX_SECONDS:
                continue  # the row keeps its time; the sweep (every minute) dispatches it then
            if self.request.is_eager:
                deliver_notification.apply(args=(pk,))
            else:
                deliver_notification.apply_async((pk,), countdown=wait.seconds, queue=queue)
    return delivered


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> int:
    return services.sweep()


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests() -> int:
    return services.send_due_digests()
