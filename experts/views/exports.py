"""The pages of an export written by a worker: its progress, then its download (business in
exports.py). Only the officer who asked for an export may see or fetch it: anybody else gets
404, even another Secretariat officer, since it may hold passport numbers they did not ask for."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from experts.enums import ExportState
from experts.models import ExpertExport
from experts.permissions import secretariat_required
from experts.services.exports.files import CONTENT_TYPES


def _own_export(request, pk) -> ExpertExport:
    return get_object_or_404(ExpertExport, pk=pk, requested_by=request.user)


@secretariat_required
def export_detail(request, pk):
    job = _own_export(request, pk)
    return render(request, "experts/exports/detail.html", {"job": job})


@secretariat_required
def export_progress(request, pk):
    """The status block, polled by htmx every second while the file is being written; it
    stops polling by itself once the export is done or failed."""
    job = _own_export(request, pk)
    return render(request, "experts/exports/detail.html#status", {"job": job})


@secretariat_required
def export_download(request, pk):
    job = _own_export(request, pk)
    if job.is_expired:
        return render(request, "experts/exports/detail.html", {"job": job}, status=410)
    if job.state != ExportState.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    # FileResponse quotes (and RFC 5987-encodes) the name: a safe Content-Disposition.
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.download_name,
        content_type=CONTENT_TYPES[job.format],
    )
    response["Cache-Control"] = "private, no-store"
    return response
