# Over 500 lines: a benchmark reads top to bottom: seeding, the worker, faults, goals.
"""Benchmark of the notification engine: queue, deliver through a real Celery worker, count SQL.

Run it with ``make bench BENCH=notifications`` (options: ``BENCH_ARGS="--help"``). It needs
PostgreSQL and Redis on this machine and fails loudly (exit 2) when either is down:

- DATABASE_URL (default postgres://postgres@127.0.0.1:5432/ace_bench): created if missing and
  migrated; the benchmark's own users (``@bench.example``) and their notifications are deleted at
  the start of a run and kept afterwards. The database itself is left in place.
- REDIS_URL (default redis://127.0.0.1:6379/14): flushed at the start (the broker's queues).

Steps: (1) queue N notifications for M users with ``notify_many`` (dispatch held back);
(2) start a counting SMTP sink (aiosmtpd) in its own process; (3) baseline: one process sends N
copies of one rendered notification over one SMTP connection; (4) engine: a real Celery worker
(prefork, concurrency 2) delivers the N rows after ``dispatch``; wall time until every row is
``sent`` and the sink has N messages, and the worker tree's peak memory; (5) SQL queries of
``delivery.deliver`` for a sample of rows, which must be the same for each; (6) a table and one
SUMMARY line. Exit status: 0 when the goals are met, 1 when one is missed, 2 on a setup error.
"""

import argparse
import fcntl
import math
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

from _common import (
    ROOT,
    BenchError,
    CpuMeter,
    SmtpSink,
    ensure_postgres_database,
    flush_redis,
    process_tree,
    start_group,
    stop_group,
    tail,
    tree_memory_kb,
)

sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ace_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
DOMAIN = "bench.example"
PROFILE_URL = "https://portal.example/me/profile/"
CELERY = ROOT / ".venv" / "bin" / "celery"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the notification engine against a plain SMTP loop."
    )
    parser.add_argument("--notifications", type=int, default=10_000, help="rows to deliver")
    parser.add_argument("--users", type=int, default=2_000, help="recipients to create")
    parser.add_argument("--sample", type=int, default=50, help="rows for the SQL query count")
    parser.add_argument("--goal", type=float, default=0.5, help="engine / plain loop, at least")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--worker-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="extra argument for `celery worker` (repeatable), e.g. --worker-arg=-O=fair",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds before giving up")
    parser.add_argument("--keep-logs", action="store_true", help="keep the worker and sink logs")
    return parser.parse_args()


# --- Steps ------------------------------------------------------------------------------------


def reset_bench_rows() -> None:
    from django.contrib.auth import get_user_model

    from ace_portal.notifications.models import Notification

    Notification.objects.filter(recipient__email__endswith="@" + DOMAIN).delete()
    get_user_model().objects.filter(email__endswith="@" + DOMAIN).delete()


