"""Benchmark of the directory's export of the whole roster (100 000 experts) through the job path.

Run it with ``make bench BENCH=exports`` (options: ``BENCH_ARGS="--help"``). It needs PostgreSQL
and Redis on this machine and fails loudly (exit 2) when either is down:

- DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ace_bench_exports): created if
  missing and migrated; the pool is seeded with ``seed_demo --experts N --seed 1`` only when it
  is not there yet (about 2 minutes), so reruns start in seconds. Left in place afterwards.
- REDIS_URL (default redis://127.0.0.1:6379/10): the broker; flushed at the start.

Steps: (1) the floor, a fixed reference defined here: PostgreSQL's own ``COPY (SELECT the same
columns, joined and aggregated, in the same order) TO STDOUT (FORMAT csv)`` read by this process;
(2) the row production alone in this process (``export.csv_chunks`` over the whole roster, in
the directory's default order): rows/s and the peak of traced memory; (3) a real ``celery
worker`` (prefork, one child), then for CSV and XLSX: the export as an officer asks for it
(``exports.request_export``, queued after commit), polled every 0.1 s until done, the file read
back from private storage and its data rows counted; wall time from the request to "done",
rows/s, the worker child's peak RSS (VmHWM). Exit status 1 when CSV is below --goal rows/s or a
file does not hold exactly every expert of the roster; 2 on a setup error.
"""

import argparse
import csv
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

from _common import (
    ROOT,
    BenchError,
    _status_kb,
    ensure_postgres_database,
    flush_redis,
    machine_cpu,
    process_tree,
    seed_pool,
    start_worker,
    stop_group,
    tail,
)

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ace_bench_exports"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"
DOMAIN = "bench-exports.example"

# The floor: the export's columns as PostgreSQL alone produces them (no labels, no phone
# formatting, no neutralising), in the directory's default order (by name), each expert's
# languages, areas and accreditations aggregated as the export lists them.
FLOOR_SQL = """
COPY (
    SELECT e.id, e.family_name, e.given_names, u.email, e.work_email, e.phone, e.gender,
           e.nationality, m.name_en, r.code, e.position, e.unit, e.years_in_customs,
           e.employment_status, e.remote_only, e.completeness,
           (e.updated_at AT TIME ZONE 'UTC')::date, l.text, x.text, c.text
    FROM experts_expert e
    JOIN accounts_user u ON u.id = e.user_id
    LEFT JOIN experts_memberadministration m ON m.id = e.home_administration_id
    LEFT JOIN experts_region r ON r.id = m.region_id
    LEFT JOIN (
        SELECT k.expert_id, string_agg(n.name_en || ' (' || k.proficiency || ')', '; '
                                       ORDER BY k.proficiency DESC, n.name_en) AS text
        FROM experts_expertlanguage k JOIN experts_language n ON n.id = k.language_id
        GROUP BY k.expert_id
    ) l ON l.expert_id = e.id
    LEFT JOIN (
        SELECT k.expert_id, string_agg(t.name_en || ' (' || k.years || ')', '; '
                                       ORDER BY k.years DESC, t.name_en) AS text
        FROM experts_expertise k JOIN experts_thematicarea t ON t.id = k.area_id
        GROUP BY k.expert_id
    ) x ON x.expert_id = e.id
    LEFT JOIN (
        SELECT a.expert_id,
               string_agg(p.code || ' · ' || t.name_en || ' · ' || a.state
                          || coalesce(' · ' || a.valid_until, ''), '; '
                          ORDER BY t.name_en, p.code) AS text
        FROM experts_accreditation a
        JOIN experts_thematicarea t ON t.id = a.area_id
        JOIN experts_profiletype p ON p.id = a.profile_type_id
        GROUP BY a.expert_id
    ) c ON c.expert_id = e.id
    ORDER BY e.family_name, e.given_names, e.id
) TO STDOUT (FORMAT csv, HEADER)
"""
# Analysed after seeding: the export's queries read all of them.
TABLES = (
    "experts_expert",
    "accounts_user",
    "experts_memberadministration",
    "experts_expertlanguage",
    "experts_expertise",
    "experts_accreditation",
)


