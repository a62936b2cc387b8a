# Over 500 lines: a benchmark reads top to bottom: seeding, scenarios, references, goals.
"""Benchmark of the Secretariat's expert directory against the Django admin, at 100 000 experts.

Run it with ``make bench BENCH=directory`` (options: ``BENCH_ARGS="--help"``). It needs
PostgreSQL and Redis on this machine and fails loudly (exit 2) when either is down:

- DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ace_bench_directory): created if
  missing and migrated; the pool of experts is seeded with ``seed_demo --experts N --seed 1`` only
  when it is not there yet, so reruns start in seconds. The database is left in place.
- REDIS_URL (default redis://127.0.0.1:6379/13): the cache, as deployed; flushed at the start.

Everything is measured in this one process with django.test.Client, DEBUG off, one persistent
database connection: the server time of each request (the time around ``client.get``), after a
warm-up, N runs per scenario taken in turns (one request of each scenario, then the next round),
so that load from other work on the machine falls on every scenario alike. Scenarios:

  a     the directory, no filter (sorted by name: keyset pages)
  b     a common word (sorted by relevance: offset pages, at most COUNT_CAP rows deep)
  c     the word + two areas (all required) + a language at a minimum level + a region +
        available for a date range
  b/c name   the same sorted by name (keyset pages)
  each on page 1 and on a deep page (keyset: the page after the 2000th row; relevance: the
  deepest page the capped count allows)
  d     the reference: a stock Django admin changelist of experts (bench/floor_urls.py) with
        substring search over the same 11 fields: no search (for a), ?q=<word> (for b and c;
        the admin has no equivalent of c's other filters, so c is compared with the text alone)
  s     the project's own admin changelist (full-text search), reported beside d
  F     the floor: a signed-in view rendering a one-line template through the same middleware

Goals (exit status 1 when one is missed): every directory case at most 1/4 of the admin's median
for the same search; p95 of c at most 20x the median of F; a deep page at most 1.25x its page 1;
the same number of SQL queries per page for sizes 10, 25 and 100, on page 1 and deep; the CSV
export of 10 000 experts streams (peak memory well below materialising the rows).
"""

import argparse
import cProfile
import csv
import io
import math
import os
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
import warnings
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

from _common import (
    ROOT,
    BenchError,
    CpuMeter,
    count_queries,
    ensure_postgres_database,
    flush_redis,
    get,
    p95,
    seed_pool,
    sign_in_with_second_factor,
)

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ace_bench_directory"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
DOMAIN = "bench-directory.example"
TOTP_SECRET = "ACEBENCHDIRECTORYTOTPSECRETXYZAB"  # base32; nobody signs in with it
DIRECTORY = "/secretariat/experts/"
ADMIN = "/admin/experts/expert/"
# The reference: a stock changelist defined in bench/floor_urls.py, fixed whatever ADMIN does.
STOCK_ADMIN = "/bench-stock-admin/experts/expert/"
FLOOR = "/bench-floor/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the expert directory against the Django admin and the floor."
    )
    parser.add_argument("--experts", type=int, default=100_000, help="pool size to seed")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per scenario")
    parser.add_argument("--word", default="risk", help="the common word of b and c")
    parser.add_argument(
        "--areas",
        default="risk-management,aeo-safe",
        help="the two thematic area codes of c (all required)",
    )
    parser.add_argument("--language", default="en", help="c's language code")
    parser.add_argument("--level", type=int, default=4, help="c's minimum level (4 = B2)")
    parser.add_argument("--region", default="", help="c's region code (default: the largest)")
    parser.add_argument("--size", type=int, default=25, help="page size of the timed pages")
    parser.add_argument("--depth", type=int, default=2000, help="rows before a deep keyset page")
    parser.add_argument("--export-rows", type=int, default=10_000, help="experts to export")
    parser.add_argument("--only", default="", help="comma-separated scenario keys to time")
    parser.add_argument(
        "--explain",
        action="append",
        default=[],
        metavar="KEY",
        help="print EXPLAIN ANALYZE of the SQL of one request of scenario KEY (repeatable)",
    )
    parser.add_argument(
        "--profile",
        action="append",
        default=[],
        metavar="KEY",
        help="print a cProfile of 10 requests of scenario KEY (repeatable)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a PostgreSQL setting for the benchmark's connection, e.g."
        " --set max_parallel_workers_per_gather=0 (repeatable)",
    )
    parser.add_argument("--goal-admin", type=float, default=0.25, help="directory / admin")
    parser.add_argument("--goal-floor", type=float, default=20.0, help="p95 of c / F")
    parser.add_argument("--goal-deep", type=float, default=1.25, help="deep page / page 1")
    return parser.parse_args()


