"""The library's workflow (materials.services.library): every transition allowed and refused,
by role; the versions kept; the files checked by content; the notifications queued."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from experts.services.uploads import DOCUMENT_CONTENT_TYPES
from materials.enums import GroupState, MaterialKind, MaterialState, VersionReview
from materials.models import Material, MaterialVersion
from materials.services import library
from materials.services.errors import FileRefused, IllegalTransition, MaterialsError
from tests.materials import test_library_support as support
from tests.materials.test_library_support import (
    english,
    first_version,
    office_upload,
    pdf_upload,
    png_upload,
    start,
)
from tests.missions.preparation import DOCM_MAIN, OFFICE_MAIN, office_bytes

pytestmark = pytest.mark.django_db

# The shared fixtures (test_library_support), offered to this module's tests.
_no_extraction = support._no_extraction
draft = support.draft
published = support.published
transit_tool = support.transit_tool
withdrawn = support.withdrawn


def stored_files(settings) -> list:
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def reviews(material) -> dict:
    return dict(material.versions.values_list("number", "review"))


# --- Starting a material ---------------------------------------------------------------------


def test_create_material_by_a_member_is_a_draft_with_version_1_in_review(group, alice, settings):
    material = start(group, alice.user, tags="Risk, e-commerce ,risk,  Parcels")
    assert (material.state, material.area_id, material.group) == (
        MaterialState.DRAFT,
        group.area_id,
        group,
    )
    assert material.tags == "risk, e-commerce, parcels"
    assert list(material.languages.values_list("code", flat=True)) == ["en"]
    version = first_version(material)
    assert (version.review, version.uploaded_by, version.note) == (
        VersionReview.IN_REVIEW,
        alice.user,
        "First draft.",
    )
    assert version.original_name == "Indicators.pdf"
    assert version.content_type == "application/pdf"
    assert version.file.name.startswith(f"materials/{material.pk}/")
    assert version.file.name.endswith(".pdf") and "Indicators" not in version.file.name
    assert material.published_version is None
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize("who", ["carol", "dan", "officer"])
def test_create_material_by_a_non_member_is_refused_and_writes_nothing(
    group, who, request, settings
):
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    with pytest.raises(library.NotAllowed, match="Only a member of the working group"):
        start(group, user)
    assert not Material.objects.exists() and not stored_files(settings)


def test_create_material_in_a_closed_group_or_another_area_is_refused(group, alice, transit):
    with pytest.raises(MaterialsError, match="belongs to the group's area"):
        start(group, alice.user, area=transit)
    group.state = GroupState.CLOSED
    group.save()
    with pytest.raises(IllegalTransition, match="closed"):
        start(group, alice.user)
    assert not Material.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "  "}, "Give the material a title."),
        ({"kind": "poster"}, "Choose what kind of material this is."),
        ({"languages": []}, "Choose the languages"),
        ({"tags": "x" * 301}, "Keep the tags under 300 characters."),
        ({"note": "n" * 2001}, "Keep the note under 2000 characters."),
        ({"file": None}, "Choose a file to upload."),
    ],
)
def test_create_material_with_bad_details_is_refused(group, alice, fields, message, settings):
    with pytest.raises(MaterialsError, match=message):
        start(group, alice.user, **fields)
    assert not Material.objects.exists() and not stored_files(settings)


# --- Files checked by their content ----------------------------------------------------------


def _zip_not_office():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "just a zip")
    return SimpleUploadedFile("Slides.pptx", buffer.getvalue())


def _docm():
    main_part, _type = OFFICE_MAIN["docx"]
    return SimpleUploadedFile("Macro.docm", office_bytes(main_part, DOCM_MAIN))


def _docx_with_vba():
    main_part, main_type = OFFICE_MAIN["docx"]
    data = office_bytes(main_part, main_type, extra=[("word/vbaProject.bin", b"\x00macro")])
    return SimpleUploadedFile("Report.docx", data)


BAD_FILES = {
    "an executable renamed .pdf": (
        lambda: SimpleUploadedFile("report.pdf", b"MZ\x90\x00" + b"\x00" * 200),
        "neither a PDF, a Word, PowerPoint or Excel document, nor a JPEG, PNG or WebP image",
    ),
    "a zip that is not Office": (_zip_not_office, "not a Word, PowerPoint or Excel document"),
    "a .docm": (_docm, "contains macros"),
    "a .docx holding macros": (_docx_with_vba, "contains macros"),
    "an empty file": (lambda: SimpleUploadedFile("empty.pdf", b""), "The file is empty."),
    "a text file": (
        lambda: SimpleUploadedFile("notes.png", b"plain text, not a picture"),
        "neither a PDF",
    ),
    "a PDF cut short": (
        lambda: SimpleUploadedFile("cut.pdf", b"%PDF-1.4\n1 0 obj\n"),
        "not a readable PDF",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_written(group, alice, case, settings):
    make, message = BAD_FILES[case]
    with pytest.raises(FileRefused, match=message):
        start(group, alice.user, file=make())
    assert not Material.objects.exists() and not stored_files(settings)


def test_an_oversized_file_is_refused(group, alice, settings):
    settings.MATERIAL_MAX_BYTES = 300
    with pytest.raises(FileRefused, match="the limit is 300"):
        start(group, alice.user, file=pdf_upload())
    assert not Material.objects.exists()


def test_a_bad_new_version_changes_nothing(draft, bob, settings):
    before = len(stored_files(settings))
    with pytest.raises(FileRefused, match="contains macros"):
        library.upload_version(draft.pk, file=_docm(), by=bob.user)
    assert reviews(draft) == {1: VersionReview.IN_REVIEW}
    assert len(stored_files(settings)) == before


@pytest.mark.parametrize(
    ("make", "suffix"),
    [
        (lambda: office_upload("docx", "Guide.docx"), ".docx"),
        (lambda: office_upload("pptx", "Deck.pptx"), ".pptx"),
        (lambda: office_upload("xlsx", "Sheet.xlsx"), ".xlsx"),
        (lambda: pdf_upload("Guide.pdf"), ".pdf"),
        (lambda: png_upload(), ".png"),
    ],
)
def test_office_documents_pdfs_and_images_are_accepted_and_stored_by_content(
    group, alice, make, suffix
):
    version = first_version(start(group, alice.user, file=make()))
    assert version.file.name.endswith(suffix)
    expected = {".png": "image/png", **DOCUMENT_CONTENT_TYPES}[suffix]
    assert version.content_type == expected


def test_a_docx_named_pdf_is_stored_and_downloaded_as_docx(group, alice):
    version = first_version(start(group, alice.user, file=office_upload("docx", "Guide.pdf")))
    assert version.file.name.endswith(".docx")
    assert version.download_name == "Guide.docx"


def test_the_stored_file_is_removed_when_the_version_row_fails(group, alice, settings, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(MaterialVersion, "save", fail)
    with pytest.raises(RuntimeError):
        start(group, alice.user)
    assert not stored_files(settings)


# --- New versions, approval, return: the state table -----------------------------------------


def test_a_new_version_supersedes_the_one_in_review_and_all_are_kept(draft, bob, officer):
    second = library.upload_version(draft.pk, file=pdf_upload("v2.pdf"), note="v2", by=bob.user)
    third = library.upload_version(draft.pk, file=png_upload(), note="v3", by=officer)
    assert (second.number, third.number) == (2, 3)
    assert reviews(draft) == {
        1: VersionReview.SUPERSEDED,
        2: VersionReview.SUPERSEDED,
        3: VersionReview.IN_REVIEW,
    }
    draft.refresh_from_db()
    assert draft.state == MaterialState.DRAFT
    assert [v.original_name for v in draft.versions.all()] == [
        "Indicators.png",
        "v2.pdf",
        "Indicators.pdf",
    ]


@pytest.mark.parametrize("who", ["carol", "dan"])
def test_a_new_version_by_a_non_member_is_refused(draft, who, request):
    with pytest.raises(library.NotAllowed, match="Only the members"):
        library.upload_version(draft.pk, file=pdf_upload(), by=request.getfixturevalue(who).user)
    assert reviews(draft) == {1: VersionReview.IN_REVIEW}


def test_a_new_version_in_a_closed_group_only_by_the_secretariat(draft, group, alice, officer):
    group.state = GroupState.CLOSED
    group.save()
    with pytest.raises(library.NotAllowed):
        library.upload_version(draft.pk, file=pdf_upload(), by=alice.user)
    assert library.upload_version(draft.pk, file=pdf_upload(), by=officer).number == 2


def test_the_secretariat_approves_a_draft_which_is_published(draft, officer):
    version = library.approve(first_version(draft).pk, by=officer)
    draft.refresh_from_db()
    assert (version.review, version.reviewed_by) == (VersionReview.APPROVED, officer)
    assert version.reviewed_at is not None
    assert (draft.state, draft.published_version) == (MaterialState.PUBLISHED, version)
    assert draft.published_at is not None


def test_the_uploader_cannot_approve_their_own_material_as_an_expert(draft, alice, bob, carol):
    version = first_version(draft)
    with pytest.raises(library.NotAllowed, match="You cannot approve your own material"):
        library.approve(version.pk, by=alice.user)
    with pytest.raises(library.NotAllowed, match="Only the Secretariat reviews material."):
        library.approve(version.pk, by=bob.user)
    with pytest.raises(library.NotAllowed, match="Only the Secretariat reviews material."):
        library.approve(version.pk, by=carol.user)
    with pytest.raises(library.NotAllowed, match="You cannot return your own material"):
        library.return_version(version.pk, comments="Fine.", by=alice.user)
    draft.refresh_from_db()
    assert draft.state == MaterialState.DRAFT and reviews(draft) == {1: VersionReview.IN_REVIEW}


def test_only_a_version_in_review_is_approved_or_returned(draft, bob, officer):
    first = first_version(draft)
    library.upload_version(draft.pk, file=pdf_upload(), by=bob.user)
    with pytest.raises(IllegalTransition, match="Version 1 is not in review"):
        library.approve(first.pk, by=officer)
    second = draft.versions.get(number=2)
    library.return_version(second.pk, comments="Add the sources.", by=officer)
    with pytest.raises(IllegalTransition, match="Version 2 is not in review"):
        library.approve(second.pk, by=officer)
    with pytest.raises(IllegalTransition, match="not in review"):
        library.return_version(second.pk, comments="Again.", by=officer)
    assert reviews(draft) == {1: VersionReview.SUPERSEDED, 2: VersionReview.RETURNED}


def test_a_returned_version_keeps_the_draft_and_its_comments(draft, officer):
    with pytest.raises(MaterialsError, match="Say what the material needs"):
        library.return_version(first_version(draft).pk, comments="  ", by=officer)
    version = library.return_version(first_version(draft).pk, comments="Add sources.", by=officer)
    draft.refresh_from_db()
    assert (version.review, version.review_comments, version.reviewed_by) == (
        VersionReview.RETURNED,
        "Add sources.",
        officer,
    )
    assert draft.state == MaterialState.DRAFT


def test_a_published_material_stays_published_while_its_new_version_is_reviewed(
    published, bob, officer
):
    first = published.published_version
    second = library.upload_version(published.pk, file=pdf_upload("v2.pdf"), by=bob.user)
    published.refresh_from_db()
    assert (published.state, published.published_version) == (MaterialState.PUBLISHED, first)
    library.return_version(second.pk, comments="Not yet.", by=officer)
    published.refresh_from_db()
    assert (published.state, published.published_version) == (MaterialState.PUBLISHED, first)
    third = library.upload_version(published.pk, file=pdf_upload("v3.pdf"), by=bob.user)
    library.approve(third.pk, by=officer)
    published.refresh_from_db()
    assert published.published_version == third
    assert reviews(published) == {
        1: VersionReview.APPROVED,
        2: VersionReview.RETURNED,
        3: VersionReview.APPROVED,
    }


def test_the_secretariat_withdraws_a_published_material_with_a_reason(published, officer):
    with pytest.raises(MaterialsError, match="Say why"):
        library.withdraw(published.pk, reason=" ", by=officer)
    material = library.withdraw(published.pk, reason="Superseded by the 2025 guide.", by=officer)
    assert (material.state, material.withdrawn_reason) == (
        MaterialState.WITHDRAWN,
        "Superseded by the 2025 guide.",
    )
    assert material.withdrawn_at is not None
    with pytest.raises(IllegalTransition, match="Only a published material"):
        library.withdraw(published.pk, reason="Again.", by=officer)


def test_only_the_secretariat_withdraws_and_only_what_is_published(published, draft, alice):
    with pytest.raises(library.NotAllowed, match="Only the Secretariat withdraws"):
        library.withdraw(published.pk, reason="Mine.", by=alice.user)
    published.refresh_from_db()
    assert published.state == MaterialState.PUBLISHED


def test_a_draft_cannot_be_withdrawn(draft, officer):
    with pytest.raises(IllegalTransition, match="Only a published material"):
        library.withdraw(draft.pk, reason="No.", by=officer)


def test_a_withdrawn_material_is_published_again_by_its_next_approved_version(
    withdrawn, bob, officer
):
    version = library.upload_version(withdrawn.pk, file=pdf_upload("2025.pdf"), by=bob.user)
    withdrawn.refresh_from_db()
    assert withdrawn.state == MaterialState.WITHDRAWN
    library.approve(version.pk, by=officer)
    withdrawn.refresh_from_db()
    assert (withdrawn.state, withdrawn.published_version) == (MaterialState.PUBLISHED, version)
    assert (withdrawn.withdrawn_reason, withdrawn.withdrawn_at) == ("", None)


def test_the_secretariat_publishes_its_own_tool_at_once(transit_tool, officer):
    version = first_version(transit_tool)
    assert (transit_tool.group, transit_tool.state) == (None, MaterialState.PUBLISHED)
    assert transit_tool.published_version == version
    assert (version.review, version.reviewed_by) == (VersionReview.APPROVED, officer)
    assert sorted(transit_tool.languages.values_list("code", flat=True)) == ["en", "fr"]


def test_only_the_secretariat_publishes_directly(alice, transit):
    with pytest.raises(library.NotAllowed, match="Only the Secretariat publishes"):
        library.publish_directly(
            area=transit,
            title="Mine",
            kind=MaterialKind.OTHER,
            languages=[english()],
            file=pdf_upload(),
            by=alice.user,
        )
    assert not Material.objects.exists()


def test_members_and_the_secretariat_update_the_details_others_are_refused(
    published, bob, carol, officer
):
    details = {
        "title": "Parcel risk indicators, 2025",
        "kind": MaterialKind.CASE_STUDY,
        "languages": [english()],
        "description": "Updated.",
        "tags": "Parcels",
    }
    library.update_details(published.pk, by=bob.user, **details)
    published.refresh_from_db()
    assert (published.title, published.kind, published.tags) == (
        "Parcel risk indicators, 2025",
        MaterialKind.CASE_STUDY,
        "parcels",
    )
    assert published.state == MaterialState.PUBLISHED
    with pytest.raises(library.NotAllowed):
        library.update_details(published.pk, by=carol.user, **details | {"title": "Carol's"})
    library.update_details(published.pk, by=officer, **details | {"title": "By the officer"})
    published.refresh_from_db()
    assert published.title == "By the officer"


def test_at_most_one_version_is_in_review(draft, alice, bob):
    for user in (alice.user, bob.user, alice.user):
        library.upload_version(draft.pk, file=pdf_upload(), by=user)
    assert draft.versions.filter(review=VersionReview.IN_REVIEW).count() == 1
    assert draft.versions.count() == 4
