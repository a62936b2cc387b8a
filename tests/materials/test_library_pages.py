"""The library's pages: who sees which materials in the list and on a material's page (each
state, each role; strangers 404), the filters, the forms of the workflow, and the list's
queries guarded at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.models import Expert
from materials.enums import MaterialKind, MaterialState, VersionReview
from materials.models import Material
from materials.services import library
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.materials import test_library_support as support
from tests.materials.test_library_support import (
    ROLES,
    english,
    first_version,
    french,
    office_upload,
    pdf_upload,
    start,
)

pytestmark = pytest.mark.django_db

# The shared fixtures (test_library_support), offered to this module's tests.
_no_extraction = support._no_extraction
as_role = support.as_role
draft = support.draft
published = support.published
transit_tool = support.transit_tool
withdrawn = support.withdrawn

LIBRARY = reverse("materials:library")


def listed(client, query="") -> list[str]:
    """The titles of the list's rows, in order."""
    response = client.get(LIBRARY + query)
    assert response.status_code == 200
    page = response.context["page"]
    return [material.title for material in page.object_list]


@pytest.fixture
def world(draft, published, withdrawn, transit_tool):
    """One material in each state, and the Secretariat's transit tool."""
    return {"draft": draft, "published": published, "withdrawn": withdrawn, "tool": transit_tool}


# --- The list --------------------------------------------------------------------------------

SEEN = {
    "member": {"Parcel risk indicators", "Published indicators", "Withdrawn handbook"},
    "other_member": {"Parcel risk indicators", "Published indicators", "Withdrawn handbook"},
    "area_expert": {"Published indicators"},
    "other_area_expert": {"Transit guideline"},
    "secretariat": {
        "Parcel risk indicators",
        "Published indicators",
        "Withdrawn handbook",
        "Transit guideline",
    },
}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anonymous"])
def test_the_list_shows_each_person_what_they_may_see(world, as_role, role):
    assert set(listed(as_role(role))) == SEEN[role]


def test_the_list_sends_the_anonymous_to_sign_in_and_refuses_other_accounts(client, world):
    response = client.get(LIBRARY)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in(client, UserFactory())
    assert client.get(LIBRARY).status_code == 404


def test_the_list_filters_by_area_kind_language_and_state(world, as_role, ecommerce, transit):
    officer = as_role("secretariat")
    assert set(listed(officer, f"?area={transit.pk}")) == {"Transit guideline"}
    assert set(listed(officer, f"?kind={MaterialKind.HANDBOOK}")) == {"Withdrawn handbook"}
    assert set(listed(officer, f"?language={french().pk}")) == {"Transit guideline"}
    assert set(listed(officer, "?state=draft")) == {"Parcel risk indicators"}
    assert set(listed(officer, "?in_review=on")) == {"Parcel risk indicators"}
    assert set(listed(officer, f"?state=published&area={ecommerce.pk}")) == {"Published indicators"}
    assert set(listed(officer, "?q=handbook")) | set(listed(officer, "?q=Withdrawn")) == {
        "Withdrawn handbook"
    }


def test_the_state_filter_is_offered_to_those_who_see_drafts_only(world, as_role):
    assert "state" in as_role("member").get(LIBRARY).context["form"].fields
    assert "state" in as_role("secretariat").get(LIBRARY).context["form"].fields
    carol_form = as_role("area_expert").get(LIBRARY + "?state=draft").context["form"]
    assert "state" not in carol_form.fields
    assert set(listed(as_role("area_expert"), "?state=draft")) == {"Published indicators"}


def test_for_my_areas_lists_the_materials_of_the_experts_areas(world, as_role, dan, group):
    """Dan joins the e-commerce group although accredited in transit only: his list shows the
    group's materials, "for my areas" only the transit ones."""
    library_member = group.memberships.create(
        expert=dan, basis="invited", added_by=group.created_by
    )
    client = as_role("other_area_expert")
    assert "Parcel risk indicators" in listed(client)
    assert listed(client, "?mine=1") == ["Transit guideline"]
    assert library_member.pk


