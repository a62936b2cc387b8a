"""The library's uploads: checked by their content and size, stored privately under a name of
the portal's own, their text read after commit."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ace_portal.celery import registered_task
from experts.services import uploads
from materials.models import MaterialVersion
from materials.services.errors import FileRefused

IMAGE_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


def check_file(file) -> tuple[str, str]:
    """Check an upload by its content and size (MATERIAL_MAX_BYTES): a PDF, a Word, PowerPoint
    or Excel document without macros, or a JPEG, PNG or WebP image. Return the suffix to store
    it with and the content type to serve it as; refuse anything else with FileRefused."""
    if file is None:
        raise FileRefused(_("Choose a file to upload."))
    limit = settings.MATERIAL_MAX_BYTES
    file.seek(0)
    head = file.read(5)
    file.seek(0)
    try:
        if not file.size or head.startswith(b"PK\x03\x04") or head == b"%PDF-":
            suffix = uploads.validate_document(file, limit=limit)
            return suffix, uploads.DOCUMENT_CONTENT_TYPES[suffix]
        try:
            suffix = uploads.validate_image(file, limit=limit)
        except ValidationError as refused:
            if refused.code != "not_image":
                raise
            raise ValidationError(
                _(
                    "This file is neither a PDF, a Word, PowerPoint or Excel document, nor a "
                    "JPEG, PNG or WebP image. Please upload one of those."
                ),
                code="unsupported_material",
            ) from None
        return suffix, IMAGE_CONTENT_TYPES[suffix]
    except ValidationError as refused:
        raise FileRefused(" ".join(refused.messages)) from None


def store_version(material, *, number: int, file, checked, note: str, by, review):
    """Write the version's stored file and row; the file is removed if the row is not written.
    The uploader's file name is kept only as a label (made harmless)."""
    suffix, content_type = checked
    version = MaterialVersion(
        material=material,
        number=number,
        note=note,
        review=review,
        original_name=uploads.safe_original_name(file, f"material{suffix}"),
        content_type=content_type,
        size=file.size,
        uploaded_by=by,
    )
    version.file.save(f"material{suffix}", file, save=False)
    stored = version.file.name
    try:
        with transaction.atomic():
            version.save()
    except Exception:
        version.file.storage.delete(stored)
        raise
    # Read after commit only: the row must exist when the worker looks for it.
    transaction.on_commit(
        lambda: registered_task("materials.extract_text").delay(version.pk), robust=True
    )
    return version