def progress(step: str) -> None:
    print(f"... {step}", flush=True)


# --- Setup ------------------------------------------------------------------------------------


def seed(args) -> str:
    """Seed the pool in a separate process unless it is there; fill the search vectors; ANALYZE."""
    from django.db import connection

    from experts.models import Expert
    from experts.services import search

    note = seed_pool(args.experts, progress)
    missing = Expert.objects.filter(search_vector__isnull=True).count()
    if missing:
        progress(f"filling {missing} search vectors (refresh_search_vectors)")
        started = time.perf_counter()
        search.refresh_search_vectors()
        note += f", {missing} search vectors filled in {time.perf_counter() - started:.0f} s"
    progress("VACUUM ANALYZE")
    with connection.cursor() as cursor:
        for table in (
            "experts_expert",
            "experts_expertise",
            "experts_expertlanguage",
            "experts_unavailableperiod",
            "experts_memberadministration",
            "accounts_user",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return note


def bench_users():
    """A Secretariat officer and a superuser, both with TOTP (staff without it are redirected)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ace_portal.accounts.roles import Role

    users = {}
    for key, email, superuser, role in [
        ("officer", f"officer@{DOMAIN}", False, Role.SECRETARIAT),
        ("admin", f"admin@{DOMAIN}", True, Role.ADMIN),
    ]:
        user, _ = get_user_model().objects.get_or_create(email=email)
        user.first_name, user.last_name = key.title(), "Bench"
        user.is_staff = user.is_superuser = superuser
        user.is_active = True
        user.preferred_language = "en"
        user.set_unusable_password()
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, TOTP_SECRET)
        users[key] = user
    return users


# --- Scenarios --------------------------------------------------------------------------------


class Scenario:
    def __init__(
        self, key, label, url, *, user="officer", family=None, deep=False, ref=None, htmx=False
    ):
        self.key, self.label, self.url, self.user = key, label, url, user
        self.headers = {"HX-Request": "true"} if htmx else {}
        self.family, self.deep, self.ref = family, deep, ref  # ref: the admin scenario's key
        self.times: list[float] = []
        self.cpu_app: list[float] = []  # ms of CPU in this process per request
        self.cpu_db: list[float] = []  # ms of CPU in its PostgreSQL backend per request
        self.queries: int | None = None
        self.bytes = 0

    @property
    def directory(self) -> bool:
        """A directory case the goals apply to (full pages; htmx partials are shown only)."""
        return self.family is not None and not self.headers

    def median(self) -> float:
        return statistics.median(self.times)

    def p95(self) -> float:
        return p95(self.times)


def criteria_of(params: dict) -> dict:
    """The cleaned criteria the view derives from these URL parameters."""
    from django.http import QueryDict

    from experts.services.directory import DirectoryForm

    form = DirectoryForm(QueryDict(urlencode(params, doseq=True)))
    if not form.is_valid():
        raise BenchError(f"The directory form rejects {params}: {form.errors.as_text()}")
    return form.cleaned_data


def matches(params: dict) -> int:
    from experts.services import directory

    experts, _sort = directory.filter_experts(criteria_of(params))
    return experts.count()


def deep_params(params: dict, total: int, size: int, depth: int) -> tuple[dict, str]:
    """The parameters of a deep page of ``params`` (which must hold ``size``) and a description:
    keyset sorts start after row ``depth`` (or the last full page), relevance pages by number."""
    from experts.services import directory

    criteria = criteria_of(params)
    experts, sort = directory.filter_experts(criteria)
    keyset = directory.KEYSETS.get(sort)
    if keyset is None:
        last = max(1, math.ceil(total / size))
        number = min(directory.COUNT_CAP // size + 1, last)
        return {**params, "page": number}, f"page {number} (rows {(number - 1) * size + 1}-)"
    rows_before = min(depth, max(total - size, 0))
    if rows_before == 0:
        return dict(params), "page 1 (too few matches for a deeper page)"
    columns = [name for name, _desc in keyset]
    values = experts.order_by(*directory.ORDERINGS[sort]).values_list(*columns)[rows_before - 1]
    cursor = directory.encode_cursor(values)
    return {**params, "after": cursor}, f"after row {rows_before} (keyset cursor)"


def url(path: str, params: dict) -> str:
    return path + ("?" + urlencode(params, doseq=True) if params else "")


def build_scenarios(args) -> tuple[list[Scenario], dict, list[str]]:
    """The scenarios, the parameters of each directory family (for the query-count check), and
    notes on what was chosen."""
    # Over 60 lines: the table of scenarios the goals are measured on.
    from django.db.models import Count
    from django.utils import timezone

    from experts.models import Expert, Language, Region, ThematicArea

    notes = []
    areas = {a.code: a.pk for a in ThematicArea.objects.filter(code__in=args.areas.split(","))}
    missing = set(args.areas.split(",")) - set(areas)
    if missing:
        raise BenchError(f"Unknown thematic area codes: {sorted(missing)}")
    language = Language.objects.filter(code=args.language).first()
    if language is None:
        raise BenchError(f"Unknown language code {args.language!r}")
    if args.region:
        region = Region.objects.filter(code=args.region).first()
        if region is None:
            raise BenchError(f"Unknown region code {args.region!r}")
    else:
        largest = (
            Expert.objects.values("home_administration__region")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        )
        region = Region.objects.get(pk=largest["home_administration__region"])
    start = timezone.localdate() + timedelta(days=30)
    end = start + timedelta(days=14)
    word = args.word
    size = {"size": args.size}
    families = {
        "a": {},
        "b": {"q": word},
        "b-name": {"q": word, "sort": "name"},
        "c": {
            "q": word,
            "area": [areas[code] for code in args.areas.split(",")],
            "area_mode": "all",
            "language": [language.pk],
            "level": [args.level],
            "region": [region.pk],
            "available_from": start.isoformat(),
            "available_to": end.isoformat(),
        },
    }
    families["c-name"] = {**families["c"], "sort": "name"}
    labels = {
        "a": "a  no filter (name sort)",
        "b": f"b  q={word} (relevance)",
        "b-name": f"b  q={word}, sort=name",
        "c": "c  q + 4 filters (relevance)",
        "c-name": "c  q + 4 filters, sort=name",
    }
    notes.append(
        f"c = q={word} + areas {args.areas} (all) + {args.language} >= level {args.level} + "
        f"region {region.code} + available {start} to {end}"
    )
    scenarios = []
    totals = {}
    for family, params in families.items():
        total = totals.setdefault(family.split("-")[0], matches(params))
        first = {**params, **size}
        deep, where = deep_params(first, total, args.size, args.depth)
        ref = "d0" if family == "a" else "dq"
        scenarios.append(
            Scenario(
                family + ":1",
                labels[family] + ", page 1",
                url(DIRECTORY, first),
                family=family,
                ref=ref,
            )
        )
        scenarios.append(
            Scenario(
                family + ":deep",
                labels[family] + ", deep",
                url(DIRECTORY, deep),
                family=family,
                deep=True,
                ref=ref,
            )
        )
        notes.append(f"{family}: {total:,} matching experts; deep page = {where}")
    for family in ("a", "c"):  # what htmx asks for: the results alone, without the filter form
        first = {**families[family], **size}
        scenarios.append(
            Scenario(
                family + ":hx",
                labels[family] + ", page 1, htmx",
                url(DIRECTORY, first),
                family=family,
                ref="d0" if family == "a" else "dq",
                htmx=True,
            )
        )
    scenarios += [
        Scenario("d0", "d  stock admin, no search", STOCK_ADMIN, user="admin"),
        Scenario("dq", f"d  stock admin ?q={word}", url(STOCK_ADMIN, {"q": word}), user="admin"),
        Scenario(
            "dq:deep",
            f"d  stock admin ?q={word}, page 40",
            url(STOCK_ADMIN, {"q": word, "p": 40}),
            user="admin",
        ),
        # What the project ships: its admin answers through the full-text index. Shown beside
        # the reference; its goal is to be no slower than the directory's own search (b).
        Scenario("s0", "s  shipped admin, no search", ADMIN, user="admin", ref="d0"),
        Scenario(
            "sq", f"s  shipped admin ?q={word}", url(ADMIN, {"q": word}), user="admin", ref="dq"
        ),
        Scenario("F", "F  floor (one-line template)", FLOOR),
        Scenario("F+shell", "   the page shell (base.html) alone", FLOOR + "shell/"),
    ]
    if totals["b"] < 1000:
        notes.append(f"warning: q={word} matches only {totals['b']} experts, not thousands")
    return scenarios, families, notes


# --- Measuring --------------------------------------------------------------------------------


def clients(users):
    from django.test import Client

    made = {}
    for key, user in users.items():
        client = Client()
        sign_in_with_second_factor(client, user)
        made[key] = client
    return made


def backend_cpu_ns(pid: int) -> int:
    """CPU time of a PostgreSQL backend in ns (/proc/<pid>/schedstat: time on a CPU)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def time_all(scenarios: list[Scenario], made: dict, runs: int, warmup: int, backend: int) -> None:
    """Wall time of each request, and the CPU it cost this process and its PostgreSQL backend
    (less sensitive than wall time to other work on the machine)."""
    for scenario in scenarios:
        for _ in range(warmup):
            response = get(made[scenario.user], scenario.url, scenario.headers)
            scenario.bytes = len(response.content)
    for _ in range(runs):
        for scenario in scenarios:
            client = made[scenario.user]
            db_before = backend_cpu_ns(backend)
            cpu_before = time.process_time_ns()
            started = time.perf_counter()
            response = client.get(scenario.url, headers=scenario.headers)
            elapsed = time.perf_counter() - started
            scenario.cpu_app.append((time.process_time_ns() - cpu_before) / 1e6)
            scenario.cpu_db.append((backend_cpu_ns(backend) - db_before) / 1e6)
            if response.status_code != 200:
                raise BenchError(f"GET {scenario.url} answered {response.status_code}")
            scenario.times.append(elapsed * 1000)


def query_counts(args, families: dict, made: dict) -> dict:
    """Queries per request for each family, page sizes 10/25/100, page 1 and deep."""
    counts = {}
    for family, params in families.items():
        total = matches(params)
        for size in (10, 25, 100):
            first = {**params, "size": size}
            deep, _where = deep_params(first, total, size, args.depth)
            for depth, p in (("1", first), ("deep", deep)):
                n, _ = count_queries(made["officer"], url(DIRECTORY, p))
                counts[(family, size, depth)] = n
    return counts


def explain(scenario: Scenario, made: dict) -> None:
    from django.db import connection

    n, captured = count_queries(made[scenario.user], scenario.url, scenario.headers)
    print(f"\nEXPLAIN ANALYZE, {scenario.key} ({scenario.url}): {n} queries")
    for query in captured:
        sql = query["sql"]
        print(
            f"\n-- {float(query['time']) * 1000:.1f} ms: {sql[:300]}"
            + ("..." if len(sql) > 300 else "")
        )
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            for (line,) in cursor.fetchall():
                print("   " + line)


def profile(scenario: Scenario, made: dict) -> None:
    client = made[scenario.user]
    get(client, scenario.url, scenario.headers)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(10):
        get(client, scenario.url, scenario.headers)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("BENCH_PROFILE_SORT", "cumulative")
    ).print_stats(45)
    print(f"\ncProfile, 10 requests of {scenario.key} ({scenario.url}):")
    print(out.getvalue())


