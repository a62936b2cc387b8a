"""Delivery: one claimed row, one email in the recipient's language, retries for transient SMTP
errors with backoff, and failure (with the reason) for permanent ones."""

import re
import smtplib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.mail.backends.locmem import EmailBackend
from django.utils import translation
from django.utils.translation import gettext

from ace_portal.accounts.services import invite_user
from ace_portal.notifications import tasks
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import centre, delivery, outbox
from ace_portal.notifications.services.delivery import RetryLater
from ace_portal.notifications.services.outbox import notify
from experts.notifications import PROFILE_CONFIRMATION

from .fakes import DroppedSessionBackend, install_failing_backend

pytestmark = pytest.mark.django_db

BRUSSELS = ZoneInfo("Europe/Brussels")
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=BRUSSELS)
PROFILE_URL = "http://127.0.0.1:8000/me/profile/"
PREFERENCES_URL_RE = re.compile(r"https?://[^\s\"<>]+/notifications/preferences/[^\s\"<>/]+/")


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    """The service keeps one connection per process: a test's backend must not leak into the
    next test."""
    delivery.close_connection()
    yield
    delivery.close_connection()


@pytest.fixture
def failing_smtp(settings, monkeypatch):
    def install(code=451, *, failures=None):
        return install_failing_backend(settings, monkeypatch, code, failures=failures)

    return install


def queue(user, key="reminder:1", **context):
    return notify(
        user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice Mwangi", "confirmed_at": None, "url": PROFILE_URL, **context},
        dedupe_key=key,
    )


def token_user(url):
    return centre.user_for_preferences_token(url.rstrip("/").rsplit("/", 1)[1])


def state_of(row):
    row.refresh_from_db()
    return row.state


# Rendering and sending


def test_deliver_sends_one_email_with_headers_and_preferences_link(alice, mailoutbox):
    row = queue(alice.user)

    assert delivery.deliver(row.pk) == "sent"

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [alice.user.email]
    assert message.from_email == django_settings.DEFAULT_FROM_EMAIL
    assert message.subject == "[ACE Portal] Is your expert profile still accurate?"
    assert message.extra_headers["Message-ID"] == (
        f"<notification-{row.pk}@{django_settings.NOTIFICATIONS_DOMAIN}>"
    )
    assert message.message()["Message-ID"] == f"<notification-{row.pk}@ace-portal.local>"
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<") and unsubscribe.endswith(">")
    preferences_url = unsubscribe[1:-1]
    assert preferences_url.startswith(
        django_settings.ACE_BASE_URL.rstrip("/") + "/notifications/preferences/"
    )
    assert token_user(preferences_url) == alice.user
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    for part in (message.body, html):
        assert "Hello Alice Mwangi," in part
        assert "You have not confirmed your expert profile yet." in part
        assert PROFILE_URL in part
        assert preferences_url in part
    assert f'<a href="{PROFILE_URL}">Review my profile</a>' in html
    assert f'<a href="{preferences_url}">Choose which emails you receive</a>' in html


def test_deliver_renders_in_the_recipients_language(alice, mailoutbox):
    alice.user.preferred_language = "fr"
    alice.user.save()
    row = queue(alice.user)

    delivery.deliver(row.pk)

    [message] = mailoutbox
    with translation.override("fr"):
        subject = gettext("Is your expert profile still accurate?")
        not_confirmed = gettext("You have not confirmed your expert profile yet.")
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] " + subject
    html = message.alternatives[0].content
    assert '<html lang="fr">' in html
    for part in (message.body, html):
        assert not_confirmed in part
        assert PROFILE_URL in part
        assert PREFERENCES_URL_RE.search(part)
    assert message.extra_headers["Message-ID"] == f"<notification-{row.pk}@ace-portal.local>"
    assert message.extra_headers["List-Unsubscribe"].startswith("<")


def test_deliver_marks_the_row_sent(alice, mailoutbox, time_machine):
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)

    delivery.deliver(row.pk)

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at == T0
    assert row.claimed_at == T0


