"""Demo missions, consistent with the pool: for ``seed_demo`` and the benchmarks.

Missions are spread from two years ago to six months ahead, their states following their dates
(closed and reported in the past, delivered lately, in progress today, confirmed and staffing
soon, planned and draft later, a few cancelled). Each takes its positions from an accreditation
the pool really holds, and its experts from the holders: never of a beneficiary administration,
never two confirmed missions overlapping for one expert. Past missions have their invitations,
releases and evaluations; staffing ones pending invitations and releases waiting. Rows are
bulk-inserted (the history only INSERTed, which its append-only trigger allows), so 5 000
missions take seconds; the Secretariat's transitions are recorded as the services would.

Draws come from a ``random.Random`` of their own, so a seed gives the same missions on the same
day (every date is placed relative to today).
"""

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from experts.demo.requests import tiny_pdf
from experts.enums import AccreditationState
from experts.models import Accreditation, MemberAdministration
from missions.enums import (
    AssignmentState,
    Delivery,
    DocumentKind,
    InvitationState,
    LogisticsItemKind,
    LogisticsState,
    MissionState,
    MissionType,
    PositionRole,
    RecordedVia,
    ReleaseState,
    ReportState,
)
from missions.models import (
    Assignment,
    AssistanceRequest,
    Evaluation,
    FundingSource,
    Invitation,
    Mission,
    MissionEvent,
    MissionReport,
    MissionSequence,
    Position,
    Release,
)
from missions.services import invitations, positions, preparation, releases
from missions.services import missions as mission_services

S = MissionState
WORKSHOPS = [
    MissionType.NATIONAL_WORKSHOP,
    MissionType.REGIONAL_WORKSHOP,
    MissionType.TRAIN_THE_TRAINER,
]
ONE_OR_TWO = [
    MissionType.DIAGNOSTIC,
    MissionType.EXPERT_ADVISORY,
    MissionType.STRATEGIC_PLANNING,
    MissionType.SCOPING,
    MissionType.EVALUATION,
]
# The states a mission passes through, in order, with the action that enters each.
PATH = [
    (S.PLANNED, "plan"),
    (S.STAFFING, "open_staffing"),
    (S.CONFIRMED, "confirm"),
    (S.IN_PROGRESS, "start"),
    (S.DELIVERED, "deliver"),
    (S.REPORTED, "report"),
    (S.CLOSED, "close"),
]
ORDER = [S.DRAFT] + [state for state, _ in PATH]
SEATED = {S.CONFIRMED, S.IN_PROGRESS, S.DELIVERED, S.REPORTED, S.CLOSED}
CITIES = {
    "AMS": ["Bogotá", "Kingston", "Lima", "Panama City"],
    "EUR": ["Chișinău", "Tbilisi", "Skopje", "Tirana"],
    "AP": ["Colombo", "Suva", "Vientiane", "Ulaanbaatar"],
    "MENA": ["Amman", "Tunis", "Muscat", "Rabat"],
    "ESA": ["Nairobi", "Lusaka", "Maputo", "Kigali"],
    "WCA": ["Accra", "Dakar", "Abuja", "Douala"],
}
CANCEL_REASONS = [
    "The beneficiary administration asked to postpone the activity.",
    "The funding was not confirmed in time.",
    "Travel to the venue is not advised at these dates.",
]


@dataclass
class Holders:
    """Who holds what: (profile, area) -> accredited experts, and the pre-accredited ones."""

    accredited: dict = field(default_factory=lambda: defaultdict(list))
    pre_accredited: dict = field(default_factory=lambda: defaultdict(list))
    administration: dict = field(default_factory=dict)  # expert -> home administration

    @classmethod
    def of(cls, experts) -> "Holders":
        holders = cls()
        rows = Accreditation.objects.filter(
            expert__in=experts,
            state__in=[AccreditationState.ACCREDITED, AccreditationState.PRE_ACCREDITED],
        ).values_list(
            "expert_id", "profile_type_id", "area_id", "state", "expert__home_administration_id"
        )
        for expert, profile, area, state, administration in rows.order_by("pk"):
            key = (profile, area)
            if state == AccreditationState.ACCREDITED:
                holders.accredited[key].append(expert)
            else:
                holders.pre_accredited[key].append(expert)
            holders.administration[expert] = administration
        return holders


