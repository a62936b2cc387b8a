"""Staff pages need a session that passed the second factor, whatever door made the session.

The hole these tests close: Django's own /admin/login/ signed an admin in with the password
alone, and the middleware only asked whether the user *had* TOTP. Every session below is
password-only, made through a different door; none may reach a staff page.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from ace_portal.accounts.models import Invitation, hash_token
from ace_portal.accounts.roles import Role
from tests.conftest import sign_in
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Staff pages of every kind: the Secretariat's, the admin's, the sensitive export, and the
# allauth pages that a stolen password must not open (recovery codes, TOTP removal, e-mail).
STAFF_PAGES = [
    "secretariat:directory",
    "admin:index",
    "admin:experts_expert_changelist",
    "admin:password_change",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_deactivate_totp",
    "account_email",
    "account_change_password",
    "account_overview",
    "home",
]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def assert_sent_to_second_factor(response, url):
    assert response.status_code == 302, url
    target = urlsplit(response.url)
    assert target.path == reverse("mfa_reauthenticate"), url
    return parse_qs(target.query).get("next", [None])[0]


# The admin's own login form


def test_admin_login_page_sends_to_allauth_sign_in(client):
    response = client.get(reverse("admin:login"), {"next": "/admin/"})
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_login")


def test_admin_login_correct_password_does_not_reach_admin(client, admin_user):
    response = client.post(
        reverse("admin:login"),
        {"username": admin_user.email, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("admin:login")


def test_admin_login_signed_in_expert_is_refused(client, alice):
    client.force_login(alice.user)
    assert client.get(reverse("admin:login")).status_code == 403


# Password-only sessions, each made through another door


def _force_login(client, user):
    client.force_login(user)


def _django_login(client, user):
    # django.contrib.auth's authenticate() + login(), as any hand-written login view would.
    assert client.login(username=user.email, password=DEFAULT_PASSWORD)


def _password_record_only(client, user):
    sign_in(client, user, second_factor=False)


def _invitation(client, user):
    user.set_unusable_password()
    user.save()
    token = "staff-invitation-token"
    Invitation.objects.create(
        user=user, token_hash=hash_token(token), expires_at=timezone.now() + timedelta(days=1)
    )
    response = client.post(
        reverse("accept_invitation", args=[token]),
        {"password1": "Quay-Tariff-Lighthouse-91", "password2": "Quay-Tariff-Lighthouse-91"},
    )
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


DOORS = [_force_login, _django_login, _password_record_only, _invitation]


@pytest.mark.parametrize("door", DOORS, ids=lambda door: door.__name__.strip("_"))
@pytest.mark.parametrize("staff", ["officer", "admin_user"])
def test_password_only_staff_session_reaches_no_staff_page(request, client, door, staff):
    user = request.getfixturevalue(staff)
    door(client, user)
    for name in STAFF_PAGES:
        url = reverse(name)
        assert_sent_to_second_factor(client.get(url), url)
    # Not by POST either.
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert_sent_to_second_factor(response, "generate recovery codes (POST)")


def test_password_only_session_after_password_reauthentication_still_no_recovery_codes(
    client, admin_user
):
    client.force_login(admin_user)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert_sent_to_second_factor(response, "recovery codes")


def test_password_only_session_passes_with_a_code_and_goes_on(client, officer, current_totp_code):
    client.force_login(officer)
    next_url = assert_sent_to_second_factor(client.get(reverse("secretariat:directory")), "dir")
    assert next_url == reverse("secretariat:directory")
    assert client.get(reverse("mfa_reauthenticate")).status_code == 200
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={next_url}", {"code": current_totp_code()}
    )
    assert response.status_code == 302
    assert response.url == next_url
    assert client.get(next_url).status_code == 200


def test_password_only_session_can_sign_out_and_switch_language(client, officer):
    client.force_login(officer)
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    client.post(reverse("account_logout"))
    assert signed_in_user_id(client) is None


def test_session_of_another_user_records_does_not_count(client, officer, admin_user):
    """Records are bound to the user they were made for (a session reused after a switch)."""
    sign_in(client, officer)
    session = client.session
    session["_auth_user_id"] = str(admin_user.pk)
    session["_auth_user_hash"] = admin_user.get_session_auth_hash()
    session.save()
    assert_sent_to_second_factor(client.get(reverse("admin:index")), "admin")


def test_full_sign_in_reaches_staff_pages(client, officer):
    sign_in(client, officer)
    assert client.get(reverse("secretariat:directory")).status_code == 200
    # The recovery codes: allauth's own rule (a fresh password) on top of the second factor.
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert urlsplit(response.url).path == reverse("account_reauthenticate")
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_without_totp_sets_it_up_and_goes_on_without_a_second_code(client):
    """Setting up TOTP checks a code from the new device: the session has passed it."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    officer = UserFactory(email="new.officer@wco.example", roles=[Role.SECRETARIAT])
    client.force_login(officer)
    response = client.get(reverse("secretariat:directory"))
    assert response.url == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    # A transactional test: allauth sends its "TOTP added" signal after commit, as in production.
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("secretariat:directory")).status_code == 200


def test_staff_who_removed_totp_is_sent_back_to_setup(client, officer):
    sign_in(client, officer)
    officer.authenticator_set.all().delete()
    response = client.get(reverse("secretariat:directory"))
    assert response.url == reverse("mfa_activate_totp")


# The rate limit holds on every form that checks a secret


def _wrong_code(current_totp_code):
    return "000000" if current_totp_code() != "000000" else "111111"


def test_rate_limit_allauth_login(client, officer):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": officer.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": officer.email, "password": DEFAULT_PASSWORD}
    )
    assert "Too many failed login attempts" in response.text
    assert client.session.get("account_login") is None or signed_in_user_id(client) is None


def test_rate_limit_admin_login_form_is_allauths(client, officer):
    """The admin's form now posts nowhere that checks a password: allauth's page does."""
    for _ in range(20):
        response = client.post(
            reverse("admin:login"), {"username": officer.email, "password": DEFAULT_PASSWORD}
        )
        assert response.status_code == 302
        assert signed_in_user_id(client) is None


def test_rate_limit_second_factor_at_sign_in(client, officer, current_totp_code):
    client.post(reverse("account_login"), {"login": officer.email, "password": DEFAULT_PASSWORD})
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": _wrong_code(current_totp_code)})
    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code()})
    assert signed_in_user_id(client) is None
    assert "Too many failed login attempts" in response.text


def test_rate_limit_second_factor_reauthentication(client, officer, current_totp_code):
    client.force_login(officer)
    for _ in range(5):
        client.post(reverse("mfa_reauthenticate"), {"code": _wrong_code(current_totp_code)})
    response = client.post(reverse("mfa_reauthenticate"), {"code": current_totp_code()})
    assert response.status_code in (200, 429)
    assert_sent_to_second_factor(client.get(reverse("secretariat:directory")), "directory")


def test_rate_limit_password_reauthentication(client, officer_without_totp_for_rate):
    client.force_login(officer_without_totp_for_rate)
    statuses = [
        client.post(reverse("account_reauthenticate"), {"password": "wrong"}).status_code
        for _ in range(12)
    ]
    assert 429 in statuses


@pytest.fixture
def officer_without_totp_for_rate(db):
    return UserFactory(email="rate.officer@wco.example", roles=[Role.SECRETARIAT])
