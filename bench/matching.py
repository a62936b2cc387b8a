"""Benchmark of staffing: the ranked candidates of a position, the excluded experts, the mission
list and a mission's page, at 100 000 experts, 5 000 missions and their assignments.

Run it with ``make bench BENCH=matching`` (options: ``BENCH_ARGS="--help"``). It needs
PostgreSQL and Redis on this machine and fails loudly (exit 2) when either is down:

- DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ace_bench_matching): created if
  missing and migrated; the pool is seeded with ``seed_demo --experts N --seed 1`` and the
  missions topped up to ``--missions`` with the demo generator (``missions/demo/missions.py``),
  only when they are not there yet. The database is left in place.
- REDIS_URL (default redis://127.0.0.1:6379/12): the cache, as deployed; flushed at the start.

Measured in this one process with django.test.Client, DEBUG off, one persistent connection,
after a warm-up, N runs per scenario taken in turns (as bench/directory.py does):

  F   the floor: a signed-in view rendering a one-line template through the same middleware
      (bench/floor_urls.py, the directory benchmark's reference)
  C   the ranked candidates of the position with the most holders, with their points (top 50)
  X   the excluded experts of that position, filtered by a rule, with the counts per rule
  L   the mission list, no filter (page 1 of 5 000)
  K   the month calendar of this month, no filter
  M   the page of the busiest mission (most positions and invitations)

Goals (exit status 1 when one is missed): p95 of C and X at most 8x the median of F; p95 of L,
K and M at most 5x; a cascade step (a decline to the next invitation queued, the cascade run as
its job runs it) under 50 ms of database time at p95. The query counts are printed; the tests
guard that they do not grow with the pool (tests/missions/test_*pages.py).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from datetime import timedelta

from _common import (
    ROOT,
    BenchError,
    count_queries,
    ensure_postgres_database,
    flush_redis,
    get,
    p95,
    seed_pool,
    sign_in_with_second_factor,
)

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ace_bench_matching"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
DOMAIN = "bench-matching.example"
TOTP_SECRET = "ACEBENCHMATCHINGTOTPSECRETXYZABC"  # base32; nobody signs in with it
FLOOR = "/bench-floor/"
BENCH_TITLE = "Bench: risk management diagnostic"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark staffing pages and the cascade.")
    parser.add_argument("--experts", type=int, default=100_000, help="pool size to seed")
    parser.add_argument("--missions", type=int, default=5_000, help="missions in the database")
    parser.add_argument(
        "--assignments", type=int, default=20_000, help="assignments the history must hold"
    )
    parser.add_argument("--runs", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument("--cascades", type=int, default=10, help="cascade steps to time")
    parser.add_argument("--goal-matching", type=float, default=8.0, help="p95 of C, X / F")
    parser.add_argument("--goal-pages", type=float, default=5.0, help="p95 of L, M / F")
    parser.add_argument("--goal-cascade-ms", type=float, default=50.0, help="DB ms per step")
    return parser.parse_args()


def progress(step: str) -> None:
    print(f"... {step}", flush=True)


# --- Setup ------------------------------------------------------------------------------------


def seed(args) -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from ace_portal.accounts.roles import Role
    from experts.demo import pool as demo
    from experts.models import Expert
    from missions.demo import missions as demo_missions
    from missions.models import Assignment, Mission

    note = seed_pool(args.experts, progress)
    existing = Mission.objects.count()
    if existing < args.missions:
        progress(f"adding {args.missions - existing} missions (once)")
        started = time.perf_counter()
        officers = tuple(
            get_user_model().objects.filter(
                email__endswith="@demo.ace-portal.example", groups__name=Role.SECRETARIAT
            )
        )
        if not officers:
            raise BenchError("The demo Secretariat officer is missing: seed_demo did not run.")
        demo_missions.create_missions(
            args.missions - existing,
            seed=1,
            officers=officers,
            experts=Expert.objects.filter(user__in=demo.pool_users()),
            today=timezone.localdate(),
            # About five seats a mission, four or more filled: at least the 20 000 assignments
            # of 5 000 missions the issue measures against.
            extra_seats=3,
        )
        note += (
            f", {args.missions - existing} missions added in {time.perf_counter() - started:.0f} s"
        )
    assignments = Assignment.objects.count()
    if assignments < args.assignments:
        raise BenchError(
            f"The history holds {assignments:,} assignments, not {args.assignments:,}: rebuild "
            "it (manage.py seed_demo --reset --experts N --seed 1) or use another DATABASE_URL."
        )
    progress("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in (
            "missions_mission",
            "missions_position",
            "missions_invitation",
            "missions_assignment",
            "missions_evaluation",
            "experts_accreditation",
            "experts_expert",
            "experts_expertlanguage",
            "experts_unavailableperiod",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return note


def bench_officer():
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ace_portal.accounts.roles import Role

    user, _ = get_user_model().objects.get_or_create(email=f"officer@{DOMAIN}")
    user.first_name, user.last_name, user.is_active = "Officer", "Bench", True
    user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=Role.SECRETARIAT)])
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    return user


def bench_position(officer):
    """A mission being staffed for the (profile, area) the most experts hold, in person (the
    passport rule reads every candidate), with a lead position and the cascade on: the
    heaviest matching the pool allows. Made once, kept for reruns."""
    from django.db.models import Count
    from django.utils import timezone

    from experts.enums import AccreditationState
    from experts.models import (
        Accreditation,
        Language,
        MemberAdministration,
        ProfileType,
        ThematicArea,
    )
    from missions.enums import Delivery, MissionType, PositionRole
    from missions.models import Position
    from missions.services import missions, positions

    found = Position.objects.filter(mission__title=BENCH_TITLE).select_related("mission").first()
    if found:
        return found
    top = (
        Accreditation.objects.filter(state=AccreditationState.ACCREDITED)
        .values("profile_type", "area")
        .annotate(n=Count("pk"))
        .order_by("-n", "profile_type", "area")
        .first()
    )
    if top is None:
        raise BenchError("The pool holds no accreditation: seed_demo did not run.")
    area = ThematicArea.objects.get(pk=top["area"])
    beneficiary = MemberAdministration.objects.get(iso_code="GH")
    start = timezone.localdate() + timedelta(days=60)
    mission = missions.create_mission(
        title=BENCH_TITLE,
        mission_type=MissionType.DIAGNOSTIC,
        thematic_area=area,
        beneficiaries=[beneficiary],
        region=beneficiary.region,
        delivery=Delivery.IN_PERSON,
        start_date=start,
        end_date=start + timedelta(days=4),
        working_languages=[Language.objects.get(code="en")],
        officer=officer,
        by=officer,
    )
    position = positions.add_position(
        mission.pk,
        role=PositionRole.LEAD,
        profile_type=ProfileType.objects.get(pk=top["profile_type"]),
        area=area,
        language=Language.objects.get(code="en"),
        minimum_level=3,
        seats=1,
        cascade=True,
        by=officer,
    )
    missions.plan(mission.pk, by=officer)
    missions.open_staffing(mission.pk, by=officer)
    return Position.objects.select_related("mission").get(pk=position.pk)


def busiest_mission() -> str:
    from django.db.models import Count

    from missions.models import Mission

    return (
        Mission.objects.annotate(n=Count("positions__invitations"))
        .order_by("-n", "pk")
        .values_list("reference", flat=True)
        .first()
    )


# --- Timing -----------------------------------------------------------------------------------


class Scenario:
    def __init__(self, key, label, url, goal=None):
        self.key, self.label, self.url, self.goal = key, label, url, goal
        self.times: list[float] = []
        self.queries = 0

    def median(self) -> float:
        return statistics.median(self.times)

    def p95(self) -> float:
        return p95(self.times)


def time_all(scenarios, client, runs, warmup) -> None:
    for scenario in scenarios:
        for _ in range(warmup):
            get(client, scenario.url)
    for _ in range(runs):
        for scenario in scenarios:
            started = time.perf_counter()
            get(client, scenario.url)
            scenario.times.append((time.perf_counter() - started) * 1000)


class DatabaseTime:
    """The time spent inside database calls (execute_wrapper), in ms."""

    def __init__(self):
        self.ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.ms += (time.perf_counter() - started) * 1000


def cascade_steps(position, officer, steps: int) -> list[float]:
    """Database ms of each cascade step: the invited expert declines (the decline, then the
    cascade as its Celery job runs it), which must queue the next invitation."""
    from django.db import connection
    from django.utils import timezone

    from experts.models import Expert
    from missions.enums import InvitationState
    from missions.models import Invitation
    from missions.services import invitations, matching

    pending = Invitation.objects.filter(position=position, state=InvitationState.PENDING).first()
    if pending is None:
        top = matching.match(position, limit=1).candidates[0]
        [pending] = invitations.invite(
            position.pk,
            [Expert.objects.get(pk=top.expert_id)],
            deadline=timezone.now() + timedelta(days=3),
            by=officer,
        )
    measured = []
    for _ in range(steps):
        timer = DatabaseTime()
        with connection.execute_wrapper(timer):
            invitations.decline(pending.pk, by=pending.expert.user, reason="Bench")
            nxt = invitations.cascade(position.pk)
        if nxt is None:
            raise BenchError("The cascade found no next candidate: the pool is too small.")
        measured.append(timer.ms)
        pending = nxt
    return measured


# --- Run --------------------------------------------------------------------------------------


def run(args) -> int:
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    os.environ["DJANGO_DEBUG"] = "false"

    created = ensure_postgres_database(database_url)
    flush_redis(redis_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    if connection.vendor != "postgresql":
        raise BenchError(f"DATABASE_URL must point at PostgreSQL, not {connection.vendor}.")
    progress("migrate")
    call_command("migrate", verbosity=0)
    seeded = seed(args)
    officer = bench_officer()
    position = bench_position(officer)
    override = override_settings(
        ROOT_URLCONF="floor_urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    )
    override.enable()
    try:
        return measure(args, officer, position, database_url, created, seeded)
    finally:
        override.disable()


def measure(args, officer, position, database_url, created, seeded) -> int:
    # Over 60 lines: the measuring and its printed report, read as one.
    from django.test import Client

    from experts.models import Expert
    from missions.models import Assignment, Mission
    from missions.services import matching

    mission = position.mission
    result = matching.match(position)
    rule = max(result.counts, key=lambda r: (r != matching.ACCREDITATION, result.counts[r]))
    candidates = f"/secretariat/missions/{mission.reference}/positions/{position.pk}/candidates/"
    scenarios = [
        Scenario("F", "floor: a signed-in trivial page", FLOOR),
        Scenario("C", "ranked candidates (top 50) with their points", candidates, "matching"),
        Scenario(
            "X",
            f"excluded experts, rule {rule!r}, counts per rule",
            f"{candidates}?rule={rule}",
            "matching",
        ),
        Scenario("L", "mission list, page 1", "/secretariat/missions/", "pages"),
        Scenario("K", "the month calendar, this month", "/secretariat/missions/calendar/", "pages"),
        Scenario(
            "M",
            "the busiest mission's page",
            f"/secretariat/missions/{busiest_mission()}/",
            "pages",
        ),
    ]
    print(
        f"Matching benchmark: {Expert.objects.count():,} experts, {Mission.objects.count():,} "
        f"missions, {Assignment.objects.count():,} assignments ({seeded})"
    )
    print(f"  database {database_url} ({'created' if created else 'existing'})")
    print(
        f"  position {position}: {len(result.candidates)} candidates shown, "
        f"{result.excluded_count} excluded holders, {result.without_accreditation:,} without the "
        f"accreditation; counts per rule {dict(result.counts)}"
    )
    client = Client()
    sign_in_with_second_factor(client, officer)
    progress(f"timing {len(scenarios)} scenarios: {args.warmup} warm-up + {args.runs} runs each")
    time_all(scenarios, client, args.runs, args.warmup)
    for scenario in scenarios:
        scenario.queries, _ = count_queries(client, scenario.url)
    progress(f"timing {args.cascades} cascade steps")
    steps = cascade_steps(position, officer, args.cascades)
    cascade_p95 = p95(steps)

    floor = scenarios[0].median()
    goals = {"matching": args.goal_matching, "pages": args.goal_pages}
    missed = []
    print(f"\n{'key':<4}{'scenario':<52}{'median':>9}{'p95':>9}{'p95/F':>8}{'goal':>7}{'SQL':>5}")
    for s in scenarios:
        ratio = s.p95() / floor
        goal = goals.get(s.goal)
        mark = ""
        if goal is not None and ratio > goal:
            missed.append(f"{s.key} {ratio:.1f}x > {goal}x")
            mark = " MISSED"
        print(
            f"{s.key:<4}{s.label[:51]:<52}{s.median():>7.1f}ms{s.p95():>7.1f}ms{ratio:>7.1f}x"
            f"{(f'{goal:.0f}x' if goal else '-'):>7}{s.queries:>5}{mark}"
        )
    print(
        f"cascade step: database time median {statistics.median(steps):.1f} ms, p95 "
        f"{cascade_p95:.1f} ms (goal < {args.goal_cascade_ms:.0f} ms)"
    )
    if cascade_p95 >= args.goal_cascade_ms:
        missed.append(f"cascade {cascade_p95:.1f} ms >= {args.goal_cascade_ms:.0f} ms")
    summary = (
        ", ".join(f"{s.key} {s.p95() / floor:.1f}x" for s in scenarios[1:])
        + f", cascade {cascade_p95:.1f} ms"
    )
    if missed:
        print(f"\nSUMMARY: FAILED ({'; '.join(missed)}); {summary}")
        return 1
    print(f"\nSUMMARY: all goals met; {summary}")
    return 0


def main() -> int:
    args = parse_args()
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    try:
        return run(args)
    except BenchError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