def create_users(count: int) -> tuple[list, float]:
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    started = time.perf_counter()
    users = user_model.objects.bulk_create(
        [
            user_model(
                email=f"expert{i:05d}@{DOMAIN}",
                password="!xyz",  # unusable, and no hashing cost
                first_name=f"Expert{i:05d}",
                last_name="Bench",
                preferred_language="en",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    return users, time.perf_counter() - started


def queue(users: list, count: int, tag: str) -> tuple[list[int], float]:
    """Queue ``count`` profile reminders round-robin over ``users`` in one transaction, with
    dispatch held back; returns the primary keys handed to (the patched) dispatch."""
    from django.db import transaction

    from ace_portal.notifications.services import outbox
    from experts.notifications import PROFILE_CONFIRMATION

    items = [
        outbox.Outgoing(
            recipient=user,
            kind=PROFILE_CONFIRMATION,
            context={"name": user.first_name, "confirmed_at": None, "url": PROFILE_URL},
            dedupe_key=f"bench:{tag}:{i}",
        )
        for i, user in ((i, users[i % len(users)]) for i in range(count))
    ]
    started = time.perf_counter()
    with mock.patch.object(outbox, "dispatch") as held, transaction.atomic():
        outbox.notify_many(items)
    elapsed = time.perf_counter() - started
    if held.call_count != 1:
        raise BenchError(f"notify_many called dispatch {held.call_count} times, expected once.")
    pks = list(held.call_args.args[0])
    if len(pks) != count:
        raise BenchError(f"notify_many queued {len(pks)} emails, expected {count}.")
    return pks, elapsed


def service_pids() -> dict[str, int]:
    """The PostgreSQL postmaster and the Redis server, when they run on this machine."""
    import redis
    from django.conf import settings
    from django.db import connection

    pids = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{backend}/stat").read_text()
        pids["PostgreSQL (whole server)"] = int(stat.rsplit(")", 1)[1].split()[1])
    except OSError:
        pass  # not on this machine: its CPU is not measured
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        pid = int(client.info("server")["process_id"])
        pids["Redis"] = pid if Path(f"/proc/{pid}").exists() else 0
    finally:
        client.close()
    return pids


def wait_for_sink(sink: SmtpSink, expected: int, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while sink.count() < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)  # anything beyond ``expected`` would be a double
    return sink.count()


def plain_loop(pk: int, count: int, sink: SmtpSink, services_pids: dict) -> dict:
    """Render one notification's email once, then send ``count`` copies over one connection."""
    from django.core.mail import get_connection

    from ace_portal.notifications.models import Notification
    from ace_portal.notifications.services import delivery

    message = delivery.build_message(Notification.objects.select_related("recipient").get(pk=pk))
    size = len(message.message().as_bytes())
    before = sink.count()
    connection = get_connection()
    cpu = CpuMeter({"loop": os.getpid(), "sink": sink.proc.pid, **services_pids}, alone=("loop",))
    cpu.start()
    started = time.perf_counter()
    connection.open()
    for _ in range(count):
        connection.send_messages([message])
    elapsed = time.perf_counter() - started
    connection.close()
    cpu.stop()
    received = wait_for_sink(sink, before + count) - before
    if received != count:
        raise BenchError(f"The sink counted {received} messages from the plain loop, not {count}.")
    return {"seconds": elapsed, "rate": count / elapsed, "size": size, "cpu": cpu}


class MemorySampler(threading.Thread):
    """Samples the memory of a process tree every ``interval`` seconds and keeps the peaks.
    The tree is listed again every ``rescan`` samples (listing it reads all of /proc)."""

    def __init__(self, pid: int, interval: float = 0.2, rescan: int = 5):
        super().__init__(daemon=True)
        self.pid, self.interval, self.rescan = pid, interval, rescan
        self.peak_rss = self.peak_pss = self.processes = 0
        self._pids: list[int] = []
        self._samples = 0
        self._stop_event = threading.Event()

    def sample(self) -> tuple[int, int, int]:
        if self._samples % self.rescan == 0:
            self._pids = process_tree(self.pid)
        self._samples += 1
        rss, pss, processes = tree_memory_kb(self.pid, self._pids)
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
        self.processes = max(self.processes, processes)
        return rss, pss, processes

    def run(self) -> None:
        # Over 60 lines: the benchmark's script, read top to bottom.
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def start_worker(args, workdir: Path) -> tuple:
    from ace_portal.celery import app

    node = f"bench{os.getpid()}@{socket.gethostname()}"
    log = workdir / "worker.log"
    cmd = [
        str(CELERY),
        "-A",
        "ace_portal",
        "worker",
        f"--concurrency={args.concurrency}",
        "--pool=prefork",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "-n",
        node,
        *args.worker_arg,
    ]
    worker = start_group(cmd, log=log, env=dict(os.environ))
    deadline = time.monotonic() + 60
    while True:
        if worker.poll() is not None:
            raise BenchError(f"The Celery worker exited ({worker.returncode}):\n{tail(log)}")
        if time.monotonic() > deadline:
            stop_group(worker)
            raise BenchError(f"The Celery worker did not answer a ping in 60 s:\n{tail(log)}")
        if app.control.ping(destination=[node], timeout=0.5):
            return worker, log


def engine(
    args, pks: list[int], sink: SmtpSink, workdir: Path, holder: dict, services_pids: dict
) -> dict:
    # Over 60 lines: the engine scenario, read top to bottom.
    from django.db.models import Count

    from ace_portal.notifications.models import Notification
    from ace_portal.notifications.services import outbox

    count = len(pks)
    started = time.perf_counter()
    worker, log = start_worker(args, workdir)
    holder["worker"] = worker
    ready = time.perf_counter() - started
    sampler = MemorySampler(worker.pid)
    idle_rss, idle_pss, _ = sampler.sample()
    sampler.start()

    rows = Notification.objects.filter(pk__gte=min(pks), pk__lte=max(pks)).order_by()
    before = sink.count()
    cpu = CpuMeter(
        {
            "worker": worker.pid,
            "of which worker main": worker.pid,
            "sink": sink.proc.pid,
            **services_pids,
            "dispatch+poll": os.getpid(),
        },
        alone=("of which worker main", "dispatch+poll"),
        parts=("of which worker main",),
    )
    cpu.start()
    started = time.perf_counter()
    handed = outbox.dispatch(pks)
    dispatched = time.perf_counter() - started
    if handed != count:
        raise BenchError(f"dispatch handed {handed} of {count} notifications to the broker.")

    all_sent = all_received = None
    progress, progress_at = -1, time.perf_counter()
    while all_sent is None or all_received is None:
        now = time.perf_counter()
        states = dict(rows.values_list("state").annotate(n=Count("pk")))
        sent, received = states.get("sent", 0), sink.count() - before
        if all_sent is None and sent >= count:
            all_sent = now - started
        if all_received is None and received >= count:
            all_received = now - started
        if states.get("failed"):
            reasons = set(rows.filter(state="failed").values_list("last_error", flat=True)[:5])
            raise BenchError(f"{states['failed']} notifications failed: {reasons}")
        if worker.poll() is not None:
            raise BenchError(f"The worker exited ({worker.returncode}):\n{tail(log)}")
        if sent + received != progress:
            progress, progress_at = sent + received, now
        elif now - progress_at > 60 or now - started > args.timeout:
            raise BenchError(
                f"No progress: {states} rows, {received} messages at the sink after "
                f"{now - started:.0f} s. Worker log:\n{tail(log)}"
            )
        time.sleep(0.2)
    cpu.stop()
    sampler.stop()
    received = wait_for_sink(sink, before + count, timeout=2) - before
    if received != count:
        raise BenchError(f"The sink counted {received} messages for {count} notifications.")
    elapsed = max(all_sent, all_received)
    return {
        "ready": ready,
        "dispatch": dispatched,
        "all_sent": all_sent,
        "all_received": all_received,
        "seconds": elapsed,
        "rate": count / elapsed,
        "idle_rss_mb": idle_rss / 1024,
        "idle_pss_mb": idle_pss / 1024,
        "peak_rss_mb": sampler.peak_rss / 1024,
        "peak_pss_mb": sampler.peak_pss / 1024,
        "processes": sampler.processes,
        "doubles": received - count,
        "cpu": cpu,
    }


def queries_per_notification(users: list, sample: int) -> dict:
    """Deliver ``sample`` fresh rows in this process, counting each one's SQL queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ace_portal.notifications.services import delivery

    pks, _ = queue(users[:sample], sample, f"queries-{time.time_ns()}")
    counts, shapes, seconds, cpu_seconds = [], set(), [], []
    try:
        for pk in pks:
            with CaptureQueriesContext(connection) as captured:
                started, cpu = time.perf_counter(), time.process_time()
                result = delivery.deliver(pk)
                seconds.append(time.perf_counter() - started)
                cpu_seconds.append(time.process_time() - cpu)
            if result != "sent":
                raise BenchError(f"deliver({pk}) returned {result!r}, not 'sent'.")
            counts.append(len(captured.captured_queries))
            shapes.add(tuple(q["sql"].split()[0] for q in captured.captured_queries))
    finally:
        delivery.close_connection()
    steady = sorted(seconds)[len(seconds) // 2]  # the median: the first one opens SMTP
    return {
        "counts": counts,
        "constant": len(set(counts)) == 1 and len(shapes) == 1,
        "per_notification": max(counts),
        "shape": " + ".join(next(iter(shapes))) if len(shapes) == 1 else str(shapes),
        "median_ms": steady * 1000,
        "cpu_ms": sum(cpu_seconds[1:]) / max(len(cpu_seconds) - 1, 1) * 1000,
    }


# --- Report -----------------------------------------------------------------------------------


def progress(step: str) -> None:
    print(f"... {step}", flush=True)


def row(label: str, value: str) -> None:
    print(f"  {label:<52} {value}")


def times(ratio: float) -> str:
    """The ratio rounded down to two decimals: 0.497 shows as 0.49, never as the goal 0.50."""
    return f"{math.floor(ratio * 100 + 1e-9) / 100:.2f}"


def busy(cpu: CpuMeter) -> str:
    return f"{cpu.busy:.0%} ({cpu.others:.0%})"


def run(args, workdir: Path, holder: dict) -> int:
    database_url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ace_portal.settings")
    # As deployed: DEBUG keeps every query in memory and Celery warns against it in workers.
    os.environ.setdefault("DJANGO_DEBUG", "false")

    created = ensure_postgres_database(database_url)
    flush_redis(redis_url)
    sink = holder["sink"] = SmtpSink(workdir).start()
    os.environ.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(sink.port),
        EMAIL_USE_TLS="false",
        EMAIL_USE_SSL="false",
    )

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    reset_bench_rows()

    n = args.notifications
    print(f"Notification engine benchmark: {n} notifications for {args.users} users")
    print(f"  database {database_url} ({'created' if created else 'existing'}), redis {redis_url}")
    print(f"  SMTP sink 127.0.0.1:{sink.port} (aiosmtpd, separate process)")
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"  {os.cpu_count()} CPUs, load average {load} at the start")

    progress("1. creating users and queuing notifications")
    users, user_seconds = create_users(args.users)
    pks, queue_seconds = queue(users, n, "run")
    pids = service_pids()
    progress("3. plain loop")
    base = plain_loop(pks[0], n, sink, pids)
    progress(f"4. engine (celery worker, concurrency {args.concurrency})")
    eng = engine(args, pks, sink, workdir, holder, pids)
    stop_group(holder.pop("worker"))
    progress("5. queries per notification")
    sql = queries_per_notification(users, args.sample)

    ratio = eng["rate"] / base["rate"]
    goal_met = ratio >= args.goal and sql["constant"]
    print("\nFigures")
    row("users created (bulk_create)", f"{args.users} in {user_seconds:.2f} s")
    row(
        f"1. queue {n} with notify_many (one transaction)",
        f"{queue_seconds:.2f} s = {n / queue_seconds:,.0f} rows/s",
    )
    row("   message size (MIME, text + HTML)", f"{base['size']:,} bytes")
    row(
        f"3. plain loop: {n} copies over one SMTP connection",
        f"{base['seconds']:.2f} s = {base['rate']:,.0f} messages/s",
    )
    row("   CPU ms per message", base["cpu"].per_item_ms(n))
    row("   CPU busy, all cores (of which not ours)", busy(base["cpu"]))
    row("4. engine: worker start until it answers a ping", f"{eng['ready']:.2f} s")
    row(
        f"   dispatch({n}) to Redis (this process)",
        f"{eng['dispatch']:.2f} s = {n / eng['dispatch']:,.0f} notifications/s",
    )
    row("   dispatch start until every row is sent", f"{eng['all_sent']:.2f} s")
    row("   dispatch start until the sink counted all", f"{eng['all_received']:.2f} s")
    row("   end to end", f"{eng['rate']:,.0f} notifications/s")
    row("   messages sent twice", str(eng["doubles"]))
    row("   CPU ms per notification", eng["cpu"].per_item_ms(n))
    row("   CPU busy, all cores (of which not ours)", busy(eng["cpu"]))
    row(
        f"   worker memory, {eng['processes']} processes: idle RSS / peak RSS",
        f"{eng['idle_rss_mb']:.0f} MB / {eng['peak_rss_mb']:.0f} MB",
    )
    row(
        "   worker memory: idle PSS / peak PSS",
        f"{eng['idle_pss_mb']:.0f} MB / {eng['peak_pss_mb']:.0f} MB",
    )
    row(
        f"5. SQL queries per deliver() ({args.sample} rows)",
        f"{sql['per_notification']} ({sql['shape']}), "
        + ("constant" if sql["constant"] else f"NOT constant: {sorted(set(sql['counts']))}"),
    )
    row(
        "   in-process deliver(), no Celery: median wall / CPU",
        f"{sql['median_ms']:.2f} ms / {sql['cpu_ms']:.2f} ms",
    )
    row("engine / plain loop", f"{times(ratio)}x (goal >= {args.goal}x)")
    others = max(base["cpu"].others, eng["cpu"].others)
    if others > 0.1:
        print(
            f"\nnote: other work used up to {others:.0%} of the CPUs during this run; the figures"
            " are lower than on a quiet machine."
        )
    print()
    print(
        f"SUMMARY notifications: engine {eng['rate']:.0f}/s vs plain loop {base['rate']:.0f}/s"
        f" = {times(ratio)}x (goal >= {args.goal}x); queries/notification"
        f" {sql['per_notification']} ({'constant' if sql['constant'] else 'NOT constant'});"
        f" worker peak RSS {eng['peak_rss_mb']:.0f} MB" + ("" if goal_met else " -- GOAL MISSED")
    )
    return 0 if goal_met else 1


def main() -> int:
    args = parse_args()
    # Two runs at once would delete each other's rows and share the broker's queue.
    lock = open(Path(tempfile.gettempdir()) / "ace-bench-notifications.lock", "w")  # noqa: SIM115
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("error: another run of this benchmark is in progress.", file=sys.stderr)
        return 2
    # Stopped from outside: still stop the worker and the sink (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="ace-bench-notifications-"))
    holder: dict = {}
    failed = True
    try:
        status = run(args, workdir, holder)
        failed = False
        return status
    except BenchError as error:
        print(f"\nerror: {error}", file=sys.stderr)
        return 2
    finally:
        stop_group(holder.get("worker"))
        if holder.get("sink"):
            holder["sink"].stop()
        logs = [log for log in workdir.glob("*.log") if log.stat().st_size]
        if args.keep_logs or (failed and logs):
            print(f"Logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
