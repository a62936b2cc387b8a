"""Demo working groups, consistent with the pool: 4-6 groups in areas where enough experts hold
an accreditation or a recognition (experts.enums.HOLDING_STATES), the demo expert's own area
first; one formed at the latest refresher workshop of its area when the pool has one; each a
coordinator and 3-8 more members holding the area, and deliverables in every state due around
today. A constant number of queries at any pool size: counts per area, then a bounded list of
holders per chosen area."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, Max

from experts.enums import AccreditationState, WorkshopKind, WorkshopOutcome
from experts.models import Accreditation, Expert, ThematicArea, Workshop, WorkshopParticipant
from materials.demo.topics import TOPICS, topic_for
from materials.enums import DeliverableState, MembershipBasis
from materials.models import Deliverable, Membership, WorkingGroup

MAX_GROUPS = 5
# Besides the coordinator: the 3-8 members.
MEMBERS = (3, 8)
MIN_HOLDERS = 1 + MEMBERS[0]
# Holders drawn from per area: enough to choose from, bounded at any pool size.
CANDIDATES = 200


@dataclass
class GroupPlan:
    """One group before it is written, with its members (expert pk -> user pk)."""

    group: WorkingGroup
    members: dict[int, int] = field(default_factory=dict)
    former: int | None = None  # a member who left
    index: int = 0

    @property
    def coordinator_user(self) -> int:
        return self.members[self.group.coordinator_id]

    def member_users(self) -> list[int]:
        return list(self.members.values())


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def _demo_area(demo_expert) -> int | None:
    """The area the demo expert holds (accredited first), for their group."""
    if demo_expert is None:
        return None
    rank = {AccreditationState.ACCREDITED: 0, AccreditationState.RECOGNIZED: 1}
    held = Accreditation.objects.holding().filter(expert=demo_expert)
    ranked = sorted(
        held.values_list("state", "pk", "area_id"), key=lambda row: (rank.get(row[0], 2), row[1])
    )
    return ranked[0][2] if ranked else None


def choose_areas(demo_area: int | None, today: date) -> tuple[list[ThematicArea], int | None]:
    """The groups' areas (the demo expert's first, then those with the most holders, areas
    with a topic of their own preferred) and the refresher workshop one group is formed at."""
    counts = dict(
        Accreditation.objects.holding()
        .values("area_id")
        .annotate(n=Count("expert_id", distinct=True))
        .values_list("area_id", "n")
    )
    areas = {area.pk: area for area in ThematicArea.objects.filter(pk__in=counts)}
    refreshed = dict(
        Workshop.objects.filter(kind=WorkshopKind.REFRESHER, end_date__lt=today)
        .values("area_id")
        .annotate(last=Max("end_date"))
        .values_list("area_id", "last")
    )
    eligible = sorted(
        (pk for pk, n in counts.items() if n >= MIN_HOLDERS and pk != demo_area),
        key=lambda pk: (areas[pk].code not in TOPICS, -counts[pk], areas[pk].code),
    )
    chosen = ([demo_area] if demo_area in areas else []) + eligible
    chosen = chosen[:MAX_GROUPS]
    with_refresher = [pk for pk in eligible if pk in refreshed]
    if with_refresher and not any(pk in refreshed for pk in chosen):
        chosen[-1:] = [with_refresher[0]]  # swap the last for an area with a refresher
    workshop_area = next((pk for pk in chosen if pk in refreshed), None)
    return [areas[pk] for pk in chosen], workshop_area


def _latest_refresher(area_pk: int, today: date) -> Workshop | None:
    return (
        Workshop.objects.filter(kind=WorkshopKind.REFRESHER, area_id=area_pk, end_date__lt=today)
        .order_by("-end_date", "-pk")
        .first()
    )


def _holders(area_pk: int, keep_out: set[int], workshop=None) -> list[int]:
    """Experts holding the area, the workshop's attendees first (the group formed there)."""
    held = Accreditation.objects.holding().filter(area_id=area_pk)
    first = []
    if workshop is not None:
        attended = WorkshopParticipant.objects.filter(
            workshop=workshop, outcome=WorkshopOutcome.ATTENDED
        ).values("expert_id")
        first = list(
            held.filter(expert_id__in=attended)
            .order_by("expert_id")
            .values_list("expert_id", flat=True)[:CANDIDATES]
        )
    rest = held.order_by("expert_id").values_list("expert_id", flat=True)[:CANDIDATES]
    seen = dict.fromkeys(pk for pk in [*first, *rest] if pk not in keep_out)
    return list(seen)


