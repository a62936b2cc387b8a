"""Who reaches which page: every view of experts/urls.py, experts/secretariat_urls.py and home,
for the anonymous visitor, the owner, another expert, the Secretariat and staff without MFA."""

from datetime import date

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from ace_portal.accounts.models import Invitation
from ace_portal.accounts.roles import Role
from experts.views.sections import SECTIONS
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# The expert's own pages, reached with GET.
EXPERT_PAGES = [
    ("experts:profile", {}),
    ("experts:accreditations", {}),
    ("missions:mine", {}),
] + [("experts:edit_section", {"section": section.slug}) for section in SECTIONS]
EXPERT_PAGE_IDS = [kwargs.get("section", name) for name, kwargs in EXPERT_PAGES]

# The Secretariat's pages, reached with GET; ``pk`` is filled with Alice's id.
SECRETARIAT_PAGES = [
    ("secretariat:directory", False),
    ("secretariat:directory_export", False),
    ("secretariat:register_expert", False),
    ("secretariat:expert_detail", True),
]


def secretariat_url(name, needs_pk, expert):
    return reverse(name, args=[expert.pk]) if needs_pk else reverse(name)


def assert_redirected_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


@pytest.fixture
def officer_without_totp(db):
    return UserFactory(email="newofficer@wco.example", roles=[Role.SECRETARIAT])


@pytest.fixture
def admin_without_totp(db):
    return UserFactory(
        email="newadmin@wco.example", is_staff=True, is_superuser=True, roles=[Role.ADMIN]
    )


# Anonymous visitor


@pytest.mark.parametrize(("name", "kwargs"), EXPERT_PAGES, ids=EXPERT_PAGE_IDS)
def test_expert_pages_anonymous_redirected_to_login(client, name, kwargs):
    assert_redirected_to_login(client.get(reverse(name, kwargs=kwargs)))


@pytest.mark.parametrize(("name", "kwargs"), EXPERT_PAGES, ids=EXPERT_PAGE_IDS)
def test_expert_pages_anonymous_post_redirected_to_login(client, name, kwargs):
    assert_redirected_to_login(client.post(reverse(name, kwargs=kwargs), {}))


def test_confirm_profile_anonymous_redirected_to_login(client):
    assert_redirected_to_login(client.post(reverse("experts:confirm_profile")))


@pytest.mark.parametrize(("name", "needs_pk"), SECRETARIAT_PAGES)
def test_secretariat_pages_anonymous_redirected_to_login(client, alice, name, needs_pk):
    assert_redirected_to_login(client.get(secretariat_url(name, needs_pk, alice)))


def test_resend_invitation_anonymous_redirected_to_login(client, alice):
    response = client.post(reverse("secretariat:resend_invitation", args=[alice.pk]))
    assert_redirected_to_login(response)
    assert not Invitation.objects.exists()


def test_home_anonymous_redirected_to_login(client):
    assert_redirected_to_login(client.get(reverse("home")))


def test_document_anonymous_redirected_to_login(client, alice_cv):
    assert_redirected_to_login(client.get(reverse("experts:document", args=[alice_cv.pk])))


def test_photo_anonymous_redirected_to_login(client, alice_photo):
    assert_redirected_to_login(client.get(reverse("experts:photo", args=[alice_photo.pk])))


# The expert, on their own pages and on the Secretariat's


