"""The versions' files: served only to those allowed (every state of the material and of the
version, every role; anyone else 404), as an attachment under a harmless name with the type
its content check found, never cached."""

import pytest
from django.urls import reverse

from materials.services import library
from tests.materials import test_library_support as support
from tests.materials.test_library_support import (
    ROLES,
    first_version,
    office_upload,
    pdf_upload,
    png_upload,
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


def file_url(material, number=1):
    return reverse("materials:version_file", args=[material.pk, number])


def outcome(response) -> str:
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    return str(response.status_code)


@pytest.fixture
def files(draft, published, withdrawn, transit_tool, bob, officer):
    """Each kind of version: of a draft in review; the approved version of a published
    material, and its newer version in review, and a returned one; of a withdrawn material;
    of the Secretariat's tool."""
    returned = library.upload_version(published.pk, file=pdf_upload("v2.pdf"), by=bob.user)
    library.return_version(returned.pk, comments="Not yet.", by=officer)
    library.upload_version(published.pk, file=pdf_upload("v3.pdf"), by=bob.user)
    return {
        "draft in review": file_url(draft),
        "published, approved": file_url(published, 1),
        "published, returned": file_url(published, 2),
        "published, newer in review": file_url(published, 3),
        "withdrawn, approved": file_url(withdrawn),
        "secretariat tool": file_url(transit_tool),
    }


GROUP_ONLY = {
    "member": "200",
    "other_member": "200",
    "area_expert": "404",
    "other_area_expert": "404",
    "anonymous": "login",
    "secretariat": "200",
}
FILES = {
    "draft in review": GROUP_ONLY,
    "published, approved": GROUP_ONLY | {"area_expert": "200"},
    "published, returned": GROUP_ONLY,
    "published, newer in review": GROUP_ONLY,
    "withdrawn, approved": GROUP_ONLY,
    "secretariat tool": GROUP_ONLY
    | {"member": "404", "other_member": "404", "other_area_expert": "200"},
}


@pytest.mark.parametrize("case", list(FILES))
@pytest.mark.parametrize("role", ROLES)
def test_a_versions_file_is_served_only_to_those_allowed(files, as_role, case, role):
    assert outcome(as_role(role).get(files[case])) == FILES[case][role]


def test_an_unknown_version_or_material_is_404(published, as_role):
    client = as_role("secretariat")
    assert client.get(file_url(published, 9)).status_code == 404
    assert client.get(reverse("materials:version_file", args=[999999, 1])).status_code == 404


def test_the_file_is_an_attachment_of_its_checked_type_never_cached(published, as_role):
    response = as_role("area_expert").get(file_url(published))
    assert response["Content-Disposition"] == 'attachment; filename="Indicators.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ('Risk "indicators"\r\nX-Evil: 1.pdf', "Risk_indicatorsX-Evil_1.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini.pdf", "boot.ini.pdf"),
        ("....pdf", "....pdf"),
    ],
)
def test_the_download_name_is_harmless_whatever_the_uploader_named_it(
    group, alice, as_role, name, expected
):
    material = start(group, alice.user, file=pdf_upload(name))
    response = as_role("member").get(file_url(material))
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{expected}"'
    assert "\n" not in disposition and "\r" not in disposition and "/" not in expected


def test_the_suffix_follows_the_content_not_the_name(group, alice, as_role):
    material = start(group, alice.user, file=office_upload("pptx", "slides.pdf"))
    response = as_role("member").get(file_url(material))
    assert response["Content-Disposition"] == 'attachment; filename="slides.pptx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    )


def test_an_image_is_served_as_an_image_attachment(group, alice, as_role):
    material = start(group, alice.user, file=png_upload("chart.webp"))
    response = as_role("member").get(file_url(material))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="chart.png"'


def test_a_stored_file_gone_missing_is_404(published, as_role):
    version = first_version(published)
    version.file.storage.delete(version.file.name)
    assert as_role("secretariat").get(file_url(published)).status_code == 404
