"""Upload checks by content and size; a file's name and declared type are never trusted."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def _check_size(upload, limit: int) -> None:
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )


def safe_original_name(upload, default: str) -> str:
    """The uploader's file name, reduced to a harmless base name (no folders, no traversal)."""
    base = upload.name.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        return get_valid_filename(base)[:200]
    except Exception:  # a name of dots only: SuspiciousFileOperation
        return default


def pdf_download_name(original_name: str) -> str:
    """The name a checked PDF is downloaded under: the uploader's name, but always ``.pdf``.

    The upload was checked to be a PDF; its name was not. A PDF that also holds HTML, uploaded
    as ``poly.html``, must never reach a browser or a file manager named as a web page.
    """
    stem = original_name.rsplit(".", 1)[0] if "." in original_name else original_name
    return f"{stem or 'document'}.pdf"


def validate_pdf(upload, *, message: str = "") -> None:
    """A CV (or a scanned letter) must really be a PDF: its bytes start with the PDF signature
    and end the document. ``message``: what to say when it is not."""
    _check_size(upload, settings.MAX_CV_BYTES)
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max(upload.size - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ValidationError(
            message or _("This file is not a PDF document. Please upload your CV as a PDF."),
            code="not_pdf",
        )


def validate_photo(upload) -> str:
    """Check that the upload is a JPEG, PNG or WebP image; return the extension to store it with."""
    _check_size(upload, settings.MAX_PHOTO_BYTES)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            image_format = image.format
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("This file is not a picture. Please upload a JPEG, PNG or WebP image."),
            code="not_image",
        ) from None
    finally:
        upload.seek(0)
    if image_format not in PHOTO_FORMATS:
        raise ValidationError(
            _("Please upload a JPEG, PNG or WebP image."), code="unsupported_image"
        )
    return PHOTO_FORMATS[image_format]
