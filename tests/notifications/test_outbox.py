"""Queueing: the outbox row is written in the event's transaction, once per dedupe key, and
handed to a worker only after commit, as the recipient's preferences say."""

import pytest
from django.db import transaction

from ace_portal.accounts.notifications import ACCOUNT_ACTIVATION
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import delivery
from ace_portal.notifications.services.outbox import Outgoing, notify, notify_many
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION

pytestmark = pytest.mark.django_db

CONFIRMATION_CONTEXT = {
    "name": "Alice Mwangi",
    "confirmed_at": None,
    "url": "http://127.0.0.1:8000/me/profile/",
}


class EventFailed(Exception):
    pass


def queue(user, key="reminder:1", kind=PROFILE_CONFIRMATION, context=None):
    return notify(user, kind, context=context or CONFIRMATION_CONTEXT, dedupe_key=key)


def set_preferences(user, *, digest="none", muted_kinds=()):
    NotificationSettings.objects.update_or_create(
        user=user, defaults={"digest": digest, "muted_kinds": list(muted_kinds)}
    )


# The row and the transaction


def test_notify_writes_row_inside_the_callers_transaction(alice):
    with transaction.atomic():
        row = queue(alice.user)
        assert Notification.objects.filter(pk=row.pk).exists()
    row = Notification.objects.get(pk=row.pk)
    assert (row.recipient, row.kind, row.context) == (
        alice.user,
        PROFILE_CONFIRMATION,
        CONFIRMATION_CONTEXT,
    )
    assert (row.state, row.attempts, row.dedupe_key) == ("pending", 0, "reminder:1")
    assert (row.email, row.in_app, row.digest) == (True, True, False)


def test_notify_rolled_back_with_its_event_leaves_no_row_and_no_dispatch(
    alice, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(EventFailed),
        transaction.atomic(),
    ):
        queue(alice.user)
        raise EventFailed
    assert not Notification.objects.exists()
    assert callbacks == []
    assert mailoutbox == []


