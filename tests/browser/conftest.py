"""Shared set-up of the browser journeys: quick timeouts, reference data, signing in.

Every browser test runs against pytest-django's ``live_server`` in a transactional database.
Transactional tests end with a flush, which would also delete the reference rows written by the
data migrations (Member administrations, languages, groups ...). The tests therefore ask for
``serialized_rollback=True`` (see ``BROWSER_DB`` below), which reloads those rows before each test;
``_serialized_rollback_survives_playwright`` keeps that working once Playwright's event loop runs,
and ``_reference_data`` fails fast, with a clear message, if the rows are missing anyway.

The same marker is what a journey needs to have its notifications delivered by a real Celery
worker (the ``worker`` fixture of tests/worker_fixtures.py): the worker is another process, and
sees only the rows the live server has committed.
"""

import re
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from playwright.sync_api import Page, expect

from ace_portal.accounts.roles import Role
from experts.models import Language, MemberAdministration

# Apply to every browser test module: ``pytestmark = [pytest.mark.browser, BROWSER_DB]``.
BROWSER_DB = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Failures should surface in seconds, not after Playwright's default 30 s.
TIMEOUT_MS = 5_000

# A minimal document that passes experts.uploads.validate_pdf (signature + end-of-file marker).
MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def watch_console(page: Page, errors: list) -> Page:
    """Collect ``page``'s console errors and uncaught exceptions into ``errors``."""
    page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text[:200]}"))
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    # The console names no address for a failed load: the response does.
    page.on(
        "response",
        lambda r: r.status >= 400 and errors.append(f"{page.url}: {r.status} for {r.url}"),
    )
    return page


@pytest.fixture
def expected_console_errors() -> list[str]:
    """Parts of the console errors a test provokes on purpose (a page it expects to be 404)."""
    return []


@pytest.fixture
def page(page: Page, expected_console_errors):
    """Every browser test's page fails its test on a console error (a CSP refusal, a missing
    file, a script error), in this page or any other its test opens in the same context."""
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(2 * TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    errors = []
    watch_console(page, errors)
    page.context.on("page", lambda opened: watch_console(opened, errors))
    yield page
    unexpected = [e for e in errors if not any(part in e for part in expected_console_errors)]
    assert unexpected == [], "console errors:\n" + "\n".join(unexpected)


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_survives_playwright(request, django_db_setup):
    """Keep serialized_rollback working once pytest-playwright's event loop runs.

    Django keeps database connections in a thread-critical ``asgiref.local.Local``: while no
    event loop runs they are thread-locals, while one runs they are per-context objects. The test
    database is serialized onto the connection that exists when ``django_db_setup`` runs; if other
    database tests ran first, that is the thread-local one. After pytest-playwright starts its
    loop, ``connections["default"]`` is a different object without ``_test_serialized_contents``,
    and Django then silently skips the reload (the reference data stays flushed). So: read the
    serialized data now, start Playwright, and put the data on the connection tests will use.
    """
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None)
        for alias in connections
    }
    request.getfixturevalue("playwright")
    for alias, contents in serialized.items():
        if contents is not None and not hasattr(connections[alias], "_test_serialized_contents"):
            connections[alias]._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _reference_data(request):
    """The data-migration rows the journeys rely on are present (the serialized-rollback trap)."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    missing = []
    if not MemberAdministration.objects.filter(iso_code="KE").exists():
        missing.append("Member administrations")
    if not Language.objects.filter(code="fr").exists():
        missing.append("languages")
    if Group.objects.filter(name__in=list(Role)).count() != len(Role):
        missing.append("role groups")
    if missing:
        pytest.fail(
            "Reference data from the data migrations is missing ("
            + ", ".join(missing)
            + "): mark the test with BROWSER_DB (serialized_rollback=True)."
        )


def label(text: str) -> re.Pattern:
    """A form label as rendered: Django's forms append a colon ("Password:")."""
    return re.compile(rf"^\s*{re.escape(text)}:?\s*$")


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Sign in through the real login form (allauth's ``login`` and ``password`` fields)."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()


def fresh_totp_code(current_totp_code) -> str:
    """A code that stays valid for a few seconds: waits out the end of a 30-second window."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.1)
    return current_totp_code()


def completeness(page: Page) -> int:
    """The percentage the profile's completeness meter shows, e.g. 19 for "19%"."""
    text = page.get_by_test_id("completeness-value").inner_text().strip()
    assert text.endswith("%"), text
    return int(text.rstrip("%"))
