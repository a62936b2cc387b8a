"""The Secretariat's pages for importing experts from a spreadsheet (business in imports.py)."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from experts.enums import ImportRowAction, ImportState
from experts.forms.imports import ImportConfirmForm, ImportRowFilterForm, ImportUploadForm
from experts.models import ExpertImport
from experts.permissions import secretariat_required
from experts.services.imports import check as imports
from experts.services.imports import files as import_files
from experts.services.imports import template
from experts.services.imports.rows import ImportRowForm

ROWS_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING = (ImportState.CHECKING, ImportState.APPLYING)


@secretariat_required
def import_start(request):
    form, refused = ImportUploadForm(), ""
    if request.method == "POST":
        # Refuse an oversized upload from its declared length, before the view reads it. (An
        # unbound form cannot take an error, hence the separate message.)
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > import_files.max_bytes() + 64 * 1024:
            refused = _too_large()
        else:
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    # The upload's own size, so that the message tells how large the file is.
                    import_files.check_size(upload.size)
                    expert_import = imports.upload(
                        content=upload.read(import_files.max_bytes() + 1),
                        name=upload.name,
                        update_existing=form.cleaned_data["update_existing"],
                        by=request.user,
                    )
                except import_files.ImportFileError as error:
                    form.add_error("file", str(error))
                else:
                    return redirect("secretariat:import_detail", pk=expert_import.pk)
        status = 400
    else:
        status = 200
    recent = ExpertImport.objects.select_related("created_by").defer("content")[:20]
    return render(
        request,
        "experts/imports/start.html",
        {
            "form": form,
            "refused": refused,
            "recent": recent,
            "max_mb": settings.ACE_IMPORT_MAX_BYTES // 1024 // 1024,
        },
        status=status,
    )


def _too_large():
    return _("The file is larger than %(limit)s MB; split it into smaller files.") % {
        "limit": settings.ACE_IMPORT_MAX_BYTES // 1024 // 1024
    }


@secretariat_required
def import_template(request):
    response = HttpResponse(template.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="experts-import-template.csv"'
    return response


@secretariat_required
def import_template_xlsx(request):
    response = HttpResponse(template.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="experts-import-template.xlsx"'
    return response


def _get_import(pk):
    return get_object_or_404(
        ExpertImport.objects.select_related("created_by", "applied_by").defer("content"), pk=pk
    )


@secretariat_required
def import_detail(request, pk):
    expert_import = _get_import(pk)
    context = {"expert_import": expert_import, "running": expert_import.state in RUNNING}
    if context["running"]:
        context["done"], context["total"] = imports.progress(expert_import)
    if expert_import.state in (ImportState.READY, ImportState.APPLIED, ImportState.FAILED):
        context.update(_rows_context(request, expert_import))
        context["confirm_form"] = ImportConfirmForm()
    return render(request, "experts/imports/detail.html", context)


@secretariat_required
def import_progress(request, pk):
    """The progress bar, polled by htmx; once the step is over, the page reloads itself."""
    expert_import = _get_import(pk)
    if expert_import.state not in RUNNING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    done, total = imports.progress(expert_import)
    return render(
        request,
        "experts/imports/detail.html#progress",
        {"expert_import": expert_import, "running": True, "done": done, "total": total},
    )


def _rows_context(request, expert_import):
    counts = dict(
        expert_import.rows.values_list("action").annotate(n=Count("id")).values_list("action", "n")
    )
    filters = ImportRowFilterForm(request.GET)
    filters.is_valid()
    action = filters.cleaned_data.get("action") or ""
    if action not in ImportRowAction.values:
        action = ""
    rows = expert_import.rows.select_related("expert").defer("values")
    if action:
        rows = rows.filter(action=action)
    page = Paginator(rows, ROWS_PER_PAGE).get_page(filters.cleaned_data.get("page") or 1)
    # The changes name fields as the import's columns; the page shows their labels.
    labels = {name: field.label for name, field in ImportRowForm.base_fields.items()}
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.change_list = [
            (labels.get(name, name), before, after) for name, (before, after) in row.changes.items()
        ]
    tabs = [("", _("All rows"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0))
        for value, label in ImportRowAction.choices
        if counts.get(value)
    ]
    return {
        "counts": counts,
        "to_apply": counts.get(ImportRowAction.CREATE, 0) + counts.get(ImportRowAction.UPDATE, 0),
        "name_duplicates": expert_import.rows.filter(action=ImportRowAction.DUPLICATE)
        # Not exclude(values__same_email=True): SQL's NOT (NULL = true) drops the rows
        # without the key, i.e. every name duplicate.
        .exclude(values__has_key="same_email")
        .count(),
        "tabs": tabs,
        "action": action,
        "page": page,
    }


@require_POST
@secretariat_required
def import_confirm(request, pk):
    expert_import = _get_import(pk)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():  # two checkboxes: only a forged request gets here
        raise Http404
    started = imports.start_applying(
        expert_import,
        by=request.user,
        send_invitations=form.cleaned_data["send_invitations"],
        create_duplicates=form.cleaned_data["create_duplicates"],
        base_url=request.build_absolute_uri("/"),
    )
    if not started:
        messages.error(request, _("This import is no longer waiting for confirmation."))
    return redirect("secretariat:import_detail", pk=pk)


@require_POST
@secretariat_required
def import_cancel(request, pk):
    expert_import = _get_import(pk)
    if imports.cancel(expert_import):
        messages.success(request, _("The import was cancelled; its file and rows were deleted."))
        return redirect("secretariat:import_start")
    messages.error(request, _("This import can no longer be cancelled."))
    return redirect("secretariat:import_detail", pk=pk)
