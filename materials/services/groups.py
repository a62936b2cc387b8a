"""Working groups: the Secretariat forms and closes them and keeps their members; the
coordinator is always one of the current members; a member may leave, the coordinator once
another one is named.

Every action locks the group's row (the lock of its memberships and deliverables too), refuses
with a typed error that says why (nothing is then changed), and queues the GROUP_MEMBERSHIP
notice to the expert concerned in the same transaction. A closed group accepts no change.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ace_portal.accounts.roles import is_secretariat
from ace_portal.notifications.services.outbox import Outgoing, notify_many
from experts.models import Accreditation
from materials.enums import GroupState, MembershipBasis
from materials.models import Membership, WorkingGroup
from materials.notifications import GROUP_MEMBERSHIP
from materials.services.errors import IllegalTransition, MaterialsError

# What a membership notice tells (the emails' ``event``).
ADDED, REMOVED, LEFT, COORDINATOR, REPLACED, CLOSED = (
    "added",
    "removed",
    "left",
    "coordinator",
    "replaced",
    "closed",
)


def absolute(path: str) -> str:
    return settings.ACE_BASE_URL.rstrip("/") + path


def holds_area(expert, area) -> bool:
    """True when ``expert`` holds an accreditation or recognition in ``area`` (pre-accredited,
    accredited or recognized), which lets them join its groups without an invitation."""
    return Accreditation.objects.holding().filter(expert=expert, area=area).exists()


def _require_secretariat(by) -> None:
    if not is_secretariat(by):
        raise MaterialsError(
            _("Only the Secretariat forms working groups and keeps their members.")
        )


def lock_group(group_pk: int) -> WorkingGroup:
    """The group's row, locked, refused when closed: a closed group accepts no change."""
    group = (
        WorkingGroup.objects.select_for_update(of=("self",)).select_related("area").get(pk=group_pk)
    )
    if not group.is_open:
        raise IllegalTransition(_("This working group is closed: it accepts no change."))
    return group


def current_membership(group, expert) -> Membership | None:
    return (
        Membership.objects.select_for_update().current().filter(group=group, expert=expert).first()
    )


def _notice(group, expert, event: str, *, key: str, **extra) -> Outgoing:
    gone = event in (REMOVED, LEFT)
    # Somebody no longer in the group would get 404 on its page: link to their groups instead.
    path = (
        reverse("materials:groups") if gone else reverse("materials:group_detail", args=[group.pk])
    )
    context = {
        "name": expert.given_names,
        "event": event,
        "group": group.name,
        "area_en": group.area.name_en,
        "area_fr": group.area.name_fr,
        "mandate": group.mandate,
        "url": absolute(path),
        **extra,
    }
    return Outgoing(expert.user, GROUP_MEMBERSHIP, context, dedupe_key=key)


def _key(group, membership, what: str) -> str:
    return f"materials.group:{group.pk}:membership:{membership.pk}:{what}"


def _stamp() -> str:
    # A coordinator may be named, replaced and named again: each naming is its own notice.
    return timezone.now().strftime("%Y%m%dT%H%M%S%f")


def _check_new_group(*, name, area, mandate, workshop, coordinator, members) -> None:
    if not (name or "").strip():
        raise MaterialsError(_("Give the working group a name."))
    if not (mandate or "").strip():
        raise MaterialsError(_("Write the group's mandate: what it is to produce, and why."))
    if workshop is not None and workshop.area_id != area.pk:
        raise MaterialsError(
            _("The workshop %(workshop)s was on another thematic area than the group's.")
            % {"workshop": workshop}
        )
    if coordinator is None:
        raise MaterialsError(_("Name the group's coordinator."))
    if coordinator.pk not in {expert.pk for expert in members}:
        raise MaterialsError(
            _("The coordinator %(name)s must be one of the group's members.")
            % {"name": coordinator.full_name}
        )


def _bases(members, area, *, invited: bool) -> dict:
    """Each member's basis in a new group of ``area``; refused when one holds nothing there and
    the Secretariat did not confirm the invitation."""
    holding = set(
        Accreditation.objects.holding()
        .filter(expert__in=members, area=area)
        .values_list("expert_id", flat=True)
    )
    outside = [expert.full_name for expert in members if expert.pk not in holding]
    if outside and not invited:
        raise MaterialsError(
            ngettext(
                "%(names)s holds no accreditation in %(area)s. Tick “Invite although not "
                "accredited in the area” to add them as invited by the Secretariat.",
                "%(names)s hold no accreditation in %(area)s. Tick “Invite although not "
                "accredited in the area” to add them as invited by the Secretariat.",
                len(outside),
            )
            % {"names": ", ".join(outside), "area": area}
        )
    return {
        expert.pk: MembershipBasis.ACCREDITED if expert.pk in holding else MembershipBasis.INVITED
        for expert in members
    }


@transaction.atomic
def create_group(
    *,
    name,
    area,
    profile_type=None,
    mandate,
    workshop=None,
    coordinator,
    members,
    by,
    invited: bool = False,
) -> WorkingGroup:
    """The Secretariat forms a group on ``area`` with ``members`` (``coordinator`` among them).
    Members holding an accreditation in the area join on that basis; the others only when
    ``invited`` (the Secretariat confirms it invites them).

    Side effects: the group and one Membership per member; each member is told (the
    coordinator that they coordinate it)."""
    _require_secretariat(by)
    members = list({expert.pk: expert for expert in members}.values())
    _check_new_group(
        name=name,
        area=area,
        mandate=mandate,
        workshop=workshop,
        coordinator=coordinator,
        members=members,
    )
    bases = _bases(members, area, invited=invited)
    group = WorkingGroup.objects.create(
        name=name.strip(),
        area=area,
        profile_type=profile_type,
        mandate=mandate.strip(),
        workshop=workshop,
        coordinator=coordinator,
        state=GroupState.OPEN,
        created_by=by,
    )
    notify_many(_first_members(group, members, bases, by=by))
    return group


