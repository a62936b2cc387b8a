"""Helpers shared by the benchmarks: service checks, a counting SMTP sink, process groups, RSS.

Nothing here imports Django, so this file also runs on its own as the SMTP sink process:
``python bench/_common.py smtp-sink --state-dir DIR`` (started by ``SmtpSink.start``).
"""

import argparse
import asyncio
import contextlib
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CELERY = ROOT / ".venv" / "bin" / "celery"


class BenchError(Exception):
    """The environment is not fit to measure anything: the benchmark stops with exit status 2."""


# --- Services ---------------------------------------------------------------------------------


def ensure_postgres_database(url: str) -> bool:
    """Check PostgreSQL answers and create the database named in ``url`` if it is missing.
    Returns True when it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(f"DATABASE_URL must be a postgres:// URL, not {url!r}.")
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise BenchError("DATABASE_URL must name a database, e.g. .../ace_bench.")
    params = {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username or "postgres"),
        "dbname": "postgres",
        "connect_timeout": 3,
    }
    if parts.password:
        params["password"] = unquote(parts.password)
    try:
        with psycopg.connect(**params, autocommit=True) as conn:
            found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if found:
                return False
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return True
    except psycopg.OperationalError as error:
        raise BenchError(
            f"PostgreSQL at {params['host']}:{params['port']} is not reachable ({error}).\n"
            "Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        ) from None


def flush_redis(url: str) -> None:
    """Check Redis answers, then empty the database named in ``url`` (the broker's queues)."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
        client.flushdb()
    except redis.RedisError as error:
        raise BenchError(
            f"Redis at {url} is not reachable ({error}).\n"
            'Start it: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""'
            " --appendonly no"
        ) from None
    finally:
        client.close()


# --- Processes --------------------------------------------------------------------------------


def start_group(cmd: list[str], *, log: Path, env: dict | None = None) -> subprocess.Popen:
    """Start ``cmd`` in its own session (process group), output to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_group(proc: subprocess.Popen | None, *, grace: float = 15.0) -> None:
    """SIGTERM the group leader (a graceful stop), then SIGKILL whatever is left in its group."""
    if proc is None:
        return
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # pgid == pid: started with start_new_session
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants, from the ppid field of /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        # The command name (field 2) is in parentheses and may contain spaces.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(root: int, tree: bool = True) -> float:
    """CPU time (user + system) of ``root``'s process tree, including the children it has already
    reaped (cutime/cstime): PostgreSQL backends that have exited still count. With ``tree``
    false, of ``root`` alone."""
    total = 0
    for pid in process_tree(root) if tree else [root]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command name: state is field 3, utime..cstime are fields 14-17.
        total += sum(int(value) for value in fields[11:15])
    return total / TICKS


def machine_cpu() -> tuple[float, float]:
    """(busy, total) seconds of all CPUs since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    total = sum(values[:8])  # without guest time, already counted in user
    return (total - idle) / TICKS, total / TICKS


class CpuMeter:
    """CPU seconds spent by named process trees (and the machine) between start() and stop().

    Names in ``alone`` are measured without their children; names in ``parts`` are a part of
    another entry (e.g. a worker's main process) and are not added twice to the total. What the
    machine spent beyond the total is ``others``: work that is not ours (another program or test
    run sharing the machine), which makes every figure of that run lower than it should be.
    """

    def __init__(self, roots: dict[str, int], alone: tuple = (), parts: tuple = ()):
        self.roots = {name: pid for name, pid in roots.items() if pid}
        self.alone, self.parts = alone, parts
        self.used: dict[str, float] = {}
        self.busy = self.others = 0.0

    def _read(self) -> tuple[dict[str, float], tuple[float, float]]:
        used = {
            name: tree_cpu_seconds(pid, tree=name not in self.alone)
            for name, pid in self.roots.items()
        }
        return used, machine_cpu()

    def start(self) -> "CpuMeter":
        self._before = self._read()
        return self

    def stop(self) -> "CpuMeter":
        after, (busy, total) = self._read()
        before, (busy0, total0) = self._before
        self.used = {name: after[name] - before[name] for name in self.roots}
        ours = sum(seconds for name, seconds in self.used.items() if name not in self.parts)
        elapsed = max(total - total0, 1e-9)  # CPU seconds of all cores, busy or idle
        self.busy = (busy - busy0) / elapsed
        self.others = max(busy - busy0 - ours, 0) / elapsed
        return self

    def per_item_ms(self, items: int) -> str:
        return ", ".join(
            f"{name} {seconds / items * 1000:.2f}" for name, seconds in self.used.items()
        )


def _status_kb(path: str, field: str) -> int:
    try:
        with open(path) as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory_kb(root: int, pids: list[int] | None = None) -> tuple[int, int, int]:
    """(sum of VmRSS, sum of Pss, number of processes) of ``root``'s process tree (or of
    ``pids``), in kB. RSS counts pages shared by forked children once per process; PSS splits
    them."""
    pids = pids or process_tree(root)
    rss = sum(_status_kb(f"/proc/{pid}/status", "VmRSS:") for pid in pids)
    pss = sum(_status_kb(f"/proc/{pid}/smaps_rollup", "Pss:") for pid in pids)
    return rss, pss, len(pids)


# --- The SMTP sink ----------------------------------------------------------------------------


class SmtpSink:
    """A counting SMTP server (aiosmtpd) in a separate process group.

    It listens on 127.0.0.1 on a free port, accepts every message with 250, and writes how many it
    accepted to ``<state_dir>/count`` every 20 ms (and when it stops).
    """

    def __init__(self, state_dir: Path):
        self.state_dir = state_dir
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout: float = 15.0) -> "SmtpSink":
        port_file = self.state_dir / "port"
        self.proc = start_group(
            [PYTHON, __file__, "smtp-sink", "--state-dir", str(self.state_dir)],
            log=self.state_dir / "sink.log",
        )
        deadline = time.monotonic() + timeout
        while not port_file.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise BenchError(
                    "The SMTP sink did not start:\n" + tail(self.state_dir / "sink.log")
                )
            time.sleep(0.05)
        self.port = int(port_file.read_text())
        return self

    def count(self) -> int:
        try:
            return int((self.state_dir / "count").read_text() or 0)
        except (OSError, ValueError):
            return 0

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        stop_group(self.proc, grace=5)


