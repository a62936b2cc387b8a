"""Upload checks by content and size; a file's name and declared type are never trusted."""

import zipfile
from xml.etree import ElementTree

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
        size, most = filesizeformat(upload.size), filesizeformat(limit)
        if size == most:
            # "10.0 MB; the limit is 10.0 MB" reads as a contradiction: say by how much.
            message = _("The file is %(over)s over the limit of %(limit)s.") % {
                "over": filesizeformat(upload.size - limit),
                "limit": most,
            }
        else:
            message = _("The file is %(size)s; the limit is %(limit)s.") % {
                "size": size,
                "limit": most,
            }
        raise ValidationError(message, code="too_large")


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


def validate_pdf(upload, *, message: str = "", limit: int | None = None) -> None:
    """A CV (or a scanned letter) must really be a PDF: its bytes start with the PDF signature
    and end the document. ``message``: what to say when it is not; ``limit``: the largest size
    accepted, in bytes (a CV's by default)."""
    _check_size(upload, settings.MAX_CV_BYTES if limit is None else limit)
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
    return validate_image(upload, limit=settings.MAX_PHOTO_BYTES)


def validate_image(upload, *, limit: int) -> str:
    """Check that the upload is a JPEG, PNG or WebP image of at most ``limit`` bytes, by its
    content; return the extension to store it with (PHOTO_FORMATS)."""
    _check_size(upload, limit)
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


# Office documents (Office Open XML) are zip archives. Python's zipfile never inflates a part
# beyond the size its header declares, so the declared sizes bound what reading one costs; the
# portal reads only [Content_Types].xml, and serves the file as uploaded.
OFFICE_MAX_PARTS = 2000
OFFICE_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
_CONTENT_TYPES_MAX_BYTES = 1024 * 1024
_OPENXML = "application/vnd.openxmlformats-officedocument."
# The content type of each kind of document's main part, and the suffix it is stored with.
OFFICE_FORMATS = {
    _OPENXML + "wordprocessingml.document.main+xml": ".docx",
    _OPENXML + "presentationml.presentation.main+xml": ".pptx",
    _OPENXML + "spreadsheetml.sheet.main+xml": ".xlsx",
}
# What a checked document is served as, by the suffix the checks gave it.
DOCUMENT_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": _OPENXML + "wordprocessingml.document",
    ".pptx": _OPENXML + "presentationml.presentation",
    ".xlsx": _OPENXML + "spreadsheetml.sheet",
}
_CONTENT_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _not_office():
    return ValidationError(
        _(
            "This file is not a Word, PowerPoint or Excel document. Please upload a .docx, "
            ".pptx or .xlsx file, or a PDF."
        ),
        code="not_office",
    )


def _macros():
    return ValidationError(
        _(
            "This document contains macros, which the portal does not accept. Save it as a "
            "document without macros (.docx, .pptx or .xlsx) and upload it again."
        ),
        code="macros",
    )


def _check_parts(parts) -> None:
    if len(parts) > OFFICE_MAX_PARTS:
        raise ValidationError(
            _(
                "This document is made of %(count)s parts, more than the %(limit)s a document "
                "has: it cannot be accepted."
            )
            % {"count": len(parts), "limit": OFFICE_MAX_PARTS},
            code="too_many_parts",
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > OFFICE_MAX_UNPACKED_BYTES:
        raise ValidationError(
            _("Unpacked, this document would take %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(OFFICE_MAX_UNPACKED_BYTES),
            },
            code="too_large_unpacked",
        )
    if any(part.filename.lower().endswith("vbaproject.bin") for part in parts):
        raise _macros()


def _main_part_type(archive) -> str:
    """The content type of the document's main part, from [Content_Types].xml."""
    try:
        listed = archive.getinfo("[Content_Types].xml")
    except KeyError:
        raise _not_office() from None
    if listed.file_size > _CONTENT_TYPES_MAX_BYTES:
        raise _not_office()
    with archive.open(listed) as handle:
        data = handle.read(_CONTENT_TYPES_MAX_BYTES + 1)
    # No document type declaration, hence no entities to expand (a "billion laughs").
    if len(data) > _CONTENT_TYPES_MAX_BYTES or b"<!DOCTYPE" in data.upper():
        raise _not_office()
    root = ElementTree.fromstring(data)
    types = [
        (element.get("PartName", ""), element.get("ContentType", ""))
        for element in root
        if element.tag in (f"{_CONTENT_TYPES_NS}Override", f"{_CONTENT_TYPES_NS}Default")
    ]
    if any("macroenabled" in kind.lower() or "vbaproject" in kind.lower() for _p, kind in types):
        raise _macros()
    names = set(archive.namelist())
    mains = [kind for part, kind in types if kind in OFFICE_FORMATS and part[1:] in names]
    if len(mains) != 1:
        raise _not_office()
    return mains[0]


def validate_office(upload, *, limit: int | None = None) -> str:
    """Check that the upload is a Word, PowerPoint or Excel document without macros (DOCX,
    PPTX, XLSX) by its content: a zip archive of a bounded number of parts and unpacked size,
    whose [Content_Types].xml names the main part of one of them. Return the suffix to store
    it with. ``limit``: the largest size accepted, in bytes (a mission document's by default)."""
    _check_size(upload, settings.MISSION_DOCUMENT_MAX_BYTES if limit is None else limit)
    upload.seek(0)
    if upload.read(4) != b"PK\x03\x04":
        upload.seek(0)
        raise _not_office()
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            _check_parts(archive.infolist())
            main = _main_part_type(archive)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        ElementTree.ParseError,
        NotImplementedError,  # a compression method zipfile does not read
        RuntimeError,  # an encrypted part
        ValueError,
        OSError,
        EOFError,
    ):
        raise _not_office() from None
    finally:
        upload.seek(0)
    return OFFICE_FORMATS[main]


def validate_document(upload, *, limit: int | None = None) -> str:
    """Check that the upload is a PDF or an Office document (see validate_office) by its
    content, and not larger than ``limit`` bytes (a mission document's by default). Return the
    suffix to store it with; DOCUMENT_CONTENT_TYPES gives the type to serve it as."""
    limit = settings.MISSION_DOCUMENT_MAX_BYTES if limit is None else limit
    _check_size(upload, limit)
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return validate_office(upload, limit=limit)
    if head == b"%PDF-":
        validate_pdf(upload, message=_("This file is not a readable PDF document."), limit=limit)
        return ".pdf"
    raise ValidationError(
        _(
            "This file is neither a PDF nor a Word, PowerPoint or Excel document. Please upload "
            "a .pdf, .docx, .pptx or .xlsx file."
        ),
        code="unsupported_document",
    )
