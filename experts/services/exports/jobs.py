"""Exports of the directory that finish: small ones stream in the request, large ones are
written by a Celery worker into private storage, where only their requester may fetch them until
they expire.

States (``ExportState``): pending -> running -> done, or failed. The page polls ``rows_done``,
which the worker updates once per chunk of rows. A periodic task deletes expired files; the row
stays as the record of who exported what, with or without passport data.
"""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ace_portal.celery import registered_task
from experts.enums import ExportFormat, ExportState
from experts.models import ExpertExport
from experts.services import directory
from experts.services.exports import files as export

log = logging.getLogger(__name__)

WRITERS = {ExportFormat.CSV: export.write_csv, ExportFormat.XLSX: export.write_xlsx}
# A second click (or a reload of the export link) within this time joins the export already
# being written instead of starting the same one again.
REUSE_SECONDS = 10 * 60


class ExportFiltersInvalid(Exception):
    """The stored filters no longer apply (e.g. an area was deleted): export nothing rather
    than the whole roster."""


def experts_to_export(criteria: dict):
    """The experts the directory shows for ``criteria`` (a DirectoryForm's cleaned data), in
    the order it shows them: the sort the officer chose, else its default."""
    experts, sort = directory.filter_experts(criteria)
    return experts.order_by(*directory.ORDERINGS[sort])


def filtered_experts(query: str):
    """The experts the directory shows for ``query`` (its filters and sort as a URL query
    string), in its order."""
    form = directory.DirectoryForm(QueryDict(query) or None)
    if form.is_bound and not form.is_valid():
        raise ExportFiltersInvalid
    return experts_to_export(form.cleaned_data if form.is_bound else {})


def should_stream(experts) -> bool:
    """Small enough to write within the request (counted no further than the threshold)."""
    limit = settings.ACE_EXPORT_STREAM_MAX_ROWS
    return export.count_at_most(experts, limit) <= limit


def log_streamed(*, by, query: str, file_format: str, sensitive: bool) -> None:
    log.info(
        "Export streamed: user %s, %s, sensitive=%s, filters %r",
        by.pk,
        file_format,
        sensitive,
        query,
    )


def request_export(*, by, query: str, file_format: str, sensitive: bool) -> ExpertExport:
    """An export job for ``by``, queued after commit; the same export still being written for
    the same officer is returned instead of a second one.

    Side effects: one ExpertExport row (pending); a ``experts.build_export`` task."""
    recent = timezone.now() - timedelta(seconds=REUSE_SECONDS)
    running = ExpertExport.objects.filter(
        requested_by=by,
        query=query,
        format=file_format,
        sensitive=sensitive,
        state__in=[ExportState.PENDING, ExportState.RUNNING],
        created_at__gte=recent,
    ).first()
    if running:
        return running
    with transaction.atomic():
        job = ExpertExport.objects.create(
            requested_by=by,
            query=query,
            format=file_format,
            sensitive=sensitive,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )
        transaction.on_commit(lambda: _queue(job.pk))
    log.info(
        "Export %s requested: user %s, %s, sensitive=%s, filters %r",
        job.pk,
        by.pk,
        file_format,
        sensitive,
        query,
    )
    return job


def _queue(pk: int) -> None:
    """Hand the export to a worker; when the broker cannot be reached, say so on the export
    instead of failing the officer's request."""
    try:
        registered_task("experts.build_export").delay(pk)
    except Exception:  # kombu raises several kinds; any of them means "not queued"
        log.exception("Could not queue export %s", pk)
        # Only while it has not run: with tasks run inline its own errors arrive here too.
        ExpertExport.objects.filter(pk=pk, state=ExportState.PENDING).update(
            state=ExportState.FAILED,
            finished_at=timezone.now(),
            error=_("The background worker could not be reached; try again."),
        )


def build(pk: int) -> None:
    """Write the export's file, reporting progress per chunk, and keep it in private storage
    until it expires. A redelivered task (its worker was lost) starts the file again.

    Side effects: the file in storage; the row's state, counts, file name and expiry."""
    claimed = ExpertExport.objects.filter(
        pk=pk, state__in=[ExportState.PENDING, ExportState.RUNNING]
    ).update(state=ExportState.RUNNING, rows_done=0)
    if not claimed:
        return  # done or failed already
    job = ExpertExport.objects.get(pk=pk)
    try:
        with translation.override(job.language):
            _write(job)
    except ExportFiltersInvalid:
        _fail(pk, _("The filters of this export no longer apply; export from the directory again."))
    except Exception:
        _fail(pk, _("The export could not be written because of an error on our side."))
        raise


def _write(job: ExpertExport) -> None:
    experts = filtered_experts(job.query)
    total = experts.count()
    ExpertExport.objects.filter(pk=job.pk).update(rows_total=total)

    def progress(done: int) -> None:
        ExpertExport.objects.filter(pk=job.pk).update(rows_done=done)

    with tempfile.TemporaryFile() as handle:
        WRITERS[job.format](experts, handle, sensitive=job.sensitive, progress=progress)
        handle.seek(0)
        job.file.save(job.download_name, File(handle), save=False)
    now = timezone.now()
    finished = ExpertExport.objects.filter(pk=job.pk, state=ExportState.RUNNING).update(
        state=ExportState.DONE,
        file=job.file.name,
        rows_total=total,
        rows_done=total,
        finished_at=now,
        expires_at=now + timedelta(hours=settings.ACE_EXPORT_KEEP_HOURS),
    )
    if not finished:  # failed meanwhile (e.g. by another delivery): keep no orphan file
        job.file.delete(save=False)


def _fail(pk: int, message: str) -> None:
    ExpertExport.objects.filter(pk=pk).exclude(state=ExportState.DONE).update(
        state=ExportState.FAILED, error=message, finished_at=timezone.now()
    )


def delete_expired(now=None) -> int:
    """Delete the files of expired exports; their rows stay as a record. Returns how many."""
    now = now or timezone.now()
    expired = ExpertExport.objects.filter(expires_at__lte=now).exclude(file="")
    deleted = 0
    for job in expired.iterator():
        job.file.delete(save=False)  # the storage ignores a file that is already gone
        ExpertExport.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted
