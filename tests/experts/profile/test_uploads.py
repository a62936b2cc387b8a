"""CV and photo uploads: checked by content and size, stored privately under random names."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from experts.models import Expert, ExpertDocument
from experts.services import uploads
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

NOT_A_PDF = "This file is not a PDF document. Please upload your CV as a PDF."
NOT_A_PICTURE = "This file is not a picture. Please upload a JPEG, PNG or WebP image."


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice.user)
    return client


def upload_cv(client, name, content, content_type="application/pdf"):
    return client.post(
        reverse("experts:edit_section", args=["cv"]),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def upload_photo(client, name, content, content_type="image/png"):
    return client.post(
        reverse("experts:edit_section", args=["identity"]),
        {
            "given_names": "Alice",
            "family_name": "Mwangi",
            "photo": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def stored_files(root) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def file_errors(response, field="file"):
    assert response.status_code == 400
    return [str(error) for error in response.context["form"].errors[field]]


# The CV


def test_cv_real_pdf_accepted_and_stored_privately(signed_in, alice, pdf_bytes):
    response = upload_cv(signed_in, "Alice CV 2026.pdf", pdf_bytes)
    assert response.status_code == 302
    document = ExpertDocument.objects.get(expert=alice)
    assert (document.kind, document.size, document.uploaded_by) == (
        "cv",
        len(pdf_bytes),
        alice.user,
    )
    assert document.original_name == "Alice_CV_2026.pdf"

    stored = Path(document.file.path).resolve()
    assert stored.is_relative_to(Path(default_storage.location).resolve())
    assert stored.read_bytes() == pdf_bytes
    for public in [
        settings.STATIC_ROOT,
        *settings.STATICFILES_DIRS,
        settings.BASE_DIR / "templates",
    ]:
        assert not stored.is_relative_to(Path(public).resolve())
    # A random name under the expert's folder: the uploader's name never reaches the disk.
    assert re.fullmatch(rf"documents/{alice.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)


@pytest.mark.parametrize(
    ("uploaded_as", "downloaded_as"),
    [("poly.html", "poly.pdf"), ("cv.svg", "cv.pdf"), ("report", "report.pdf")],
)
def test_cv_download_is_named_and_typed_by_its_checked_content(
    signed_in, alice, pdf_bytes, uploaded_as, downloaded_as
):
    """A PDF that also holds HTML passes the PDF check; its name must not make it a web page."""
    polyglot = pdf_bytes.replace(b"%%EOF", b"<html><script>alert(1)</script></html>\n%%EOF")
    assert upload_cv(signed_in, uploaded_as, polyglot, content_type="text/html").status_code == 302
    document = ExpertDocument.objects.get(expert=alice)
    response = signed_in.get(reverse("experts:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{downloaded_as}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_cv_private_storage_is_outside_the_web_root():
    private = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for public in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        public = Path(public).resolve()
        assert not private.is_relative_to(public)
        assert not public.is_relative_to(private)


def test_cv_renamed_exe_refused(signed_in, alice, exe_bytes):
    response = upload_cv(signed_in, "cv.pdf", exe_bytes, "application/pdf")
    assert file_errors(response) == [NOT_A_PDF]
    assert NOT_A_PDF in response.text
    assert not ExpertDocument.objects.exists()
    assert stored_files(default_storage.location) == []


def test_cv_pdf_header_without_end_refused(signed_in, alice, pdf_bytes):
    response = upload_cv(signed_in, "cv.pdf", pdf_bytes.replace(b"%%EOF", b"") + b"MZ" * 2000)
    assert file_errors(response) == [NOT_A_PDF]
    assert not ExpertDocument.objects.exists()


def test_cv_oversized_refused(signed_in, alice, settings, pdf_bytes):
    settings.MAX_CV_BYTES = 100
    assert len(pdf_bytes) > 100
    response = upload_cv(signed_in, "cv.pdf", pdf_bytes)
    [error] = file_errors(response)
    assert "the limit is 100\xa0bytes" in error
    assert not ExpertDocument.objects.exists()
    assert stored_files(default_storage.location) == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "The file is 1\xa0byte over the limit of 10.0\xa0MB."),
        ("fr", "Le fichier dépasse de 1\xa0octet la limite de 10,0\xa0Mio."),
    ],
)
def test_cv_just_over_the_limit_says_by_how_much(signed_in, alice, settings, language, expected):
    # Both sizes read "10.0 MB": the message says by how much instead of contradicting itself.
    settings.MAX_CV_BYTES = 10 * 1024 * 1024
    pdf = b"%PDF-1.4\n" + b"0" * (settings.MAX_CV_BYTES - 15) + b"\n%%EOF\n"
    assert len(pdf) == settings.MAX_CV_BYTES + 1
    alice.user.preferred_language = language
    alice.user.save(update_fields=["preferred_language"])
    [error] = file_errors(upload_cv(signed_in, "cv.pdf", pdf))
    assert error == expected


def test_cv_at_size_limit_accepted(signed_in, alice, settings, pdf_bytes):
    settings.MAX_CV_BYTES = len(pdf_bytes)
    assert upload_cv(signed_in, "cv.pdf", pdf_bytes).status_code == 302


def test_cv_empty_file_refused(signed_in, alice):
    response = upload_cv(signed_in, "cv.pdf", b"")
    [error] = file_errors(response)
    assert "empty" in error
    assert not ExpertDocument.objects.exists()


def test_cv_missing_file_refused(signed_in, alice):
    response = signed_in.post(reverse("experts:edit_section", args=["cv"]), {})
    assert file_errors(response) == ["This field is required."]


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\windows\\system32\\cv.pdf", "/tmp/x.pdf"]
)
def test_cv_path_traversal_filename_stored_under_random_name(signed_in, alice, pdf_bytes, name):
    response = upload_cv(signed_in, name, pdf_bytes)
    assert response.status_code == 302
    document = ExpertDocument.objects.get(expert=alice)
    assert "/" not in document.original_name
    assert "\\" not in document.original_name
    assert ".." not in document.original_name
    assert re.fullmatch(rf"documents/{alice.pk}/[0-9a-f]{{32}}\.pdf", document.file.name)
    [stored] = stored_files(default_storage.location)
    assert stored.resolve().is_relative_to(Path(default_storage.location).resolve())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\evil.pdf", "evil.pdf"),
        ("my cv (final).pdf", "my_cv_final.pdf"),
        ("..", "cv.pdf"),
    ],
)
def test_safe_original_name_strips_folders(name, expected):
    class Upload:
        pass

    upload = Upload()
    upload.name = name
    assert uploads.safe_original_name(upload, default="cv.pdf") == expected


def test_cv_newest_is_current(signed_in, alice, pdf_bytes):
    upload_cv(signed_in, "first.pdf", pdf_bytes)
    upload_cv(signed_in, "second.pdf", pdf_bytes)
    names = [document.original_name for document in alice.documents.all()]
    assert names == ["second.pdf", "first.pdf"]


def test_cv_download_returns_bytes_as_attachment(signed_in, alice, pdf_bytes):
    upload_cv(signed_in, "Alice CV.pdf", pdf_bytes)
    document = ExpertDocument.objects.get()
    response = signed_in.get(reverse("experts:document", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Alice_CV.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_cv_download_by_officer(client, officer, alice_cv, pdf_bytes):
    sign_in(client, officer)
    response = client.get(reverse("experts:document", args=[alice_cv.pk]))
    assert b"".join(response.streaming_content) == pdf_bytes
    response.close()


def test_cv_download_file_missing_on_disk_404(signed_in, alice_cv):
    alice_cv.file.storage.delete(alice_cv.file.name)
    response = signed_in.get(reverse("experts:document", args=[alice_cv.pk]))
    assert response.status_code == 404


def test_cv_link_on_profile_and_secretariat_page(client, officer, alice, alice_cv):
    url = reverse("experts:document", args=[alice_cv.pk])
    client.force_login(alice.user)
    assert url in client.get(reverse("experts:profile")).text
    sign_in(client, officer)
    assert url in client.get(reverse("secretariat:expert_detail", args=[alice.pk])).text


# The photo


@pytest.mark.parametrize(("image_format", "extension"), [("PNG", ".png"), ("JPEG", ".jpg")])
def test_photo_real_image_accepted(signed_in, alice, make_image, image_format, extension):
    content = make_image(image_format)
    response = upload_photo(signed_in, "me.bin", content, "application/octet-stream")
    assert response.status_code == 302
    expert = Expert.objects.get(pk=alice.pk)
    assert re.fullmatch(rf"photos/{alice.pk}/[0-9a-f]{{32}}\{extension}", expert.photo.name)
    assert Path(expert.photo.path).read_bytes() == content
    photo = signed_in.get(reverse("experts:photo", args=[alice.pk]))
    assert b"".join(photo.streaming_content) == content
    assert photo["Content-Disposition"].startswith("inline")
    photo.close()


def test_photo_text_file_named_png_refused(signed_in, alice):
    response = upload_photo(signed_in, "photo.png", b"just some text, not a picture\n")
    assert file_errors(response, "photo") == [NOT_A_PICTURE]
    assert not Expert.objects.get(pk=alice.pk).photo
    assert stored_files(default_storage.location) == []


def test_photo_exe_named_jpg_refused(signed_in, alice, exe_bytes):
    response = upload_photo(signed_in, "photo.jpg", exe_bytes, "image/jpeg")
    assert file_errors(response, "photo") == [NOT_A_PICTURE]


def test_photo_gif_refused(signed_in, alice, make_image):
    response = upload_photo(signed_in, "photo.gif", make_image("GIF"), "image/gif")
    assert file_errors(response, "photo") == ["Please upload a JPEG, PNG or WebP image."]


def test_photo_oversized_refused(signed_in, alice, settings, make_image):
    settings.MAX_PHOTO_BYTES = 10
    response = upload_photo(signed_in, "photo.png", make_image("PNG"))
    [error] = file_errors(response, "photo")
    assert "the limit is 10\xa0bytes" in error
    assert not Expert.objects.get(pk=alice.pk).photo


def test_photo_truncated_png_refused(signed_in, alice, make_image):
    response = upload_photo(signed_in, "photo.png", make_image("PNG")[:40])
    assert file_errors(response, "photo") == [NOT_A_PICTURE]


def test_photo_kept_when_identity_saved_without_new_one(signed_in, alice_photo, make_image):
    name = Expert.objects.get(pk=alice_photo.pk).photo.name
    response = signed_in.post(
        reverse("experts:edit_section", args=["identity"]),
        {"given_names": "Alice", "family_name": "Mwangi-Otieno"},
    )
    assert response.status_code == 302
    expert = Expert.objects.get(pk=alice_photo.pk)
    assert expert.family_name == "Mwangi-Otieno"
    assert expert.photo.name == name


def test_validate_photo_returns_extension_from_content(make_image):
    upload = SimpleUploadedFile("x.png", make_image("JPEG"), content_type="image/png")
    assert uploads.validate_photo(upload) == ".jpg"


def test_validate_pdf_empty_refused():
    upload = SimpleUploadedFile("cv.pdf", b"", content_type="application/pdf")
    with pytest.raises(ValidationError) as error:
        uploads.validate_pdf(upload)
    assert error.value.code == "empty"


def test_photo_not_stored_when_rest_of_identity_invalid(signed_in, alice, make_image):
    response = signed_in.post(
        reverse("experts:edit_section", args=["identity"]),
        {
            "given_names": "Alice",
            "family_name": "Mwangi",
            "date_of_birth": "2999-01-01",
            "photo": SimpleUploadedFile("me.png", make_image("PNG"), content_type="image/png"),
        },
    )
    assert response.status_code == 400
    assert not Expert.objects.get(pk=alice.pk).photo
    assert stored_files(default_storage.location) == []


def test_photo_can_be_removed(signed_in, alice_photo):
    response = signed_in.post(
        reverse("experts:edit_section", args=["identity"]),
        {"given_names": "Alice", "family_name": "Mwangi", "photo-clear": "on"},
    )
    assert response.status_code == 302
    assert not Expert.objects.get(pk=alice_photo.pk).photo
    assert signed_in.get(reverse("experts:photo", args=[alice_photo.pk])).status_code == 404
