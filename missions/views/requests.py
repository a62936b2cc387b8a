"""The Secretariat's requests for assistance: the list (waiting first, oldest first), a new
request with its files, one request's page, its acceptance into a mission or its decline."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.files import private_file_response
from experts.permissions import secretariat_required
from missions.enums import MissionType, RequestState
from missions.forms.requests import (
    AcceptRequestForm,
    DeclineRequestForm,
    RecordRequestForm,
    RequestFilterForm,
)
from missions.models import AssistanceRequest, RequestAttachment
from missions.services import requests as services
from missions.services.errors import MissionError

PAGE_SIZE = 50
WAITING = RequestState.WAITING


def days_waited(assistance: AssistanceRequest, today) -> int:
    """Days from its receipt to its decision, or to today while it waits."""
    until = timezone.localdate(assistance.decided_at) if assistance.decided_at else today
    return max((until - assistance.received_on).days, 0)


@secretariat_required
def request_list(request):
    form = RequestFilterForm(request.GET or None)
    found = (
        AssistanceRequest.objects.select_related(
            "requesting_administration", "thematic_area", "working_language", "mission"
        )
        .annotate(attachment_count=Count("attachments"))
        # Waiting first, the longest waiting at the top; then the latest decisions.
        .order_by(
            Case(When(state=WAITING, then=Value(0)), default=Value(1)),
            Case(When(state=WAITING, then=F("received_on"))).asc(),
            F("decided_at").desc(nulls_last=True),
            "pk",
        )
    )
    if form.is_valid() and form.cleaned_data["state"]:
        found = found.filter(state=form.cleaned_data["state"])
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for assistance in page.object_list:
        assistance.days_waited = days_waited(assistance, today)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/requests/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@secretariat_required
def record_request(request):
    form = RecordRequestForm(
        request.POST or None, request.FILES or None, initial={"received_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            assistance = services.record_request(by=request.user, **form.cleaned_data)
        except MissionError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Request recorded: it is waiting for a decision."))
            return redirect("missions:request_detail", pk=assistance.pk)
    return render(request, "missions/requests/record.html", {"form": form})


def request_for_page(pk: int) -> AssistanceRequest:
    return get_object_or_404(
        AssistanceRequest.objects.select_related(
            "requesting_administration__region",
            "thematic_area",
            "working_language",
            "mission",
            "decided_by",
            "created_by",
        ).prefetch_related(
            Prefetch("attachments", RequestAttachment.objects.order_by("pk")),
        ),
        pk=pk,
    )


@secretariat_required
def request_detail(request, pk, decline_form=None):
    assistance = request_for_page(pk)
    context = {
        "assistance": assistance,
        "days_waited": days_waited(assistance, timezone.localdate()),
        "waiting": assistance.state == WAITING,
        "decline_form": decline_form or DeclineRequestForm(),
    }
    return render(request, "missions/requests/detail.html", context)


def _already_decided(request, assistance):
    messages.error(
        request,
        _("This request was already %(state)s.")
        % {"state": assistance.get_state_display().lower()},
    )
    return redirect("missions:request_detail", pk=assistance.pk)


@secretariat_required
def accept_request(request, pk):
    assistance = request_for_page(pk)
    if assistance.state != WAITING:
        return _already_decided(request, assistance)
    administration = assistance.requesting_administration
    initial = {
        "title": f"{MissionType(assistance.mission_type).label}: {administration.name}",
        "start_date": assistance.preferred_start,
        "end_date": assistance.preferred_end,
        "officer": request.user,
    }
    form = AcceptRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            mission = services.accept_request(pk, by=request.user, **form.cleaned_data)
        except services.RequestAlreadyDecided:
            assistance.refresh_from_db(fields=["state"])
            return _already_decided(request, assistance)
        except MissionError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Request accepted into mission %(reference)s.")
                % {"reference": mission.reference},
            )
            return redirect("missions:detail", reference=mission.reference)
    return render(
        request, "missions/requests/accept.html", {"assistance": assistance, "form": form}
    )


@require_POST
@secretariat_required
def decline_request(request, pk):
    assistance = get_object_or_404(AssistanceRequest, pk=pk)
    if assistance.state != WAITING:
        return _already_decided(request, assistance)
    form = DeclineRequestForm(request.POST)
    if not form.is_valid():
        return request_detail(request, pk, decline_form=form)
    try:
        services.decline_request(pk, by=request.user, reason=form.cleaned_data["reason"])
    except services.RequestAlreadyDecided:
        assistance.refresh_from_db(fields=["state"])
        return _already_decided(request, assistance)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Request declined."))
    return redirect("missions:request_detail", pk=pk)


@secretariat_required
def attachment_file(request, pk, attachment_pk):
    attachment = get_object_or_404(RequestAttachment, pk=attachment_pk, request_id=pk)
    return private_file_response(attachment.file, filename=attachment.download_name)