def test_notify_dispatches_only_after_commit(alice, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue(alice.user)
        row.refresh_from_db()
        assert row.state == "pending"
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert mailoutbox == []

    callbacks[0]()

    row.refresh_from_db()
    assert row.state == "sent"
    assert [message.to for message in mailoutbox] == [[alice.user.email]]


def test_notify_same_dedupe_key_twice_queues_one_row(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = queue(alice.user, key="reminder:1")
        second = queue(alice.user, key="reminder:1")
    assert first is not None
    assert second is None
    assert list(Notification.objects.values_list("pk", flat=True)) == [first.pk]
    assert len(callbacks) == 1


def test_notify_many_returns_only_new_rows(alice, bob, django_capture_on_commit_callbacks):
    existing = queue(alice.user, key="a")
    with django_capture_on_commit_callbacks() as callbacks:
        created = notify_many(
            [
                Outgoing(alice.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "a"),
                Outgoing(alice.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "b"),
                Outgoing(bob.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "c"),
                # The same key twice in one batch is one row.
                Outgoing(bob.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "c"),
            ]
        )
    assert sorted(row.dedupe_key for row in created) == ["b", "c"]
    assert all(row.pk for row in created)
    assert sorted(Notification.objects.values_list("dedupe_key", flat=True)) == ["a", "b", "c"]
    assert Notification.objects.get(dedupe_key="a").pk == existing.pk
    assert Notification.objects.get(dedupe_key="c").recipient == bob.user
    assert len(callbacks) == 1


def test_notify_many_with_nothing_queues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        assert notify_many([]) == []
    assert callbacks == []


# Preferences decide the channel


def test_notify_muted_kind_is_skipped_by_email_but_kept_in_the_app(
    alice, django_capture_on_commit_callbacks
):
    set_preferences(alice.user, muted_kinds=[PROFILE_CONFIRMATION])
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue(alice.user)
    row.refresh_from_db()
    assert (row.state, row.email, row.in_app, row.digest) == ("skipped", False, True, False)
    assert callbacks == []
    assert list(Notification.objects.for_bell(alice.user)) == [row]


def test_notify_other_kind_than_the_muted_one_is_emailed(alice, django_capture_on_commit_callbacks):
    set_preferences(alice.user, muted_kinds=[PROFILE_CONFIRMATION])
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue(
            alice.user,
            kind=PASSPORT_EXPIRY,
            context={"name": "Alice", "expires_on": "2030-01-31", "url": "http://x.example/"},
        )
    row.refresh_from_db()
    assert (row.state, row.email, row.digest) == ("pending", True, False)
    assert len(callbacks) == 1


@pytest.mark.parametrize("digest", ["daily", "weekly"])
def test_notify_with_digest_preference_waits_for_the_digest(
    alice, digest, django_capture_on_commit_callbacks
):
    set_preferences(alice.user, digest=digest)
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue(alice.user)
    row.refresh_from_db()
    assert (row.state, row.email, row.in_app, row.digest) == ("pending", True, True, True)
    assert callbacks == []
    # Not even a stray job can send it on its own: only the digest claims digest rows.
    assert delivery.claim(row.pk) is False


def test_notify_muted_kind_with_digest_is_skipped_not_digested(alice):
    set_preferences(alice.user, digest="daily", muted_kinds=[PROFILE_CONFIRMATION])
    row = queue(alice.user)
    row.refresh_from_db()
    assert (row.state, row.email, row.digest) == ("skipped", False, False)


def test_notify_essential_kind_ignores_mute_and_digest(alice, django_capture_on_commit_callbacks):
    set_preferences(alice.user, digest="daily", muted_kinds=[ACCOUNT_ACTIVATION])
    with django_capture_on_commit_callbacks() as callbacks:
        row = notify(
            alice.user,
            ACCOUNT_ACTIVATION,
            context={"link": "http://x.example/a/", "expires_at": "2030-01-31T10:00:00+00:00"},
            dedupe_key="account-activation:1",
        )
    row.refresh_from_db()
    assert (row.state, row.email, row.digest) == ("pending", True, False)
    # The activation link is no news for the bell: the person cannot sign in yet.
    assert row.in_app is False
    assert len(callbacks) == 1


def test_notify_without_settings_row_emails_at_once(alice, django_capture_on_commit_callbacks):
    assert not NotificationSettings.objects.filter(user=alice.user).exists()
    with django_capture_on_commit_callbacks() as callbacks:
        row = queue(alice.user)
    assert (row.state, row.email, row.digest) == ("pending", True, False)
    assert len(callbacks) == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_notify_uses_the_recipients_preferred_language(alice, language):
    alice.user.preferred_language = language
    alice.user.save()
    assert queue(alice.user).language == language


def test_notify_many_applies_each_recipients_own_preferences(alice, bob):
    set_preferences(alice.user, muted_kinds=[PROFILE_CONFIRMATION])
    set_preferences(bob.user, digest="weekly")
    bob.user.preferred_language = "fr"
    bob.user.save()
    created = notify_many(
        [
            Outgoing(alice.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "a"),
            Outgoing(bob.user, PROFILE_CONFIRMATION, CONFIRMATION_CONTEXT, "b"),
        ]
    )
    by_key = {row.dedupe_key: row for row in created}
    assert (by_key["a"].state, by_key["a"].digest, by_key["a"].language) == ("skipped", False, "en")
    assert (by_key["b"].state, by_key["b"].digest, by_key["b"].language) == ("pending", True, "fr")


# The activation email goes through the outbox


def test_invite_user_queues_the_activation_email_in_the_outbox(
    alice, officer, django_capture_on_commit_callbacks
):
    from ace_portal.accounts.services import invite_user

    with django_capture_on_commit_callbacks() as callbacks:
        invitation = invite_user(alice.user, by=officer, base_url="http://portal.example")
    row = Notification.objects.get(recipient=alice.user)
    assert row.kind == ACCOUNT_ACTIVATION
    assert row.dedupe_key == f"account-activation:{invitation.pk}"
    assert row.context["link"].startswith("http://portal.example/accounts/invitation/")
    assert row.context["expires_at"] == invitation.expires_at.isoformat()
    assert len(callbacks) == 1
