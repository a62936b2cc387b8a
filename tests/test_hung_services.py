"""A Redis that hangs or refuses must not hang people (issue #9, item 3).

Each test starts a redis-server of its own on a free port, points this process's Django cache
and Celery app at it with the project's own settings (socket timeouts included), then breaks
it: SIGSTOP (the server still accepts TCP connections, as the kernel completes the handshake,
but never answers: the case that hangs clients without socket timeouts) or SIGKILL (connections
refused). Every request must then answer within BOUND seconds, with the outbox row kept for the
sweep, the directory built from the database, and sign-in refused with an explanation.

A request that hangs is interrupted by an alarm raised as a BaseException, so that no
``except Exception`` on the way (dispatch has one) can mistake it for a broker error.
"""

import shutil
import signal
import subprocess
import time
from contextlib import contextmanager

import pytest
import redis
from django.urls import reverse

from ace_portal import settings as project_settings
from ace_portal.accounts.models import Invitation
from ace_portal.celery import app as celery_app
from ace_portal.notifications.enums import NotificationState
from ace_portal.notifications.models import Notification
from experts.enums import ImportState
from experts.models import ExpertImport, ThematicArea
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD
from tests.notifications.conftest import use_broker, wait_until
from tests.notifications.smtp_sink import free_port

pytestmark = pytest.mark.django_db

# A person waits at most this long for an answer while Redis is broken.
BOUND = 5.0
# Past this the request is deemed hung and interrupted (the test then fails, rather than hangs).
HUNG_AFTER = 15.0


class Hung(BaseException):
    """The request was still running HUNG_AFTER seconds after it started."""


@contextmanager
def answers_within(bound: float = BOUND):
    """Fail if the block takes longer than ``bound`` seconds; interrupt it if it hangs."""

    def interrupt(signum, frame):
        raise Hung

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, HUNG_AFTER)
    started = time.monotonic()
    try:
        yield
    except Hung:
        pytest.fail(f"Still waiting after {HUNG_AFTER} s: the request hangs on Redis.")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    elapsed = time.monotonic() - started
    assert elapsed < bound, f"answered after {elapsed:.1f} s (bound {bound} s)"


class OwnRedis:
    """A throwaway redis-server: nothing persisted, stopped by its pid."""

    def __init__(self):
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("These tests need redis-server on PATH.", pytrace=False)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1)

        def ready():
            try:
                return client.ping()
            except redis.RedisError:
                return False

        wait_until(ready, timeout=10, message="own redis-server to answer PING")

    def hang(self):
        self.process.send_signal(signal.SIGSTOP)

    def refuse(self):
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def project_cache(url: str) -> dict:
    """The project's own Redis cache configuration (backend, timeouts), aimed at ``url``."""
    configured = project_settings.CACHES["default"]
    if "redis" not in configured["BACKEND"].lower():
        pytest.fail("Run these tests with REDIS_URL set (the README's test setup).", pytrace=False)
    return {**configured, "LOCATION": url}


@pytest.fixture
def own_redis(settings):
    """This process's cache and broker on a redis-server of the test's own."""
    server = OwnRedis()
    conf = celery_app.conf
    previous = conf.broker_url, conf.task_always_eager
    try:
        settings.CACHES = {"default": project_cache(server.url)}
        conf.task_always_eager = False
        use_broker(server.url)
        yield server
    finally:
        server.stop()
        use_broker(previous[0])
        conf.task_always_eager = previous[1]


@pytest.fixture(params=["hung", "refused"])
def broken_redis(request, own_redis):
    getattr(own_redis, "hang" if request.param == "hung" else "refuse")()
    return own_redis


@pytest.fixture
def invited(alice):
    """An expert who has not activated the account yet (a new link may be sent)."""
    alice.user.set_unusable_password()
    alice.user.save()
    return alice


def test_notifying_request_answers_and_keeps_the_outbox_row(
    broken_redis, client, officer, invited, django_capture_on_commit_callbacks
):
    sign_in(client, officer)
    url = reverse("secretariat:resend_invitation", args=[invited.pk])
    with answers_within(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url)
    assert callbacks, "the notification was dispatched on commit"
    assert response.status_code == 302
    assert response.url == reverse("secretariat:expert_detail", args=[invited.pk])
    assert Invitation.objects.filter(user=invited.user, used_at=None, revoked_at=None).exists()
    row = Notification.objects.get(recipient=invited.user)
    assert (row.state, row.attempts) == (NotificationState.PENDING, 0), "kept for the sweep"