def test_the_secretariat_sees_which_materials_wait_for_review(world, as_role):
    response = as_role("secretariat").get(LIBRARY)
    assert response.text.count("version in review") == 1
    assert reverse("materials:material_publish") in response.text
    carol = as_role("area_expert").get(LIBRARY)
    assert "version in review" not in carol.text
    assert reverse("materials:material_publish") not in carol.text


def test_the_list_is_paginated_by_25(group, alice, as_role):
    for number in range(27):
        Material.objects.create(
            area_id=group.area_id,
            group=group,
            title=f"Draft {number:02}",
            kind="other",
            created_by=alice.user,
        )
    client = as_role("member")
    response = client.get(LIBRARY)
    assert len(response.context["page"].object_list) == 25
    assert "Page 1 of 2" in response.text
    assert len(client.get(LIBRARY + "?page=2").context["page"].object_list) == 2


def _many(group, alice, officer, count: int) -> None:
    for number in range(count):
        material = start(group, alice.user, title=f"Material {number}")
        if number % 2:
            library.approve(first_version(material).pk, by=officer)


@pytest.mark.parametrize("role", ["member", "area_expert", "secretariat"])
def test_the_list_makes_as_many_queries_for_4_materials_as_for_40(
    group, alice, officer, as_role, role, django_assert_num_queries
):
    client = as_role(role)
    _many(group, alice, officer, 4)
    small = client.get(LIBRARY)  # the session and the caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get(LIBRARY)
    _many(group, alice, officer, 36)
    with django_assert_num_queries(len(few)):
        large = client.get(LIBRARY)
    assert len(large.context["page"].object_list) > len(small.context["page"].object_list)


# --- A material's page -----------------------------------------------------------------------

# Who gets the page of a material in each state (alice uploaded the draft and the published
# one; bob the withdrawn one).
DETAIL = {
    "draft": {
        "member": 200,
        "other_member": 200,
        "area_expert": 404,
        "other_area_expert": 404,
        "secretariat": 200,
    },
    "published": {
        "member": 200,
        "other_member": 200,
        "area_expert": 200,
        "other_area_expert": 404,
        "secretariat": 200,
    },
    "withdrawn": {
        "member": 200,
        "other_member": 200,
        "area_expert": 404,
        "other_area_expert": 404,
        "secretariat": 200,
    },
    "tool": {
        "member": 404,
        "other_member": 404,
        "area_expert": 404,
        "other_area_expert": 200,
        "secretariat": 200,
    },
}


@pytest.mark.parametrize("state", list(DETAIL))
@pytest.mark.parametrize("role", ROLES)
def test_a_materials_page_is_seen_only_by_those_allowed(world, as_role, state, role):
    url = reverse("materials:material_detail", args=[world[state].pk])
    response = as_role(role).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == DETAIL[state][role]


def test_an_area_expert_sees_only_the_approved_versions(published, bob, as_role):
    library.upload_version(published.pk, file=pdf_upload("v2.pdf"), note="Draft 2", by=bob.user)
    url = reverse("materials:material_detail", args=[published.pk])
    carol = as_role("area_expert").get(url)
    assert [v.number for v in carol.context["versions"]] == [1]
    assert "Draft 2" not in carol.text
    assert carol.context["version_form"] is None and carol.context["return_form"] is None
    member = as_role("other_member").get(url)
    assert [v.number for v in member.context["versions"]] == [2, 1]
    assert "Draft 2" in member.text and member.context["version_form"] is not None
    assert member.context["return_form"] is None
    officer = as_role("secretariat").get(url)
    assert officer.context["in_review"].number == 2
    assert reverse("materials:version_approve", args=[published.pk, 2]) in officer.text
    assert reverse("materials:material_withdraw", args=[published.pk]) in officer.text


