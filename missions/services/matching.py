"""Who could fill a position, and why: hard rules exclude, soft criteria rank what is left.

Everything is counted and ranked in the database, so the cost follows the page shown, not the
pool: each hard rule is a condition on the expert row whose subquery does not depend on the
row (PostgreSQL hashes it once instead of running it per expert); the counts per rule are one
aggregate; the ranked candidates are one grouped query whose points per criterion are SQL
expressions, sorted and cut at the top 50 there. The points the officer reads are the ones the
database sorted on. Weights are ``settings.MATCHING_WEIGHTS``.
"""

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from experts.enums import AccreditationState
from experts.models import Accreditation, Expert, ExpertLanguage, UnavailablePeriod
from experts.services.reminders import months_after
from missions.enums import (
    SEAT_HOLDING_STATES,
    AssignmentState,
    Delivery,
    InvitationState,
    MissionState,
    PositionRole,
)
from missions.models import Assignment, Evaluation, Invitation, Mission, Position

A = AccreditationState

# Hard rules, in the order they are shown.
ACCREDITATION = "accreditation"  # no accredited or recognized (pre-accredited: field evaluation)
STANDING = "standing"  # suspended, lapsed, withdrawn or retired in this profile and area
LANGUAGE = "language"  # the required language under the minimum level
UNAVAILABLE = "unavailable"  # an unavailable period overlaps the mission
BUSY = "busy"  # another confirmed assignment overlaps the mission
CONFLICT = "conflict"  # an expert of a beneficiary administration
PASSPORT = "passport"  # in person: no passport valid six months after the end
ON_MISSION = "on_mission"  # already invited to or seated on this mission
RULES = [ACCREDITATION, STANDING, LANGUAGE, UNAVAILABLE, BUSY, CONFLICT, PASSPORT, ON_MISSION]

CRITERIA = ["rotation", "evaluation", "language", "region", "spread", "recency"]

# What the officer reads for each rule and criterion.
RULE_LABELS = {
    ACCREDITATION: _("No qualifying accreditation in this profile and area"),
    STANDING: _("Accreditation suspended, lapsed, withdrawn or retired"),
    LANGUAGE: _("The required language under its level"),
    UNAVAILABLE: _("Unavailable during the mission"),
    BUSY: _("Confirmed on another mission at these dates"),
    CONFLICT: _("From a beneficiary administration"),
    PASSPORT: _("Passport missing or not valid long enough"),
    ON_MISSION: _("Already invited to or seated on this mission"),
}
CRITERION_LABELS = {
    "rotation": _("Rotation"),
    "evaluation": _("Evaluations"),
    "language": _("Language"),
    "region": _("Region"),
    "spread": _("Spread"),
    "recency": _("Recency"),
}
ROTATION_CAP = 4  # missions in the last 12 months at which rotation gives no more points
RECENCY_CAP = 365  # days since the last mission at which recency gives every point
OUT_OF_STANDING = [A.SUSPENDED, A.LAPSED, A.WITHDRAWN, A.RETIRED]
DONE = [
    MissionState.IN_PROGRESS,
    MissionState.DELIVERED,
    MissionState.REPORTED,
    MissionState.CLOSED,
]
POINTS = DecimalField(max_digits=8, decimal_places=1)
EXACT = DecimalField(max_digits=12, decimal_places=6)


@dataclass
class Candidate:
    expert_id: int
    name: str
    administration_id: int | None
    facts: dict = field(default_factory=dict)
    points: dict = field(default_factory=dict)
    total: float = 0.0
    rules: list = field(default_factory=list)  # hard rules broken: empty for a candidate


class DaysSince(Func):
    """Whole days from a date column to ``today``: each database spells a date difference its
    own way."""

    output_field = IntegerField()

    def __init__(self, expression, today: date):
        super().__init__(Value(today), expression)

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ")

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


def qualifying_states(position: Position) -> list[str]:
    if position.role == PositionRole.FIELD_EVALUATION:
        return [A.PRE_ACCREDITED]
    return [A.ACCREDITED, A.RECOGNIZED]


def _experts(position: Position, experts=None):
    """``experts`` (all by default) joined to their level in the position's language
    (``spoken``: at most one row, the pair is unique). A join, not a subquery per expert."""
    experts = Expert.objects.all() if experts is None else experts
    if position.language_id:
        experts = experts.alias(
            spoken=FilteredRelation(
                "languages", condition=Q(languages__language_id=position.language_id)
            )
        )
    return experts


def _held(position: Position):
    return Accreditation.objects.filter(
        profile_type_id=position.profile_type_id, area_id=position.area_id
    )