@pytest.mark.parametrize(("name", "kwargs"), EXPERT_PAGES, ids=EXPERT_PAGE_IDS)
def test_expert_pages_owner_gets_200(client, alice, name, kwargs):
    client.force_login(alice.user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert response.context["expert"] == alice


def test_expert_pages_show_only_the_signed_in_experts_profile(client, alice, bob):
    client.force_login(bob.user)
    response = client.get(reverse("experts:profile"))
    assert response.context["expert"] == bob
    assert "Mwangi" not in response.text


def test_confirm_profile_owner_redirected_to_profile(client, alice):
    client.force_login(alice.user)
    response = client.post(reverse("experts:confirm_profile"))
    assert response.status_code == 302
    assert response.url == reverse("experts:profile")


def test_edit_section_unknown_section_404(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("experts:edit_section", args=["salary"]))
    assert response.status_code == 404


def test_home_expert_redirected_to_profile(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("experts:profile")


@pytest.mark.parametrize(("name", "needs_pk"), SECRETARIAT_PAGES)
@pytest.mark.parametrize("whose", ["own", "other"])
def test_secretariat_pages_expert_gets_404(client, alice, bob, name, needs_pk, whose):
    client.force_login(alice.user)
    expert = alice if whose == "own" else bob
    response = client.get(secretariat_url(name, needs_pk, expert))
    assert response.status_code == 404


def test_resend_invitation_expert_gets_404_and_sends_nothing(client, alice, bob, mailoutbox):
    client.force_login(alice.user)
    response = client.post(reverse("secretariat:resend_invitation", args=[bob.pk]))
    assert response.status_code == 404
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_register_expert_post_by_expert_gets_404_and_creates_nothing(client, alice):
    client.force_login(alice.user)
    response = client.post(
        reverse("secretariat:register_expert"),
        {
            "email": "intruder@customs.example",
            "given_names": "In",
            "family_name": "Truder",
            "home_administration": alice.home_administration_id,
            "preferred_language": "en",
        },
    )
    assert response.status_code == 404
    from ace_portal.accounts.models import User

    assert not User.objects.filter(email="intruder@customs.example").exists()


def test_admin_expert_is_not_let_in(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# The Secretariat officer


@pytest.mark.parametrize(("name", "kwargs"), EXPERT_PAGES, ids=EXPERT_PAGE_IDS)
def test_expert_pages_officer_gets_404(client, officer, name, kwargs):
    sign_in(client, officer)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 404


def test_confirm_profile_officer_gets_404(client, officer):
    sign_in(client, officer)
    assert client.post(reverse("experts:confirm_profile")).status_code == 404


@pytest.mark.parametrize(("name", "needs_pk"), SECRETARIAT_PAGES)
@pytest.mark.parametrize("staff", ["officer", "admin_user"])
def test_secretariat_pages_staff_gets_200(request, client, alice, name, needs_pk, staff):
    sign_in(client, request.getfixturevalue(staff))
    assert client.get(secretariat_url(name, needs_pk, alice)).status_code == 200


def test_expert_detail_unknown_expert_404(client, officer):
    sign_in(client, officer)
    assert client.get(reverse("secretariat:expert_detail", args=[999999])).status_code == 404


def test_resend_invitation_officer_redirected_to_expert_detail(client, officer, alice):
    sign_in(client, officer)
    response = client.post(reverse("secretariat:resend_invitation", args=[alice.pk]))
    assert response.status_code == 302
    assert response.url == reverse("secretariat:expert_detail", args=[alice.pk])
    # Alice already has a password: nothing to resend.
    assert not Invitation.objects.filter(user=alice.user).exists()


def test_resend_invitation_get_not_allowed(client, officer, alice):
    sign_in(client, officer)
    response = client.get(reverse("secretariat:resend_invitation", args=[alice.pk]))
    assert response.status_code == 405


def test_home_officer_redirected_to_directory(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("secretariat:directory")


def test_home_user_without_role_sees_welcome_page(client):
    client.force_login(UserFactory(email="norole@customs.example"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "no role in the portal" in response.text


def test_admin_officer_without_staff_flag_is_not_let_in(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_index_admin_user_gets_200(client, admin_user):
    sign_in(client, admin_user)
    assert client.get(reverse("admin:index")).status_code == 200


# Staff without two-factor authentication


def staff_only_urls(expert):
    return [secretariat_url(name, needs_pk, expert) for name, needs_pk in SECRETARIAT_PAGES] + [
        reverse("admin:index"),
        reverse("admin:experts_expert_changelist"),
        reverse("home"),
    ]


@pytest.mark.parametrize("staff", ["officer_without_totp", "admin_without_totp"])
def test_staff_pages_staff_without_totp_redirected_to_mfa_activation(request, client, alice, staff):
    sign_in(client, request.getfixturevalue(staff))
    for url in staff_only_urls(alice):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == reverse("mfa_activate_totp"), url


def test_resend_invitation_officer_without_totp_redirected_to_mfa_activation(
    client, officer_without_totp, alice
):
    client.force_login(officer_without_totp)
    response = client.post(reverse("secretariat:resend_invitation", args=[alice.pk]))
    assert response.url == reverse("mfa_activate_totp")


def test_mfa_activation_page_officer_without_totp_can_set_up_totp(client, officer_without_totp):
    """The MFA requirement must not lock staff out of the pages where they set it up."""
    client.force_login(officer_without_totp)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a new factor is added.
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert client.get(response.url).status_code == 200
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "form" in response.context


def test_staff_pages_officer_with_totp_not_redirected(client, officer):
    sign_in(client, officer)
    response = client.get(reverse("secretariat:directory"))
    assert response.status_code == 200


# Files: the CV and the photo


@pytest.mark.parametrize(
    ("who", "expected"), [("alice", 200), ("bob", 404), ("officer", 200), ("admin_user", 200)]
)
def test_document_download_by_role(request, client, alice_cv, who, expected):
    user = request.getfixturevalue(who)
    sign_in(client, getattr(user, "user", user))
    response = client.get(reverse("experts:document", args=[alice_cv.pk]))
    assert response.status_code == expected
    response.close()


@pytest.mark.parametrize(
    ("who", "expected"), [("alice", 200), ("bob", 404), ("officer", 200), ("admin_user", 200)]
)
def test_photo_by_role(request, client, alice_photo, who, expected):
    user = request.getfixturevalue(who)
    sign_in(client, getattr(user, "user", user))
    response = client.get(reverse("experts:photo", args=[alice_photo.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
    response.close()


def test_photo_expert_without_photo_404(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("experts:photo", args=[alice.pk])).status_code == 404


def test_document_unknown_404(client, officer):
    sign_in(client, officer)
    assert client.get(reverse("experts:document", args=[999999])).status_code == 404


# Sensitive fields: passport number, date of birth, phone


@pytest.fixture
def alice_sensitive(alice):
    alice.passport_number = "AK7654321"
    alice.passport_expiry = date(2033, 6, 30)
    alice.date_of_birth = date(1979, 11, 23)
    alice.phone = "+254 20 4999999"
    alice.save()
    return alice


SENSITIVE_TEXT = ["AK7654321", "Nov. 23, 1979", "+254 20 4999999"]


def test_profile_sensitive_fields_shown_to_owner(client, alice_sensitive):
    client.force_login(alice_sensitive.user)
    response = client.get(reverse("experts:profile"))
    for text in SENSITIVE_TEXT:
        assert text in response.text


def test_expert_detail_sensitive_fields_shown_to_officer(client, officer, alice_sensitive):
    sign_in(client, officer)
    response = client.get(reverse("secretariat:expert_detail", args=[alice_sensitive.pk]))
    for text in SENSITIVE_TEXT:
        assert text in response.text


def test_sensitive_fields_other_expert_never_sees_them(client, alice_sensitive, bob):
    client.force_login(bob.user)
    assert (
        client.get(reverse("secretariat:expert_detail", args=[alice_sensitive.pk])).status_code
        == 404
    )
    own = client.get(reverse("experts:profile"))
    assert own.status_code == 200
    for text in SENSITIVE_TEXT:
        assert text not in own.text