class MissionGenerator:
    def __init__(self, *, seed: int, today: date, holders: Holders, extra_seats: int = 0):
        self.rng = random.Random(f"missions-{seed}")
        self.extra_seats = extra_seats
        self.today = today
        self.holders = holders
        self.keys = sorted(k for k, v in holders.accredited.items() if v)
        self.members = list(MemberAdministration.objects.select_related("region").order_by("pk"))
        self.funding = list(FundingSource.objects.filter(is_active=True).order_by("pk"))
        self.busy = defaultdict(list)  # expert -> confirmed (start, end)
        self.counts = defaultdict(int)

    def plan(self, count: int) -> list[dict]:
        """The missions to create: dates, state, type, area, beneficiary, seats."""
        if not self.keys:
            raise LookupError("The pool holds no accreditation to staff a mission from.")
        first, last = self.today - timedelta(days=730), self.today + timedelta(days=180)
        span = (last - first).days
        drafts = []
        for n in range(count):
            start = first + timedelta(days=int(span * (n + self.rng.random()) / count))
            kind = self.rng.choice(WORKSHOPS if self.rng.random() < 0.45 else ONE_OR_TWO)
            end = start + timedelta(days=self.rng.randint(2, 4))
            drafts.append(
                {
                    "start": start,
                    "end": end,
                    "type": kind,
                    "key": self.rng.choice(self.keys),
                    "state": self._state(start, end),
                    "beneficiary": self.rng.choice(self.members),
                }
            )
        return self._show_every_state(drafts)

    def _show_every_state(self, drafts: list[dict]) -> list[dict]:
        """However few the missions, one in each state: a missing state takes a mission and
        dates that state has on a real roster."""
        today = self.today
        starts = {
            S.DRAFT: 150,
            S.PLANNED: 120,
            S.STAFFING: 30,
            S.CONFIRMED: 20,
            S.IN_PROGRESS: -1,
            S.DELIVERED: -8,
            S.REPORTED: -45,
            S.CLOSED: -200,
            S.CANCELLED: 60,
        }
        counts = Counter(draft["state"] for draft in drafts)
        for state, days in starts.items():
            if counts[state]:
                continue
            spare = [d for d in drafts if counts[d["state"]] > 1]
            if not spare:
                break
            draft = self.rng.choice(spare)
            counts[draft["state"]] -= 1
            counts[state] += 1
            draft["start"] = today + timedelta(days=days)
            draft["end"] = draft["start"] + timedelta(days=3)
            draft["state"] = state
        return drafts

    def _state(self, start: date, end: date) -> str:
        today, roll = self.today, self.rng.random()
        if roll < 0.05:
            return S.CANCELLED
        if end < today - timedelta(days=90):
            return S.CLOSED if roll < 0.9 else S.REPORTED
        if end < today - timedelta(days=20):
            return S.REPORTED if roll < 0.6 else S.DELIVERED
        if end < today:
            return S.DELIVERED
        if start <= today:
            return S.IN_PROGRESS
        if start <= today + timedelta(days=45):
            return S.CONFIRMED if roll < 0.6 else S.STAFFING
        if start <= today + timedelta(days=100):
            return S.STAFFING if roll < 0.6 else S.PLANNED
        return S.PLANNED if roll < 0.6 else S.DRAFT

    def seats_for(self, kind: str) -> list[tuple[str, int]]:
        extra = self.extra_seats
        if kind in WORKSHOPS:
            co_facilitators = self.rng.randint(1, 2) + extra
            roles = [(PositionRole.LEAD, 1), (PositionRole.CO_FACILITATOR, co_facilitators)]
            if self.rng.random() < 0.6:
                roles.append((PositionRole.FIELD_EVALUATION, 1))
            if self.rng.random() < 0.5:
                roles.append((PositionRole.RESOURCE_SPEAKER, 1))
            return roles
        roles = [(PositionRole.LEAD, 1)]
        if extra or self.rng.random() < 0.6:
            roles.append((PositionRole.CO_FACILITATOR, 1 + extra))
        return roles

    def free_holder(self, candidates, start, end, beneficiary_pk, taken) -> int | None:
        """A holder free at these dates, not of the beneficiary, not already on the mission."""
        for expert in self.rng.sample(candidates, min(len(candidates), 12)):
            if expert in taken or self.holders.administration.get(expert) == beneficiary_pk:
                continue
            if any(s < end and e > start for s, e in self.busy[expert]):
                continue
            return expert
        return None


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def _references(drafts) -> list[str]:
    """A reference per mission, numbered per year of creation (60 days before its start),
    after the missions already there."""
    numbers = dict(MissionSequence.objects.values_list("year", "last"))
    references = []
    for draft in drafts:
        year = (draft["start"] - timedelta(days=60)).year
        numbers[year] = numbers.get(year, 0) + 1
        references.append(f"{year}-{numbers[year]:03d}")
    for year, last in numbers.items():
        MissionSequence.objects.update_or_create(year=year, defaults={"last": last})
    return references


