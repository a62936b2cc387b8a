"""What the library's tests share (imported by test_library*.py; it holds no test itself):
uploads built for real (a PDF, Office documents with zipfile, a PNG with Pillow), and the
materials of the cast in each state, made through the services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from experts.models import Language
from materials.enums import MaterialKind
from materials.services import library
from tests.conftest import sign_in
from tests.missions.preparation import office_upload, pdf_upload

__all__ = ["office_upload", "pdf_upload"]


@pytest.fixture(autouse=True)
def _no_extraction(monkeypatch):
    """The text extraction (helper H3's) runs after commit; these tests are about the
    workflow, so it does nothing here (test_extraction*.py test it)."""
    monkeypatch.setattr("materials.services.extraction.extract", lambda version_pk: "")


def english():
    return Language.objects.get(code="en")


def french():
    return Language.objects.get(code="fr")


def png_upload(name="Indicators.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def start(group, by, **fields):
    """A material of ``group`` started by ``by`` (version 1 in review)."""
    values = {
        "title": "Parcel risk indicators",
        "kind": MaterialKind.RISK_INDICATORS,
        "languages": [english()],
        "description": "Indicators for e-commerce parcels.",
        "tags": "E-commerce, Risk",
        "file": pdf_upload("Indicators.pdf", ("Risk indicators", "Parcels")),
        "note": "First draft.",
    } | fields
    return library.create_material(group=group, by=by, **values)


def first_version(material):
    return material.versions.get(number=1)


@pytest.fixture
def draft(group, alice):
    """Alice's e-commerce material, version 1 in review."""
    return start(group, alice.user)


@pytest.fixture
def published(group, alice, officer):
    """Alice's e-commerce material, version 1 approved: published."""
    material = start(group, alice.user, title="Published indicators")
    library.approve(first_version(material).pk, by=officer)
    material.refresh_from_db()
    return material


@pytest.fixture
def withdrawn(group, bob, officer):
    """Bob's e-commerce material, published then withdrawn."""
    material = start(group, bob.user, title="Withdrawn handbook", kind=MaterialKind.HANDBOOK)
    library.approve(first_version(material).pk, by=officer)
    library.withdraw(material.pk, reason="Outdated by the 2025 rules.", by=officer)
    material.refresh_from_db()
    return material


@pytest.fixture
def transit_tool(transit, officer):
    """The Secretariat's own transit guideline, published directly."""
    return library.publish_directly(
        area=transit,
        title="Transit guideline",
        kind=MaterialKind.GUIDELINE,
        languages=[english(), french()],
        description="The Secretariat's guideline on transit.",
        tags="transit",
        file=pdf_upload("Guideline.pdf"),
        by=officer,
    )


ROLES = ["member", "other_member", "area_expert", "other_area_expert", "anonymous", "secretariat"]


@pytest.fixture
def as_role(client, alice, bob, carol, dan, officer):
    """A client signed in as one of ROLES (alice the uploader, bob her fellow member, carol
    accredited in the area, dan in another area, the Secretariat officer), or anonymous."""
    users = {
        "member": alice.user,
        "other_member": bob.user,
        "area_expert": carol.user,
        "other_area_expert": dan.user,
        "secretariat": officer,
    }

    def signed_in(role):
        client.logout()
        if role != "anonymous":
            sign_in(client, users[role])
        return client

    return signed_in
