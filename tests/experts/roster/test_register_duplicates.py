"""Registering an expert by hand flags a person who may already be on the roster."""

import datetime

import pytest
from django.urls import reverse

from experts.models import Expert, MemberAdministration
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def kenya():
    return MemberAdministration.objects.get(iso_code="KE")


def register(client, **data):
    return client.post(
        reverse("secretariat:register_expert"),
        {
            "email": "new.person@customs.example",
            "given_names": "Alice",
            "family_name": "Mwangi",
            "preferred_language": "en",
            **data,
        },
    )


def test_similar_name_in_same_administration_is_flagged_then_confirmed(
    officer_client, alice, kenya
):
    alice.home_administration = kenya
    alice.save()
    response = register(officer_client, given_names="Alíce", home_administration=kenya.pk)
    assert response.status_code == 200
    assert "very similar name" in response.text
    assert reverse("secretariat:expert_detail", args=[alice.pk]) in response.text
    assert 'name="not_a_duplicate"' in response.text
    assert Expert.objects.count() == 1

    response = register(
        officer_client, given_names="Alíce", home_administration=kenya.pk, not_a_duplicate="on"
    )
    assert response.status_code == 302
    assert Expert.objects.count() == 2


def test_other_administration_or_birth_date_is_not_flagged(officer_client, alice, kenya):
    alice.home_administration = MemberAdministration.objects.get(iso_code="FR")
    alice.date_of_birth = datetime.date(1980, 1, 1)
    alice.save()
    response = register(officer_client, home_administration=kenya.pk)
    assert response.status_code == 302
    alice.home_administration = kenya
    alice.save()
    newcomer = Expert.objects.get(user__email="new.person@customs.example")
    newcomer.date_of_birth = datetime.date(1985, 2, 2)
    newcomer.save()
    response = register(
        officer_client,
        email="third@customs.example",
        home_administration=kenya.pk,
        date_of_birth="1990-05-05",
    )
    assert response.status_code == 302
    assert Expert.objects.get(user__email="third@customs.example").date_of_birth == (
        datetime.date(1990, 5, 5)
    )


def test_a_record_without_birth_date_is_still_a_candidate(officer_client, alice, kenya):
    # Most records predate the birth-date field: a date typed now must not hide them.
    alice.home_administration = kenya
    alice.date_of_birth = None
    alice.save()
    response = register(officer_client, home_administration=kenya.pk, date_of_birth="1990-05-05")
    assert response.status_code == 200
    assert "very similar name" in response.text


def test_birth_date_is_checked(officer_client, kenya):
    response = register(officer_client, home_administration=kenya.pk, date_of_birth="2090-01-01")
    assert response.status_code == 200
    assert "cannot be in the future" in response.text
    assert not Expert.objects.exists()


def test_first_form_does_not_offer_the_confirmation(officer_client):
    response = officer_client.get(reverse("secretariat:register_expert"))
    assert 'name="not_a_duplicate"' not in response.text