def test_the_page_lists_every_version_with_its_review(draft, bob, officer, as_role):
    library.return_version(first_version(draft).pk, comments="Cite sources.", by=officer)
    library.upload_version(draft.pk, file=pdf_upload(), note="Sources cited.", by=bob.user)
    response = as_role("member").get(reverse("materials:material_detail", args=[draft.pk]))
    text = response.text
    assert "Returned with comments" in text and "Cite sources." in text
    assert "Sources cited." in text and "In review" in text
    for number in (1, 2):
        assert reverse("materials:version_file", args=[draft.pk, number]) in text


def test_a_withdrawn_materials_page_gives_the_reason(withdrawn, as_role):
    response = as_role("member").get(reverse("materials:material_detail", args=[withdrawn.pk]))
    assert "Outdated by the 2025 rules." in response.text


# --- New material, new version, review, withdrawal, own tools --------------------------------


def _material_post(group, **fields):
    return {
        "group": group.pk if group else "",
        "title": "Courier risk profile",
        "kind": MaterialKind.CASE_STUDY,
        "languages": [english().pk],
        "description": "A case.",
        "tags": "courier",
        "file": pdf_upload("Case.pdf"),
        "note": "For review.",
    } | fields


def test_a_member_starts_a_material_from_the_page(group, as_role):
    client = as_role("member")
    page = client.get(reverse("materials:material_create") + f"?group={group.pk}")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    response = client.post(reverse("materials:material_create"), _material_post(group))
    material = Material.objects.get(title="Courier risk profile")
    assert response.status_code == 302
    assert response["Location"] == reverse("materials:material_detail", args=[material.pk])
    assert first_version(material).review == VersionReview.IN_REVIEW


@pytest.mark.parametrize("role", ["area_expert", "other_area_expert", "secretariat"])
def test_the_new_material_page_is_for_group_members_only(group, as_role, role):
    assert as_role(role).get(reverse("materials:material_create")).status_code == 404


def test_the_new_material_page_refuses_another_group_and_a_bad_file(group, as_role, transit):
    client = as_role("member")
    url = reverse("materials:material_create")
    assert client.get(url + "?group=999999").status_code == 404
    assert client.get(url + "?group=x").status_code == 404
    executable = office_upload("docx")
    executable.file.seek(0)
    executable.file.write(b"MZ\x90\x00")
    response = client.post(url, _material_post(group, file=executable))
    assert response.status_code == 200
    assert "neither a PDF" in response.text or "not a Word" in response.text
    assert not Material.objects.exists()


def test_a_member_uploads_a_new_version_from_the_page(draft, as_role):
    url = reverse("materials:version_upload", args=[draft.pk])
    response = as_role("other_member").post(
        url, {"file": pdf_upload("v2.pdf"), "note": "Second."}, follow=True
    )
    assert "Version 2 sent to the Secretariat for review." in response.text
    assert dict(draft.versions.values_list("number", "review")) == {
        1: VersionReview.SUPERSEDED,
        2: VersionReview.IN_REVIEW,
    }


@pytest.mark.parametrize("role", ["area_expert", "other_area_expert"])
def test_a_new_version_from_a_stranger_is_404(published, as_role, role):
    url = reverse("materials:version_upload", args=[published.pk])
    assert as_role(role).post(url, {"file": pdf_upload()}).status_code == 404
    assert published.versions.count() == 1


def test_a_new_version_without_a_file_says_so(draft, as_role):
    url = reverse("materials:version_upload", args=[draft.pk])
    response = as_role("member").post(url, {"note": "No file"}, follow=True)
    assert "This field is required." in response.text
    assert draft.versions.count() == 1


