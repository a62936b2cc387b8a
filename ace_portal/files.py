"""Serving a file from private storage to a person a view has already allowed to see it."""

import mimetypes

from django.http import FileResponse, Http404


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
