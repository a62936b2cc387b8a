"""Registering an expert, the activation email, and the single-use, expiring activation link."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from ace_portal.accounts import services
from ace_portal.accounts.models import Invitation, User, hash_token
from ace_portal.accounts.roles import Role
from experts.models import Expert, MemberAdministration
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

STRONG_PASSWORD = "Lighthouse-Tariff-Quay-42"
SUBJECT = "[ACE Portal] Activate your ACE Portal account"
LINK_RE = re.compile(r"http://testserver/accounts/invitation/[A-Za-z0-9_-]+/")


def registration_data(**overrides):
    data = {
        "email": "new.expert@customs.example",
        "given_names": "Nadia",
        "family_name": "Haddad",
        "home_administration": str(MemberAdministration.objects.get(iso_code="KE").pk),
        "preferred_language": "en",
        "send_invitation": "on",
    }
    data.update(overrides)
    return data


@pytest.fixture
def register(client, officer, django_capture_on_commit_callbacks):
    """Register an expert as the officer; the email goes out when the transaction commits."""

    def post(**overrides):
        sign_in(client, officer)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("secretariat:register_expert"), registration_data(**overrides)
            )
        client.logout()
        return response

    return post


@pytest.fixture
def invited(register, mailoutbox):
    """A newly registered expert and the path of the activation link they were emailed."""
    response = register()
    assert response.status_code == 302
    link = LINK_RE.search(mailoutbox[-1].body).group(0)
    user = User.objects.get(email="new.expert@customs.example")
    return user, link.removeprefix("http://testserver")


# Registration by the Secretariat


def test_register_expert_creates_user_expert_and_invitation(register, officer):
    response = register()
    user = User.objects.get(email="new.expert@customs.example")
    expert = Expert.objects.get(user=user)
    assert response.url == reverse("secretariat:expert_detail", args=[expert.pk])
    assert (expert.given_names, expert.family_name) == ("Nadia", "Haddad")
    assert expert.home_administration.iso_code == "KE"
    assert expert.created_by == officer
    assert list(user.groups.values_list("name", flat=True)) == [Role.EXPERT]
    assert not user.has_usable_password()
    invitation = Invitation.objects.get(user=user)
    assert invitation.created_by == officer
    assert invitation.used_at is None


def test_register_expert_sends_one_activation_email(register, mailoutbox):
    register()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["new.expert@customs.example"]
    assert message.subject == SUBJECT
    link = LINK_RE.search(message.body).group(0)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html


def test_register_expert_stores_only_a_hash_of_the_token(invited):
    user, link = invited
    token = link.rstrip("/").rsplit("/", 1)[-1]
    invitation = Invitation.objects.get(user=user)
    assert invitation.token_hash == hash_token(token)
    assert token not in invitation.token_hash


def test_register_expert_without_invitation_sends_no_email(register, mailoutbox):
    register(send_invitation="")
    assert User.objects.filter(email="new.expert@customs.example").exists()
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("email", ["taken@customs.example", "TAKEN@Customs.Example"])
def test_register_expert_existing_email_refused(register, alice, mailoutbox, email):
    alice.user.email = "taken@customs.example"
    alice.user.save()
    response = register(email=email)
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Somebody with this email address is already registered."
    ]
    assert Expert.objects.count() == 1
    assert mailoutbox == []


def test_register_expert_missing_fields_refused(register):
    response = register(email="not-an-email", given_names="", home_administration="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"email", "given_names", "home_administration"}
    assert not User.objects.filter(email="not-an-email").exists()


def test_register_expert_email_in_preferred_language(register, mailoutbox):
    register(preferred_language="fr")
    user = User.objects.get(email="new.expert@customs.example")
    assert user.preferred_language == "fr"
    [message] = mailoutbox
    assert message.to == ["new.expert@customs.example"]
    link = LINK_RE.search(message.body).group(0)
    assert link in message.alternatives[0][0]


def test_register_expert_html_email_declares_recipient_language(register, mailoutbox):
    register(preferred_language="fr")
    assert '<html lang="fr">' in mailoutbox[0].alternatives[0][0]


# Activation


def test_activation_link_get_shows_password_form(client, invited):
    user, link = invited
    response = client.get(link)
    assert response.status_code == 200
    assert set(response.context["form"].fields) == {"password1", "password2"}
    assert user.email in response.text


def test_activation_link_post_activates_and_lands_on_profile(client, invited):
    user, link = invited
    response = client.post(
        link, {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("experts:profile")
    assert response.context["user"] == user
    user.refresh_from_db()
    assert user.has_usable_password()
    assert user.check_password(STRONG_PASSWORD)
    assert Invitation.objects.get(user=user).used_at is not None
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (user.email, True, True)


def test_activation_link_then_sign_in_with_new_password(client, invited):
    user, link = invited
    client.post(link, {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD})
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": STRONG_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("experts:profile")).status_code == 200


def test_activation_link_reused_410_and_no_change(client, invited):
    user, link = invited
    client.post(link, {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD})
    client.logout()
    user.refresh_from_db()
    password_hash = user.password

    response = client.get(link)
    assert response.status_code == 410
    assert "already been used" in response.text
    response = client.post(
        link, {"password1": "Another-Pass-9876", "password2": "Another-Pass-9876"}
    )
    assert response.status_code == 410
    assert "already been used" in response.text
    user.refresh_from_db()
    assert user.password == password_hash
    assert "_auth_user_id" not in client.session


def test_activation_link_expired_410_and_no_change(client, settings, invited, time_machine):
    user, link = invited
    time_machine.move_to(timezone.now() + timedelta(days=settings.ACCOUNT_INVITATION_DAYS, hours=1))
    response = client.get(link)
    assert response.status_code == 410
    assert "This activation link has expired" in response.text
    response = client.post(link, {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD})
    assert response.status_code == 410
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).used_at is None


def test_activation_link_expiry_follows_setting(
    client, settings, register, mailoutbox, time_machine
):
    settings.ACCOUNT_INVITATION_DAYS = 2
    register()
    link = LINK_RE.search(mailoutbox[0].body).group(0)
    invitation = Invitation.objects.get()
    lifetime = invitation.expires_at - invitation.created_at
    assert abs(lifetime - timedelta(days=2)) < timedelta(seconds=1)
    time_machine.move_to(timezone.now() + timedelta(days=1, hours=23))
    assert client.get(link).status_code == 200
    time_machine.move_to(timezone.now() + timedelta(hours=2))
    assert client.get(link).status_code == 410


@pytest.mark.parametrize(
    "token", ["tampered", "x" * 43, "abc/..%2F..%2Fadmin"], ids=["word", "same-length", "slashy"]
)
def test_activation_link_unknown_token_404(client, invited, token):
    user, _ = invited
    response = client.get(f"/accounts/invitation/{token}/")
    assert response.status_code == 404


def test_activation_link_tampered_token_404_and_no_change(client, invited):
    user, link = invited
    token = link.rstrip("/").rsplit("/", 1)[-1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get(reverse("accept_invitation", args=[tampered]))
    assert response.status_code == 404
    assert "not valid" in response.text
    response = client.post(
        reverse("accept_invitation", args=[tampered]),
        {"password1": STRONG_PASSWORD, "password2": STRONG_PASSWORD},
    )
    assert response.status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password()


def test_resend_invitation_revokes_earlier_link(
    client, officer, invited, mailoutbox, django_capture_on_commit_callbacks
):
    user, first_link = invited
    sign_in(client, officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("secretariat:resend_invitation", args=[user.expert.pk]))
    assert response.status_code == 302
    client.logout()
    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == [user.email]
    second_link = LINK_RE.search(mailoutbox[1].body).group(0).removeprefix("http://testserver")
    assert second_link != first_link

    assert client.get(first_link).status_code == 404
    assert client.get(second_link).status_code == 200
    first, second = Invitation.objects.filter(user=user).order_by("created_at")
    assert first.revoked_at is not None
    assert second.revoked_at is None


@pytest.mark.parametrize(
    ("password1", "password2", "field", "message"),
    [
        (STRONG_PASSWORD, STRONG_PASSWORD + "x", "password2", "The two passwords do not match."),
        ("password123", "password123", "password1", "This password is too common."),
        ("short", "short", "password1", "This password is too short."),
        ("48213907561", "48213907561", "password1", "This password is entirely numeric."),
    ],
    ids=["mismatch", "common", "short", "numeric"],
)
def test_activation_link_bad_password_refused_and_nothing_changed(
    client, invited, password1, password2, field, message
):
    user, link = invited
    response = client.post(link, {"password1": password1, "password2": password2})
    assert response.status_code in (200, 400)
    errors = response.context["form"].errors[field]
    assert any(error.startswith(message) for error in errors), errors
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert Invitation.objects.get(user=user).used_at is None
    assert "_auth_user_id" not in client.session
    # The link still works after a failed attempt.
    assert client.get(link).status_code == 200


def test_activation_password_similar_to_email_refused(client, invited):
    user, link = invited
    response = client.post(
        link, {"password1": "new.expert@customs", "password2": "new.expert@customs"}
    )
    assert "password1" in response.context["form"].errors
    user.refresh_from_db()
    assert not user.has_usable_password()


# The services, called directly


def test_accept_invitation_service_second_use_raises(alice):
    alice.user.set_unusable_password()
    alice.user.save()
    services.invite_user(alice.user, by=None, base_url="http://portal.example.org/")
    invitation = Invitation.objects.get(user=alice.user)
    # The token is only in the email; make a known one for the service call.
    invitation.token_hash = hash_token("known-token")
    invitation.save()
    services.accept_invitation("known-token", password=STRONG_PASSWORD)
    with pytest.raises(services.InvitationUsed):
        services.accept_invitation("known-token", password="Other-Password-123")
    alice.user.refresh_from_db()
    assert alice.user.check_password(STRONG_PASSWORD)


def test_check_invitation_revoked_raises_invalid(alice):
    invitation = services.invite_user(alice.user, by=None, base_url="http://portal.example.org/")
    invitation.token_hash = hash_token("known-token")
    invitation.save()
    services.invite_user(alice.user, by=None, base_url="http://portal.example.org/")
    with pytest.raises(services.InvitationInvalid):
        services.check_invitation("known-token")
    assert Invitation.objects.usable().filter(user=alice.user).count() == 1


def test_invite_user_link_uses_base_url(alice, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_user(alice.user, by=None, base_url="https://portal.example.org/")
    assert re.search(
        r"https://portal\.example\.org/accounts/invitation/[\w-]+/", mailoutbox[0].body
    )


def test_invite_user_no_email_when_transaction_rolls_back(alice, mailoutbox):
    # The email leaves only on commit: without one (the callbacks are not run), nothing is sent.
    services.invite_user(alice.user, by=None, base_url="http://portal.example.org/")
    assert mailoutbox == []
