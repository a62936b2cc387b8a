"""Deliverables of working groups: the coordinator (or the Secretariat) keeps them, with due
dates and states; the coordinator is reminded before and after each due date.

States move along DeliverableState; TRANSITIONS lists every move allowed: forward by any
number of steps (planned -> drafting -> in review -> done), back one or two steps while
unfinished, and a done deliverable reopened to drafting. Every change locks the group's row
first (the lock of its deliverables) and a closed group accepts none.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ace_portal.accounts.roles import is_secretariat
from ace_portal.notifications.services.outbox import Outgoing, notify_many
from materials.enums import DeliverableState, GroupState
from materials.models import Deliverable
from materials.notifications import DELIVERABLE_REMINDER
from materials.services.errors import IllegalTransition, MaterialsError
from materials.services.groups import absolute, lock_group

S = DeliverableState

TRANSITIONS = {
    S.PLANNED: {S.DRAFTING, S.IN_REVIEW, S.DONE},
    S.DRAFTING: {S.PLANNED, S.IN_REVIEW, S.DONE},
    S.IN_REVIEW: {S.PLANNED, S.DRAFTING, S.DONE},
    # Reopened: work starts again from a draft.
    S.DONE: {S.DRAFTING},
}

# The reminders' stages, in the emails' ``event``.
DUE_SOON, OVERDUE = "due_soon", "overdue"


def may_manage(user, group) -> bool:
    """The group's coordinator and the Secretariat manage its deliverables."""
    if is_secretariat(user):
        return True
    coordinator = group.coordinator
    return coordinator is not None and coordinator.user_id == user.pk


def _lock_for(group_pk: int, by):
    group = lock_group(group_pk)
    if not may_manage(by, group):
        raise MaterialsError(
            _("Only the group's coordinator or the Secretariat manages its deliverables.")
        )
    return group


def _lock_deliverable(pk: int, by) -> Deliverable:
    group_pk = Deliverable.objects.values_list("group_id", flat=True).get(pk=pk)
    group = _lock_for(group_pk, by)
    deliverable = Deliverable.objects.select_for_update().get(pk=pk)
    deliverable.group = group
    return deliverable


def _clean(title, due_date, *, previous_due=None) -> str:
    title = (title or "").strip()
    if not title:
        raise MaterialsError(_("Give the deliverable a title."))
    if due_date is None:
        raise MaterialsError(_("Give the deliverable a due date."))
    # A date kept as it was may have passed; a new one may not.
    if due_date != previous_due and due_date < timezone.localdate():
        raise MaterialsError(_("This due date has passed: give a date from today on."))
    return title


@transaction.atomic
def add_deliverable(group_pk: int, *, title, description="", due_date, by) -> Deliverable:
    """The coordinator (or the Secretariat) adds a deliverable, planned.

    Side effects: one Deliverable row."""
    group = _lock_for(group_pk, by)
    title = _clean(title, due_date)
    return Deliverable.objects.create(
        group=group,
        title=title,
        description=(description or "").strip(),
        due_date=due_date,
        state=S.PLANNED,
        updated_by=by,
        updated_at=timezone.now(),
    )


@transaction.atomic
def update_deliverable(pk: int, *, title, description="", due_date, by) -> Deliverable:
    """Change a deliverable's title, description and due date (a new due date is reminded
    anew). Side effects: the row."""
    deliverable = _lock_deliverable(pk, by)
    deliverable.title = _clean(title, due_date, previous_due=deliverable.due_date)
    deliverable.description = (description or "").strip()
    deliverable.due_date = due_date
    deliverable.updated_by, deliverable.updated_at = by, timezone.now()
    deliverable.save(update_fields=["title", "description", "due_date", "updated_by", "updated_at"])
    return deliverable


@transaction.atomic
def move_deliverable(pk: int, state, *, by) -> Deliverable:
    """Move a deliverable to ``state`` along TRANSITIONS. Side effects: the row."""
    deliverable = _lock_deliverable(pk, by)
    if state not in S.values:
        raise IllegalTransition(_("This is not a state of a deliverable."))
    if state not in TRANSITIONS[deliverable.state]:
        raise IllegalTransition(
            _("A deliverable %(current)s cannot move to %(state)s.")
            % {
                "current": deliverable.get_state_display().lower(),
                "state": S(state).label.lower(),
            }
        )
    deliverable.state = state
    deliverable.updated_by, deliverable.updated_at = by, timezone.now()
    deliverable.save(update_fields=["state", "updated_by", "updated_at"])
    return deliverable


@transaction.atomic
def remove_deliverable(pk: int, *, by) -> None:
    """Remove a deliverable. Side effects: the row is deleted."""
    deliverable = _lock_deliverable(pk, by)
    deliverable.delete()


def moves_from(state) -> list:
    """The states a deliverable in ``state`` may move to, in the order of the enum."""
    allowed = TRANSITIONS[state]
    return [choice for choice in S if choice in allowed]


def reminder_stage(due_date, today) -> str | None:
    """Which reminder is due ``today`` for a deliverable due on ``due_date``: "soon" from
    DELIVERABLE_REMIND_DAYS_BEFORE days before up to the day itself; "overdue-0" from the day
    after; "overdue-<n>" from every DELIVERABLE_OVERDUE_EVERY_DAYS days after that. A stage
    lasts until the next one starts, so a day the task did not run is caught up once, not
    skipped nor sent twice (the stage is part of the dedupe key)."""
    late = (today - due_date).days
    if late <= 0:
        return "soon" if -late <= settings.DELIVERABLE_REMIND_DAYS_BEFORE else None
    return f"overdue-{(late - 1) // max(settings.DELIVERABLE_OVERDUE_EVERY_DAYS, 1)}"


def _reminder(deliverable, stage: str, today) -> Outgoing:
    group = deliverable.group
    coordinator = group.coordinator
    user = coordinator.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        state = str(deliverable.get_state_display())
    context = {
        "name": coordinator.given_names,
        "event": DUE_SOON if stage == "soon" else OVERDUE,
        "group": group.name,
        "title": deliverable.title,
        "state": state,
        "due": deliverable.due_date.isoformat(),
        "days_late": max((today - deliverable.due_date).days, 0),
        "url": absolute(reverse("materials:group_detail", args=[group.pk])),
    }
    key = f"materials.deliverable:{deliverable.pk}:{deliverable.due_date.isoformat()}:{stage}"
    return Outgoing(user, DELIVERABLE_REMINDER, context, dedupe_key=key)


def remind_due(*, today=None) -> int:
    """Remind each open group's coordinator of its deliverables not done: once before the due
    date, the day after it, then every DELIVERABLE_OVERDUE_EVERY_DAYS days while overdue.
    Each reminder once per deliverable, due date and stage, however often the task runs.

    Side effects: DELIVERABLE_REMINDER notifications. Returns how many were queued."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.DELIVERABLE_REMIND_DAYS_BEFORE)
    pending = (
        Deliverable.objects.filter(
            group__state=GroupState.OPEN,
            group__coordinator__isnull=False,
            due_date__lte=horizon,
        )
        .exclude(state=S.DONE)
        .select_related("group__coordinator__user")
        .order_by("due_date", "pk")
    )
    notices = [
        _reminder(deliverable, stage, today)
        for deliverable in pending.iterator(chunk_size=500)
        if (stage := reminder_stage(deliverable.due_date, today)) is not None
    ]
    with transaction.atomic():
        return len(notify_many(notices))
