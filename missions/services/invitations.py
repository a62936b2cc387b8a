"""Invitations: sent with a deadline, answered once (in the portal or by a signed link), expired
when the deadline passes, withdrawn when the position fills; with the cascade on, a decline or
an expiry invites the next ranked candidate.

The position's row is the lock: every action that changes who holds or may hold its seats locks
it first, so two experts accepting the last seat, or a decline and an expiry cascading at once,
are served one after the other and see each other's result.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ace_portal.notifications.services.outbox import Outgoing, notify, notify_many
from experts.models import Expert
from missions.enums import AssignmentState, InvitationState, MissionState
from missions.models import Assignment, Invitation, Position
from missions.notifications import INVITATION, INVITATION_WITHDRAWN
from missions.services import matching, releases, staffing
from missions.services.errors import MissionError

TOKEN_SALT = "missions.invitation"


class InvitationClosed(MissionError):
    """The invitation can no longer be answered (answered, expired, withdrawn, filled)."""


def token_for(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=TOKEN_SALT)


def invitation_for_token(token: str) -> Invitation:
    """The invitation a link names; BadSignature for a tampered or made-up link."""
    return Invitation.objects.select_related("expert__user", "position__mission").get(
        pk=signing.loads(token, salt=TOKEN_SALT)
    )


def _queue_invitation(invitation: Invitation, *, reminder: bool) -> None:
    user = invitation.expert.user
    context = staffing.mission_context(invitation.position, user.preferred_language) | {
        "name": invitation.expert.given_names,
        "deadline": date_format(timezone.localtime(invitation.deadline), "DATETIME_FORMAT"),
        "answer_url": staffing.absolute(reverse("missions:answer", args=[token_for(invitation)])),
        "reminder": reminder,
    }
    suffix = "reminder" if reminder else "sent"
    notify(
        user,
        INVITATION,
        context=context,
        dedupe_key=f"missions.invitation:{invitation.pk}:{suffix}",
    )


def _tell_officer(invitation: Invitation, event: str) -> None:
    staffing.tell_officer(
        invitation.position,
        invitation.expert,
        event,
        key=f"missions.staffing:{invitation.pk}:{event}",
        reason=invitation.decline_reason,
    )


@transaction.atomic
def invite(position_pk: int, experts, *, deadline, by, accept_warnings: bool = False):
    """Invite ``experts`` to the position, each with the matching's explanation.

    An expert who breaks a hard rule is refused unless ``accept_warnings`` (the officer saw the
    warnings and confirmed). Side effects: one Invitation each, its email and in-app notice.
    """
    position = staffing.lock_position(position_pk)
    if position.mission.state != MissionState.STAFFING:
        raise MissionError(_("Experts are invited while the mission is being staffed."))
    if deadline <= timezone.now():
        raise MissionError(_("The deadline to answer must be in the future."))
    invitations = []
    for expert in experts:
        assessed = matching.assess(position, expert)
        if matching.ON_MISSION in assessed.rules:
            raise MissionError(
                _("%(name)s is already invited to or seated on this mission.")
                % {"name": assessed.name}
            )
        if assessed.rules and not accept_warnings:
            raise MissionError(
                _("%(name)s breaks a rule of this position; confirm to invite anyway.")
                % {"name": assessed.name}
            )
        invitations.append(_create(position, expert, assessed, deadline=deadline, by=by))
    return invitations


def _create(position, expert, assessed, *, deadline, by) -> Invitation:
    invitation = Invitation.objects.create(
        position=position,
        expert=expert,
        deadline=deadline,
        invited_by=by,
        explanation={
            "points": assessed.points,
            "total": assessed.total,
            "warnings": assessed.rules,
        },
    )
    _queue_invitation(invitation, reminder=False)
    return invitation


def _lock_pending(pk: int) -> Invitation:
    """Lock the position then the invitation (always in that order), and check it is open."""
    position_pk = Invitation.objects.values_list("position_id", flat=True).get(pk=pk)
    position = staffing.lock_position(position_pk)
    invitation = Invitation.objects.select_for_update().select_related("expert__user").get(pk=pk)
    invitation.position = position
    if invitation.state != InvitationState.PENDING:
        raise InvitationClosed(
            _("This invitation was already %(state)s.")
            % {"state": invitation.get_state_display().lower()}
        )
    if position.mission.state != MissionState.STAFFING:
        raise InvitationClosed(
            _("This mission is no longer looking for experts (it is %(state)s).")
            % {"state": position.mission.get_state_display().lower()}
        )
    return invitation


@transaction.atomic
def accept(pk: int, *, by) -> Assignment:
    """The expert accepts: they take a seat, waiting for their administration's release.

    Side effects: the invitation is accepted; one Assignment and its release request to the
    expert's home administration; when that fills the position, the other pending invitations
    are withdrawn with a notice; the officer is told.
    """
    invitation = _lock_pending(pk)
    if invitation.deadline <= timezone.now():
        raise InvitationClosed(_("The deadline to answer this invitation has passed."))
    position = invitation.position
    if staffing.open_seats(position) <= 0:
        raise InvitationClosed(_("Sorry: this position has just been filled."))
    invitation.state, invitation.answered_at = InvitationState.ACCEPTED, timezone.now()
    invitation.save(update_fields=["state", "answered_at"])
    assignment = Assignment.objects.create(
        position=position, expert=invitation.expert, invitation=invitation
    )
    _tell_officer(invitation, "accepted")
    releases.request_release(assignment)
    if staffing.open_seats(position) <= 0:
        _withdraw_pending(position)
    return assignment


def _withdraw_pending(position: Position) -> None:
    """The position is full: its pending invitations are withdrawn with a polite notice."""
    pending = list(
        Invitation.objects.select_for_update()
        .filter(position=position, state=InvitationState.PENDING)
        .select_related("expert__user")
    )
    Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(
        state=InvitationState.WITHDRAWN
    )
    notify_many(
        [
            Outgoing(
                i.expert.user,
                INVITATION_WITHDRAWN,
                staffing.mission_context(position, i.expert.user.preferred_language)
                | {"name": i.expert.given_names},
                f"missions.invitation:{i.pk}:withdrawn",
            )
            for i in pending
        ]
    )


@transaction.atomic
def decline(pk: int, *, by, reason: str = "") -> Invitation:
    """The expert declines, with an optional reason. Side effects: the invitation is declined,
    the officer told, and with the cascade on the next candidate invited after commit."""
    invitation = _lock_pending(pk)
    invitation.state, invitation.answered_at = InvitationState.DECLINED, timezone.now()
    invitation.decline_reason = (reason or "").strip()[:2000]
    invitation.save(update_fields=["state", "answered_at", "decline_reason"])
    _tell_officer(invitation, "declined")
    staffing.cascade_after_commit(invitation.position)
    return invitation


@transaction.atomic
def withdraw(pk: int, *, by) -> Invitation:
    """The officer withdraws a pending invitation (no notice: the officer tells the expert)."""
    invitation = _lock_pending(pk)
    invitation.state = InvitationState.WITHDRAWN
    invitation.save(update_fields=["state"])
    return invitation


def expire_due(*, now=None) -> int:
    """Expire the pending invitations whose deadline has passed; idempotent. Returns how many."""
    now = now or timezone.now()
    expired = 0
    due = Invitation.objects.filter(state=InvitationState.PENDING, deadline__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            try:
                invitation = _lock_pending(pk)
            except InvitationClosed:
                continue  # answered, or its mission moved on, meanwhile
            invitation.state = InvitationState.EXPIRED
            invitation.save(update_fields=["state"])
            _tell_officer(invitation, "expired")
            staffing.cascade_after_commit(invitation.position)
            expired += 1
    return expired


def remind_due(*, now=None) -> int:
    """Remind once the experts whose invitation's deadline is near (INVITATION_REMINDER_HOURS).
    Idempotent: the reminder's dedupe key makes a second run queue nothing."""
    now = now or timezone.now()
    soon = now + timedelta(hours=settings.INVITATION_REMINDER_HOURS)
    due = Invitation.objects.filter(
        state=InvitationState.PENDING,
        deadline__gt=now,
        deadline__lte=soon,
        position__mission__state=MissionState.STAFFING,
    ).select_related("expert__user", "position__mission")
    sent = 0
    for invitation in due:
        with transaction.atomic():
            _queue_invitation(invitation, reminder=True)
        sent += 1
    return sent