def test_the_secretariat_approves_returns_and_withdraws_from_the_page(draft, bob, as_role):
    officer = as_role("secretariat")
    returned = officer.post(
        reverse("materials:version_return", args=[draft.pk, 1]), {"comments": ""}, follow=True
    )
    assert "This field is required." in returned.text
    assert first_version(draft).review == VersionReview.IN_REVIEW
    officer.post(reverse("materials:version_return", args=[draft.pk, 1]), {"comments": "More."})
    assert first_version(draft).review == VersionReview.RETURNED
    library.upload_version(draft.pk, file=pdf_upload(), by=bob.user)
    approved = officer.post(reverse("materials:version_approve", args=[draft.pk, 2]), follow=True)
    assert "Version 2 approved" in approved.text
    again = officer.post(reverse("materials:version_approve", args=[draft.pk, 2]), follow=True)
    assert "Version 2 is not in review" in again.text
    url = reverse("materials:material_withdraw", args=[draft.pk])
    assert "This field is required." in officer.post(url, {"reason": ""}, follow=True).text
    officer.post(url, {"reason": "Out of date."})
    draft.refresh_from_db()
    assert (draft.state, draft.withdrawn_reason) == (MaterialState.WITHDRAWN, "Out of date.")


@pytest.mark.parametrize("role", ["member", "other_member", "area_expert", "other_area_expert"])
@pytest.mark.parametrize("action", ["version_approve", "version_return", "material_withdraw"])
def test_the_review_pages_are_404_to_experts_even_the_uploader(draft, as_role, role, action):
    args = [draft.pk] if action == "material_withdraw" else [draft.pk, 1]
    data = {"comments": "Mine is fine.", "reason": "Mine."}
    assert as_role(role).post(reverse(f"materials:{action}", args=args), data).status_code == 404
    draft.refresh_from_db()
    assert draft.state == MaterialState.DRAFT
    assert first_version(draft).review == VersionReview.IN_REVIEW


def test_the_secretariat_publishes_its_own_tool_from_the_page(transit, as_role):
    client = as_role("secretariat")
    url = reverse("materials:material_publish")
    assert client.get(url).status_code == 200
    data = _material_post(None, area=transit.pk, title="Self-assessment tool")
    data["kind"] = MaterialKind.SELF_ASSESSMENT
    response = client.post(url, data)
    material = Material.objects.get(title="Self-assessment tool")
    assert response["Location"] == reverse("materials:material_detail", args=[material.pk])
    assert (material.state, material.group) == (MaterialState.PUBLISHED, None)


@pytest.mark.parametrize("role", ["member", "area_expert", "other_area_expert"])
def test_the_publish_page_is_404_to_experts(as_role, role):
    assert as_role(role).get(reverse("materials:material_publish")).status_code == 404


EDIT = {
    "member": 200,
    "other_member": 200,
    "area_expert": 404,
    "other_area_expert": 404,
    "secretariat": 200,
}


@pytest.mark.parametrize("role", list(EDIT))
def test_the_details_page_is_for_members_and_the_secretariat(published, as_role, role):
    url = reverse("materials:material_edit", args=[published.pk])
    assert as_role(role).get(url).status_code == EDIT[role]


def test_a_member_edits_the_details(published, as_role):
    url = reverse("materials:material_edit", args=[published.pk])
    data = {
        "title": "Indicators, 2025 edition",
        "kind": MaterialKind.EXERCISE,
        "languages": [english().pk, french().pk],
        "description": "",
        "tags": "Parcels, Courier",
    }
    response = as_role("member").post(url, data)
    assert response["Location"] == reverse("materials:material_detail", args=[published.pk])
    published.refresh_from_db()
    assert (published.title, published.tags) == ("Indicators, 2025 edition", "parcels, courier")


def test_the_profile_page_links_to_the_materials_of_my_areas(alice, client):
    sign_in(client, Expert.objects.get(pk=alice.pk).user)
    response = client.get(reverse("experts:profile"))
    assert f'href="{LIBRARY}?mine=1"' in response.text
