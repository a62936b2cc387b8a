"""The outbox in the admin: filters, search, the last day's counts, resend and cancel actions,
secrets hidden, and no hand-made or deleted rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from ace_portal.accounts.notifications import ACCOUNT_ACTIVATION
from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import delivery, outbox
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    delivery.close_connection()
    yield
    delivery.close_connection()


@pytest.fixture
def admin_client_mfa(client, admin_user):
    sign_in(client, admin_user)
    return client


def row(user, key, *, kind=PROFILE_CONFIRMATION, state="pending", **fields):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        context={"name": "Alice Mwangi", "confirmed_at": None, "url": "http://x.example/p/"},
        language="en",
        state=state,
        dedupe_key=key,
        **fields,
    )


def listed(response):
    return sorted(n.dedupe_key for n in response.context["cl"].result_list)


def run_action(client, action, rows):
    return client.post(
        CHANGELIST,
        {"action": action, helpers.ACTION_CHECKBOX_NAME: [str(r.pk) for r in rows]},
        follow=True,
    )


def test_changelist_loads_with_filters_and_search(admin_client_mfa, alice, bob):
    row(alice.user, "a-pending")
    row(alice.user, "a-failed", state="failed", last_error="SMTPResponseException: 550")
    row(bob.user, "b-passport", kind=PASSPORT_EXPIRY, state="sent")

    response = admin_client_mfa.get(CHANGELIST)
    assert response.status_code == 200
    assert listed(response) == ["a-failed", "a-pending", "b-passport"]
    assert "SMTPResponseException: 550" in response.text

    assert listed(admin_client_mfa.get(CHANGELIST, {"state__exact": "failed"})) == ["a-failed"]
    assert listed(admin_client_mfa.get(CHANGELIST, {"kind": PASSPORT_EXPIRY})) == ["b-passport"]
    assert listed(admin_client_mfa.get(CHANGELIST, {"q": bob.user.email})) == ["b-passport"]
    assert listed(admin_client_mfa.get(CHANGELIST, {"q": alice.user.email})) == [
        "a-failed",
        "a-pending",
    ]


def test_changelist_shows_the_last_24_hours(admin_client_mfa, alice, time_machine):
    time_machine.move_to(T0, tick=False)
    row(alice.user, "sent-1", state="sent", sent_at=T0 - timedelta(hours=1))
    row(alice.user, "sent-2", state="sent", sent_at=T0 - timedelta(hours=23))
    row(alice.user, "sent-old", state="sent", sent_at=T0 - timedelta(hours=25))
    # A failure counts by its last attempt (claimed_at), so a resent row that fails again shows.
    row(alice.user, "failed-1", state="failed", claimed_at=T0 - timedelta(hours=2))
    row(
        alice.user,
        "failed-resent",
        state="failed",
        created_at=T0 - timedelta(days=3),
        claimed_at=T0 - timedelta(hours=3),
    )
    row(alice.user, "failed-old", state="failed", claimed_at=T0 - timedelta(days=3))
    row(alice.user, "pending-1")
    row(alice.user, "pending-2", created_at=T0 - timedelta(days=3))
    row(alice.user, "cancelled", state="cancelled")

    response = admin_client_mfa.get(CHANGELIST)

    assert response.status_code == 200
    assert response.context["last_24_hours"] == {"sent": 2, "failed": 2, "pending": 2}
    assert "Last 24 hours: 2 sent, 2 failed. Waiting now: 2." in response.text


def test_resend_action_delivers_a_failed_row_again(
    admin_client_mfa, alice, mailoutbox, django_capture_on_commit_callbacks
):
    failed = row(alice.user, "failed", state="failed", attempts=6, last_error="Timeout")
    sent = row(alice.user, "sent", state="sent", attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client_mfa, "resend", [failed, sent])

    assert response.status_code == 200
    assert "1 notification will be sent again." in response.text
    failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == ("sent", 1, "")
    sent.refresh_from_db()
    assert (sent.state, sent.attempts) == ("sent", 1)
    assert [message.to for message in mailoutbox] == [[alice.user.email]]
    assert mailoutbox[0].subject == "[ACE Portal] Is your expert profile still accurate?"


def test_resend_action_waits_for_the_commit(
    admin_client_mfa, alice, mailoutbox, django_capture_on_commit_callbacks
):
    failed = row(alice.user, "failed", state="failed", attempts=6)

    with django_capture_on_commit_callbacks() as callbacks:
        run_action(admin_client_mfa, "resend", [failed])

    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("pending", 0)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_cancel_action_cancels_only_pending_rows(admin_client_mfa, alice, bob):
    pending = row(alice.user, "pending")
    sent = row(bob.user, "sent", state="sent")
    failed = row(bob.user, "failed", state="failed")

    response = run_action(admin_client_mfa, "cancel", [pending, sent, failed])

    assert "1 notification cancelled." in response.text
    assert {n.dedupe_key: n.state for n in Notification.objects.all()} == {
        "pending": "cancelled",
        "sent": "sent",
        "failed": "failed",
    }
    assert delivery.deliver(pending.pk) == "not-claimed"


def test_change_page_hides_secret_context(admin_client_mfa, alice):
    secret = Notification.objects.create(
        recipient=alice.user,
        kind=ACCOUNT_ACTIVATION,
        context={
            "link": "http://x.example/accounts/invitation/s3cr3t-token/",
            "expires_at": "2030-01-31T10:00:00+00:00",
        },
        language="en",
        in_app=False,
        dedupe_key="activation",
    )

    response = admin_client_mfa.get(
        reverse("admin:notifications_notification_change", args=[secret.pk])
    )

    assert response.status_code == 200
    assert "s3cr3t-token" not in response.text
    assert "***" in response.text
    assert "2030-01-31T10:00:00+00:00" in response.text


def test_change_page_shows_ordinary_context(admin_client_mfa, alice):
    notification = row(alice.user, "plain")

    response = admin_client_mfa.get(
        reverse("admin:notifications_notification_change", args=[notification.pk])
    )

    assert "http://x.example/p/" in response.text
    assert "***" not in response.text


def test_outbox_cannot_be_added_to_or_deleted_from(admin_client_mfa, alice):
    notification = row(alice.user, "pending")

    assert admin_client_mfa.get(reverse("admin:notifications_notification_add")).status_code == 403
    delete = reverse("admin:notifications_notification_delete", args=[notification.pk])
    assert admin_client_mfa.post(delete, {"post": "yes"}).status_code == 403
    response = admin_client_mfa.get(CHANGELIST)
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert actions == ["", "resend", "cancel"]
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_change_page_cannot_edit_the_row(admin_client_mfa, alice):
    notification = row(alice.user, "pending")
    url = reverse("admin:notifications_notification_change", args=[notification.pk])

    admin_client_mfa.post(url, {"state": "sent", "kind": "other", "dedupe_key": "changed"})

    notification.refresh_from_db()
    assert (notification.state, notification.kind, notification.dedupe_key) == (
        "pending",
        PROFILE_CONFIRMATION,
        "pending",
    )


def test_outbox_admin_is_for_admins_only(client, officer, alice):
    row(alice.user, "pending")
    sign_in(client, officer)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_notification_settings_changelist_searches_by_email(admin_client_mfa, alice, bob):
    outbox.settings_for(alice.user)
    outbox.settings_for(bob.user)

    response = admin_client_mfa.get(
        reverse("admin:notifications_notificationsettings_changelist"), {"q": bob.user.email}
    )

    assert [s.user for s in response.context["cl"].result_list] == [bob.user]


def test_beat_schedule_is_visible_in_the_admin(admin_client_mfa):
    response = admin_client_mfa.get(reverse("admin:django_celery_beat_periodictask_changelist"))

    assert response.status_code == 200
    for name in (
        "Notifications: sweep left-behind emails",
        "Notifications: send due digests",
        "Experts: profile confirmation reminders",
        "Experts: passport expiry reminders",
    ):
        assert name in response.text
