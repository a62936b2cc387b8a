"""The Django admin: every model's list loads, searches and filters; the expert page has inlines."""

import pytest
from django.contrib import admin
from django.urls import reverse

from experts.models import Expertise, ExpertLanguage
from experts.services.profile import refresh_derived
from tests.conftest import sign_in
from tests.factories import area, language

pytestmark = pytest.mark.django_db

ADMIN_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture
def admin_client_mfa(client, admin_user):
    sign_in(client, admin_user)
    return client


@pytest.mark.parametrize(("app_label", "model_name"), ADMIN_MODELS)
def test_admin_changelist_loads_and_searches(admin_client_mfa, alice, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert admin_client_mfa.get(url).status_code == 200
    assert admin_client_mfa.get(url, {"q": "Mwangi"}).status_code == 200


def test_admin_expert_changelist_search(admin_client_mfa, alice, bob):
    refresh_derived([alice.pk, bob.pk])  # as every profile change does; factories do not
    url = reverse("admin:experts_expert_changelist")
    response = admin_client_mfa.get(url, {"q": "Mwangi"})
    assert list(response.context["cl"].result_list) == [alice]
    response = admin_client_mfa.get(url, {"q": bob.user.email})
    assert list(response.context["cl"].result_list) == [bob]


def test_admin_expert_changelist_filters(admin_client_mfa, alice, bob):
    bob.employment_status = "retired"
    bob.save()
    Expertise.objects.create(expert=alice, area=area("transit"), years=3)
    Expertise.objects.create(expert=alice, area=area("hs-classification"), years=5)
    url = reverse("admin:experts_expert_changelist")

    response = admin_client_mfa.get(url, {"employment_status__exact": "retired"})
    assert list(response.context["cl"].result_list) == [bob]

    region = alice.home_administration.region
    response = admin_client_mfa.get(url, {"home_administration__region__id__exact": region.pk})
    assert set(response.context["cl"].result_list) == {alice, bob}

    response = admin_client_mfa.get(url, {"expertise__area__id__exact": area("transit").pk})
    assert list(response.context["cl"].result_list) == [alice]


def test_admin_expert_change_page_shows_inlines(admin_client_mfa, alice, alice_cv):
    ExpertLanguage.objects.create(expert=alice, language=language("sw"), proficiency=7)
    response = admin_client_mfa.get(reverse("admin:experts_expert_change", args=[alice.pk]))
    assert response.status_code == 200
    prefixes = {formset.formset.prefix for formset in response.context["inline_admin_formsets"]}
    assert {
        "languages",
        "expertise",
        "education",
        "work_history",
        "unavailable_periods",
        "documents",
    } <= prefixes
    assert 'id="languages-group"' in response.text
    assert 'id="documents-group"' in response.text
    assert "alice-cv.pdf" in response.text


def test_admin_expert_audit_fields_read_only(admin_client_mfa, alice):
    response = admin_client_mfa.get(reverse("admin:experts_expert_change", args=[alice.pk]))
    form_fields = response.context["adminform"].form.fields
    for name in ["completeness", "consent_given_at", "profile_confirmed_at", "created_at"]:
        assert name not in form_fields


def test_admin_document_cannot_be_added_in_admin(admin_client_mfa):
    response = admin_client_mfa.get(reverse("admin:experts_expertdocument_add"))
    assert response.status_code == 403


def test_admin_user_change_page_loads(admin_client_mfa, alice):
    response = admin_client_mfa.get(reverse("admin:accounts_user_change", args=[alice.user.pk]))
    assert response.status_code == 200


def test_admin_reference_data_is_seeded(admin_client_mfa):
    response = admin_client_mfa.get(reverse("admin:experts_memberadministration_changelist"))
    assert response.context["cl"].result_count >= 187
    response = admin_client_mfa.get(reverse("admin:experts_region_changelist"))
    assert response.context["cl"].result_count == 6
    response = admin_client_mfa.get(reverse("admin:experts_profiletype_changelist"))
    assert response.context["cl"].result_count == 8


def change_form_data(response) -> dict:
    """The POST data of an admin change page as it was rendered (main form and inlines)."""
    data = {}

    def add(form):
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = str(value)
        for form in formset.initial_forms:
            add(form)
    return data


def test_admin_expert_change_saves(admin_client_mfa, alice):
    url = reverse("admin:experts_expert_change", args=[alice.pk])
    data = change_form_data(admin_client_mfa.get(url))
    data["position"] = "Director of Audit"
    response = admin_client_mfa.post(url, data)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.position == "Director of Audit"


def test_admin_expert_change_refreshes_completeness(admin_client_mfa, alice):
    from experts.services.profile import refresh_completeness

    assert refresh_completeness(alice) == 6
    url = reverse("admin:experts_expert_change", args=[alice.pk])
    data = change_form_data(admin_client_mfa.get(url))
    data.update(position="Director of Audit", years_in_customs="20")
    assert admin_client_mfa.post(url, data).status_code == 302
    alice.refresh_from_db()
    assert alice.completeness == 19  # 3 of 16 items


@pytest.mark.parametrize("query", ["Rules of origin", "Règles", "tariff classification"])
def test_admin_expert_search_covers_what_the_directory_searches(
    admin_client_mfa, alice, bob, query
):
    # Areas (English and French names) and the biography, as in the portal's directory.
    Expertise.objects.create(expert=alice, area=area("rules-of-origin"), years=4)
    bob.biography = "Trainer in tariff classification for ten years."
    bob.save()
    refresh_derived([alice.pk, bob.pk])  # as every profile change does; factories do not
    response = admin_client_mfa.get(reverse("admin:experts_expert_changelist"), {"q": query})
    expected = alice if query != "tariff classification" else bob
    listed = list(response.context["cl"].result_list)
    assert listed == [expected]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ris", ["alice"]),  # the start of a word, as the substring search found it
        ("Allemagne", ["bob"]),  # the administration's French name
        ("risk audit", ["alice"]),  # every word
        ("ALICE.MWANGI@", ["alice"]),  # the login email, by its start
        ("post-clearance", ["alice"]),  # punctuation is no error
        ("zzz", []),
        ("%_'\\", []),
    ],
)
def test_admin_expert_search_answers_through_the_index(
    admin_client_mfa, alice, bob, query, found, django_assert_max_num_queries
):
    from experts.models import MemberAdministration

    alice.position = "Risk management officer"
    alice.biography = "Post-clearance audit."
    alice.save()
    alice.user.email = "alice.mwangi@customs.example"
    alice.user.save()
    bob.home_administration = MemberAdministration.objects.get(iso_code="DE")
    bob.save()
    refresh_derived([alice.pk, bob.pk])
    url = reverse("admin:experts_expert_changelist")
    with django_assert_max_num_queries(12) as queries:
        response = admin_client_mfa.get(url, {"q": query})
    assert response.status_code == 200
    listed = {expert.pk for expert in response.context["cl"].result_list}
    assert listed == {{"alice": alice.pk, "bob": bob.pk}[name] for name in found}
    # No DISTINCT over the joins of 11 fields, as the substring search needed.
    assert not any("DISTINCT" in q["sql"] for q in queries.captured_queries)