@transaction.atomic
def create_missions(
    count: int, *, seed: int, officers, experts, today: date, extra_seats: int = 0
) -> dict:
    """Create ``count`` demo missions staffed from ``experts`` (the pool); ``officers`` run them.
    ``extra_seats`` co-facilitator seats are added to every mission: the demo keeps the 1-2
    experts of a real roster, the benchmark asks for the 4 per mission of a heavier history.
    Returns how many rows of each kind were made."""
    generator = MissionGenerator(
        seed=seed, today=today, holders=Holders.of(experts), extra_seats=extra_seats
    )
    drafts = sorted(generator.plan(count), key=lambda d: d["start"])
    rng = generator.rng
    missions = []
    for draft, reference in zip(drafts, _references(drafts), strict=True):
        beneficiary = draft["beneficiary"]
        officer = rng.choice(officers)
        created = _at(draft["start"] - timedelta(days=60))
        mission = Mission(
            reference=reference,
            title=f"{MissionType(draft['type']).label}: {beneficiary.name_en}",
            mission_type=draft["type"],
            thematic_area_id=draft["key"][1],
            region_id=beneficiary.region_id,
            delivery=rng.choice([Delivery.IN_PERSON] * 3 + [Delivery.VIRTUAL, Delivery.HYBRID]),
            location=rng.choice(CITIES.get(beneficiary.region.code, ["Brussels"])),
            start_date=draft["start"],
            end_date=draft["end"],
            funding_source=rng.choice(generator.funding) if generator.funding else None,
            officer=officer,
            terms_of_reference="Assess the current practice, agree an action plan with the "
            "administration's managers and deliver the sessions the plan calls for.",
            state=draft["state"],
            cancel_reason=rng.choice(CANCEL_REASONS) if draft["state"] == S.CANCELLED else "",
            created_by=officer,
            created_at=created,
        )
        mission.demo = draft
        missions.append(mission)
    Mission.objects.bulk_create(missions, batch_size=1000)
    Mission.beneficiaries.through.objects.bulk_create(
        [
            Mission.beneficiaries.through(
                mission_id=m.pk, memberadministration_id=m.demo["beneficiary"].pk
            )
            for m in missions
        ],
        batch_size=2000,
    )
    _history(missions, rng)
    _staff(missions, generator)
    generator.counts["missions"] = len(missions)
    for mission in missions:
        generator.counts[f"state:{mission.state}"] += 1
    return dict(generator.counts)


def _history(missions, rng) -> None:
    """The events the services would have written, dated along the way to the state."""
    events = []
    for mission in missions:
        created = mission.created_at
        events.append(
            MissionEvent(mission=mission, action="create", from_state="", to_state=S.DRAFT,
                         by=mission.officer, at=created)
        )  # fmt: skip
        reached = S.DRAFT
        target = mission.state
        stop = ORDER.index(target) if target != S.CANCELLED else rng.randint(0, 3)
        for index, (state, action) in enumerate(PATH, start=1):
            if index > stop:
                break
            at = _step_date(mission, state, created, index)
            by = None if action in ("start", "deliver") else mission.officer
            events.append(
                MissionEvent(mission=mission, action=action, from_state=reached, to_state=state,
                             by=by, at=at)
            )  # fmt: skip
            reached = state
        if target == S.CANCELLED:
            events.append(
                MissionEvent(mission=mission, action="cancel", from_state=reached,
                             to_state=S.CANCELLED, by=mission.officer,
                             at=created + timedelta(days=20), note=mission.cancel_reason)
            )  # fmt: skip
            mission.demo["reached"] = reached
        else:
            mission.demo["reached"] = target
    MissionEvent.objects.bulk_create(events, batch_size=2000)


