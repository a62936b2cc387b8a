"""Reminders to experts, queued through the notification engine by daily beat tasks.

Each reminder's dedupe key fixes how often it can happen, so running a task twice (or two
workers running it at once) queues nothing twice.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ace_portal.notifications.services import Outgoing, notify_many

from .models import Expert
from .notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION

BATCH = 1000


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, or the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 - months
    year, month = index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        if candidate <= day.day:
            try:
                return date(year, month, candidate)
            except ValueError:
                continue
    raise AssertionError("every month has a 28th")


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def _link(name: str, *args) -> str:
    return settings.ACE_BASE_URL.rstrip("/") + reverse(name, args=args)


def _reachable_experts():
    # Only experts who activated their account: the others cannot act on a reminder yet.
    return (
        Expert.objects.filter(user__is_active=True)
        .exclude(user__password__startswith="!")
        .select_related("user")
        .order_by("pk")
    )


def _queue_in_batches(experts, outgoing) -> int:
    queued, batch = 0, []
    for expert in experts.iterator(chunk_size=BATCH):
        batch.append(outgoing(expert))
        if len(batch) == BATCH:
            queued += len(notify_many(batch))
            batch = []
    return queued + len(notify_many(batch))


def queue_profile_confirmation_reminders(*, today: date | None = None) -> int:
    """Remind experts whose profile was last confirmed (or created) too long ago.

    Side effects: at most one reminder per expert per calendar month. Returns how many queued.
    """
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(
        datetime.combine(months_before(today, settings.PROFILE_CONFIRMATION_MONTHS), time.min)
    )
    due = _reachable_experts().filter(
        Q(profile_confirmed_at__lt=cutoff)
        | Q(profile_confirmed_at__isnull=True, created_at__lt=cutoff)
    )

    def outgoing(expert):
        confirmed = expert.profile_confirmed_at
        return Outgoing(
            expert.user,
            PROFILE_CONFIRMATION,
            {
                "name": expert.full_name,
                "confirmed_at": confirmed.isoformat() if confirmed else None,
                "url": _link("experts:profile"),
            },
            f"profile-confirmation:{expert.pk}:{today:%Y-%m}",
        )

    return _queue_in_batches(due, outgoing)


def queue_passport_expiry_reminders(*, today: date | None = None) -> int:
    """Warn experts whose passport expires within the warning period (default six months).

    Side effects: one warning per expert and passport expiry date. Returns how many queued.
    """
    today = today or timezone.localdate()
    until = months_after(today, settings.PASSPORT_WARNING_MONTHS)
    due = (
        _reachable_experts()
        .exclude(passport_number="")
        .filter(passport_expiry__gte=today, passport_expiry__lte=until)
    )

    def outgoing(expert):
        return Outgoing(
            expert.user,
            PASSPORT_EXPIRY,
            {
                "name": expert.full_name,
                "expires_on": expert.passport_expiry.isoformat(),
                "warning_until": until.isoformat(),
                "url": _link("experts:edit_section", "passport"),
            },
            f"passport-expiry:{expert.pk}:{expert.passport_expiry.isoformat()}",
        )

    return _queue_in_batches(due, outgoing)