def test_import_upload_answers_and_says_the_worker_is_unreachable(
    broken_redis, client, officer, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, officer)
    content = b"email,given_names,family_name,administration\r\nn@customs.example,Nadia,Ex,KE\r\n"
    with answers_within(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("secretariat:import_start"),
            {"file": SimpleUploadedFile("experts.csv", content)},
        )
    assert response.status_code == 302
    expert_import = ExpertImport.objects.get()
    assert expert_import.state == ImportState.INVALID
    assert "could not be reached" in expert_import.error


def test_directory_answers_from_the_database(broken_redis, client, officer, alice):
    sign_in(client, officer)
    area = ThematicArea.objects.filter(is_active=True).order_by("name_en").first()
    with answers_within():
        response = client.get(reverse("secretariat:directory"))
    assert response.status_code == 200
    assert "Mwangi" in response.text
    assert area.name_en in response.text, "the filter's choice lists came from the database"
    with answers_within():  # and again: a broken cache is not asked on every request
        assert client.get(reverse("secretariat:directory")).status_code == 200


def test_sign_in_is_refused_in_time_with_an_explanation(broken_redis, client, alice):
    with answers_within():
        assert client.get(reverse("account_login")).status_code == 200
    with answers_within():
        response = client.post(
            reverse("account_login"), {"login": alice.user.email, "password": DEFAULT_PASSWORD}
        )
    # Failing closed: the rate limits that guard passwords live in Redis (see ace_portal.cache).
    assert response.status_code == 503
    assert "Signing in is unavailable for a moment" in response.text
    assert client.session.get("_auth_user_id") is None


# The tolerant cache itself (ace_portal.cache)


@pytest.fixture
def quick_retry(settings, own_redis):
    """The project's cache on the test's own Redis, asking it again 0.3 s after a failure."""
    cache = project_cache(own_redis.url)
    settings.CACHES = {"default": {**cache, "OPTIONS": {**cache["OPTIONS"], "retry_after": 0.3}}}
    return own_redis


def test_hung_cache_costs_one_timeout_then_answers_misses_at_once(own_redis, caplog):
    from django.core.cache import cache

    from ace_portal.cache import cache_available

    cache.set("hung:key", "kept")
    assert cache.get("hung:key") == "kept"
    own_redis.hang()
    with answers_within(project_settings.REDIS_SOCKET_TIMEOUT_SECONDS + 1):
        assert cache.get("hung:key", "default") == "default"
    assert not cache_available()
    started = time.monotonic()
    assert cache.add("hung:other", 1) is False
    cache.set("hung:key", "dropped")
    assert cache.get_many(["hung:key"]) == {}
    with pytest.raises(ValueError):
        cache.incr("hung:counter")
    assert time.monotonic() - started < 0.1, "a cache marked down is not asked"
    warnings = [r for r in caplog.records if r.name == "ace_portal.cache"]
    assert [r.levelname for r in warnings] == ["WARNING"], "one warning, not one per call"
    assert "TimeoutError" in warnings[0].getMessage()


def test_cache_is_asked_again_after_retry_after(quick_retry):
    from django.core.cache import cache

    from ace_portal.cache import cache_available

    quick_retry.hang()
    assert cache.get("back:key") is None
    quick_retry.process.send_signal(signal.SIGCONT)
    cache.set("back:key", "early")  # still marked down: dropped
    wait_until(cache_available, timeout=5, message="the cache to be asked again")
    assert cache.get("back:key") is None
    cache.set("back:key", "late")
    assert cache.get("back:key") == "late"


def test_reference_change_while_cache_down_is_announced_once_it_is_back(quick_retry):
    from experts.services import choices

    before = choices.current_version()
    assert before is not None
    quick_retry.hang()
    choices.bump_version()  # a reference row saved while Redis hangs (outside a transaction)
    assert choices.snapshot().version is None, "no version: lists from the database"
    quick_retry.process.send_signal(signal.SIGCONT)
    wait_until(lambda: choices.snapshot().version is not None, timeout=5, message="version")
    assert choices.current_version() != before, "the change was announced"


def test_genuine_rate_limit_still_says_too_many_attempts(settings, client, alice):
    """With the cache answering (the tests' local-memory cache), a refusal is a real limit."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "1/m/ip"}
    data = {"login": alice.user.email, "password": "not-the-password"}
    assert client.post(reverse("account_login"), data).status_code == 200
    response = client.post(reverse("account_login"), data)
    assert response.status_code == 429
    assert "Too many attempts" in response.text