def _step_date(mission, state, created, index) -> datetime:
    start, end = mission.start_date, mission.end_date
    return {
        S.PLANNED: created + timedelta(days=5),
        S.STAFFING: created + timedelta(days=12),
        S.CONFIRMED: _at(start - timedelta(days=20)),
        S.IN_PROGRESS: _at(start, 0),
        S.DELIVERED: _at(end + timedelta(days=1), 0),
        S.REPORTED: _at(end + timedelta(days=18), 11),
        S.CLOSED: _at(end + timedelta(days=40), 15),
    }[state] + timedelta(minutes=5 * index)


def _staff(missions, generator) -> None:
    """Positions for every mission; seats and their paper trail where the state calls for them."""
    rng, holders, counts = generator.rng, generator.holders, generator.counts
    positions, plans = [], []
    for mission in missions:
        profile, area = mission.demo["key"]
        for role, seats in generator.seats_for(mission.mission_type):
            position = Position(
                mission=mission, role=role, profile_type_id=profile, area_id=area, seats=seats,
                cascade=rng.random() < 0.4,
            )  # fmt: skip
            positions.append(position)
            plans.append((mission, position))
    Position.objects.bulk_create(positions, batch_size=2000)
    invitations, seats = [], []
    for mission, position in plans:
        key = mission.demo["key"]
        pool = (
            holders.pre_accredited.get(key) or []
            if position.role == PositionRole.FIELD_EVALUATION
            else holders.accredited[key]
        )
        if not pool:
            continue
        reached = mission.demo["reached"]
        taken = mission.demo.setdefault("taken", set())
        staffed = reached in SEATED  # a cancelled mission had its seats if it got that far
        staffing = reached == S.STAFFING
        for _seat in range(position.seats):
            expert = generator.free_holder(
                pool, mission.start_date, mission.end_date, mission.demo["beneficiary"].pk, taken
            )
            if expert is None:
                break
            taken.add(expert)
            invited_at = _at(mission.start_date - timedelta(days=45), 10)
            if staffed or (staffing and rng.random() < 0.5):
                confirmed = staffed or rng.random() < 0.4
                invitation = Invitation(
                    position=position, expert_id=expert, state=InvitationState.ACCEPTED,
                    deadline=invited_at + timedelta(days=7), invited_by=mission.officer,
                    invited_at=invited_at, answered_at=invited_at + timedelta(days=2),
                )  # fmt: skip
                invitations.append(invitation)
                seats.append((mission, position, invitation, expert, confirmed))
                if confirmed and mission.state != S.CANCELLED:
                    generator.busy[expert].append((mission.start_date, mission.end_date))
            elif staffing:
                now = datetime.now(UTC)
                invitations.append(
                    Invitation(
                        position=position, expert_id=expert, state=InvitationState.PENDING,
                        deadline=now + timedelta(days=rng.randint(1, 6)),
                        invited_by=mission.officer, invited_at=now - timedelta(days=2),
                    )
                )  # fmt: skip
        if staffing and rng.random() < 0.3:
            # An earlier candidate declined.
            expert = generator.free_holder(
                pool, mission.start_date, mission.end_date, mission.demo["beneficiary"].pk, taken
            )
            if expert is not None:
                taken.add(expert)
                invited_at = _at(mission.start_date - timedelta(days=50), 10)
                invitations.append(
                    Invitation(
                        position=position, expert_id=expert, state=InvitationState.DECLINED,
                        deadline=invited_at + timedelta(days=7), invited_by=mission.officer,
                        invited_at=invited_at, answered_at=invited_at + timedelta(days=1),
                        decline_reason="Already committed to a national project at these dates.",
                    )
                )  # fmt: skip
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    counts["invitations"] = len(invitations)
    _seats_and_releases(seats, generator)


