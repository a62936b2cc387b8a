"""A real Celery worker for tests: an SMTP sink, the real broker, a ``celery worker`` process.

Registered as a plugin by ``tests/conftest.py``, so any test may ask for these fixtures: the
notification fault tests (tests/notifications) and the browser journeys whose emails must be
delivered by a worker (tests/browser/test_missions.py).

The worker is a separate process against Redis and the pytest test database. It sees only
committed rows, so the tests that use it run in a transactional database with
``serialized_rollback`` (the reference rows flushed after each test come back), and let every
notification they queued settle before they end. The worker consumes a queue of this session's
own (see ``worker_queue``), and this process routes the notification tasks there while a test runs.
"""

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from django.db import connection

from ace_portal.celery import app as celery_app
from tests.notifications.smtp_sink import SmtpSink

REPO_ROOT = Path(__file__).parents[1]
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
# The worker tests use the dedicated Redis database 15 whatever database REDIS_URL names, so a
# developer's queue or cache is never touched.
TEST_REDIS_DB = 15
WORKER_READY_SECONDS = 30
WORKER_TIMEOUTS = {
    "NOTIFICATIONS_RETRY_BASE_SECONDS": 1,
    "NOTIFICATIONS_SENDING_TIMEOUT_SECONDS": 2,
    "NOTIFICATIONS_PENDING_GRACE_SECONDS": 0,
    # The sink is local: a reply it holds back for longer than this is a late one.
    "EMAIL_TIMEOUT": 2,
}


def wait_until(predicate, *, timeout: float = 30.0, interval: float = 0.05, message=""):
    """Poll ``predicate`` until it returns something truthy, and return that; fail otherwise
    with ``message`` (a string, or a callable giving one, to describe the state at the end)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            detail = message() if callable(message) else message
            pytest.fail(f"Timed out after {timeout} s: {detail or predicate}")
        time.sleep(interval)


# --- SMTP sink --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _smtp_sink_server():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp_sink(_smtp_sink_server):
    """The session's SMTP sink, emptied and accepting everything at the start of each test."""
    _smtp_sink_server.reset()
    yield _smtp_sink_server
    _smtp_sink_server.reset()


@pytest.fixture
def smtp_to_sink(settings, smtp_sink):
    """This process's email goes to the sink over real SMTP (instead of the locmem outbox)."""
    settings.EMAIL_BACKEND = "ace_portal.notifications.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_sink.host
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


# --- Broker -----------------------------------------------------------------------------------


def _test_redis_url() -> str:
    parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The broker of the worker tests. Redis must run: these tests fail, never skip, without it."""
    url = _test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(
            f"Redis is unreachable at {url} ({error}); the worker tests need it. "
            "Start it with scripts/services or: redis-server --daemonize yes --port 6379",
            pytrace=False,
        )
    return url


@pytest.fixture(scope="session")
def worker_queue(redis_url):
    """A queue of this test session's own. Several test runs may share one Redis (CI jobs, or
    people on one machine): with the common "celery" queue, one run's worker would take the other
    run's jobs, find no such row in its own database, and the other run would lose them."""
    name = f"ace-tests-worker-{os.getpid()}-{secrets.token_hex(3)}"
    yield name
    _forget_queue(redis.Redis.from_url(redis_url), name)


def _forget_queue(client: redis.Redis, name: str) -> None:
    """Remove the queue, kombu's binding for it, and the jobs a killed worker left unacked
    (kombu would restore those into the queue in an hour, where nobody would take them)."""
    client.delete(*client.keys(f"*{name}*") or [name])
    for tag, entry in client.hgetall("unacked").items():
        if json.loads(entry)[-1] == name:  # [message, exchange, routing key]
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


def use_broker(url: str) -> None:
    """Point this process's Celery app at ``url`` now. kombu keeps connection and producer pools
    per broker URL in a global registry: reset it, so the next apply_async connects afresh."""
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


def route_notifications_to(routes) -> None:
    conf, amqp = celery_app.conf, celery_app.amqp
    conf.task_routes = routes
    amqp.flush_routes()
    amqp.router = amqp.Router()


