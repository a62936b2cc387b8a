"""Digests: a person who chose a daily or weekly digest gets one email listing what waited,
at the first run after NOTIFICATIONS_DIGEST_HOUR, and never the same items twice."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from ace_portal.notifications import kinds, tasks
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import centre, delivery, digests, outbox
from ace_portal.notifications.services.outbox import notify
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION

from .fakes import install_failing_backend

pytestmark = pytest.mark.django_db

LOCAL = ZoneInfo(django_settings.TIME_ZONE)
PROFILE_URL = "http://127.0.0.1:8000/me/profile/"
PASSPORT_URL = "http://127.0.0.1:8000/me/profile/passport/"
CONFIRMATION_SUBJECT = "Is your expert profile still accurate?"
PASSPORT_SUBJECT = "Your passport expires on June 30, 2026"


def at(day, hour, minute=0):
    """A moment in March 2026, local time: the 9th and the 16th are Mondays."""
    return datetime(2026, 3, day, hour, minute, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    delivery.close_connection()
    yield
    delivery.close_connection()


@pytest.fixture
def clock(time_machine):
    def move(moment):
        time_machine.move_to(moment, tick=False)

    return move


def wants_digest(user, digest="daily"):
    NotificationSettings.objects.update_or_create(user=user, defaults={"digest": digest})


def queue_confirmation(user, key="confirmation"):
    return notify(
        user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice Mwangi", "confirmed_at": None, "url": PROFILE_URL},
        dedupe_key=f"{key}:{user.pk}",
    )


def queue_passport(user, key="passport"):
    return notify(
        user,
        PASSPORT_EXPIRY,
        context={"name": "Alice Mwangi", "expires_on": "2026-06-30", "url": PASSPORT_URL},
        dedupe_key=f"{key}:{user.pk}",
    )


def states(user):
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("state", flat=True)
    )


@pytest.fixture
def alice_waiting(alice, clock):
    """Alice chose a daily digest; two notifications wait for it since early morning."""
    wants_digest(alice.user)
    clock(at(10, 5))
    first = queue_confirmation(alice.user)
    clock(at(10, 6))
    second = queue_passport(alice.user)
    assert (first.digest, second.digest) == (True, True)
    return alice


def test_daily_digest_sends_one_email_listing_the_waiting_items(alice_waiting, clock, mailoutbox):
    alice = alice_waiting
    clock(at(10, 7, 5))

    assert digests.send_due_digests() == 1

    [message] = mailoutbox
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] Your ACE Portal digest: 2 notifications"
    preferences_url = message.extra_headers["List-Unsubscribe"][1:-1]
    assert centre.user_for_preferences_token(preferences_url.split("/")[-2]) == alice.user
    assert f"- {CONFIRMATION_SUBJECT}\n  {PROFILE_URL}\n- {PASSPORT_SUBJECT}\n" in message.body
    html = message.alternatives[0].content
    assert (
        f'<li><a href="{PROFILE_URL}">{CONFIRMATION_SUBJECT}</a></li>'
        f'<li><a href="{PASSPORT_URL}">{PASSPORT_SUBJECT}</a></li>'
    ) in html
    for part in (message.body, html):
        assert "Here is what happened since your last digest:" in part
        assert preferences_url in part


def test_daily_digest_marks_the_items_sent_and_stamps_the_settings(alice_waiting, clock):
    alice = alice_waiting
    clock(at(10, 7, 5))

    digests.send_due_digests()

    rows = Notification.objects.filter(recipient=alice.user)
    assert {(row.state, row.attempts, row.sent_at) for row in rows} == {("sent", 1, at(10, 7, 5))}
    assert NotificationSettings.objects.get(user=alice.user).last_digest_at == at(10, 7, 5)


def test_daily_digest_runs_once_a_day(alice_waiting, clock, mailoutbox):
    alice = alice_waiting
    clock(at(10, 7, 5))
    digests.send_due_digests()
    clock(at(10, 12))
    queue_confirmation(alice.user, key="later")

    clock(at(10, 23, 5))
    assert digests.send_due_digests() == 0
    assert len(mailoutbox) == 1
    assert states(alice.user) == ["sent", "sent", "pending"]

    clock(at(11, 6, 5))
    assert digests.send_due_digests() == 0

    clock(at(11, 7, 5))
    assert digests.send_due_digests() == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "[ACE Portal] Your ACE Portal digest: 1 notification"
    assert f"- {CONFIRMATION_SUBJECT}\n" in mailoutbox[1].body
    assert PASSPORT_SUBJECT not in mailoutbox[1].body
    assert states(alice.user) == ["sent", "sent", "sent"]


def test_daily_digest_before_the_hour_sends_nothing(alice_waiting, clock, mailoutbox):
    clock(at(10, django_settings.NOTIFICATIONS_DIGEST_HOUR - 1, 59))

    assert digests.send_due_digests() == 0

    assert mailoutbox == []
    assert states(alice_waiting.user) == ["pending", "pending"]
    assert NotificationSettings.objects.get(user=alice_waiting.user).last_digest_at is None


def test_daily_digest_at_the_hour_is_due(alice_waiting, clock, mailoutbox):
    clock(at(10, django_settings.NOTIFICATIONS_DIGEST_HOUR))

    assert digests.send_due_digests() == 1
    assert len(mailoutbox) == 1


def test_weekly_digest_goes_out_on_monday_only(bob, clock, mailoutbox):
    wants_digest(bob.user, "weekly")
    clock(at(10, 6))
    queue_confirmation(bob.user)

    for day in (10, 11, 12, 13, 14, 15):  # Tuesday to Sunday
        clock(at(day, 9))
        assert digests.send_due_digests() == 0
    assert mailoutbox == []

    clock(at(16, 7, 5))  # Monday
    assert digests.send_due_digests() == 1
    assert [message.to for message in mailoutbox] == [[bob.user.email]]
    assert states(bob.user) == ["sent"]

    queue_passport(bob.user)
    clock(at(16, 20, 5))  # the same Monday, later
    assert digests.send_due_digests() == 0
    assert len(mailoutbox) == 1


def test_digest_with_nothing_waiting_sends_nothing(alice, clock, mailoutbox):
    wants_digest(alice.user)
    clock(at(10, 8))

    assert digests.send_due_digests() == 0

    assert mailoutbox == []
    assert NotificationSettings.objects.get(user=alice.user).last_digest_at is None


def test_digest_leaves_out_muted_and_immediate_items(alice, clock, mailoutbox):
    NotificationSettings.objects.create(
        user=alice.user, digest="daily", muted_kinds=[PASSPORT_EXPIRY]
    )
    clock(at(10, 6))
    queue_confirmation(alice.user)
    queue_passport(alice.user)  # muted: in the app only
    Notification.objects.create(
        recipient=alice.user,
        kind=PROFILE_CONFIRMATION,
        context={"name": "A", "url": PROFILE_URL},
        language="en",
        dedupe_key="immediate",
        state="sent",
    )
    clock(at(10, 7, 5))

    assert digests.send_due_digests() == 1

    [message] = mailoutbox
    assert message.subject == "[ACE Portal] Your ACE Portal digest: 1 notification"
    assert PASSPORT_SUBJECT not in message.body
    assert Notification.objects.get(kind=PASSPORT_EXPIRY).state == "skipped"


def test_digest_failure_puts_the_items_back(alice_waiting, clock, settings, monkeypatch):
    alice = alice_waiting
    install_failing_backend(settings, monkeypatch, 451)
    clock(at(10, 7, 5))

    assert digests.send_due_digests() == 0

    rows = Notification.objects.filter(recipient=alice.user)
    assert {(row.state, row.attempts, row.sent_at) for row in rows} == {("pending", 1, None)}
    assert {row.last_error for row in rows} == {"SMTPResponseException: (451, b'try later')"}
    assert NotificationSettings.objects.get(user=alice.user).last_digest_at is None


def test_digest_after_a_failure_goes_out_at_the_next_run(
    alice_waiting, clock, settings, monkeypatch, mailoutbox
):
    alice = alice_waiting
    install_failing_backend(settings, monkeypatch, 451)
    clock(at(10, 7, 5))
    digests.send_due_digests()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock(at(10, 8, 5))
    assert digests.send_due_digests() == 1

    assert [message.to for message in mailoutbox] == [[alice.user.email]]
    assert mailoutbox[0].subject == "[ACE Portal] Your ACE Portal digest: 2 notifications"
    assert states(alice.user) == ["sent", "sent"]


def test_send_due_digests_counts_the_emails_sent(alice, bob, officer, admin_user, clock):
    for user in (alice.user, bob.user):
        wants_digest(user)
    wants_digest(officer, "weekly")  # a Tuesday: not due
    wants_digest(admin_user)  # due, nothing waiting
    clock(at(10, 6))
    queue_confirmation(alice.user)
    queue_passport(alice.user)
    queue_confirmation(bob.user)
    queue_confirmation(officer)
    clock(at(10, 7, 5))

    assert digests.send_due_digests() == 2

    assert states(alice.user) == ["sent", "sent"]
    assert states(bob.user) == ["sent"]
    assert states(officer) == ["pending"]


def test_send_digests_task_returns_the_count(alice_waiting, clock, mailoutbox):
    clock(at(10, 7, 5))

    assert tasks.send_digests.delay().get() == 1
    assert len(mailoutbox) == 1


def test_digest_in_the_recipients_language(alice, clock, mailoutbox):
    alice.user.preferred_language = "fr"
    alice.user.save()
    wants_digest(alice.user)
    clock(at(10, 6))
    queue_confirmation(alice.user)
    queue_passport(alice.user)
    clock(at(10, 7, 5))

    digests.send_due_digests()

    [message] = mailoutbox
    with translation.override("fr"):
        subject = ngettext(
            "Your ACE Portal digest: %(counter)s notification",
            "Your ACE Portal digest: %(counter)s notifications",
            2,
        ) % {"counter": 2}
    assert message.to == [alice.user.email]
    assert message.subject == "[ACE Portal] " + subject
    assert '<html lang="fr">' in message.alternatives[0].content


def test_digest_interrupted_mid_send_goes_out_at_a_later_run(alice_waiting, clock, mailoutbox):
    """A worker killed while sending a digest leaves its rows in sending: the sweep puts them back
    to pending (without sending them alone) and the next digest run includes them."""
    alice = alice_waiting
    clock(at(10, 7, 5))
    waiting = Notification.objects.filter(recipient=alice.user)
    waiting.update(state="sending", claimed_at=at(10, 7, 5))

    clock(at(10, 7, 20))
    assert outbox.sweep() == 0
    assert states(alice.user) == ["pending", "pending"]

    clock(at(10, 8, 5))
    assert digests.send_due_digests() == 1
    assert mailoutbox[0].subject == "[ACE Portal] Your ACE Portal digest: 2 notifications"
    assert states(alice.user) == ["sent", "sent"]


def test_switching_back_to_single_emails_sends_what_was_waiting(
    alice_waiting, clock, client, mailoutbox, django_capture_on_commit_callbacks
):
    alice = alice_waiting
    clock(at(10, 6, 30))
    client.force_login(alice.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("notifications:preferences"),
            {"digest": "none"}
            | {f"email_{kind.code.replace('.', '__')}": "on" for kind in kinds.optional_kinds()},
        )

    # Whichever run should pick them up (at once, the sweep, or the digest), none leaves them.
    clock(at(10, 9))
    outbox.sweep()
    digests.send_due_digests()
    clock(at(11, 9))
    outbox.sweep()
    digests.send_due_digests()

    assert states(alice.user) == ["sent", "sent"]
    delivered = "\n".join(f"{message.subject}\n{message.body}" for message in mailoutbox)
    assert CONFIRMATION_SUBJECT in delivered
    assert PASSPORT_SUBJECT in delivered
