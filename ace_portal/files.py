"""Files kept in private storage: what the portal records of an upload, and serving it to a
person a view has already allowed to see it."""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.db import models
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def private_file_response(field_file, *, filename: str, as_attachment: bool = True):
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # The stored name is the portal's own (….pdf, ….png), given after the content check.
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


class StoredUpload(models.Model):
    """What the portal keeps of an uploaded file besides the file: the name it came with (a
    label only), the type its content check found, its size, who uploaded it and when."""

    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    # The stem of the download's name when the uploader's name has none.
    default_stem = "file"

    class Meta:
        abstract = True

    @property
    def download_name(self) -> str:
        """The uploader's name (made harmless at upload) with the suffix of what its content
        was found to be, never the suffix it came with."""
        stem = self.original_name.rsplit(".", 1)[0] or self.default_stem
        return f"{stem}{Path(self.file.name).suffix}"