def _run_sink(state_dir: Path) -> None:
    from aiosmtpd.smtp import SMTP

    accepted = 0

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
            nonlocal accepted
            accepted += 1
            return "250 OK"

    def write_count() -> None:
        tmp = state_dir / "count.tmp"
        tmp.write_text(str(accepted))
        os.replace(tmp, state_dir / "count")

    async def main() -> None:
        loop = asyncio.get_running_loop()
        handler = Handler()
        server = await loop.create_server(
            lambda: SMTP(handler, hostname="bench-sink", ident="bench-sink"), "127.0.0.1", 0
        )
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        write_count()
        port = server.sockets[0].getsockname()[1]
        (state_dir / "port.tmp").write_text(str(port))
        os.replace(state_dir / "port.tmp", state_dir / "port")
        written = 0
        while not stop.is_set():
            if accepted != written:
                written = accepted
                write_count()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.02)
        server.close()
        write_count()

    asyncio.run(main())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("role", choices=["smtp-sink"])
    parser.add_argument("--state-dir", type=Path, required=True)
    _run_sink(parser.parse_args().state_dir)


# --- Timing pages (with a Django test client) ------------------------------------------------


def get(client, path: str, headers=None):
    """GET ``path``; anything but 200 stops the benchmark (it would time an error page)."""
    response = client.get(path, headers=headers)
    if response.status_code != 200:
        where = response.get("Location", "")
        raise BenchError(f"GET {path} answered {response.status_code} {where}")
    return response


def count_queries(client, path: str, headers=None) -> tuple[int, list[dict]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    get(client, path, headers)  # warm: the same state as the timed requests
    with CaptureQueriesContext(connection) as captured:
        get(client, path, headers)
    return len(captured.captured_queries), captured.captured_queries


def p95(values) -> float:
    """The 95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def sign_in_with_second_factor(client, user) -> None:
    """Sign ``user`` in on a test client as allauth does after the password and TOTP.

    Staff pages need a session whose allauth records show a second factor; ``force_login``
    alone makes a password-only session, which is sent to the TOTP prompt (as in
    tests/conftest.py's ``sign_in``).
    """
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if totp is not None:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


def start_worker(workdir: Path, name: str):
    """A real Celery worker (one prefork child) for a benchmark, started and pinged; returns
    the process and its log. Django must be set up (the ping goes through the project's app)."""
    import socket

    from ace_portal.celery import app

    node = f"{name}{os.getpid()}@{socket.gethostname()}"
    log = workdir / "worker.log"
    cmd = [str(CELERY), "-A", "ace_portal", "worker", "--concurrency=1", "--pool=prefork"]
    cmd += ["--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip"]
    worker = start_group([*cmd, "-n", node], log=log, env=dict(os.environ))
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[node], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            stop_group(worker)
            raise BenchError(f"The Celery worker did not start:\n{tail(log)}")
    return worker, log


def seed_pool(count: int, progress) -> str:
    """Make sure the database (DATABASE_URL) holds a pool of ``count`` experts, seeding it with
    ``seed_demo --seed 1`` the first time; returns a note of what was done. Django must be set
    up. A pool of another size is refused: the benchmark would measure something else."""
    from experts.demo import pool as demo

    existing = demo.pool_users().count()
    if existing and abs(existing - count) > count * 0.01:
        raise BenchError(
            f"The pool in this database has {existing} experts, not {count}. Use another "
            "DATABASE_URL, or rebuild it: manage.py seed_demo --reset --experts N --seed 1"
        )
    if existing:
        return "existing pool"
    progress(f"seeding {count} experts with seed_demo (once; about 2 minutes)")
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "manage.py", "seed_demo", "--experts", str(count), "--seed", "1"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BenchError(f"seed_demo failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return f"seeded {count} in {time.perf_counter() - started:.0f} s"