def _holders(position: Position):
    """The experts holding anything in the position's profile and area: the ones listed."""
    return _experts(position, Expert.objects.filter(pk__in=_held(position).values("expert_id")))


def _seated_here(mission: Mission):
    return Assignment.objects.filter(position__mission=mission, state__in=SEAT_HOLDING_STATES)


QUALIFIES, OUT = "qualifies", "out_of_standing"


def conditions(position: Position) -> dict[str, Q]:
    """The conditions on ``_experts`` rows the hard rules read: whether the accreditation row
    qualifies or is out of standing, and for each other rule that can apply to the position,
    whether the expert breaks it. The subqueries do not depend on the row: PostgreSQL hashes
    each once. Every condition is positive: negating one across these joins would make Django
    write a subquery per row (an expert holds one row of ``spoken`` at most, but Django
    cannot know it)."""
    mission = position.mission
    held = _held(position)
    found = {
        QUALIFIES: Q(pk__in=held.filter(state__in=qualifying_states(position)).values("expert_id")),
        OUT: Q(pk__in=held.filter(state__in=OUT_OF_STANDING).values("expert_id")),
    }
    if position.language_id:
        # On the level, not the row's id: the covering index answers without the table.
        level = "spoken__proficiency"
        found[LANGUAGE] = Q(**{f"{level}__isnull": True}) | Q(
            **{f"{level}__lt": position.minimum_level}
        )
    found[UNAVAILABLE] = Q(
        pk__in=UnavailablePeriod.objects.filter(
            start_date__lt=mission.end_date, end_date__gt=mission.start_date
        ).values("expert_id")
    )
    found[BUSY] = Q(
        pk__in=Assignment.objects.filter(
            state=AssignmentState.CONFIRMED,
            position__mission__start_date__lt=mission.end_date,
            position__mission__end_date__gt=mission.start_date,
        )
        .exclude(position__mission=mission)
        .exclude(position__mission__state=MissionState.CANCELLED)
        .values("expert_id")
    )
    found[CONFLICT] = Q(home_administration_id__isnull=False) & Q(
        home_administration_id__in=Mission.beneficiaries.through.objects.filter(
            mission_id=mission.pk
        ).values("memberadministration_id")
    )
    if mission.delivery == Delivery.IN_PERSON:
        needed = months_after(mission.end_date, settings.MATCHING_PASSPORT_MONTHS)
        found[PASSPORT] = Q(passport_expiry__isnull=True) | Q(passport_expiry__lt=needed)
    invited = Invitation.objects.filter(
        position__mission=mission, state__in=[InvitationState.PENDING, InvitationState.ACCEPTED]
    )
    found[ON_MISSION] = Q(pk__in=_seated_here(mission).values("expert_id")) | Q(
        pk__in=invited.values("expert_id")
    )
    return found


def _number(value) -> Value:
    return Value(float(value), output_field=FloatField())


def _points(position: Position, today: date) -> dict:
    """The points of each soft criterion, from 0 to its weight, as SQL over the facts
    ``_scored`` annotates: computed in floating point, rounded to a tenth as a decimal (both
    databases round a half away from zero)."""
    weight = {name: _number(value) for name, value in settings.MATCHING_WEIGHTS.items()}
    mission = position.mission

    def share(expression, out_of):
        return Cast(expression, FloatField()) / _number(out_of)

    recent = Least(F("recent_missions"), Value(ROTATION_CAP))
    points = {
        "rotation": weight["rotation"] * share(Value(ROTATION_CAP) - recent, ROTATION_CAP),
        # No evaluation yet counts as an average one: a newcomer is neither helped nor hurt.
        "evaluation": Case(
            When(evaluation_count=0, then=weight["evaluation"] * _number(0.5)),
            default=weight["evaluation"] * share(F("average_score") - _number(1), 4),
            output_field=FloatField(),
        ),
        "language": _number(0),
        "region": Case(
            When(home_administration__region_id=mission.region_id, then=weight["region"]),
            default=_number(0),
            output_field=FloatField(),
        ),
        "spread": Case(
            When(compatriot_on_mission=True, then=_number(0)),
            default=weight["spread"],
            output_field=FloatField(),
        ),
        "recency": Case(
            When(last_mission_end__isnull=True, then=weight["recency"]),
            default=weight["recency"]
            * share(
                Least(DaysSince(F("last_mission_end"), today), Value(RECENCY_CAP)), RECENCY_CAP
            ),
            output_field=FloatField(),
        ),
    }
    if position.language_id:
        above = Greatest(Coalesce(F("level"), 0) - Value(position.minimum_level), Value(0))
        points["language"] = weight["language"] * share(Least(above, Value(2)), 2)
    return {name: Round(Cast(points[name], EXACT), 1, output_field=POINTS) for name in CRITERIA}


