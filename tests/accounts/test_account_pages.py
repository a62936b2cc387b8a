"""The allauth account pages everyone uses: they render inside the portal's layout."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "mfa_index",
    "account_logout",
]
ANONYMOUS_PAGES = ["account_login", "account_reset_password", "account_signup"]


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_render_for_expert(client, alice, name):
    client.force_login(alice.user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "ACE Portal" in response.text


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_anonymous_redirected_to_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_account_pages_render_for_anonymous(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert '<html lang="en">' in response.text


def test_account_email_change_sends_verification(client, alice, mailoutbox):
    client.force_login(alice.user)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "alice.new@customs.example"}
    )
    assert response.status_code == 302
    assert [message.to for message in mailoutbox] == [["alice.new@customs.example"]]
    alice.user.refresh_from_db()
    # The login email changes only once the new address is verified.
    assert alice.user.email != "alice.new@customs.example"


def test_password_reset_sends_link_to_expert(client, alice, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": alice.user.email})
    assert response.status_code == 302
    [message] = mailoutbox
    assert message.to == [alice.user.email]
    assert message.subject.startswith("[ACE Portal] ")
    assert "/accounts/password/reset/key/" in message.body


def test_favicon_ico_leads_to_the_portal_icon(client):
    # Pages without the portal's <link rel="icon"> (the admin's) make browsers ask for it.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("/img/favicon.svg")
