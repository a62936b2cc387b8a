"""Reminders to experts, queued through the notification engine by daily beat tasks.

Each reminder's dedupe key fixes how often it can happen, so running a task twice (or two
workers running it at once) queues nothing twice.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ace_portal.accounts.roles import Role
from ace_portal.notifications.services.outbox import Outgoing, notify_many
from experts.models import Accreditation, Expert
from experts.notifications import (
    ACCREDITATION_EXPIRING,
    PASSPORT_EXPIRY,
    PROFILE_CONFIRMATION,
    UPCOMING_LAPSES,
)

BATCH = 1000
# The Secretariat's weekly list shows this many rows and the total.
LAPSE_DIGEST_ROWS = 100


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


def months_overdue(anchor: date, today: date) -> int:
    """Whole months since the confirmation made on ``anchor`` fell due (0 in the first month)."""
    due = months_after(anchor, settings.PROFILE_CONFIRMATION_MONTHS)
    months = (today.year - due.year) * 12 + today.month - due.month
    return max(months - (today.day < due.day), 0)


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

    Side effects: at most one reminder per expert per month of being overdue, counted from the
    day the confirmation fell due (not by calendar month: 31 December and 1 January are two
    months, and a reminder keyed so went out two days running). Returns how many queued.
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
        anchor = timezone.localtime(confirmed or expert.created_at).date()
        return Outgoing(
            expert.user,
            PROFILE_CONFIRMATION,
            {
                "name": expert.full_name,
                "confirmed_at": confirmed.isoformat() if confirmed else None,
                "url": _link("experts:profile"),
            },
            f"profile-confirmation:{expert.pk}:{anchor}:{months_overdue(anchor, today)}",
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


def queue_accreditation_expiry_reminders(*, today: date | None = None) -> int:
    """Remind experts 90, 30 and 7 days (ACE_ACCREDITATION_REMINDER_DAYS) before expiry.

    Only the nearest threshold reached is sent, so a run that missed days does not send the
    90-day reminder a week before expiry; each (accreditation, validity, threshold) once.
    """
    today = today or timezone.localdate()
    thresholds = sorted(settings.ACCREDITATION_REMINDER_DAYS)
    due = (
        Accreditation.objects.holding()
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=max(thresholds)))
        .filter(expert__in=_reachable_experts())
        .select_related("expert__user", "profile_type", "area")
        .order_by("pk")
    )
    batch = []
    for accreditation in due.iterator(chunk_size=BATCH):
        days_left = (accreditation.valid_until - today).days
        threshold = min(t for t in thresholds if days_left <= t)
        batch.append(
            Outgoing(
                accreditation.expert.user,
                ACCREDITATION_EXPIRING,
                {
                    "name": accreditation.expert.full_name,
                    "profile": accreditation.profile_type.code,
                    "area_en": accreditation.area.name_en,
                    "area_fr": accreditation.area.name_fr,
                    "valid_until": accreditation.valid_until.isoformat(),
                    "days_left": days_left,
                    "url": _link("experts:accreditations"),
                },
                f"accreditation-expiring:{accreditation.pk}:{accreditation.valid_until}:{threshold}",
            )
        )
    return len(notify_many(batch))


def queue_upcoming_lapses_digest(*, today: date | None = None) -> int:
    """Tell each Secretariat officer, once a week, which accreditations lapse in the next 90 days.

    Side effects: one notification per officer per ISO week (nothing when none lapse).
    """
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(settings.ACCREDITATION_REMINDER_DAYS))
    upcoming = (
        Accreditation.objects.holding()
        .filter(valid_until__gte=today, valid_until__lte=horizon)
        .select_related("expert", "profile_type", "area")
        .order_by("valid_until", "pk")
    )
    total = upcoming.count()
    if not total:
        return 0
    items = [
        {
            "expert": a.expert.full_name,
            "profile": a.profile_type.code,
            "area_en": a.area.name_en,
            "area_fr": a.area.name_fr,
            "valid_until": a.valid_until.isoformat(),
            "url": _link("secretariat:expert_detail", a.expert_id),
        }
        for a in upcoming[:LAPSE_DIGEST_ROWS]
    ]
    year, week, _ = today.isocalendar()
    officers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=[Role.SECRETARIAT, Role.ADMIN])
        .distinct()
    )
    return len(
        notify_many(
            [
                Outgoing(
                    officer,
                    UPCOMING_LAPSES,
                    {"items": items, "total": total, "horizon": horizon.isoformat()},
                    f"upcoming-lapses:{officer.pk}:{year}-W{week:02d}",
                )
                for officer in officers
            ]
        )
    )