def _scored(position: Position, experts, *, today: date):
    """``experts`` (from ``_experts``) with the facts the soft criteria read and their points:
    the history comes by joins grouped per expert (one pass over the assignments), not a
    subquery per expert."""
    done = Q(
        assignments__state=AssignmentState.CONFIRMED,
        assignments__position__mission__state__in=DONE,
        assignments__position__mission__end_date__lt=today,
    )
    end = "assignments__position__mission__end_date"
    evaluation = "assignments__evaluation__"
    scores = sum(
        (F(evaluation + name) for name in Evaluation.SCORES[1:]),
        F(evaluation + Evaluation.SCORES[0]),
    )
    experts = experts.annotate(
        # A subquery, not the ``spoken`` join: the planner would hash every speaker of the
        # language to read the level of a few hundred candidates.
        level=(
            Subquery(
                ExpertLanguage.objects.filter(
                    expert=OuterRef("pk"), language_id=position.language_id
                ).values("proficiency")[:1]
            )
            if position.language_id
            else Value(None, output_field=IntegerField())
        ),
        compatriot_on_mission=ExpressionWrapper(
            Q(
                home_administration_id__in=_seated_here(position.mission).values(
                    "expert__home_administration_id"
                )
            ),
            output_field=BooleanField(),
        ),
        recent_missions=Count(
            "assignments", filter=done & Q(**{f"{end}__gte": today - timedelta(days=365)})
        ),
        last_mission_end=Max(end, filter=done),
        evaluation_count=Count(f"{evaluation}pk"),
        average_score=Avg(Cast(scores, FloatField()) / len(Evaluation.SCORES)),
    )
    points = _points(position, today)
    return experts.annotate(
        **{f"points_{name}": expression for name, expression in points.items()},
        total=sum(
            (F(f"points_{name}") for name in CRITERIA[1:]),
            F(f"points_{CRITERIA[0]}"),
        ),
    )


FACTS = [
    "recent_missions",
    "average_score",
    "evaluation_count",
    "level",
    "compatriot_on_mission",
    "last_mission_end",
]


def _float(value) -> float | None:
    return None if value is None else float(value)


def _candidate(position: Position, row: dict, *, today: date, rules=()) -> Candidate:
    last = row["last_mission_end"]
    return Candidate(
        expert_id=row["pk"],
        name=f"{row['family_name']}, {row['given_names']}",
        administration_id=row["home_administration_id"],
        facts={
            "recent_missions": row["recent_missions"],
            "average_score": _float(row["average_score"]),
            "evaluation_count": row["evaluation_count"],
            "level": row["level"],
            "same_region": row["home_administration__region_id"] == position.mission.region_id,
            "compatriot_on_mission": row["compatriot_on_mission"],
            "days_since_last_mission": (today - last).days if last else None,
        },
        # Floats from here: the invitation keeps them in JSON, and they are tenths already.
        points={name: _float(row[f"points_{name}"]) for name in CRITERIA},
        total=_float(row["total"]),
        rules=list(rules),
    )


NAMES = ["pk", "family_name", "given_names", "home_administration_id"]