@transaction.atomic
def cascade(position_pk: int) -> Invitation | None:
    """Invite the next ranked candidate still eligible, if the position still needs one.

    Safe to run twice at once or twice in a row: under the position's lock it counts the seats
    held and the invitations pending, so a second run finds nothing to do. When nobody is left,
    the officer is told once."""
    position = staffing.lock_position(position_pk)
    if not position.cascade or position.mission.state != MissionState.STAFFING:
        return None
    pending = Invitation.objects.filter(position=position, state=InvitationState.PENDING).count()
    if staffing.open_seats(position) - pending <= 0:
        return None
    asked = set(Invitation.objects.filter(position=position).values_list("expert_id", flat=True))
    nxt = next(iter(matching.ranked(position, limit=1, skip=asked)), None)
    if nxt is None:
        last = Invitation.objects.filter(position=position).order_by("-pk").first()
        if last is not None:
            _tell_officer(last, "ran_out")
        return None
    expert = Expert.objects.select_related("user").get(pk=nxt.expert_id)
    deadline = timezone.now() + timedelta(hours=settings.INVITATION_CASCADE_HOURS)
    return _create(position, expert, nxt, deadline=deadline, by=None)


def cascade_due() -> int:
    """Run the cascade for every position that needs it: a catch-up for a cascade whose job was
    lost (the broker was down when the decline was saved). Returns the invitations sent."""
    freed = Q(invitations__state__in=[InvitationState.DECLINED, InvitationState.EXPIRED]) | Q(
        assignments__state=AssignmentState.RELEASE_REFUSED
    )
    positions = Position.objects.filter(
        freed, cascade=True, mission__state=MissionState.STAFFING
    ).distinct()
    return sum(cascade(pk) is not None for pk in positions.values_list("pk", flat=True))
