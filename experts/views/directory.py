"""The Secretariat's directory of experts, its exports and saved searches. Thin views: the
filtering lives in experts.services.directory, the files in experts.services.exports.files."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from experts.enums import ExportFormat
from experts.forms.directory import SavedSearchForm
from experts.models import SavedSearch
from experts.permissions import secretariat_required
from experts.services import directory
from experts.services.directory import DirectoryForm
from experts.services.exports import files as export
from experts.services.exports import jobs as exports

# Parameters that move through pages or pick a file, not filters.
NOT_FILTERS = {"after", "page", "format", "sensitive"}


def _filters_query(request) -> str:
    query = request.GET.copy()
    for key in NOT_FILTERS:
        query.pop(key, None)
    return query.urlencode()


def _criteria(request):
    form = DirectoryForm(request.GET or None)
    criteria = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, criteria


@secretariat_required
def directory_page(request):
    form, criteria = _criteria(request)
    experts, sort = directory.filter_experts(criteria)
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    page = directory.page_of(
        experts,
        sort,
        size=criteria.get("size") or 25,
        after=request.GET.get("after", "")[:500],
        number=number,
    )
    context = {
        "form": form,
        "page": page,
        "filters_query": _filters_query(request),
        "saved_searches": SavedSearch.objects.filter(owner=request.user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "experts/directory/list.html#results", context)
    return render(request, "experts/directory/list.html", context)


@secretariat_required
def directory_export(request):
    """The directory's current result as a file: streamed when small, else written by a worker
    (a request must not outlive gunicorn's timeout: it would be cut with its 200 already sent)."""
    form, criteria = _criteria(request)
    if form.is_bound and not form.is_valid():
        # Never export the whole roster for filters that did not apply: back to the page,
        # which shows what is wrong.
        return redirect(reverse("secretariat:directory") + "?" + _filters_query(request))
    experts = exports.experts_to_export(criteria)  # in the order of the page
    sensitive = request.GET.get("sensitive") == "1"
    file_format = ExportFormat.XLSX if request.GET.get("format") == "xlsx" else ExportFormat.CSV
    query = _filters_query(request)
    if not exports.should_stream(experts):
        job = exports.request_export(
            by=request.user, query=query, file_format=file_format, sensitive=sensitive
        )
        return redirect("secretariat:export_detail", pk=job.pk)
    exports.log_streamed(by=request.user, query=query, file_format=file_format, sensitive=sensitive)
    stamp = timezone.localdate().isoformat()
    if file_format == ExportFormat.XLSX:
        return FileResponse(
            export.xlsx_file(experts, sensitive=sensitive),
            as_attachment=True,
            filename=f"experts-{stamp}.xlsx",
            content_type=export.CONTENT_TYPES["xlsx"],
        )
    response = StreamingHttpResponse(
        export.csv_chunks(experts, sensitive=sensitive), content_type=export.CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = f'attachment; filename="experts-{stamp}.csv"'
    return response


@require_POST
@secretariat_required
def save_search(request):
    form = SavedSearchForm(request.POST)
    if not form.is_valid():
        # NUL bytes, over-long values or no name: a message that says which, never a 500.
        messages.error(request, form.first_error())
        return redirect("secretariat:directory")
    name, query = form.cleaned_data["name"], form.cleaned_data["query"]
    try:
        with transaction.atomic():  # a savepoint: a taken name must not spoil a transaction
            SavedSearch.objects.create(owner=request.user, name=name, query=query)
        messages.success(request, _("Search saved as “%(name)s”.") % {"name": name})
    except IntegrityError:
        messages.error(
            request, _("You already have a saved search called “%(name)s”.") % {"name": name}
        )
    return redirect(reverse("secretariat:directory") + ("?" + query if query else ""))


@require_POST
@secretariat_required
def delete_saved_search(request, pk):
    saved = get_object_or_404(SavedSearch, pk=pk, owner=request.user)
    saved.delete()
    messages.success(request, _("Saved search “%(name)s” deleted.") % {"name": saved.name})
    return redirect("secretariat:directory")