def export_figures(rows: int) -> dict:
    """Stream ``export.csv_chunks`` over ``rows`` experts: time, then peak memory (tracemalloc and
    the growth of the process's peak RSS); for scale, the peak of materialising the same rows."""
    from experts.models import Expert
    from experts.services.exports import files as export

    pks = Expert.objects.order_by("pk").values_list("pk", flat=True)
    last = pks[rows - 1]
    queryset = Expert.objects.filter(pk__lte=last)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    pieces = []
    for chunk in export.csv_chunks(queryset, sensitive=False):
        pieces.append(chunk)
    elapsed = time.perf_counter() - started
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    text = "".join(pieces)
    size = len(text.encode())
    # The file's records (csv_chunks yields one piece per chunk of rows, not one per row).
    records = sum(1 for _ in csv.reader(io.StringIO(text.lstrip("\ufeff")))) - 1  # the header
    del pieces, text
    if records != rows:
        raise BenchError(f"The CSV export yielded {records} rows for {rows} experts.")

    tracemalloc.start()
    for _chunk in export.csv_chunks(queryset, sensitive=False):
        pass
    _current, streamed = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    tracemalloc.start()
    held = list(queryset.select_related("user", "home_administration__region"))
    _current, materialised = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del held
    return {
        "rows": rows,
        "seconds": elapsed,
        "rate": rows / elapsed,
        "mb": size / 1e6,
        "peak_mb": streamed / 2**20,
        "rss_growth_mb": rss_growth / 1024,
        "materialised_mb": materialised / 2**20,
    }