def test_deliver_activation_email_then_forgets_the_link(
    alice, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invite_user(alice.user, by=officer, base_url="http://portal.example")
    row = Notification.objects.get(recipient=alice.user)
    link = row.context["link"]
    assert link.startswith("http://portal.example/accounts/invitation/")
    assert mailoutbox == []

    callbacks[0]()

    [message] = mailoutbox
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] Activate your ACE Portal account"
    assert link in message.body
    assert f'<a href="{link}">Activate my account</a>' in message.alternatives[0].content
    row.refresh_from_db()
    assert row.state == "sent"
    assert row.context == {"expires_at": invitation.expires_at.isoformat()}


def test_deliver_keeps_secret_context_until_sent(alice, officer, failing_smtp):
    failing_smtp(451)
    invite_user(alice.user, by=officer, base_url="http://portal.example")
    row = Notification.objects.get(recipient=alice.user)

    with pytest.raises(RetryLater):
        delivery.deliver(row.pk)

    row.refresh_from_db()
    assert row.state == "pending"
    assert row.context["link"].startswith("http://portal.example/accounts/invitation/")


def test_claim_is_exclusive(alice):
    row = queue(alice.user)

    assert delivery.claim(row.pk) is True
    assert delivery.claim(row.pk) is False

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sending", 1)
    assert row.claimed_at is not None


@pytest.mark.parametrize("state", ["sending", "sent", "failed", "cancelled", "skipped"])
def test_deliver_of_a_row_not_pending_sends_nothing(alice, mailoutbox, state):
    row = queue(alice.user)
    Notification.objects.filter(pk=row.pk).update(state=state, attempts=1)

    assert delivery.deliver(row.pk) == "not-claimed"

    assert mailoutbox == []
    row.refresh_from_db()
    assert (row.state, row.attempts) == (state, 1)


def test_deliver_twice_sends_once(alice, mailoutbox):
    row = queue(alice.user)

    assert delivery.deliver(row.pk) == "sent"
    assert delivery.deliver(row.pk) == "not-claimed"

    assert len(mailoutbox) == 1


def test_deliver_task_sends_and_returns_the_state(alice, mailoutbox):
    row = queue(alice.user)

    result = tasks.deliver_notification.delay(row.pk)

    assert result.get() == "sent"
    assert state_of(row) == "sent"
    assert len(mailoutbox) == 1


def test_deliver_reopens_a_dropped_session_once(alice, settings, monkeypatch, mailoutbox):
    monkeypatch.setattr(DroppedSessionBackend, "calls", 0)
    settings.EMAIL_BACKEND = "tests.notifications.fakes.DroppedSessionBackend"
    row = queue(alice.user)

    assert delivery.deliver(row.pk) == "sent"

    assert DroppedSessionBackend.calls == 2
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("sent", 1)


def test_deliver_reuses_one_connection_for_many_emails(alice, bob, mailoutbox, monkeypatch):
    opened = []
    real_open = EmailBackend.open

    def counting_open(self):
        opened.append(self)
        return real_open(self)

    monkeypatch.setattr(EmailBackend, "open", counting_open)
    first, second = queue(alice.user, key="a"), queue(bob.user, key="b")

    delivery.deliver(first.pk)
    delivery.deliver(second.pk)

    assert len(opened) == 1
    assert [message.to for message in mailoutbox] == [[alice.user.email], [bob.user.email]]


# Failures and retries


def test_deliver_transient_error_leaves_row_pending_with_backoff(
    alice, failing_smtp, mailoutbox, time_machine
):
    failing_smtp(451)
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)

    with pytest.raises(RetryLater) as retry:
        delivery.deliver(row.pk)

    assert retry.value.seconds == 30
    row.refresh_from_db()
    assert (row.state, row.attempts) == ("pending", 1)
    assert row.last_error == "SMTPResponseException: (451, b'try later')"
    assert row.next_attempt_at == T0 + timedelta(seconds=30)
    assert row.sent_at is None
    assert mailoutbox == []