def _seats_and_releases(seats, generator) -> None:
    rng, counts = generator.rng, generator.counts
    assignments, releases = [], []
    for mission, position, invitation, expert, confirmed in seats:
        cancelled = mission.state == S.CANCELLED
        state = (
            AssignmentState.WITHDRAWN
            if cancelled
            else AssignmentState.CONFIRMED
            if confirmed
            else AssignmentState.AWAITING_RELEASE
        )
        answered = invitation.answered_at
        assignment = Assignment(
            position=position, expert_id=expert, invitation=invitation, state=state,
            created_at=answered,
            confirmed_at=answered + timedelta(days=4) if confirmed else None,
        )  # fmt: skip
        assignments.append(assignment)
        administration = generator.holders.administration.get(expert)
        release_state = (
            ReleaseState.RELEASED
            if confirmed
            else ReleaseState.WITHDRAWN
            if cancelled
            else ReleaseState.REQUESTED
        )
        releases.append(
            Release(
                assignment=assignment, administration_id=administration, state=release_state,
                requested_at=answered,
                answered_at=answered + timedelta(days=4) if confirmed else None,
                recorded_via=rng.choice([RecordedVia.LINK, RecordedVia.OFFICER])
                if confirmed else "",
                recorded_by=None,
                answered_by="Head of human resources" if confirmed else "",
                note="Release letter received by email." if confirmed else "",
            )
        )  # fmt: skip
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    for release, (mission, *_rest) in zip(releases, seats, strict=True):
        release.assignment_id = release.assignment.pk  # saved just now: take its key
        if release.recorded_via == RecordedVia.OFFICER:
            release.recorded_by = mission.officer
    Release.objects.bulk_create(releases, batch_size=2000)
    counts["assignments"] = len(assignments)
    counts["releases"] = len(releases)
    evaluations = []
    for assignment, (mission, _position, _invitation, _expert, _confirmed) in zip(
        assignments, seats, strict=True
    ):
        if (
            mission.state in (S.REPORTED, S.CLOSED)
            and assignment.state == AssignmentState.CONFIRMED
        ):
            scores = {name: rng.choice([3, 4, 4, 4, 5, 5]) for name in Evaluation.SCORES}
            evaluations.append(
                Evaluation(
                    assignment=assignment, **scores,
                    comment="Well prepared; the sessions kept the participants engaged.",
                    internal_note="Could take the lead on the next mission in this area.",
                    passed=True if assignment.position.role == PositionRole.FIELD_EVALUATION
                    else None,
                    evaluated_by=mission.officer,
                    evaluated_at=_at(mission.end_date + timedelta(days=25), 14),
                )
            )  # fmt: skip
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    counts["evaluations"] = len(evaluations)
    _reports(assignments, seats, counts)


def _reports(assignments, seats, counts) -> None:
    """The lead's report of each reported or closed mission (accepted), and of every other
    delivered one (waiting for the officer). One stored PDF serves them all: it is demo text."""
    stored = default_storage.save(
        "reports/demo/report.pdf",
        ContentFile(tiny_pdf(["Mission report (demo)", "Findings, actions agreed, next steps."])),
    )
    users = dict(
        Assignment.objects.filter(pk__in=[a.pk for a in assignments]).values_list(
            "pk", "expert__user_id"
        )
    )
    rows = {}
    for assignment, (mission, position, *_rest) in zip(assignments, seats, strict=True):
        if position.role != PositionRole.LEAD or assignment.state != AssignmentState.CONFIRMED:
            continue
        accepted = mission.state in (S.REPORTED, S.CLOSED)
        if not accepted and not (mission.state == S.DELIVERED and mission.pk % 2):
            continue
        submitted = _at(mission.end_date + timedelta(days=10), 16)
        rows.setdefault(
            mission.pk,
            MissionReport(
                mission=mission,
                file=stored,
                original_name="report.pdf",
                state=ReportState.ACCEPTED if accepted else ReportState.SUBMITTED,
                submitted_by_id=users[assignment.pk],
                submitted_at=submitted,
                decided_by=mission.officer if accepted else None,
                decided_at=submitted + timedelta(days=5) if accepted else None,
            ),
        )
    MissionReport.objects.bulk_create(rows.values(), batch_size=2000)
    counts["reports"] = len(rows)


def _held_by(expert):
    return (
        Accreditation.objects.filter(expert=expert, state=AccreditationState.ACCREDITED)
        .select_related("area", "profile_type")
        .first()
    )


