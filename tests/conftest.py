import os

# pytest-playwright keeps an event loop running for the session; Django would otherwise refuse
# ORM calls from the browser tests (STACK.md). Must be set before Django starts.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes  # noqa: E402
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value  # noqa: E402

from ace_portal.accounts.roles import Role  # noqa: E402

from .factories import ExpertFactory, UserFactory  # noqa: E402

# The SMTP sink, the real broker and a real Celery worker, for any test that asks for them.
# The materials cast (Carol, Dan, the e-commerce group) is also the library journey's.
pytest_plugins = ["tests.worker_fixtures", "tests.materials.cast"]

STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _isolated_storage(settings, tmp_path):
    """Uploads go to a temporary private folder, never into the work tree; caches are fresh."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private"},
        },
    }
    settings.STORAGES["staticfiles"] = {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    }
    # A fresh cache per test: allauth keeps rate limits and used TOTP codes there, and a shared
    # Redis cache would carry them from one test (or run) into the next.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
        }
    }


@pytest.fixture(autouse=True)
def _tasks_run_inline():
    """Celery tasks run in the test's process unless a test drives a real worker (the
    ``celery_broker`` fixture of tests/worker_fixtures.py turns this off for its test)."""
    from ace_portal.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at Django's cost takes ~0.3 s per account; the tests make many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return ExpertFactory(given_names="Alice", family_name="Mwangi")


@pytest.fixture
def bob(db):
    return ExpertFactory(given_names="Bob", family_name="Okafor")


def _with_totp(user):
    TOTP.activate(user, STAFF_TOTP_SECRET)
    RecoveryCodes.activate(user)
    return user


@pytest.fixture
def officer(db):
    """A Secretariat officer with TOTP set up, as staff must be."""
    return _with_totp(
        UserFactory(email="officer@wco.example", first_name="Sam", roles=[Role.SECRETARIAT])
    )


@pytest.fixture
def admin_user(db):
    return _with_totp(
        UserFactory(
            email="admin@wco.example",
            first_name="Ada",
            is_staff=True,
            is_superuser=True,
            roles=[Role.ADMIN],
        )
    )


def sign_in(client, user, *, second_factor: bool = True):
    """Sign `user` in on the test client as allauth would after password and TOTP.

    Staff pages need a session that passed the second factor (StaffMFAMiddleware reads allauth's
    authentication records); `client.force_login` alone makes a password-only session, which is
    what `second_factor=False` gives, for the tests of that door.
    """
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if second_factor and totp is not None:
        records.append({"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def current_totp_code():
    """The code an authenticator app would show now for STAFF_TOTP_SECRET."""
    import time

    def code(secret: str = STAFF_TOTP_SECRET) -> str:
        return format_hotp_value(hotp_value(secret, int(time.time()) // 30))

    return code


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--headless",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }
