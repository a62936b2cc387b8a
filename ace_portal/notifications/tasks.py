"""Thin Celery tasks: they take primary keys, call one service, and say when to retry."""

from celery import shared_task

from ace_portal.notifications.services import delivery, digests, outbox

# Longer waits are not handed to the broker as a countdown: Redis gives an unacknowledged job
# to another worker after its visibility timeout (an hour), so a job scheduled hours ahead would
# be copied once an hour. The row records its next attempt, and the sweep dispatches it when due.
COUNTDOWN_MAX_SECONDS = 300


@shared_task(name="notifications.deliver", bind=True, acks_late=True, max_retries=None)
def deliver_notification(self, pk: int) -> str:
    # acks_late: a worker killed mid-delivery leaves the job to be redelivered, and the claim
    # in delivery.deliver makes the redelivered job harmless once the row has moved on.
    while True:
        try:
            return delivery.deliver(pk, due_only=not self.request.is_eager)
        except delivery.RetryLater as wait:
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
            delivered += delivery.deliver(pk, due_only=not self.request.is_eager) == "sent"
        except delivery.RetryLater as wait:
            if wait.seconds > COUNTDOWN_MAX_SECONDS:
                continue  # the row keeps its time; the sweep (every minute) dispatches it then
            if self.request.is_eager:
                deliver_notification.apply(args=(pk,))
            else:
                deliver_notification.apply_async((pk,), countdown=wait.seconds, queue=queue)
    return delivered


@shared_task(name="notifications.sweep", acks_late=True)
def sweep() -> int:
    return outbox.sweep()


@shared_task(name="notifications.send_digests", acks_late=True)
def send_digests() -> int:
    return digests.send_due_digests()
