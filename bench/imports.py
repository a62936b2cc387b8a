"""Benchmark of the expert import: a 10 000-row spreadsheet checked and applied by a real worker.

Run it with ``make bench BENCH=imports`` (options: ``BENCH_ARGS="--help"``). It needs PostgreSQL
and Redis and fails loudly (exit 2) when either is down:

- DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ace_bench_imports): created and
  migrated if missing; the benchmark's own experts (``@import-bench.example``) are deleted at the
  start of a run.
- REDIS_URL (default redis://127.0.0.1:6379/9): flushed at the start (broker and cache).

Steps: (1) put 500 experts on the roster through the import itself (inline), so that the measured
file meets existing people; (2) write a CSV of N rows: mostly new experts with languages and
areas, some with the email of an expert already registered (updates), some with a very similar
name, the same administration and birth date (flagged duplicates), some with mistakes (rejected);
(3) upload it as an officer would and let a real ``celery worker`` check it, sampling the progress
the page shows; (4) confirm, and sample the progress of applying it (one transaction);
(5) print the figures and one SUMMARY line. Exit status 0 when the import ends applied with the
expected counts and the progress moved visibly in both steps, 1 otherwise, 2 on a setup error.
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from _common import (
    ROOT,
    BenchError,
    ensure_postgres_database,
    flush_redis,
    start_worker,
    stop_group,
    tail,
    tree_memory_kb,
)

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ace_bench_imports"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
DOMAIN = "import-bench.example"
EXISTING = 500


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark a 10 000-row expert import.")
    parser.add_argument("--rows", type=int, default=10_000, help="rows in the measured file")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per step at most")
    return parser.parse_args()


def setup_django():
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    ensure_postgres_database(os.environ["DATABASE_URL"])
    flush_redis(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def officer():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        email=f"officer@{DOMAIN}", defaults={"is_staff": True}
    )
    return user


def clean_previous_run():
    from django.contrib.auth import get_user_model

    from experts.models import Expert, ExpertImport

    ExpertImport.objects.filter(created_by__email__endswith=DOMAIN).delete()
    Expert.objects.filter(user__email__endswith=DOMAIN).delete()
    get_user_model().objects.filter(email__endswith=DOMAIN).exclude(
        email=f"officer@{DOMAIN}"
    ).delete()


def people(count: int, seed: int, start: int = 0):
    """Fictitious people, deterministic: (email, given, family, administration, birth date)."""
    from experts.models import MemberAdministration

    rng = random.Random(seed)
    administrations = list(MemberAdministration.objects.values_list("iso_code", flat=True))
    given = ["Amina", "Jean", "Mei", "Carlos", "Fatou", "Olga", "Ravi", "Sofia", "Yusuf", "Lea"]
    family = ["Okoro", "Dubois", "Tanaka", "Silva", "Ndiaye", "Petrova", "Iyer", "Rossi", "Kaya"]
    for number in range(start, start + count):
        yield (
            f"expert{number}@{DOMAIN}",
            rng.choice(given),
            f"{rng.choice(family)}-{number}",
            rng.choice(administrations),
            f"19{rng.randint(55, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        )


HEADER = [
    "email",
    "given_names",
    "family_name",
    "administration",
    "date_of_birth",
    "position",
    "languages",
    "areas",
    "biography",
]
LANGUAGES = ["en:C1; fr:B2", "fr:native; en:B1", "es:C2; en:B2; pt:A2", "ar:native; fr:C1"]
AREAS = ["risk-management:5", "rules-of-origin; customs-valuation:3", "post-clearance-audit:8"]


def to_csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def full_row(person, rng):
    email, given, family, administration, born = person
    return [
        email,
        given,
        family,
        administration,
        born,
        "Senior Customs Officer",
        rng.choice(LANGUAGES),
        rng.choice(AREAS),
        "Customs officer with experience in risk management and trade facilitation. " * 3,
    ]


def measured_file(rows: int, existing: list) -> tuple[bytes, dict]:
    rng = random.Random(7)
    updates, duplicates, bad = rows * 3 // 100, rows // 100, rows // 100
    new = rows - updates - duplicates - bad
    body = [full_row(person, rng) for person in people(new, seed=2, start=100_000)]
    for email, given, family, administration, born in existing[:updates]:
        body.append(full_row((email, given, family, administration, born), rng))
        body[-1][5] = "Head of Unit"  # a change to show
    for index, (_email, given, family, administration, born) in enumerate(
        existing[updates : updates + duplicates]
    ):
        # The same person under another address, the name in capitals and without accents.
        body.append(
            full_row((f"other{index}@{DOMAIN}", family.upper(), given, administration, born), rng)
        )
    for index in range(bad):
        body.append([f"broken{index}", "No", "Email", "Atlantis", "", "", "xx:C1", "", ""])
    rng.shuffle(body)
    expected = {"create": new, "update": updates, "duplicate": duplicates, "reject": bad}
    return to_csv(body), expected


def run_inline(content: bytes, by):
    """An import through the same code, run in this process (for the starting roster)."""
    from experts.services.imports import check as imports

    expert_import = imports.upload(content=content, name="roster.csv", update_existing=False, by=by)
    imports.check(expert_import.pk)
    expert_import.refresh_from_db()
    imports.start_applying(
        expert_import, by=by, send_invitations=False, create_duplicates=False, base_url=""
    )
    imports.apply(expert_import.pk)


def follow(expert_import, running_state: str, timeout: float, worker) -> tuple[float, list, int]:
    """Poll the state and the progress the page would show, until the step is over."""
    from experts.services.imports import check as imports

    started, samples, peak_rss = time.monotonic(), [], 0
    while True:
        expert_import.refresh_from_db(fields=["state", "error"])
        done, total = imports.progress(expert_import)
        if not samples or samples[-1] != (done, total):
            samples.append((done, total))
        peak_rss = max(peak_rss, tree_memory_kb(worker.pid)[0])
        if expert_import.state != running_state:
            return time.monotonic() - started, samples, peak_rss
        if time.monotonic() - started > timeout:
            raise BenchError(f"Still {running_state} after {timeout:.0f} s.")
        time.sleep(0.1)


def main() -> int:
    # Over 60 lines: a benchmark's script, read top to bottom.
    args = parse_args()
    try:
        setup_django()
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from django.db import transaction

    from experts.enums import ImportState
    from experts.models import Expert
    from experts.services.imports import check as imports

    by = officer()
    clean_previous_run()
    rng = random.Random(1)
    existing = list(people(EXISTING, seed=1))
    print(f"Roster: adding {EXISTING} experts through an inline import ...", flush=True)
    run_inline(to_csv(full_row(person, rng) for person in existing), by)
    content, expected = measured_file(args.rows, existing)
    print(f"File: {args.rows} rows, {len(content) / 1024 / 1024:.1f} MB; expected {expected}")

    workdir = Path(tempfile.mkdtemp(prefix="ace-import-bench-"))
    worker, log = start_worker(workdir, "importbench")
    try:
        with transaction.atomic():
            expert_import = imports.upload(
                content=content, name="bench.csv", update_existing=True, by=by
            )
        check_seconds, check_samples, rss_check = follow(
            expert_import, ImportState.CHECKING, args.timeout, worker
        )
        if expert_import.state != ImportState.READY:
            raise BenchError(f"The check ended {expert_import.state}: {expert_import.error}")
        counts = dict(
            (action, expert_import.rows.filter(action=action).count()) for action in expected
        )
        with transaction.atomic():
            imports.start_applying(
                expert_import,
                by=by,
                send_invitations=False,
                create_duplicates=False,
                base_url="https://portal.example/",
            )
        apply_seconds, apply_samples, rss_apply = follow(
            expert_import, ImportState.APPLYING, args.timeout, worker
        )
    except BenchError as error:
        print(f"error: {error}\n{tail(log)}", file=sys.stderr)
        return 2
    finally:
        stop_group(worker)
    expert_import.refresh_from_db()
    on_roster = Expert.objects.filter(user__email__endswith=DOMAIN).count()

    print()
    print(f"{'step':<10} {'seconds':>8} {'rows/s':>8} {'progress updates':>17} {'worker RSS':>11}")
    for name, seconds, samples, rss in (
        ("check", check_seconds, check_samples, rss_check),
        ("apply", apply_seconds, apply_samples, rss_apply),
    ):
        print(
            f"{name:<10} {seconds:8.1f} {args.rows / seconds:8.0f} {len(samples):>17} "
            f"{rss / 1024:9.0f} MB"
        )
    print(f"rows by action after the check: {counts}")
    print(
        f"applied: state={expert_import.state} created={expert_import.created_count} "
        f"updated={expert_import.updated_count}; experts of this benchmark on the roster: "
        f"{on_roster}"
    )
    goals = {
        "counts as expected": counts == expected,
        "applied": expert_import.state == ImportState.APPLIED
        and expert_import.created_count == expected["create"]
        and expert_import.updated_count == expected["update"]
        and on_roster == EXISTING + expected["create"],
        # A bar that moves: several intermediate values in each step, not only 0 and done.
        "progress shown while checking": len(check_samples) >= 5,
        "progress shown while applying": len(apply_samples) >= 3,
    }
    for goal, met in goals.items():
        print(f"  {'ok  ' if met else 'MISS'} {goal}")
    print(
        f"SUMMARY import {args.rows} rows: check {check_seconds:.1f} s, apply "
        f"{apply_seconds:.1f} s, {len(check_samples)}+{len(apply_samples)} progress updates, "
        f"{'all goals met' if all(goals.values()) else 'GOAL MISSED'}"
    )
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