def plan_groups(rng, *, officer, demo_expert, keep_out, today) -> list[GroupPlan]:
    """The groups, their coordinators and members; nothing written yet."""
    demo_area = _demo_area(demo_expert)
    areas, workshop_area = choose_areas(demo_area, today)
    keep_out = set(keep_out) | ({demo_expert.pk} if demo_expert else set())
    plans = []
    for index, area in enumerate(areas):
        workshop = _latest_refresher(area.pk, today) if area.pk == workshop_area else None
        holders = _holders(area.pk, keep_out, workshop)
        if workshop is not None:
            count = min(len(holders), rng.randint(MEMBERS[0] + 2, MEMBERS[1] + 1))
            picked = holders[:count]  # the attendees come first
        else:
            count = min(len(holders), rng.randint(MIN_HOLDERS, MEMBERS[1] + 1))
            picked = rng.sample(holders, count)
        if area.pk == demo_area:
            picked = [*picked[: MEMBERS[1]], demo_expert.pk]
        if not picked:
            continue
        plans.append(_plan(rng, area, picked, holders, workshop, index, officer, today))
    _users_of(plans)
    return plans


def _plan(rng, area, picked, holders, workshop, index, officer, today) -> GroupPlan:
    topic = topic_for(area)
    formed = workshop.end_date if workshop else today - timedelta(days=rng.randint(120, 420))
    group = WorkingGroup(
        name=f"Working group on {topic.focus}",
        area=area,
        profile_type_id=workshop.profile_type_id if workshop else None,
        mandate=(
            f"Develop and standardise the training material on {topic.focus} used in future "
            f"WCO trainings of the area ({', '.join(topic.terms[:3])}), building on the tools "
            "the Secretariat publishes, and pilot it in the next missions."
        ),
        coordinator_id=picked[0],
        workshop=workshop,
        created_by=officer,
        created_at=at(formed, 16),
    )
    plan = GroupPlan(group=group, members=dict.fromkeys(picked, 0), index=index)
    left = [pk for pk in holders if pk not in plan.members]
    if index == 1 and left:
        plan.former = left[0]
    return plan


def _users_of(plans) -> None:
    wanted = {pk for plan in plans for pk in [*plan.members, plan.former] if pk}
    users = dict(Expert.objects.filter(pk__in=wanted).values_list("pk", "user_id"))
    for plan in plans:
        plan.members = {pk: users[pk] for pk in plan.members}


def write_groups(plans, *, officer, today) -> int:
    """The groups and their memberships (the demo expert's group first); returns how many
    memberships."""
    WorkingGroup.objects.bulk_create([plan.group for plan in plans])
    rows = []
    for plan in plans:
        joined = plan.group.created_at
        for n, pk in enumerate(plan.members):
            rows.append(_membership(plan.group, pk, officer, joined + timedelta(days=n % 3)))
        if plan.former:
            gone = _membership(plan.group, plan.former, officer, joined)
            gone.left_at = at(today - timedelta(days=20), 11)
            rows.append(gone)
    Membership.objects.bulk_create(rows)
    return len(rows)


def _membership(group, expert_pk, officer, joined) -> Membership:
    return Membership(
        group=group,
        expert_id=expert_pk,
        basis=MembershipBasis.ACCREDITED,
        added_by=officer,
        joined_at=joined,
    )


def deliverables(rng, plan: GroupPlan, made: list, today: date) -> list[Deliverable]:
    """Four deliverables in every state: done (the published presentation), in review or
    drafting (the exercise, as its review stands), drafting (overdue in every other group,
    else due within a week), planned (overdue in the second group)."""
    group, by = plan.group, plan.coordinator_user
    presentation, exercise, third = made[0], made[1], made[2]
    in_review = exercise.state_plan.in_review
    odd = plan.index % 2
    rows = [
        (f"Publish the {presentation.title.lower()}", DeliverableState.DONE,
         -rng.randint(30, 60), presentation),
        (f"Exercise on {topic_for(group.area).focus} reviewed by the Secretariat",
         DeliverableState.IN_REVIEW if in_review else DeliverableState.DRAFTING,
         rng.randint(2, 6), exercise),
        (third.title, DeliverableState.DRAFTING,
         rng.randint(1, 6) if odd else -rng.randint(3, 10), third),
        ("Pilot the materials at the next refresher workshop", DeliverableState.PLANNED,
         -2 if plan.index == 1 else rng.randint(30, 90), None),
    ]  # fmt: skip
    return [
        Deliverable(
            group=group,
            title=title[:200],
            description=f"Agreed at the group's meeting of {group.created_at:%d %B %Y}.",
            due_date=today + timedelta(days=offset),
            state=state,
            material=material.row if material else None,
            updated_by_id=by,
            updated_at=at(today - timedelta(days=rng.randint(1, 12)), 9),
        )
        for title, state, offset, material in rows
    ]
