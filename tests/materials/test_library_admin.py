"""The library in the admin: materials and versions listed and read; a material's wording
corrected there, never its state, nor a version changed."""

import pytest
from django.urls import reverse

from materials.enums import MaterialState
from tests.conftest import sign_in
from tests.materials import test_library_support as support

pytestmark = pytest.mark.django_db

# The shared fixtures (test_library_support), offered to this module's tests.
_no_extraction = support._no_extraction
published = support.published


@pytest.fixture
def admin_client(client, admin_user):
    return sign_in(client, admin_user)


def test_the_admin_lists_and_shows_materials_and_versions(published, admin_client):
    version = published.published_version
    for url in [
        reverse("admin:materials_material_changelist") + "?state=published&q=indicators",
        reverse("admin:materials_materialversion_changelist") + "?review=approved",
        reverse("admin:materials_materialversion_change", args=[version.pk]),
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert "Published indicators" in response.text
    page = admin_client.get(reverse("admin:materials_material_change", args=[published.pk]))
    assert 'name="title"' in page.text
    assert 'name="state"' not in page.text and 'name="published_version"' not in page.text
    assert reverse("materials:version_file", args=[published.pk, 1]) in page.text


def test_the_admin_adds_no_material_and_changes_no_version(published, admin_client):
    assert admin_client.get(reverse("admin:materials_material_add")).status_code == 403
    version = published.published_version
    url = reverse("admin:materials_materialversion_change", args=[version.pk])
    admin_client.post(url, {"review": "returned", "note": "changed"})
    version.refresh_from_db()
    assert (version.review, version.note) == ("approved", "First draft.")


def test_the_admin_corrects_the_wording_but_not_the_state(published, admin_client):
    data = {
        "title": "Renamed in the admin",
        "kind": "handbook",
        "languages": [language.pk for language in published.languages.all()],
        "description": "",
        "tags": "Parcels",
        "state": MaterialState.WITHDRAWN,
        "versions-TOTAL_FORMS": "1",
        "versions-INITIAL_FORMS": "1",
        "versions-MIN_NUM_FORMS": "0",
        "versions-MAX_NUM_FORMS": "1000",
        "versions-0-id": str(published.published_version_id),
        "versions-0-material": str(published.pk),
    }
    url = reverse("admin:materials_material_change", args=[published.pk])
    assert admin_client.post(url, data).status_code == 302
    published.refresh_from_db()
    assert (published.title, published.state) == ("Renamed in the admin", MaterialState.PUBLISHED)
    assert published.tags == "parcels"