def _demo_expert_position(expert, held, *, officer, title: str, start: date):
    """A virtual mission being staffed, away from the expert's administration, with a lead
    seat in the pair ``held``: made through the services, events included."""
    beneficiary = (
        MemberAdministration.objects.exclude(pk=expert.home_administration_id)
        .order_by("pk")
        .select_related("region")
        .first()
    )
    mission = mission_services.create_mission(
        title=title,
        mission_type=MissionType.EXPERT_ADVISORY,
        thematic_area=held.area,
        beneficiaries=[beneficiary],
        region=beneficiary.region,
        delivery=Delivery.VIRTUAL,
        location="Online",
        start_date=start,
        end_date=start + timedelta(days=3),
        working_languages=[],
        officer=officer,
        by=officer,
    )
    position = positions.add_position(
        mission.pk, role=PositionRole.LEAD, profile_type=held.profile_type, area=held.area,
        by=officer,
    )  # fmt: skip
    mission_services.plan(mission.pk, by=officer)
    mission_services.open_staffing(mission.pk, by=officer)
    return position


def invite_demo_expert(expert, *, officer, today: date) -> Invitation | None:
    """The demo expert's invitation to answer, to a mission being staffed in an area they hold
    (sent through the real service, email and in-app notice included). None when they hold no
    accreditation or already have a pending invitation."""
    if expert.invitations.filter(state=InvitationState.PENDING).exists():
        return None
    held = _held_by(expert)
    if held is None:
        return None
    position = _demo_expert_position(
        expert, held, officer=officer, title=f"Expert advisory: {held.area.name_en}",
        start=today + timedelta(days=50),
    )  # fmt: skip
    deadline = datetime.combine(today + timedelta(days=6), time(17), tzinfo=UTC)
    [invitation] = invitations.invite(
        position.pk, [expert], deadline=deadline, by=officer, accept_warnings=True
    )
    return invitation


def seat_demo_expert(expert, *, officer, today: date) -> Mission | None:
    """A confirmed mission of the demo expert's own, a few weeks ahead, as the services leave
    it: invited, accepted, released (recorded by the officer), confirmed; part of the
    checklist filled in and its terms of reference shared. None when they hold no
    accreditation or already have a seat."""
    if expert.assignments.exists():
        return None
    held = _held_by(expert)
    if held is None:
        return None
    position = _demo_expert_position(
        expert, held, officer=officer, title=f"Expert advisory (online): {held.area.name_en}",
        start=today + timedelta(days=25),
    )  # fmt: skip
    deadline = datetime.combine(today + timedelta(days=3), time(17), tzinfo=UTC)
    [invitation] = invitations.invite(
        position.pk, [expert], deadline=deadline, by=officer, accept_warnings=True
    )
    seat = invitations.accept(invitation.pk, by=expert.user)
    releases.release(
        seat.release.pk, via=RecordedVia.OFFICER, by=officer,
        answered_by="Head of human resources", note="Release confirmed by telephone.",
    )  # fmt: skip
    mission = mission_services.confirm(position.mission_id, by=officer)
    preparation.update_item(
        seat.pk, LogisticsItemKind.TRAVEL_DATES, by=expert.user, state=LogisticsState.NOT_NEEDED,
        note="Online mission: no travel.",
    )  # fmt: skip
    terms = tiny_pdf(["Terms of reference (demo)", f"Expert advisory on {held.area.name_en}."])
    preparation.add_document(
        mission.pk, by=officer, kind=DocumentKind.TERMS_OF_REFERENCE, title="Terms of reference",
        file=SimpleUploadedFile("terms.pdf", terms, content_type="application/pdf"),
    )  # fmt: skip
    return mission


def delete_missions() -> int:
    """Delete EVERY mission, request and their rows, not only the demo's: for a demo reset only.
    On PostgreSQL the append-only history is emptied by TRUNCATE (a DELETE is refused)."""
    count = Mission.objects.count()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(MissionEvent._meta.db_table)
        with connection.cursor() as cursor:
            # Rows inserted earlier in this transaction leave deferred checks pending, which
            # TRUNCATE refuses: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {table}")
    else:
        MissionEvent.objects.all().delete()
    models = (MissionReport, Evaluation, Release, Assignment, Invitation, Position)
    for model in (*models, AssistanceRequest):
        model.objects.all().delete()
    Mission.objects.all().delete()
    MissionSequence.objects.all().delete()
    return count
