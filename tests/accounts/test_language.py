"""The language switch: remembered on the account and used for the user's pages."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def switch(client, language, next_url="/"):
    return client.post(reverse("set_language"), {"language": language, "next": next_url})


def test_set_language_signed_in_stores_preferred_language(client, alice):
    client.force_login(alice.user)
    response = switch(client, "fr", reverse("experts:profile"))
    assert response.status_code == 302
    assert response.url == reverse("experts:profile")
    alice.user.refresh_from_db()
    assert alice.user.preferred_language == "fr"


def test_set_language_later_pages_served_in_french(client, alice):
    client.force_login(alice.user)
    switch(client, "fr")
    response = client.get(reverse("experts:profile"))
    assert response["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.text


def test_preferred_language_wins_over_browser_language(client, alice):
    alice.user.preferred_language = "fr"
    alice.user.save()
    client.force_login(alice.user)
    response = client.get(reverse("experts:profile"), headers={"accept-language": "en"})
    assert response["Content-Language"] == "fr"


def test_preferred_language_used_in_a_new_session(client, alice):
    client.force_login(alice.user)
    switch(client, "fr")
    client.logout()
    client.cookies.clear()
    client.force_login(alice.user)
    response = client.get(reverse("experts:profile"))
    assert response["Content-Language"] == "fr"


def test_set_language_back_to_english(client, alice):
    alice.user.preferred_language = "fr"
    alice.user.save()
    client.force_login(alice.user)
    switch(client, "en")
    alice.user.refresh_from_db()
    assert alice.user.preferred_language == "en"
    assert client.get(reverse("experts:profile"))["Content-Language"] == "en"


def test_set_language_unknown_language_ignored(client, alice):
    client.force_login(alice.user)
    switch(client, "xx")
    alice.user.refresh_from_db()
    assert alice.user.preferred_language == "en"


def test_set_language_anonymous_uses_cookie(client):
    response = switch(client, "fr", reverse("account_login"))
    assert response.status_code == 302
    response = client.get(reverse("account_login"))
    assert response["Content-Language"] == "fr"


def test_set_language_get_not_allowed(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("set_language"), {"language": "fr"})
    assert response.status_code == 405
    alice.user.refresh_from_db()
    assert alice.user.preferred_language == "en"


def test_set_language_staff_without_totp_allowed(client):
    """The switch stays reachable for staff who have not set up MFA yet."""
    from ace_portal.accounts.roles import Role
    from tests.factories import UserFactory

    officer = UserFactory(roles=[Role.SECRETARIAT])
    sign_in(client, officer)
    response = switch(client, "fr", "/accounts/2fa/")
    assert response.url == "/accounts/2fa/"
    officer.refresh_from_db()
    assert officer.preferred_language == "fr"


def test_language_cookie_is_same_site_and_not_for_scripts(client):
    response = switch(client, "fr", reverse("account_login"))
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