# --- Report -----------------------------------------------------------------------------------


def table(scenarios: list[Scenario], by_key: dict) -> None:
    floor = by_key["F"].median()
    print(
        f"\n{'scenario':<44} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'KB':>5}"
        f" {'/admin':>7} {'/F':>6} {'p95/F':>6} {'CPU app':>8} {'CPU db':>7}"
    )
    for s in scenarios:
        ref = by_key.get(s.ref)
        to_admin = f"{s.median() / ref.median():.2f}" if ref else ""
        print(
            f"{s.label:<44} {s.median():>9.1f} {s.p95():>8.1f} {s.queries or '':>7}"
            f" {s.bytes / 1024:>5.0f} {to_admin:>7} {s.median() / floor:>6.1f}"
            f" {s.p95() / floor:>6.1f} {statistics.median(s.cpu_app):>8.1f}"
            f" {statistics.median(s.cpu_db):>7.1f}"
        )
    print(
        "  /admin: median / the admin's median for the same search (a: no search; b and c:"
        " ?q=word alone,\n  the admin has no area, language, region or availability filter"
        " equivalent to c's).\n  /F and p95/F: median and p95 / F's median. CPU app, CPU db:"
        " median CPU ms per request of this\n  process and of its PostgreSQL backend (parallel"
        " workers not included): what the request\n  costs, less disturbed by other work than"
        " the wall time."
    )


