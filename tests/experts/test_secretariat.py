"""The Secretariat's pages about experts: the list with search, one expert's page, navigation."""

import pytest
from django.urls import reverse

from ace_portal.accounts.models import Invitation
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def listed(response):
    return list(response.context["page"].object_list)


def test_expert_list_shows_every_expert_sorted(officer_client, alice, bob):
    response = officer_client.get(reverse("secretariat:expert_list"))
    assert listed(response) == [alice, bob]  # Mwangi before Okafor
    assert alice.user.email in response.text


@pytest.mark.parametrize("query", ["mwangi", "ALICE", "person"])
def test_expert_list_search_by_name_or_email(officer_client, alice, bob, query):
    bob.user.email = "bob.okafor@customs.example"
    bob.user.save()
    alice.user.email = "alice.person@customs.example"
    alice.user.save()
    response = officer_client.get(reverse("secretariat:expert_list"), {"q": query})
    assert listed(response) == [alice]


def test_expert_list_search_without_match(officer_client, alice):
    response = officer_client.get(reverse("secretariat:expert_list"), {"q": "zzz-nobody"})
    assert listed(response) == []
    assert "No expert matches this search." in response.text


def test_expert_list_paginates_by_50(officer_client):
    ExpertFactory.create_batch(51)
    first = officer_client.get(reverse("secretariat:expert_list"))
    assert len(listed(first)) == 50
    assert first.context["page"].paginator.num_pages == 2
    second = officer_client.get(reverse("secretariat:expert_list"), {"page": "2"})
    assert len(listed(second)) == 1
    # A page number that does not exist gives the last page, not an error.
    assert officer_client.get(reverse("secretariat:expert_list"), {"page": "99"}).status_code == 200


def test_expert_detail_shows_activation_state_and_resend_button(
    officer_client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    alice.user.set_unusable_password()
    alice.user.save()
    url = reverse("secretariat:expert_detail", args=[alice.pk])
    response = officer_client.get(url)
    assert "Not activated yet" in response.text
    resend = reverse("secretariat:resend_invitation", args=[alice.pk])
    assert resend in response.text

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(resend)
    assert Invitation.objects.filter(user=alice.user).count() == 1
    assert [message.to for message in mailoutbox] == [[alice.user.email]]
    response = officer_client.get(url)
    assert len(response.context["invitations"]) == 1


def test_expert_detail_activated_expert_has_no_resend_button(officer_client, alice):
    response = officer_client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    assert "Activated" in response.text
    assert reverse("secretariat:resend_invitation", args=[alice.pk]) not in response.text


def test_register_expert_form_fields(officer_client):
    response = officer_client.get(reverse("secretariat:register_expert"))
    assert set(response.context["form"].fields) == {
        "email",
        "given_names",
        "family_name",
        "home_administration",
        "preferred_language",
        "send_invitation",
    }


# Navigation: each role sees what it can do


def test_navigation_expert(client, alice):
    client.force_login(alice.user)
    text = client.get(reverse("experts:profile")).text
    assert reverse("experts:accreditations") in text
    assert reverse("experts:missions") in text
    assert reverse("secretariat:expert_list") not in text
    assert reverse("admin:index") not in text


def test_navigation_officer(officer_client):
    text = officer_client.get(reverse("secretariat:expert_list")).text
    assert reverse("secretariat:register_expert") in text
    assert reverse("experts:profile") not in text
    assert reverse("admin:index") not in text


def test_navigation_admin(client, admin_user):
    client.force_login(admin_user)
    text = client.get(reverse("secretariat:expert_list")).text
    assert reverse("admin:index") in text
    assert reverse("secretariat:register_expert") in text


def test_my_accreditations_and_missions_are_real_pages(client, alice):
    client.force_login(alice.user)
    for name, heading in [
        ("experts:accreditations", "accreditations"),
        ("experts:missions", "missions"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert heading in response.text.lower()
        assert response.templates[0].name == f"experts/my_{heading}.html"
