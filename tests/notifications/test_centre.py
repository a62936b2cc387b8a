"""The in-app notification centre (bell, list, mark read) and the email preferences, including
the signed one-click link that every email carries."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ace_portal.accounts.notifications import ACCOUNT_ACTIVATION
from ace_portal.notifications import kinds
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import centre, delivery
from ace_portal.notifications.services.outbox import notify
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION, UPCOMING_LAPSES
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

# In UTC: adding days across a daylight-saving change would otherwise shift the hour.
T0 = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
LIST_URL = reverse("notifications:list")
BELL_URL = reverse("notifications:bell")
PREFERENCES_URL = reverse("notifications:preferences")
PREFERENCES_LINK_RE = re.compile(r"https?://[^/\s\"<>]+(/notifications/preferences/[^/\s\"<>]+/)")


@pytest.fixture(autouse=True)
def _fresh_smtp_connection():
    delivery.close_connection()
    yield
    delivery.close_connection()


def add_notifications(user, count, *, read=False, start=T0):
    """``count`` passport warnings, one a day from ``start``: the n-th expires on day n of 2030
    so that each has its own title ("Your passport expires on January 1, 2030", ...)."""
    rows = [
        Notification(
            recipient=user,
            kind=PASSPORT_EXPIRY,
            context={
                "name": "Alice Mwangi",
                "expires_on": (datetime(2030, 1, 1) + timedelta(days=n)).date().isoformat(),
                "url": "http://127.0.0.1:8000/me/profile/passport/",
            },
            language="en",
            state="sent",
            created_at=start + timedelta(days=n),
            read_at=start if read else None,
            dedupe_key=f"test:{user.pk}:{start:%s}:{n}",
        )
        for n in range(count)
    ]
    return Notification.objects.bulk_create(rows)


TITLE_RE = re.compile(r'<p class="notification-title"><a href="[^"]*">([^<]*)</a></p>')


def titles(response):
    return TITLE_RE.findall(response.text)


def link_path(user):
    return urlsplit(centre.preferences_url(user)).path


# The bell


def test_bell_in_the_header_shows_the_unread_count(client, alice, bob):
    add_notifications(alice.user, 2)
    add_notifications(alice.user, 1, read=True, start=T0 + timedelta(days=30))
    add_notifications(bob.user, 3)
    client.force_login(alice.user)

    response = client.get(reverse("experts:profile"))

    assert response.status_code == 200
    bell = re.search(r'<a id="bell".*?</a>', response.text, re.S).group(0)
    assert '<span class="count">2</span>' in bell
    assert f'href="{LIST_URL}"' in bell
    assert f'data-hx-get="{BELL_URL}"' in bell
    fragment = client.get(BELL_URL, headers={"HX-Request": "true"}).text  # htmx refreshes it
    assert fragment.strip().startswith('<a id="bell"')
    assert '<span class="count">2</span>' in fragment
    assert "<html" not in fragment


def test_bell_without_unread_notifications_shows_no_count(client, alice, officer):
    add_notifications(alice.user, 1, read=True)
    # An activation email is not shown in the app, so it is not counted either.
    Notification.objects.create(
        recipient=alice.user,
        kind=ACCOUNT_ACTIVATION,
        in_app=False,
        language="en",
        dedupe_key="activation",
    )
    client.force_login(alice.user)

    response = client.get(BELL_URL)

    assert response.status_code == 200
    assert response.text.strip().startswith('<a id="bell"')
    assert 'class="count"' not in response.text


@pytest.mark.parametrize("url", [LIST_URL, BELL_URL, PREFERENCES_URL])
def test_centre_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


# The list


def test_list_shows_titles_newest_first(client, alice, bob):
    add_notifications(alice.user, 3)
    add_notifications(bob.user, 1, start=T0 + timedelta(days=100))
    client.force_login(alice.user)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert titles(response) == [
        "Your passport expires on Jan. 3, 2030",
        "Your passport expires on Jan. 2, 2030",
        "Your passport expires on Jan. 1, 2030",
    ]


def test_list_shows_a_queued_notification_before_its_email_goes(
    client, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        notify(
            alice.user,
            PROFILE_CONFIRMATION,
            context={"name": "Alice", "confirmed_at": None, "url": "http://x.example/p/"},
            dedupe_key="confirmation",
        )
    client.force_login(alice.user)

    response = client.get(LIST_URL)

    assert titles(response) == ["Is your expert profile still accurate?"]


def test_list_leaves_out_notifications_not_for_the_app(client, alice):
    Notification.objects.create(
        recipient=alice.user,
        kind=ACCOUNT_ACTIVATION,
        context={"link": "http://x.example/secret/"},
        in_app=False,
        language="en",
        dedupe_key="activation",
    )
    client.force_login(alice.user)

    response = client.get(LIST_URL)

    assert list(response.context["page"]) == []
    assert "You have no notifications." in response.text
    assert "http://x.example/secret/" not in response.text


def test_list_is_paginated_by_twenty(client, alice):
    rows = add_notifications(alice.user, 25)
    client.force_login(alice.user)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert [n.pk for n in first.context["page"]] == [row.pk for row in rows[::-1][:20]]
    assert [n.pk for n in second.context["page"]] == [row.pk for row in rows[::-1][20:]]
    assert "Page 1 of 2" in first.text
    assert len(titles(second)) == 5


def test_list_query_count_does_not_grow_with_notifications(
    client, alice, django_assert_num_queries
):
    add_notifications(alice.user, 3)
    client.force_login(alice.user)
    client.get(LIST_URL)  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as small:
        client.get(LIST_URL)

    add_notifications(alice.user, 22, start=T0 + timedelta(days=30))
    with django_assert_num_queries(len(small)):
        response = client.get(LIST_URL)
    assert len(response.context["page"]) == 20


# Mark read


def test_mark_read_sets_read_at_and_goes_back_to_the_list(client, alice, time_machine):
    [row] = add_notifications(alice.user, 1)
    client.force_login(alice.user)
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)

    response = client.post(reverse("notifications:mark_read", args=[row.pk]))

    assert response.status_code == 302
    assert response.url == LIST_URL
    row.refresh_from_db()
    assert row.read_at == T0 + timedelta(hours=1)


def test_mark_read_with_htmx_returns_the_item_fragment(client, alice):
    [row, other] = add_notifications(alice.user, 2)
    client.force_login(alice.user)

    response = client.post(
        reverse("notifications:mark_read", args=[row.pk]), headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    fragment = response.text.strip()
    assert fragment.startswith(f'<li id="notification-{row.pk}" class="notification">')
    assert fragment.endswith("</li>")
    assert "Your passport expires on Jan. 1, 2030" in fragment
    assert "Mark as read" not in fragment
    assert "<html" not in fragment
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_read_twice_keeps_the_first_time(client, alice, time_machine):
    [row] = add_notifications(alice.user, 1, read=True)
    client.force_login(alice.user)
    time_machine.move_to(T0 + timedelta(days=3), tick=False)

    client.post(reverse("notifications:mark_read", args=[row.pk]))

    row.refresh_from_db()
    assert row.read_at == T0


def test_mark_read_of_another_persons_notification_is_404(client, alice, bob):
    [row] = add_notifications(bob.user, 1)
    client.force_login(alice.user)

    response = client.post(reverse("notifications:mark_read", args=[row.pk]))

    assert response.status_code == 404
    row.refresh_from_db()
    assert row.read_at is None
    assert client.post(reverse("notifications:mark_read", args=[row.pk + 1])).status_code == 404


def test_mark_read_by_get_is_not_allowed(client, alice):
    [row] = add_notifications(alice.user, 1)
    client.force_login(alice.user)

    response = client.get(reverse("notifications:mark_read", args=[row.pk]))

    assert response.status_code == 405
    row.refresh_from_db()
    assert row.read_at is None


@pytest.mark.parametrize("name", ["mark_read", "mark_all_read"])
def test_marking_read_anonymous_is_sent_to_sign_in(client, alice, name):
    [row] = add_notifications(alice.user, 1)
    url = reverse(f"notifications:{name}", args=[row.pk] if name == "mark_read" else [])

    response = client.post(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"
    row.refresh_from_db()
    assert row.read_at is None


def test_mark_all_read_marks_only_ones_own(client, alice, bob, time_machine):
    [earlier] = add_notifications(alice.user, 1, read=True)
    unread = add_notifications(alice.user, 3, start=T0 + timedelta(days=10))
    [bobs] = add_notifications(bob.user, 1)
    client.force_login(alice.user)
    time_machine.move_to(T0 + timedelta(days=20), tick=False)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert response.redirect_chain == [(LIST_URL, 302)]
    assert "All notifications are marked as read." in response.text
    assert 'class="count"' not in re.search(r'<a id="bell".*?</a>', response.text, re.S)[0]
    assert {row.read_at for row in Notification.objects.filter(pk__in=[r.pk for r in unread])} == {
        T0 + timedelta(days=20)
    }
    earlier.refresh_from_db()
    bobs.refresh_from_db()
    assert earlier.read_at == T0
    assert bobs.read_at is None


# Preferences


def field(code):
    return "email_" + code.replace(".", "__")


# What an expert is offered: everyone's kinds and the experts' (not the Secretariat's).
AN_EXPERTS = {kinds.EVERYONE, kinds.EXPERTS}


def all_emails_on(**data):
    """Preferences form data with every optional kind of an expert's email on (kinds come from
    the apps)."""
    return {field(kind.code): "on" for kind in kinds.optional_kinds(AN_EXPERTS)} | data


def every_optional_kind():
    return sorted(kind.code for kind in kinds.optional_kinds(AN_EXPERTS))


def checkbox(response, name):
    return re.search(rf'<input type="checkbox" name="{name}"[^>]*>', response.text)[0]


def test_preferences_show_optional_kinds_on_and_essential_ones_fixed(client, alice):
    client.force_login(alice.user)

    response = client.get(PREFERENCES_URL)

    assert response.status_code == 200
    assert {PASSPORT_EXPIRY, PROFILE_CONFIRMATION} <= set(every_optional_kind())
    for kind in kinds.optional_kinds(AN_EXPERTS):
        assert " checked" in checkbox(response, field(kind.code))
    assert re.search(
        r'<input type="checkbox" id="(essential-\d+)" checked disabled> '
        r'<label for="\1">Account activation link</label>',
        response.text,
    )
    assert 'name="email_account__activation"' not in response.text
    assert re.search(r'<input type="radio" name="digest" value="none"[^>]* checked', response.text)


def test_each_person_is_offered_the_emails_of_their_role_only(client, alice, officer):
    client.force_login(alice.user)
    mine = client.get(PREFERENCES_URL).text
    assert "Weekly list of accreditations about to lapse (Secretariat)" not in mine
    assert "Reminder to confirm my profile" in mine
    # Always sent to Member administrations, never to a person: not listed to anyone.
    assert "to the administration" not in mine
    sign_in(client, officer)
    theirs = client.get(PREFERENCES_URL).text
    assert "Weekly list of accreditations about to lapse (Secretariat)" in theirs
    assert "Reminder to confirm my profile" not in theirs
    assert "to the administration" not in theirs


def test_a_kind_muted_before_and_not_shown_stays_muted(client, alice):
    NotificationSettings.objects.create(
        user=alice.user, digest="none", muted_kinds=[UPCOMING_LAPSES, PASSPORT_EXPIRY]
    )
    client.force_login(alice.user)
    client.post(PREFERENCES_URL, all_emails_on(digest="none"))
    saved = NotificationSettings.objects.get(user=alice.user)
    assert saved.muted_kinds == [UPCOMING_LAPSES]


def test_preferences_save_muted_kinds_and_digest(client, alice, bob):
    client.force_login(alice.user)

    data = all_emails_on(digest="weekly")
    del data[field(PROFILE_CONFIRMATION)]
    response = client.post(PREFERENCES_URL, data)

    assert response.status_code == 302
    assert response.url == PREFERENCES_URL
    saved = NotificationSettings.objects.get(user=alice.user)
    assert (saved.digest, saved.muted_kinds) == ("weekly", [PROFILE_CONFIRMATION])
    assert not NotificationSettings.objects.filter(user=bob.user).exists()

    page = client.get(PREFERENCES_URL)
    assert " checked" not in checkbox(page, field(PROFILE_CONFIRMATION))
    assert " checked" in checkbox(page, field(PASSPORT_EXPIRY))
    assert "Your email preferences are saved." in page.text


def test_preferences_turning_everything_back_on(client, alice):
    NotificationSettings.objects.create(
        user=alice.user, digest="daily", muted_kinds=[PASSPORT_EXPIRY, PROFILE_CONFIRMATION]
    )
    client.force_login(alice.user)

    client.post(PREFERENCES_URL, all_emails_on(digest="none"))

    saved = NotificationSettings.objects.get(user=alice.user)
    assert (saved.digest, saved.muted_kinds) == ("none", [])


def test_preferences_invalid_digest_is_refused(client, alice):
    NotificationSettings.objects.create(user=alice.user, digest="daily", muted_kinds=[])
    client.force_login(alice.user)

    response = client.post(PREFERENCES_URL, {"digest": "hourly"})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "digest": ["Select a valid choice. hourly is not one of the available choices."]
    }
    assert "Select a valid choice. hourly is not one of the available choices." in response.text
    saved = NotificationSettings.objects.get(user=alice.user)
    assert (saved.digest, saved.muted_kinds) == ("daily", [])


# The signed link in every email


def test_preferences_link_works_without_signing_in(client, alice):
    path = link_path(alice.user)

    response = client.get(path)

    assert response.status_code == 200
    assert f"Choose which emails {alice.user.email} receives." in response.text
    assert f'action="{path}"' in response.text


def test_preferences_link_changes_only_that_persons_settings(client, alice, bob):
    path = link_path(alice.user)
    client.force_login(bob.user)  # whoever follows it, the link is Alice's

    response = client.post(path, {"digest": "daily"})

    assert response.status_code == 302
    assert response.url == path
    saved = NotificationSettings.objects.get(user=alice.user)
    assert (saved.digest, saved.muted_kinds) == ("daily", every_optional_kind())
    assert not NotificationSettings.objects.filter(user=bob.user).exists()


def test_preferences_link_invalid_post_is_refused(client, alice):
    response = client.post(link_path(alice.user), {"digest": "hourly"})

    assert response.status_code == 400
    assert NotificationSettings.objects.get(user=alice.user).digest == "none"


def tampered(path):
    token = path.rstrip("/").rsplit("/", 1)[1]
    last = "A" if token[-1] != "A" else "B"
    return reverse("notifications:preferences_by_link", args=[token[:-1] + last])


@pytest.mark.parametrize(
    "make_path",
    [
        pytest.param(lambda user: tampered(link_path(user)), id="tampered"),
        pytest.param(
            lambda user: reverse(
                "notifications:preferences_by_link", args=[signing.dumps(user.pk)]
            ),
            id="other-salt",
        ),
        pytest.param(
            lambda user: reverse("notifications:preferences_by_link", args=["not-a-token"]),
            id="garbage",
        ),
    ],
)
def test_preferences_link_tampered_is_404(client, alice, make_path):
    response = client.post(make_path(alice.user), {"digest": "daily"})

    assert response.status_code == 404
    assert "This link cannot be used" in response.text
    assert not NotificationSettings.objects.filter(digest="daily").exists()


def test_preferences_link_of_a_deactivated_account_is_404(client, alice):
    path = link_path(alice.user)
    alice.user.is_active = False
    alice.user.save()

    response = client.get(path)

    assert response.status_code == 404
    assert "This link cannot be used" in response.text


def test_preferences_link_expires(client, alice, time_machine):
    time_machine.move_to(T0, tick=False)
    path = link_path(alice.user)
    days = django_settings.NOTIFICATIONS_PREFERENCES_LINK_DAYS

    time_machine.move_to(T0 + timedelta(days=days) - timedelta(minutes=1), tick=False)
    assert client.get(path).status_code == 200

    time_machine.move_to(T0 + timedelta(days=days, minutes=1), tick=False)
    response = client.get(path)
    assert response.status_code == 404
    assert "This link cannot be used" in response.text


def test_every_email_carries_a_working_preferences_link(client, alice, mailoutbox):
    row = notify(
        alice.user,
        PROFILE_CONFIRMATION,
        context={"name": "Alice", "confirmed_at": None, "url": "http://x.example/p/"},
        dedupe_key="confirmation",
    )
    delivery.deliver(row.pk)
    [message] = mailoutbox

    text_path = PREFERENCES_LINK_RE.search(message.body)[1]
    html_path = PREFERENCES_LINK_RE.search(message.alternatives[0].content)[1]
    header_path = urlsplit(message.extra_headers["List-Unsubscribe"][1:-1]).path
    assert text_path == html_path == header_path

    response = client.get(text_path)
    assert response.status_code == 200
    assert f"Choose which emails {alice.user.email} receives." in response.text
    client.post(text_path, {"digest": "none"})
    assert NotificationSettings.objects.get(user=alice.user).muted_kinds == every_optional_kind()
