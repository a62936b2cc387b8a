"""Signing in with allauth: email and password, the second factor for staff, closed sign-up."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def login(client, email, password, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def form_errors(response):
    return [str(error) for error in response.context["form"].non_field_errors()]


def test_login_expert_with_email_and_password(client, alice):
    response = login(client, alice.user.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.user.pk)
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("experts:profile")


def test_login_email_is_case_insensitive(client, alice):
    response = login(client, alice.user.email.upper(), DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(alice.user.pk)


def test_login_next_parameter_is_followed(client, alice):
    response = client.get(reverse("missions:mine"))
    assert response.status_code == 302
    response = login(client, alice.user.email, DEFAULT_PASSWORD, next=reverse("missions:mine"))
    assert response.status_code == 302
    assert response.url == reverse("missions:mine")


def test_login_wrong_password_and_unknown_email_same_message(client, alice):
    wrong_password = login(client, alice.user.email, "not-the-password")
    unknown_email = login(client, "nobody@customs.example", "not-the-password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    assert form_errors(wrong_password) == form_errors(unknown_email)
    assert form_errors(wrong_password)  # there is a message, and it is the same one
    assert signed_in_user_id(client) is None


def test_login_rate_limited_after_repeated_failures(client, alice):
    for _ in range(5):
        login(client, alice.user.email, "not-the-password")
    response = login(client, alice.user.email, DEFAULT_PASSWORD)
    assert response.status_code in (200, 429)
    assert signed_in_user_id(client) is None
    assert "Too many failed login attempts" in response.text


def test_login_inactive_expert_cannot_sign_in(client, alice):
    alice.user.is_active = False
    alice.user.save()
    login(client, alice.user.email, DEFAULT_PASSWORD)
    assert signed_in_user_id(client) is None


def test_login_invited_expert_without_password_cannot_sign_in(client, alice):
    alice.user.set_unusable_password()
    alice.user.save()
    response = login(client, alice.user.email, "")
    assert response.status_code == 200
    assert signed_in_user_id(client) is None


# Staff: the second factor


def test_login_staff_with_totp_requires_second_step(client, officer, current_totp_code):
    response = login(client, officer.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    # Not signed in yet: the Secretariat pages still send to the login page.
    assert signed_in_user_id(client) is None
    assert client.get(reverse("secretariat:directory")).status_code == 302

    assert client.get(reverse("mfa_authenticate")).status_code == 200
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(officer.pk)
    assert client.get(reverse("secretariat:directory")).status_code == 200


def test_login_staff_wrong_totp_code_refused(client, officer, current_totp_code):
    login(client, officer.email, DEFAULT_PASSWORD)
    wrong = "000000" if current_totp_code() != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert signed_in_user_id(client) is None


def test_login_admin_with_totp_reaches_admin(client, admin_user, current_totp_code):
    response = login(client, admin_user.email, DEFAULT_PASSWORD)
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert client.get(reverse("admin:index")).status_code == 200


def test_login_expert_without_mfa_needs_no_second_step(client, alice):
    response = login(client, alice.user.email, DEFAULT_PASSWORD)
    assert response.url != reverse("mfa_authenticate")
    assert signed_in_user_id(client) == str(alice.user.pk)


# No open sign-up


def test_signup_closed_page(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert "sign up is currently closed" in response.text
    assert "account/signup_closed.html" in [template.name for template in response.templates]


def test_signup_post_creates_no_user(client):
    before = get_user_model().objects.count()
    client.post(
        reverse("account_signup"),
        {
            "email": "walk.in@customs.example",
            "password1": "Lighthouse-Tariff-Quay-42",
            "password2": "Lighthouse-Tariff-Quay-42",
        },
    )
    assert get_user_model().objects.count() == before
    assert not get_user_model().objects.filter(email="walk.in@customs.example").exists()


def test_login_page_does_not_link_to_signup(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert reverse("account_signup") not in response.text


# Password reset does not reveal whether an account exists


def test_password_reset_known_and_unknown_email_same_page(client, alice, mailoutbox):
    known = client.post(reverse("account_reset_password"), {"email": alice.user.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@customs.example"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The real account gets a reset link; the unknown address gets nothing that differs on screen.
    assert alice.user.email in [message.to[0] for message in mailoutbox]


def test_login_next_to_another_site_ignored(client, alice):
    response = login(client, alice.user.email, DEFAULT_PASSWORD, next="https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response.url


def test_logout_requires_post(client, alice):
    client.force_login(alice.user)
    client.get(reverse("account_logout"))
    assert signed_in_user_id(client) == str(alice.user.pk)
    client.post(reverse("account_logout"))
    assert signed_in_user_id(client) is None