def run(args) -> int:
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    os.environ["DJANGO_DEBUG"] = "false"  # as deployed: no query log, no debug pages

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
    users = bench_users()

    # The floor's urlconf, and the test client's host name; in this process only.
    override = override_settings(
        ROOT_URLCONF="floor_urls", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
    )
    override.enable()
    try:
        return measure(args, users, database_url, created, seeded)
    finally:
        override.disable()


def measure(args, users, database_url, created, seeded) -> int:
    # Over 60 lines: the measuring loop and its printed report, read as one.
    from django.conf import settings
    from django.db import connection

    from experts.models import Expert
    from experts.services.directory import COUNT_CAP

    with connection.cursor() as cursor:
        for setting in args.set:
            name, _, value = setting.partition("=")
            cursor.execute("SELECT set_config(%s, %s, false)", [name.strip(), value.strip()])
        cursor.execute("SELECT pg_backend_pid(), current_setting('jit')")
        backend, jit = cursor.fetchone()
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"Directory benchmark: {Expert.objects.count():,} experts ({seeded})")
    print(
        f"  database {database_url} ({'created' if created else 'existing'}), jit={jit},"
        f" CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}, DEBUG={settings.DEBUG},"
        f" cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(f"  {os.cpu_count()} CPUs, load average {load} at the start")
    if args.set:
        print(f"  settings for this connection: {', '.join(args.set)}")

    progress(f"CSV export of {args.export_rows} experts")
    exported = export_figures(args.export_rows)

    scenarios, families, notes = build_scenarios(args)
    for note in notes:
        print("  " + note)
    by_key = {s.key: s for s in scenarios}
    made = clients(users)

    for key in args.explain:
        explain(by_key[key], made)
    for key in args.profile:
        profile(by_key[key], made)
    if args.explain or args.profile:
        return 0

    timed = scenarios
    if args.only:
        keep = set(args.only.split(",")) | {"F", "d0", "dq"}
        timed = [s for s in scenarios if s.key in keep]
    progress(f"timing {len(timed)} scenarios: {args.warmup} warm-up + {args.runs} runs each")
    cpu = CpuMeter(
        {"this process": os.getpid(), "its PostgreSQL backend": backend},
        alone=("this process", "its PostgreSQL backend"),
    ).start()
    made = clients(users)  # fresh sessions
    time_all(timed, made, args.runs, args.warmup, backend)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        if cursor.fetchone()[0] != backend:
            raise BenchError("The database connection was replaced during the timing.")
    cpu.stop()

    progress("counting queries (page sizes 10, 25, 100; page 1 and deep)")
    for s in timed:
        s.queries, _ = count_queries(made[s.user], s.url, s.headers)
    counts = query_counts(
        args, {f: p for f, p in families.items() if any(s.family == f for s in timed)}, made
    )

    table(timed, by_key)

    # Goals.
    floor = by_key["F"].median()
    missed = []
    directory = [s for s in timed if s.directory]
    if not directory:
        raise BenchError("--only left no directory page to time.")
    worst_admin = max(directory, key=lambda s: s.median() / by_key[s.ref].median())
    admin_ratio = worst_admin.median() / by_key[worst_admin.ref].median()
    if admin_ratio > args.goal_admin:
        missed.append(f"{worst_admin.key} is {admin_ratio:.2f}x the admin")
    # What the project ships must be fast too: its admin search, against the same reference.
    shipped_ratio = by_key["sq"].median() / by_key["dq"].median() if by_key["sq"].times else 0.0
    if shipped_ratio > args.goal_admin:
        missed.append(f"the shipped admin's ?q is {shipped_ratio:.2f}x the stock admin")
    c_rows = [s for s in directory if s.family.startswith("c")]
    worst_c = max(c_rows, key=lambda s: s.p95()) if c_rows else None
    c_ratio = worst_c.p95() / floor if worst_c else 0.0
    if c_ratio > args.goal_floor:
        missed.append(f"p95 of {worst_c.key} is {c_ratio:.1f}x F")
    deep_ratios = {}
    for s in directory:
        if s.deep and (s.family + ":1") in {t.key for t in timed}:
            deep_ratios[s.family] = s.median() / by_key[s.family + ":1"].median()
    worst_deep = max(deep_ratios, key=deep_ratios.get) if deep_ratios else None
    if worst_deep and deep_ratios[worst_deep] > args.goal_deep:
        missed.append(f"{worst_deep} deep page {deep_ratios[worst_deep]:.2f}x page 1")

    print("\nQueries per directory request (page size 10 / 25 / 100; page 1 | deep):")
    constant = True
    for family in dict.fromkeys(f for f, _s, _d in counts):
        values = [counts[(family, size, d)] for d in ("1", "deep") for size in (10, 25, 100)]
        same = len(set(values)) == 1
        constant &= same
        shown = " | ".join(
            " / ".join(str(counts[(family, size, d)]) for size in (10, 25, 100))
            for d in ("1", "deep")
        )
        print(f"  {family:<8} {shown}  {'constant' if same else 'NOT CONSTANT'}")
    if not constant:
        missed.append("query count not constant")
    all_counts = sorted(set(counts.values()))

    streams = exported["peak_mb"] < 0.5 * exported["materialised_mb"]
    print(
        f"\nCSV export (export.csv_chunks over {exported['rows']:,} experts):"
        f" {exported['seconds']:.2f} s = {exported['rate']:,.0f} rows/s,"
        f" {exported['mb']:.1f} MB of CSV;\n  peak traced memory while streaming"
        f" {exported['peak_mb']:.1f} MB (materialising the same rows: "
        f"{exported['materialised_mb']:.1f} MB); peak RSS grew {exported['rss_growth_mb']:.1f} MB"
    )
    if not streams:
        missed.append("the CSV export does not stream")

    print(
        f"\nMachine: CPUs busy {cpu.busy:.0%} during the timing, of which {cpu.others:.0%} by other"
        f" work; CPU per timed request: {cpu.per_item_ms(sum(len(s.times) for s in timed))} ms"
    )
    if cpu.others > 0.1:
        print(
            "note: other work used more than 10 % of the CPUs meanwhile; every figure is slower"
            " than on a quiet machine (the ratios suffer less: scenarios were timed in turns)."
        )
    print(f"COUNT_CAP={COUNT_CAP}; page size {args.size}; N={args.runs} runs per scenario")

    c_first = f"{by_key['c:1'].median():.0f}" if by_key["c:1"].times else "-"
    summary = (
        f"SUMMARY directory: worst directory/admin {admin_ratio:.2f}x ({worst_admin.key};"
        f" goal <= {args.goal_admin}); p95 c / F {c_ratio:.1f}x"
        f" ({worst_c.key if worst_c else '-'}; goal <= {args.goal_floor:g});"
        f" deep/page1 worst {deep_ratios[worst_deep] if worst_deep else 0:.2f}x"
        f" ({worst_deep or '-'};"
        f" goal <= {args.goal_deep}); queries/page {'/'.join(map(str, all_counts))}"
        f" ({'constant' if constant else 'NOT constant'});"
        f" c page 1 {c_first} ms vs stock admin ?q {by_key['dq'].median():.0f} ms"
        f" (shipped admin ?q {by_key['sq'].median() if by_key['sq'].times else 0:.0f} ms,"
        f" {shipped_ratio:.2f}x), F {floor:.1f} ms;"
        f" CSV {exported['rate']:,.0f} rows/s, peak {exported['peak_mb']:.1f} MB"
    )
    if missed:
        summary += " -- GOAL MISSED: " + "; ".join(missed)
    print("\n" + summary)
    return 1 if missed else 0


def main() -> int:
    args = parse_args()
    # Whitenoise warns that static files were not collected: irrelevant to these pages.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    try:
        return run(args)
    except BenchError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