def _first_members(group, members, bases: dict, *, by) -> list[Outgoing]:
    """The memberships of a new group, and the notice of each (the coordinator's says so)."""
    notices = []
    for expert in members:
        membership = Membership.objects.create(
            group=group, expert=expert, basis=bases[expert.pk], added_by=by
        )
        key = _key(group, membership, ADDED)
        coordinates = expert.pk == group.coordinator_id
        notices.append(_notice(group, expert, ADDED, key=key, coordinator=coordinates))
    return notices


@transaction.atomic
def add_member(group_pk: int, expert, *, invited: bool = False, by) -> Membership:
    """The Secretariat adds ``expert``: on the basis of their accreditation in the group's
    area, or, without one, only when ``invited`` (then as invited by the Secretariat).

    Side effects: one Membership; the expert is told."""
    _require_secretariat(by)
    group = lock_group(group_pk)
    if current_membership(group, expert) is not None:
        raise MaterialsError(
            _("%(name)s is a member of this group already.") % {"name": expert.full_name}
        )
    if holds_area(expert, group.area):
        basis = MembershipBasis.ACCREDITED
    elif invited:
        basis = MembershipBasis.INVITED
    else:
        raise MaterialsError(
            _(
                "%(name)s holds no accreditation in %(area)s. Tick “Invite although not "
                "accredited in the area” to add them as invited by the Secretariat."
            )
            % {"name": expert.full_name, "area": group.area}
        )
    membership = Membership.objects.create(group=group, expert=expert, basis=basis, added_by=by)
    notify_many([_notice(group, expert, ADDED, key=_key(group, membership, ADDED))])
    return membership


def _end_membership(group, expert, event: str, *, refused_not_member: str) -> Membership:
    membership = current_membership(group, expert)
    if membership is None:
        raise MaterialsError(refused_not_member)
    if group.coordinator_id == expert.pk:
        if event == REMOVED:
            raise MaterialsError(
                _("%(name)s coordinates this group: name another coordinator first.")
                % {"name": expert.full_name}
            )
        raise MaterialsError(
            _(
                "You coordinate this group: ask the Secretariat to name another coordinator "
                "first, then leave."
            )
        )
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    notify_many([_notice(group, expert, event, key=_key(group, membership, event))])
    return membership


@transaction.atomic
def remove_member(group_pk: int, expert, *, by) -> Membership:
    """The Secretariat removes ``expert`` (not the coordinator: name another one first).

    Side effects: the membership's ``left_at`` (the row stays as history); the expert is told."""
    _require_secretariat(by)
    group = lock_group(group_pk)
    return _end_membership(
        group,
        expert,
        REMOVED,
        refused_not_member=_("%(name)s is not a member of this group.")
        % {"name": expert.full_name},
    )


@transaction.atomic
def leave(group_pk: int, *, expert) -> Membership:
    """``expert`` leaves the group (the coordinator hands over first).

    Side effects: the membership's ``left_at``; the expert is sent a confirmation."""
    group = lock_group(group_pk)
    return _end_membership(
        group, expert, LEFT, refused_not_member=_("You are not a member of this group.")
    )


@transaction.atomic
def set_coordinator(group_pk: int, expert, *, by) -> WorkingGroup:
    """The Secretariat names ``expert``, a current member, the group's coordinator.

    Side effects: the group's coordinator; the new coordinator is told, and so is the one
    they replace."""
    _require_secretariat(by)
    group = lock_group(group_pk)
    membership = current_membership(group, expert)
    if membership is None:
        raise MaterialsError(
            _("%(name)s is not a member of this group: add them first, then name them coordinator.")
            % {"name": expert.full_name}
        )
    previous = group.coordinator
    if previous is not None and previous.pk == expert.pk:
        raise MaterialsError(
            _("%(name)s coordinates this group already.") % {"name": expert.full_name}
        )
    group.coordinator = expert
    group.save(update_fields=["coordinator"])
    stamp = _stamp()
    notices = [_notice(group, expert, COORDINATOR, key=_key(group, membership, stamp))]
    if previous is not None:
        notices.append(
            _notice(
                group,
                previous,
                REPLACED,
                key=f"materials.group:{group.pk}:replaced:{previous.pk}:{stamp}",
                coordinator_name=expert.full_name,
            )
        )
    notify_many(notices)
    return group


@transaction.atomic
def close_group(group_pk: int, *, by) -> WorkingGroup:
    """The Secretariat closes the group: it keeps its members, deliverables and materials as
    a record, and accepts no change after (no more reminders either).

    Side effects: the group's state and ``closed_at``; every current member is told."""
    _require_secretariat(by)
    group = lock_group(group_pk)
    group.state, group.closed_at = GroupState.CLOSED, timezone.now()
    group.save(update_fields=["state", "closed_at"])
    memberships = Membership.objects.current().filter(group=group).select_related("expert__user")
    notify_many([_notice(group, m.expert, CLOSED, key=_key(group, m, CLOSED)) for m in memberships])
    return group