@pytest.fixture
def celery_broker(redis_url, worker_queue):
    """This process hands notification tasks to the real broker (not inline), on the queue of
    this session's worker, for the duration of a test."""
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager, conf.task_routes
    conf.task_always_eager = False
    use_broker(redis_url)
    route_notifications_to({"notifications.*": {"queue": worker_queue}})
    yield redis_url
    route_notifications_to(previous[2])
    use_broker(previous[0])
    conf.task_always_eager = previous[1]


@pytest.fixture
def worker_timeouts(settings):
    """This process uses the same short retry and sweep delays as the worker."""
    for name, value in WORKER_TIMEOUTS.items():
        setattr(settings, name, value)
    return WORKER_TIMEOUTS


# --- Worker -----------------------------------------------------------------------------------


def worker_database_url() -> str:
    db = connection.settings_dict
    if not db["ENGINE"].endswith("postgresql"):
        pytest.fail("The worker tests need PostgreSQL: set DATABASE_URL.", pytrace=False)
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"


class Worker:
    """``celery worker`` (prefork, one child) in its own process group."""

    def __init__(self, *, env: dict, queue: str, log_dir: Path):
        self.env = env
        self.queue = queue
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.started = 0

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        self.started += 1
        self.logfile = self.log_dir / f"worker-{self.started}.log"
        self.outfile = self.log_dir / f"worker-{self.started}.out"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ace_portal",
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=INFO",
            "-Q",
            self.queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            f"--hostname=tests{self.started}@%h",
            f"--logfile={self.logfile}",
        ]
        with self.outfile.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: a kill takes the child too
            )
        deadline = time.monotonic() + WORKER_READY_SECONDS
        while " ready." not in self._read(self.logfile):
            if not self.alive or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"The Celery worker did not become ready.\n{self.output()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the whole group (main process and pool child), like the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

    def output(self) -> str:
        return f"--- log\n{self._read(self.logfile)}\n--- output\n{self._read(self.outfile)}"

    @staticmethod
    def _read(path: Path) -> str:
        try:
            return path.read_text(errors="replace")
        except FileNotFoundError:
            return ""


@pytest.fixture(scope="module")
def _worker_process(django_db_setup, redis_url, worker_queue, _smtp_sink_server, tmp_path_factory):
    """One worker per test module (starting one costs seconds); tests may kill and restart it."""
    redis.Redis.from_url(redis_url).delete(worker_queue)  # nothing left by an earlier module
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "ace_portal.settings"),
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_HOST": _smtp_sink_server.host,
        "EMAIL_PORT": str(_smtp_sink_server.port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_USE_SSL": "false",
        **{name: str(value) for name, value in WORKER_TIMEOUTS.items()},
    }
    worker = Worker(env=env, queue=worker_queue, log_dir=tmp_path_factory.mktemp("celery-worker"))
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def worker(_worker_process, celery_broker, worker_timeouts, smtp_sink):
    """A running worker, this process dispatching to it, and an empty sink."""
    if not _worker_process.alive:
        _worker_process.start()
    return _worker_process


# --- A worker of one task, sharing this process's files --------------------------------------


@contextmanager
def task_worker(settings, tmp_path, *, task: str):
    """A worker that runs ``task`` (an export to write, a file to read) on a queue of this
    test's own, with the private storage of this process (the job and the test share files)."""
    url = _test_redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is unreachable at {url} ({error}).", pytrace=False)
    queue = f"{task}-{os.getpid()}-{tmp_path.name}"
    media = tmp_path / "shared-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ace_portal.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": url,
        "ACE_PRIVATE_MEDIA_ROOT": str(media),
    }
    worker = Worker(env=env, queue=queue, log_dir=tmp_path)
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager, conf.task_routes
    worker.start()
    try:
        conf.task_always_eager = False
        use_broker(url)
        route_notifications_to({task: {"queue": queue}})
        yield worker
    finally:
        route_notifications_to(previous[2])
        use_broker(previous[0])
        conf.task_always_eager = previous[1]
        worker.stop()
        _forget_queue(redis.Redis.from_url(url), queue)


@pytest.fixture
def extraction_worker(django_db_setup, tmp_path, settings):
    """A worker reading the text of the library's uploads (materials.extract_text)."""
    with task_worker(settings, tmp_path, task="materials.extract_text") as worker:
        yield worker