def parse_args():
    parser = argparse.ArgumentParser(description="Benchmark exports of the whole roster.")
    parser.add_argument("--experts", type=int, default=100_000, help="pool size to seed")
    parser.add_argument("--goal", type=float, default=20_000, help="CSV rows/s at least")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per export at most")
    parser.add_argument("--keep-logs", action="store_true", help="keep the worker's log")
    return parser.parse_args()


def progress(step: str) -> None:
    print(f"... {step}", flush=True)


def setup_django(args) -> str:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    ensure_postgres_database(os.environ["DATABASE_URL"])
    flush_redis(os.environ["REDIS_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    note = seed_pool(args.experts, progress)
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return note


def officer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ace_portal.accounts.roles import Role

    user, _ = get_user_model().objects.get_or_create(email=f"officer@{DOMAIN}")
    user.set_unusable_password()
    user.preferred_language = "en"
    user.save()
    user.groups.set([Group.objects.get(name=Role.SECRETARIAT)])
    return user


def floor(expected: int) -> dict:
    """PostgreSQL COPY of the same columns, read to the end by this process."""
    from django.db import connection

    connection.ensure_connection()
    started, size, lines = time.perf_counter(), 0, 0
    with connection.connection.cursor() as cursor, cursor.copy(FLOOR_SQL) as copy:
        for block in copy:
            size += len(block)
            lines += bytes(block).count(b"\n")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "rows": lines - 1, "rate": expected / seconds, "mb": size / 1e6}


def row_production() -> dict:
    """``export.csv_chunks`` over the whole roster in this process, in the directory's default
    order as the job exports it: time, then traced peak."""
    from experts.services.exports import files as export
    from experts.services.exports import jobs as exports

    experts = exports.filtered_experts("")
    started, rows = time.perf_counter(), -1
    for piece in export.csv_chunks(experts, sensitive=False):
        rows += piece.count("\r\n")
    seconds = time.perf_counter() - started
    tracemalloc.start()
    for _piece in export.csv_chunks(experts, sensitive=False):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": seconds, "rows": rows, "rate": rows / seconds, "peak_mb": peak / 1e6}


def child_peak_mb(worker) -> float:
    """The largest peak RSS (VmHWM) in the worker's tree: its pool child, which does the work."""
    return (
        max(_status_kb(f"/proc/{pid}/status", "VmHWM:") for pid in process_tree(worker.pid)) / 1e3
    )


def count_rows(job) -> int:
    """Data rows of the finished file, read back from private storage."""
    import openpyxl

    with job.file.open("rb") as handle:
        if job.format == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
            return sum(1 for _row in csv.reader(text)) - 1
        sheet = openpyxl.load_workbook(handle, read_only=True).active
        return sum(1 for _row in sheet.iter_rows(values_only=True)) - 1


def export_through_worker(by, file_format: str, worker, timeout: float) -> dict:
    from experts.enums import ExportState
    from experts.services.exports import jobs as exports

    started = time.perf_counter()
    job = exports.request_export(by=by, query="", file_format=file_format, sensitive=False)
    samples = set()
    while True:
        job.refresh_from_db()
        samples.add(job.rows_done)
        if job.state in (ExportState.DONE, ExportState.FAILED):
            break
        if worker.poll() is not None:
            raise BenchError("The worker died during the export.")
        if time.perf_counter() - started > timeout:
            raise BenchError(f"The {file_format} export was not done after {timeout:.0f} s.")
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if job.state != ExportState.DONE:
        raise BenchError(f"The {file_format} export failed: {job.error}")
    return {
        "seconds": seconds,
        "rate": job.rows_total / seconds,
        "rows_total": job.rows_total,
        "rows_in_file": count_rows(job),
        "size_mb": job.file.size / 1e6,
        "progress_values": len(samples),
        "peak_mb": child_peak_mb(worker),
    }


def main() -> int:
    # Over 60 lines: a benchmark's script, read top to bottom.
    args = parse_args()
    load = os.getloadavg()[0]
    cpu_before = machine_cpu()
    try:
        note = setup_django(args)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from django.db import connection

    from experts.models import Expert

    expected = Expert.objects.count()
    print(f"roster: {expected:,} experts ({note}); load average {load:.2f}")
    progress("floor: PostgreSQL COPY of the same columns")
    reference = floor(expected)
    progress("row production in this process (export.csv_chunks)")
    production = row_production()
    connection.close()  # the worker uses its own; this one would sit idle in a transaction

    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-exports-{os.getpid()}"
    workdir.mkdir(parents=True, exist_ok=True)
    worker = None
    results = {}
    try:
        by = officer()
        progress("starting a celery worker (concurrency 1)")
        worker, log = start_worker(workdir, "exportbench")
        idle_mb = child_peak_mb(worker)
        for file_format in ("csv", "xlsx"):
            progress(f"{file_format.upper()} through the job path")
            results[file_format] = export_through_worker(by, file_format, worker, args.timeout)
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        if worker is not None:
            print(tail(workdir / "worker.log"), file=sys.stderr)
        return 2
    finally:
        stop_group(worker)
    busy, total = machine_cpu()
    others = (busy - cpu_before[0]) / max(total - cpu_before[1], 1e-9)

    print(
        f"\nfloor (COPY): {reference['rows']:,} rows in {reference['seconds']:.2f} s = "
        f"{reference['rate']:,.0f} rows/s, {reference['mb']:.1f} MB"
    )
    print(
        f"row production (in process): {production['rows']:,} rows in "
        f"{production['seconds']:.2f} s = {production['rate']:,.0f} rows/s "
        f"({reference['rate'] / production['rate']:.1f}x slower than the floor); traced peak "
        f"{production['peak_mb']:.1f} MB"
    )
    print(f"worker child idle peak RSS {idle_mb:.0f} MB")
    for file_format, result in results.items():
        print(
            f"{file_format.upper()} job: {result['rows_in_file']:,} data rows in the file "
            f"(job says {result['rows_total']:,}), {result['size_mb']:.1f} MB, request to done "
            f"{result['seconds']:.2f} s = {result['rate']:,.0f} rows/s "
            f"({reference['rate'] / result['rate']:.1f}x the floor's time), "
            f"{result['progress_values']} progress values seen, worker child peak RSS so far "
            f"{result['peak_mb']:.0f} MB"
        )
    print(f"machine CPU busy during the run: {others:.0%} (all processes)")
    if not args.keep_logs:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()

    missed = []
    csv_rate = results["csv"]["rate"]
    if csv_rate < args.goal:
        missed.append(f"CSV {csv_rate:,.0f} rows/s < {args.goal:,.0f}")
    for file_format, result in results.items():
        if result["rows_in_file"] != expected or result["rows_total"] != expected:
            missed.append(f"{file_format} file has {result['rows_in_file']} rows, not {expected}")
    summary = (
        f"SUMMARY exports: CSV {csv_rate:,.0f} rows/s (goal >= {args.goal:,.0f}), XLSX "
        f"{results['xlsx']['rate']:,.0f} rows/s, floor COPY {reference['rate']:,.0f} rows/s; "
        f"rows {results['csv']['rows_in_file']:,}/{results['xlsx']['rows_in_file']:,} of "
        f"{expected:,}; worker peak RSS {results['xlsx']['peak_mb']:.0f} MB"
    )
    if missed:
        summary += "; GOAL MISSED: " + "; ".join(missed)
    print(summary)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
