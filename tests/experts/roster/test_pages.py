"""The Secretariat's pages about experts: the directory, one expert's page, navigation."""

import pytest
from django.urls import reverse

from ace_portal.accounts.models import Invitation
from experts.models import Expert
from experts.services.search import refresh_search_vectors
from tests.conftest import sign_in
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


def listed(response):
    """The experts of the directory page shown, in order."""
    ids = [row["id"] for row in response.context["page"].rows]
    by_pk = Expert.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids]


def test_directory_shows_every_expert_sorted(officer_client, alice, bob):
    response = officer_client.get(reverse("secretariat:directory"))
    assert listed(response) == [alice, bob]  # Mwangi before Okafor
    assert "Mwangi, Alice" in response.text
    assert "2 experts" in response.text


@pytest.mark.parametrize("query", ["mwangi", "ALICE", "Alice Mwangi"])
def test_directory_search_by_name(officer_client, alice, bob, query):
    refresh_search_vectors()
    response = officer_client.get(reverse("secretariat:directory"), {"q": query})
    assert listed(response) == [alice]
    assert "1 expert" in response.text


def test_directory_search_without_match(officer_client, alice):
    refresh_search_vectors()
    response = officer_client.get(reverse("secretariat:directory"), {"q": "zzz-nobody"})
    assert listed(response) == []
    assert "No expert matches these filters." in response.text


def test_directory_pages_by_25_with_cursors(officer_client):
    ExpertFactory.create_batch(26)
    first = officer_client.get(reverse("secretariat:directory"))
    assert len(listed(first)) == 25
    assert "26 experts" in first.text
    cursor = first.context["page"].next_cursor
    assert cursor
    second = officer_client.get(reverse("secretariat:directory"), {"after": cursor})
    assert len(listed(second)) == 1
    assert second.context["page"].next_cursor is None
    assert not set(listed(first)) & set(listed(second))
    # Page numbers belong to the relevance sort; elsewhere they are ignored, never an error.
    assert officer_client.get(reverse("secretariat:directory"), {"page": "99"}).status_code == 200


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
        "date_of_birth",
        "preferred_language",
        "send_invitation",
    }


# Navigation: each role sees what it can do


def test_navigation_expert(client, alice):
    client.force_login(alice.user)
    text = client.get(reverse("experts:profile")).text
    assert reverse("experts:accreditations") in text
    assert reverse("missions:mine") in text
    assert reverse("secretariat:directory") not in text
    assert reverse("admin:index") not in text


def test_navigation_officer(officer_client):
    text = officer_client.get(reverse("secretariat:directory")).text
    assert reverse("secretariat:register_expert") in text
    assert reverse("experts:profile") not in text
    assert reverse("admin:index") not in text


def test_navigation_admin(client, admin_user):
    sign_in(client, admin_user)
    text = client.get(reverse("secretariat:directory")).text
    assert reverse("admin:index") in text
    assert reverse("secretariat:register_expert") in text


def test_my_accreditations_and_missions_are_real_pages(client, alice):
    client.force_login(alice.user)
    for name, heading, template in [
        (
            "experts:accreditations",
            "accreditations",
            "experts/accreditation/my_accreditations.html",
        ),
        ("missions:mine", "missions", "missions/my_missions/list.html"),
    ]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert heading in response.text.lower()
        assert response.templates[0].name == template
