"""Accounts in the Django admin: adding a user keeps email addresses unique and lower-case."""

import pytest
from django.urls import reverse

from ace_portal.accounts.models import User
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Lighthouse-Tariff-Quay-42"


def add_user(client, email):
    return client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
            "invitations-TOTAL_FORMS": "0",
            "invitations-INITIAL_FORMS": "0",
            "invitations-MIN_NUM_FORMS": "0",
            "invitations-MAX_NUM_FORMS": "0",
        },
    )


@pytest.fixture
def admin_client_mfa(client, admin_user):
    sign_in(client, admin_user)
    return client


def test_admin_add_user_creates_account(admin_client_mfa):
    response = add_user(admin_client_mfa, "reviewer@wco.example")
    user = User.objects.get(email="reviewer@wco.example")
    assert response.status_code == 302
    assert response.url == reverse("admin:accounts_user_change", args=[user.pk])
    assert user.check_password(PASSWORD)


def test_admin_add_user_existing_email_refused(admin_client_mfa, alice):
    response = add_user(admin_client_mfa, alice.user.email)
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.filter(email__iexact=alice.user.email).count() == 1


def test_admin_add_user_email_differing_in_case_refused(admin_client_mfa, alice):
    add_user(admin_client_mfa, alice.user.email.upper())
    assert User.objects.filter(email__iexact=alice.user.email).count() == 1


def test_admin_user_changelist_search(admin_client_mfa, alice, bob):
    url = reverse("admin:accounts_user_changelist")
    response = admin_client_mfa.get(url, {"q": alice.user.email})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [alice.user]


def test_admin_invitation_cannot_be_added_in_admin(admin_client_mfa):
    assert admin_client_mfa.get(reverse("admin:accounts_invitation_add")).status_code == 403


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_admin_index_names_each_section_once(admin_client_mfa, admin_user, language):
    admin_user.preferred_language = language
    admin_user.save(update_fields=["preferred_language"])
    response = admin_client_mfa.get(reverse("admin:index"))
    assert response["Content-Language"] == language
    names = [str(app["name"]) for app in response.context["app_list"]]
    assert len(names) == len(set(names)), names
