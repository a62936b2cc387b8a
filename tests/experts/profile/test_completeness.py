"""The completeness meter: what is missing, as a percentage, stored and shown."""

import pytest
from django.urls import reverse

from experts.models import Expert
from experts.services import completeness
from experts.services import profile as services
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def assessed(expert):
    return completeness.assess(services.expert_with_profile().get(pk=expert.pk))


def test_completeness_empty_profile_low(alice):
    alice.home_administration = None
    alice.save()
    items = assessed(alice)
    assert completeness.percent(items) == 0
    assert all(not item.done for item in items)


def test_completeness_new_expert_only_home_administration(alice):
    items = assessed(alice)
    assert [item.label for item in items if item.done] == ["your home administration"]
    assert completeness.percent(items) == 6


def test_completeness_filled_profile_100(alice, complete_profile):
    complete_profile(alice)
    items = assessed(alice)
    assert [item.label for item in items if not item.done] == []
    assert completeness.percent(items) == 100


def test_completeness_short_biography_not_enough(alice, complete_profile):
    complete_profile(alice)
    alice.biography = "Auditor."
    alice.save()
    missing = [item.section for item in assessed(alice) if not item.done]
    assert missing == ["biography"]
    assert completeness.percent(assessed(alice)) == 94


def test_completeness_outdated_consent_missing(alice, complete_profile, settings):
    complete_profile(alice)
    settings.CONSENT_VERSION = "2099-1"
    assert [item.section for item in assessed(alice) if not item.done] == ["consent"]


def test_refresh_completeness_stores_value(alice, complete_profile):
    complete_profile(alice)
    assert Expert.objects.get(pk=alice.pk).completeness == 0
    assert services.refresh_completeness(alice) == 100
    assert Expert.objects.get(pk=alice.pk).completeness == 100


def test_completeness_missing_items_link_to_sections(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("experts:profile"))
    assert response.context["completeness"] == 6
    sections = {item.section for item in response.context["missing"]}
    assert "employment" in sections  # position and years are still missing
    for section in sections:
        assert reverse("experts:edit_section", args=[section]) in response.text
    assert 'value="6"' in response.text


def test_completeness_shown_to_officer_without_edit_links(client, officer, alice):
    sign_in(client, officer)
    response = client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    assert response.context["completeness"] == 6
    assert reverse("experts:edit_section", args=["identity"]) not in response.text
    # The officer reads what the expert lacks, not "your photo": it is not theirs.
    assert "A photo" in response.text and "A CV" in response.text
    assert "Your photo" not in response.text and "Your CV" not in response.text


def test_the_expert_reads_what_they_lack_in_their_own_words(client, alice):
    client.force_login(alice.user)
    response = client.get(reverse("experts:profile"))
    assert "Your photo" in response.text


def test_register_expert_service_stores_initial_completeness(officer):
    from experts.models import MemberAdministration

    expert = services.register_expert(
        email="fresh@customs.example",
        given_names="Fresh",
        family_name="Expert",
        home_administration=MemberAdministration.objects.get(iso_code="KE"),
        by=officer,
        invite=False,
        base_url="http://testserver/",
    )
    assert Expert.objects.get(pk=expert.pk).completeness == 6
