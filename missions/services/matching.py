"""Who could fill a position, and why: hard rules exclude, soft criteria rank what is left.

One query reads, for every expert holding any accreditation in the position's profile and area,
the facts each rule and criterion needs (annotations, so the cost does not grow with the pool's
history); the points are then counted here. Each candidate carries its points per criterion and
its total, each excluded expert the rules it breaks. Weights are ``settings.MATCHING_WEIGHTS``.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
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
from missions.models import Assignment, Evaluation, Invitation, Position

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


@dataclass
class Candidate:
    expert_id: int
    name: str
    administration_id: int
    facts: dict
    points: dict = field(default_factory=dict)
    total: float = 0.0
    rules: list = field(default_factory=list)  # hard rules broken: empty for a candidate


@dataclass
class Match:
    candidates: list  # ranked, best first
    excluded: list  # experts with an accreditation in the area who break a rule
    counts: Counter  # rule -> how many experts it excludes (one expert may break several)
    without_accreditation: int  # experts of the pool with nothing in this profile and area


def qualifying_states(position: Position) -> list[str]:
    if position.role == PositionRole.FIELD_EVALUATION:
        return [A.PRE_ACCREDITED]
    return [A.ACCREDITED, A.RECOGNIZED]


def _facts(position: Position, experts, *, today: date):
    """``experts`` annotated with what the rules and criteria read (one query)."""
    mission = position.mission
    expert = OuterRef("pk")
    held = Accreditation.objects.filter(
        expert=expert, profile_type_id=position.profile_type_id, area_id=position.area_id
    )
    overlapping = {
        "position__mission__start_date__lt": mission.end_date,
        "position__mission__end_date__gt": mission.start_date,
    }
    done = Assignment.objects.filter(
        expert=expert,
        state=AssignmentState.CONFIRMED,
        position__mission__state__in=DONE,
        position__mission__end_date__lt=today,
    )
    on_this_mission = Assignment.objects.filter(
        position__mission=mission, state__in=SEAT_HOLDING_STATES
    )
    invited_here = Invitation.objects.filter(
        expert=expert,
        position__mission=mission,
        state__in=[InvitationState.PENDING, InvitationState.ACCEPTED],
    )
    scores = sum((F(name) for name in Evaluation.SCORES[1:]), F(Evaluation.SCORES[0]))
    evaluations = Evaluation.objects.filter(assignment__expert=expert).values("assignment__expert")
    level = (
        Subquery(
            ExpertLanguage.objects.filter(expert=expert, language_id=position.language_id).values(
                "proficiency"
            )[:1]
        )
        if position.language_id
        else Value(None, output_field=IntegerField())
    )
    return experts.annotate(
        qualifies=Exists(held.filter(state__in=qualifying_states(position))),
        out_of_standing=Exists(held.filter(state__in=OUT_OF_STANDING)),
        level=level,
        unavailable=Exists(
            UnavailablePeriod.objects.filter(
                expert=expert, start_date__lt=mission.end_date, end_date__gt=mission.start_date
            )
        ),
        busy=Exists(
            Assignment.objects.filter(expert=expert, state=AssignmentState.CONFIRMED, **overlapping)
            .exclude(position__mission=mission)
            .exclude(position__mission__state=MissionState.CANCELLED)
        ),
        seated_here=Exists(on_this_mission.filter(expert=expert)),
        invited_here=Exists(invited_here),
        compatriot_on_mission=Exists(
            on_this_mission.filter(expert__home_administration=OuterRef("home_administration"))
        ),
        recent_missions=Coalesce(
            Subquery(
                done.filter(position__mission__end_date__gte=today - timedelta(days=365))
                .values("expert")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
        last_mission_end=Subquery(
            done.values("expert").annotate(last=Max("position__mission__end_date")).values("last")
        ),
        average_score=Subquery(
            evaluations.annotate(a=Avg(scores / 5.0, output_field=FloatField())).values("a")
        ),
        evaluation_count=Coalesce(Subquery(evaluations.annotate(n=Count("pk")).values("n")), 0),
    ).values(
        "pk",
        "given_names",
        "family_name",
        "home_administration_id",
        "home_administration__region_id",
        "passport_expiry",
        "qualifies",
        "out_of_standing",
        "level",
        "unavailable",
        "busy",
        "seated_here",
        "invited_here",
        "compatriot_on_mission",
        "recent_missions",
        "last_mission_end",
        "average_score",
        "evaluation_count",
    )


def _rules(position: Position, row: dict, beneficiaries: set[int]) -> list[str]:
    mission = position.mission
    broken = []
    if not row["qualifies"]:
        broken.append(STANDING if row["out_of_standing"] else ACCREDITATION)
    if position.language_id and (row["level"] or 0) < position.minimum_level:
        broken.append(LANGUAGE)
    if row["unavailable"]:
        broken.append(UNAVAILABLE)
    if row["busy"]:
        broken.append(BUSY)
    if row["home_administration_id"] in beneficiaries:
        broken.append(CONFLICT)
    if mission.delivery == Delivery.IN_PERSON:
        needed = months_after(mission.end_date, settings.MATCHING_PASSPORT_MONTHS)
        if row["passport_expiry"] is None or row["passport_expiry"] < needed:
            broken.append(PASSPORT)
    if row["seated_here"] or row["invited_here"]:
        broken.append(ON_MISSION)
    return broken


def _points(position: Position, row: dict, *, today: date) -> dict:
    """Points per soft criterion, each from 0 to its weight."""
    weight = settings.MATCHING_WEIGHTS
    share = {
        "rotation": max(0, ROTATION_CAP - row["recent_missions"]) / ROTATION_CAP,
        # No evaluation yet counts as an average one: a newcomer is neither helped nor hurt.
        "evaluation": (row["average_score"] - 1) / 4 if row["evaluation_count"] else 0.5,
        "language": 0.0,
        "region": float(row["home_administration__region_id"] == position.mission.region_id),
        "spread": float(not row["compatriot_on_mission"]),
        "recency": 1.0,
    }
    if position.language_id and row["level"]:
        share["language"] = min(max(row["level"] - position.minimum_level, 0), 2) / 2
    if row["last_mission_end"]:
        days = (today - row["last_mission_end"]).days
        share["recency"] = min(days, RECENCY_CAP) / RECENCY_CAP
    return {name: round(weight[name] * share[name], 1) for name in CRITERIA}


def _candidate(position, row, beneficiaries, *, today) -> Candidate:
    days = (today - row["last_mission_end"]).days if row["last_mission_end"] else None
    candidate = Candidate(
        expert_id=row["pk"],
        name=f"{row['family_name']}, {row['given_names']}",
        administration_id=row["home_administration_id"],
        facts={
            "recent_missions": row["recent_missions"],
            "average_score": row["average_score"],
            "evaluation_count": row["evaluation_count"],
            "level": row["level"],
            "same_region": row["home_administration__region_id"] == position.mission.region_id,
            "compatriot_on_mission": row["compatriot_on_mission"],
            "days_since_last_mission": days,
        },
        rules=_rules(position, row, beneficiaries),
    )
    candidate.points = _points(position, row, today=today)
    candidate.total = round(sum(candidate.points.values()), 1)
    return candidate


def match(position: Position, *, limit: int = 50, today: date | None = None) -> Match:
    """The ranked candidates for ``position`` (at most ``limit``), the excluded experts of its
    profile and area with the rules each breaks, and how many each rule excludes."""
    today = today or timezone.localdate()
    position = Position.objects.select_related("mission").get(pk=position.pk)
    beneficiaries = set(position.mission.beneficiaries.values_list("pk", flat=True))
    held = Accreditation.objects.filter(
        expert=OuterRef("pk"), profile_type_id=position.profile_type_id, area_id=position.area_id
    )
    rows = _facts(position, Expert.objects.filter(Exists(held)), today=today)
    candidates, excluded, counts = [], [], Counter()
    for row in rows:
        candidate = _candidate(position, row, beneficiaries, today=today)
        (excluded if candidate.rules else candidates).append(candidate)
        counts.update(candidate.rules)
    candidates.sort(key=lambda c: (-c.total, c.facts["recent_missions"], c.name, c.expert_id))
    excluded.sort(key=lambda c: (RULES.index(c.rules[0]), c.name, c.expert_id))
    without = Expert.objects.exclude(Exists(held)).count()
    counts[ACCREDITATION] += without
    return Match(candidates[:limit], excluded, counts, without)


def assess(position: Position, expert: Expert, *, today: date | None = None) -> Candidate:
    """One expert against the position, found some other way (the directory): the rules they
    break become warnings the officer must confirm."""
    today = today or timezone.localdate()
    position = Position.objects.select_related("mission").get(pk=position.pk)
    beneficiaries = set(position.mission.beneficiaries.values_list("pk", flat=True))
    [row] = _facts(position, Expert.objects.filter(pk=expert.pk), today=today)
    return _candidate(position, row, beneficiaries, today=today)