def test_deliver_backoff_grows_with_each_attempt(alice, failing_smtp, time_machine):
    failing_smtp(451)
    time_machine.move_to(T0, tick=False)
    row = queue(alice.user)

    waits = []
    for _ in range(3):
        with pytest.raises(RetryLater) as retry:
            delivery.deliver(row.pk)
        waits.append(retry.value.seconds)

    assert waits == [30, 60, 120]
    row.refresh_from_db()
    assert row.next_attempt_at == T0 + timedelta(seconds=120)


def test_deliver_fails_for_good_after_max_attempts(alice, failing_smtp, settings, mailoutbox):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    backend = failing_smtp(451)
    row = queue(alice.user)

    for _ in range(2):
        with pytest.raises(RetryLater):
            delivery.deliver(row.pk)
    assert delivery.deliver(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 3)
    assert row.last_error == "SMTPResponseException: (451, b'try later')"
    assert row.sent_at is None
    assert backend.calls == 3
    assert delivery.deliver(row.pk) == "not-claimed"
    assert backend.calls == 3
    assert mailoutbox == []


def test_deliver_permanent_error_fails_at_once(alice, failing_smtp, mailoutbox):
    backend = failing_smtp(550)
    row = queue(alice.user)

    assert delivery.deliver(row.pk) == "failed"

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 1)
    assert row.last_error == "SMTPResponseException: (550, b'try later')"
    assert backend.calls == 1
    assert mailoutbox == []


def test_deliver_after_a_transient_error_sends_once(alice, failing_smtp, mailoutbox):
    failing_smtp(451, failures=1)
    row = queue(alice.user)
    with pytest.raises(RetryLater):
        delivery.deliver(row.pk)

    assert delivery.deliver(row.pk) == "sent"

    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def refused(code):
    return smtplib.SMTPRecipientsRefused({"a@x.example": (code, b"no")})


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPServerDisconnected("gone"), True),
        (ConnectionRefusedError("refused"), True),
        (ConnectionResetError("reset"), True),
        (TimeoutError("slow"), True),
        (smtplib.SMTPResponseException(421, b"closing"), True),
        (smtplib.SMTPResponseException(451, b"later"), True),
        (smtplib.SMTPResponseException(550, b"no such user"), False),
        (smtplib.SMTPResponseException(554, b"rejected"), False),
        (smtplib.SMTPDataError(452, b"full"), True),
        (smtplib.SMTPSenderRefused(553, b"bad sender", "x@x.example"), False),
        (refused(450), True),
        (refused(550), False),
        (
            smtplib.SMTPRecipientsRefused({"a@x.example": (450, b"a"), "b@x.example": (550, b"b")}),
            False,
        ),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ValueError("bad address"), False),
    ],
)
def test_is_transient(error, transient):
    assert delivery.is_transient(error) is transient


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(0, 30), (1, 30), (2, 60), (3, 120), (4, 240), (7, 1920), (8, 3600), (20, 3600)],
)
def test_backoff_seconds_doubles_and_caps(attempts, seconds):
    assert delivery.backoff_seconds(attempts) == seconds


def test_backoff_seconds_follows_settings(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 50
    assert [delivery.backoff_seconds(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 50]


def test_deliver_task_inline_retries_until_failed(alice, failing_smtp, settings, mailoutbox):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    backend = failing_smtp(451)
    row = queue(alice.user)

    tasks.deliver_notification.delay(row.pk)

    row.refresh_from_db()
    assert (row.state, row.attempts) == ("failed", 3)
    assert backend.calls == 3
    assert mailoutbox == []


def test_dispatch_inline_transient_failure_does_not_stop_the_batch(alice, bob, failing_smtp):
    failing_smtp(451, failures=1)
    first, second = queue(alice.user, key="a"), queue(bob.user, key="b")

    outbox.dispatch([first.pk, second.pk])

    assert (state_of(first), state_of(second)) == ("sent", "sent")