class Among(Func):
    """``expression`` is one of ``values``: one array parameter on PostgreSQL, where a list of
    thousands of placeholders costs more to send than the query costs to run."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        if not self.values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, self.values]
        return f"{column} IN ({', '.join(['%s'] * len(self.values))})", [*params, *self.values]


def _verdicts(experts, found: dict[str, Q]) -> dict[int, int]:
    """Each of ``experts`` (from ``_experts``) with the conditions it meets as the bits of one
    number (bit i: the i-th condition of ``found``): one query, two numbers a row, however
    many holders there are."""
    mask = sum(
        (
            Case(When(condition, then=Value(1 << bit)), default=Value(0))
            for bit, condition in enumerate(found.values())
        ),
        Value(0),
    )
    return dict(experts.order_by().annotate(mask=mask).values_list("pk", "mask"))


def _decoder(found: dict[str, Q]):
    """A function from a verdict's bits to the hard rules broken, in the order shown.
    ACCREDITATION and STANDING never hold together: an expert whose accreditation here is
    suspended or lapsed is told so, not that they hold nothing."""
    bit = {name: 1 << index for index, name in enumerate(found)}
    known = {}

    def rules(mask: int) -> list[str]:
        if mask not in known:
            broken = []
            if not mask & bit[QUALIFIES]:
                broken.append(STANDING if mask & bit[OUT] else ACCREDITATION)
            known[mask] = broken + [r for r in RULES[2:] if r in bit and mask & bit[r]]
        return known[mask]

    return rules


class Judged(NamedTuple):
    """An excluded holder of the profile and area, with the rules they break."""

    expert_id: int
    name: str
    administration_id: int | None
    rules: list
    points: dict = {}  # noqa: RUF012 (never filled: only candidates have points)


def _ranked(position: Position, eligible: list[int], *, limit: int, today: date) -> list:
    """The best ``limit`` of the ``eligible`` experts, best first: one query, the points
    computed, summed and sorted in the database over the listed experts only."""
    if not eligible:
        return []
    rows = (
        _scored(position, Expert.objects.filter(Among(F("pk"), eligible)), today=today)
        .order_by("-total", "recent_missions", "family_name", "given_names", "pk")
        .values(*NAMES, "home_administration__region_id", *FACTS, "total",
                *(f"points_{name}" for name in CRITERIA))[:limit]
    )  # fmt: skip
    return [_candidate(position, row, today=today) for row in rows]


@contextmanager
def _serial_plans():
    """Matching's queries read a few thousand rows each: on PostgreSQL a parallel plan costs
    more to start than it saves, and builds every hashed subquery once per worker. Plans are
    kept serial for the enclosing transaction only."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def ranked(position: Position, *, limit: int = 50, skip=(), today: date | None = None) -> list:
    """The best ``limit`` candidates of ``position``, best first, leaving out the experts in
    ``skip`` (the cascade's earlier invitees): two queries (three on PostgreSQL)."""
    today = today or timezone.localdate()
    found = conditions(position)
    rules = _decoder(found)
    with _serial_plans():
        verdicts = _verdicts(_holders(position), found)
        eligible = [pk for pk, mask in verdicts.items() if not rules(mask) and pk not in skip]
        return _ranked(position, eligible, limit=limit, today=today)


@dataclass
class Match:
    position: Position
    candidates: list  # ranked, best first
    counts: Counter  # rule -> how many experts it excludes (one expert may break several)
    without_accreditation: int  # experts of the pool with nothing in this profile and area
    excluded_count: int  # holders who break a rule
    verdicts: dict  # holder -> the bits of the conditions they meet
    rules_of: object  # bits -> rules broken

    def excluded_ids(self, rule: str = "") -> list[int]:
        """The holders who break ``rule`` (any rule when empty): the excluded list's rows."""
        return [
            pk
            for pk, mask in self.verdicts.items()
            if (rule in self.rules_of(mask) if rule else self.rules_of(mask))
        ]

    def excluded(self, ids: list[int]) -> list[Judged]:
        """Those of ``ids`` (a page of ``excluded_ids``) with their names and rules, by name:
        one query."""
        rows = (
            Expert.objects.filter(Among(F("pk"), ids))
            .order_by("family_name", "given_names", "pk")
            .values_list(*NAMES)
        )
        return [
            Judged(pk, f"{family}, {given}", administration, self.rules_of(self.verdicts[pk]))
            for pk, family, given, administration in rows
        ]


def match(position: Position, *, limit: int = 50, today: date | None = None) -> Match:
    """The ranked candidates for ``position`` (at most ``limit``), how many experts each hard
    rule excludes, and the verdicts the excluded list is read from. Four queries, whatever
    the pool (and one to keep the plans serial, on PostgreSQL)."""
    today = today or timezone.localdate()
    position = Position.objects.select_related("mission").get(pk=position.pk)
    found = conditions(position)
    with _serial_plans():
        verdicts = _verdicts(_holders(position), found)
        without = Expert.objects.count() - len(verdicts)
        rules = _decoder(found)
        eligible = [pk for pk, mask in verdicts.items() if not rules(mask)]
        candidates = _ranked(position, eligible, limit=limit, today=today)
    counts = Counter({rule: 0 for rule in RULES})
    for mask, experts in Counter(verdicts.values()).items():
        counts.update({rule: experts for rule in rules(mask)})
    counts[ACCREDITATION] += without
    excluded = len(verdicts) - len(eligible)
    return Match(position, candidates, counts, without, excluded, verdicts, rules)


def assess(position: Position, expert: Expert, *, today: date | None = None) -> Candidate:
    """One expert against the position, found some other way (the directory): the rules they
    break become warnings the officer must confirm, their points are counted all the same."""
    today = today or timezone.localdate()
    position = Position.objects.select_related("mission").get(pk=position.pk)
    one = Expert.objects.filter(pk=expert.pk)
    found = conditions(position)
    [mask] = _verdicts(_experts(position, one), found).values()
    [row] = (
        _scored(position, one, today=today)
        .values(*NAMES, "home_administration__region_id", *FACTS, "total",
                *(f"points_{name}" for name in CRITERIA))
    )  # fmt: skip
    return _candidate(position, row, today=today, rules=_decoder(found)(mask))
