"""ACE Portal settings, driven by environment variables (see the README's configuration table).

With no variables set the portal runs locally: SQLite, Celery tasks run inline, email printed to
the console, DEBUG on. ``DJANGO_ENV=production`` turns on every deployment safeguard and refuses to
start without a real secret key and allowed hosts.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import database_from_url, env_bool, env_int, env_int_list, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_SECRET_KEY: a random value of 50+ characters."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DJANGO_ENV=production needs DJANGO_ALLOWED_HOSTS (comma-separated host names)."
        )
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must not be on when DJANGO_ENV=production.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "django_countries",
    "phonenumber_field",
    "ace_portal.accounts",
    "ace_portal.notifications",
    "experts",
    "materials",
    "missions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ace_portal.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ace_portal.accounts.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "ace_portal.urls"
WSGI_APPLICATION = "ace_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ace_portal.accounts.context_processors.role_flags",
                "ace_portal.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite for the local run; DATABASE_URL selects PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # A new connection costs ~14 ms here; keep them. JIT added ~190 ms to ranking queries.
        DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 600)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
elif PRODUCTION:
    raise ImproperlyConfigured("DJANGO_ENV=production needs DATABASE_URL (PostgreSQL).")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
        }
    }
# Matching's covering indexes (INCLUDE columns) are a PostgreSQL gain; SQLite makes them plain
# indexes, which is all the local run needs: its warning would open every make run.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: email is the login; nobody signs up on their own (experts are invited).
ACCOUNT_ADAPTER = "ace_portal.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ACE Portal] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "change_email": "1/m/user",
}
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "ACE Portal"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# The portal's public address, for links in emails sent by workers (no request to ask).
ACE_BASE_URL = env_str("ACE_BASE_URL", "http://127.0.0.1:8000")

# How long an invitation (activation link) stays valid.
ACCOUNT_INVITATION_DAYS = env_int("ACE_INVITATION_DAYS", 14)
# The data-processing consent text an expert agrees to; raise it when the text changes.
CONSENT_VERSION = env_str("ACE_CONSENT_VERSION", "2026-1")

# Internationalisation: the WCO's two official languages.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

# Static files through whitenoise; uploads never under the web root.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
PRIVATE_MEDIA_ROOT = Path(env_str("ACE_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private/"},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MAX_CV_BYTES = env_int("ACE_MAX_CV_BYTES", 10 * 1024 * 1024)
MAX_PHOTO_BYTES = env_int("ACE_MAX_PHOTO_BYTES", 5 * 1024 * 1024)
# A mission's documents (terms of reference, agenda, materials: PDF, DOCX, PPTX, XLSX).
MISSION_DOCUMENT_MAX_BYTES = env_int("ACE_MISSION_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
# The library's files (PDF, DOCX, PPTX, XLSX, images): a handbook with pictures fits in 30 MB.
MATERIAL_MAX_BYTES = env_int("ACE_MATERIAL_MAX_BYTES", 30 * 1024 * 1024)
# The text kept of a file for the library's search (a 300-page handbook is about 1 MB).
MATERIAL_MAX_TEXT_CHARS = env_int("ACE_MATERIAL_MAX_TEXT_CHARS", 1_000_000)
# A file's reading still not done this many minutes after it was queued was lost (the broker
# was down at the upload, or the worker died): it is queued again, and after this many
# readings begun and never finished (a file that kills its worker) it is given up as FAILED.
MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES = env_int("ACE_MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES", 15)
MATERIAL_EXTRACTION_MAX_ATTEMPTS = env_int("ACE_MATERIAL_EXTRACTION_MAX_ATTEMPTS", 3)
# A working group's coordinator is reminded this many days before a deliverable is due, on the
# day after it was due, and then every OVERDUE_EVERY days until it is done.
DELIVERABLE_REMIND_DAYS_BEFORE = env_int("ACE_DELIVERABLE_REMIND_DAYS_BEFORE", 7)
DELIVERABLE_OVERDUE_EVERY_DAYS = env_int("ACE_DELIVERABLE_OVERDUE_EVERY_DAYS", 7)
# Expert imports: 20 MB holds 20 000 rows with long biographies.
ACE_IMPORT_MAX_BYTES = env_int("ACE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
ACE_IMPORT_MAX_ROWS = env_int("ACE_IMPORT_MAX_ROWS", 20_000)
# What the parts of an XLSX may unpack to (a workbook of 20 000 experts is a few tens of MB).
ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES = env_int(
    "ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES", 200 * 1024 * 1024
)
# Directory exports up to this many rows stream in the request (well under a second even as
# XLSX); larger ones are written by a worker and kept for their requester this many hours.
ACE_EXPORT_STREAM_MAX_ROWS = env_int("ACE_EXPORT_STREAM_MAX_ROWS", 5_000)
ACE_EXPORT_KEEP_HOURS = env_int("ACE_EXPORT_KEEP_HOURS", 24)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Email: console locally; EMAIL_HOST selects SMTP.
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "ACE Portal <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    # Django's, but it tells a reply lost after the message was sent from a failure to send.
    EMAIL_BACKEND = "ace_portal.notifications.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", EMAIL_PORT == 465)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery: REDIS_URL selects the broker; without it tasks run inline (the local run).
REDIS_URL = env_str("REDIS_URL")
# A Redis that accepts connections but never answers (hung, or a dropped route) would block a
# request for ever without socket timeouts, in kombu's publish and in the cache alike. Commands
# take well under a millisecond; the read timeout stays above kombu's 1 s BRPOP poll.
REDIS_CONNECT_TIMEOUT_SECONDS = env_int("REDIS_CONNECT_TIMEOUT_SECONDS", 1)
REDIS_SOCKET_TIMEOUT_SECONDS = env_int("REDIS_SOCKET_TIMEOUT_SECONDS", 2)
# After a failure, each process goes without the cache this long before asking Redis again.
REDIS_RETRY_AFTER_SECONDS = env_int("REDIS_RETRY_AFTER_SECONDS", 5)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # Tolerant: with Redis down a read misses and a write is dropped (see ace_portal.cache).
    CACHES = {
        "default": {
            "BACKEND": "ace_portal.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
                "retry_after": REDIS_RETRY_AFTER_SECONDS,
            },
        }
    }
else:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_ENV=production needs REDIS_URL (the Celery broker).")
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# max_retries 0: publishing to a broker that is down fails at once (the outbox row waits for the
# sweep) instead of blocking the person's request for ~6 s of kombu reconnection attempts.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "max_retries": 0,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
}
# kombu keeps trying to connect until this deadline, each try waiting out the socket timeout:
# on a hung Redis a publish took 4.0 s with Celery's default of 4, 2.0 s with 1 (measured).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT_SECONDS
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Celery's Django fixup closes the database connection around every task unless this is set:
# reconnecting (~14 ms) dominated a notification's delivery. ace_portal.celery still closes
# broken or expired connections around each task, as Django does around a request.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 1000)

# Notifications (ace_portal.notifications): retries, the sweep and digests.
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 100)
# Transient failures (a mail server down, 4xx replies) are retried for as long as a mail server
# would keep a message: 48 hours by default, with the backoff capped at an hour.
NOTIFICATIONS_RETRY_HOURS = env_int("NOTIFICATIONS_RETRY_HOURS", 48)
# A message whose reply was lost after it was sent is probably delivered: tried once more,
# this much later, never at once.
NOTIFICATIONS_UNCERTAIN_RETRY_SECONDS = env_int("NOTIFICATIONS_UNCERTAIN_RETRY_SECONDS", 6 * 3600)
# Notifications handed to one worker job (each still claimed and sent on its own).
NOTIFICATIONS_DISPATCH_BATCH = env_int("NOTIFICATIONS_DISPATCH_BATCH", 20)
NOTIFICATIONS_RETRY_BASE_SECONDS = env_int("NOTIFICATIONS_RETRY_BASE_SECONDS", 30)
NOTIFICATIONS_RETRY_MAX_SECONDS = env_int("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
# How long a worker's claim on a row it is sending holds; a row still "sending" after that (its
# worker was killed) goes back to the sweep. It must outlast the longest send: each SMTP step
# waits at most EMAIL_TIMEOUT, and a send has about eight (connect ... the reply to DATA).
NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = env_int("NOTIFICATIONS_SENDING_TIMEOUT_SECONDS", 180)
NOTIFICATIONS_PENDING_GRACE_SECONDS = env_int("NOTIFICATIONS_PENDING_GRACE_SECONDS", 60)
NOTIFICATIONS_DIGEST_HOUR = env_int("NOTIFICATIONS_DIGEST_HOUR", 7)
NOTIFICATIONS_PREFERENCES_LINK_DAYS = env_int("NOTIFICATIONS_PREFERENCES_LINK_DAYS", 90)
NOTIFICATIONS_DOMAIN = env_str("NOTIFICATIONS_DOMAIN", "ace-portal.local")
# Reminders to experts.
PROFILE_CONFIRMATION_MONTHS = env_int("ACE_PROFILE_CONFIRMATION_MONTHS", 12)
PASSPORT_WARNING_MONTHS = env_int("ACE_PASSPORT_WARNING_MONTHS", 6)
# Accreditation: years of validity (a thematic area may set its own), and reminder days.
ACCREDITATION_VALIDITY_YEARS = env_int("ACE_ACCREDITATION_VALIDITY_YEARS", 3)
ACCREDITATION_REMINDER_DAYS = env_int_list("ACE_ACCREDITATION_REMINDER_DAYS", "90,30,7")

# Matching experts to a mission's positions: the most points each soft criterion gives (README).
MATCHING_WEIGHTS = {
    "rotation": env_int("ACE_MATCHING_ROTATION", 30),
    "evaluation": env_int("ACE_MATCHING_EVALUATION", 25),
    "language": env_int("ACE_MATCHING_LANGUAGE", 10),
    "region": env_int("ACE_MATCHING_REGION", 10),
    "spread": env_int("ACE_MATCHING_SPREAD", 10),
    "recency": env_int("ACE_MATCHING_RECENCY", 15),
}
# An in-person mission needs a passport valid this many months after its end.
MATCHING_PASSPORT_MONTHS = env_int("ACE_MATCHING_PASSPORT_MONTHS", 6)
# Invitations: the reminder before the deadline, and the deadline of one the cascade sends.
INVITATION_REMINDER_HOURS = env_int("ACE_INVITATION_REMINDER_HOURS", 24)
INVITATION_CASCADE_HOURS = env_int("ACE_INVITATION_CASCADE_HOURS", 72)
# Releases: the home administration is reminded this many days after the request (each once),
# and its signed link works for this many days.
RELEASE_REMINDER_DAYS = (3, 7)
RELEASE_LINK_DAYS = env_int("ACE_RELEASE_LINK_DAYS", 60)
# The lead expert's mission report is due this many days after the mission's end; reminders go
# this many days before and after the due date.
MISSION_REPORT_DUE_DAYS = env_int("ACE_MISSION_REPORT_DUE_DAYS", 14)
MISSION_REPORT_REMINDER_DAYS = (3, -1, -7)

# Security. The CSP holds everywhere: no inline script or style anywhere in the templates.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(timedelta(hours=12).total_seconds())
# Django sets SameSite on the session and CSRF cookies by default, not on the language cookie.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # Django's own "django" logger prints to the console under DEBUG and propagates to the root
    # as well: every line twice under runserver. It only propagates here; "django.server" (the
    # request lines) keeps Django's handler and does not propagate.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}
