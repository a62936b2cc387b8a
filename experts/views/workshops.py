"""The Secretariat's accreditation cycles: workshops, candidates, and outcomes in one screen."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from experts.enums import WorkshopKind
from experts.forms.workshops import (
    AddCandidateForm,
    CandidateSearchForm,
    OutcomeFormSet,
    WorkshopForm,
)
from experts.models import Accreditation, Expert, ProfileType, Workshop
from experts.permissions import get_expert_for_user, secretariat_required
from experts.services import workshops
from experts.services.accreditation.transitions import AccreditationError

SEARCH_LIMIT = 20


@secretariat_required
def workshop_list(request):
    today = timezone.localdate()
    listed = Workshop.objects.select_related("area", "profile_type").annotate(
        participant_count=Count("participants")
    )
    upcoming = listed.filter(end_date__gte=today).order_by("start_date", "pk")
    past = Paginator(listed.filter(end_date__lt=today).order_by("-start_date", "-pk"), 50)
    return render(
        request,
        "experts/workshops/list.html",
        {"upcoming": upcoming, "past": past.get_page(request.GET.get("page"))},
    )


@secretariat_required
def workshop_create(request):
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.created_by = request.user
        workshop = form.save()
        messages.success(request, _("Workshop created. Now add its participants."))
        return redirect("secretariat:workshop_detail", pk=workshop.pk)
    return render(request, "experts/workshops/form.html", {"form": form})


@secretariat_required
def workshop_detail(request, pk):
    workshop = get_workshop(pk)
    participants = participants_of(workshop)
    formset = outcome_formset(workshop, participants)
    return render_detail(request, workshop, participants, formset)


@require_POST
@secretariat_required
def add_candidate(request, pk):
    workshop = get_workshop(pk)
    form = AddCandidateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an expert to add."))
        return redirect("secretariat:workshop_detail", pk=workshop.pk)
    expert = get_expert_for_user(request.user, form.cleaned_data["expert"])
    try:
        workshops.add_candidate(workshop, expert, by=request.user)
    except AccreditationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(expert)s was added.") % {"expert": expert})
    url = reverse("secretariat:workshop_detail", args=[workshop.pk])
    if form.cleaned_data["q"]:
        url += "?" + urlencode({"q": form.cleaned_data["q"]})
    return redirect(url + "#candidates")


@require_POST
@secretariat_required
def record_outcomes(request, pk):
    workshop = get_workshop(pk)
    participants = participants_of(workshop)
    formset = outcome_formset(workshop, participants, data=request.POST)
    if not formset.is_valid():
        messages.error(request, _("Nothing was saved. Please correct the outcomes and save."))
        return render_detail(request, workshop, participants, formset, status=400)
    try:
        recorded = workshops.record_outcomes(workshop, formset.outcomes(), by=request.user)
    except AccreditationError as error:
        messages.error(request, error.message)
        messages.error(request, _("Nothing was saved. Please correct the outcomes and save."))
        return render_detail(request, workshop, participants, formset, status=400)
    messages.success(
        request,
        ngettext("%(count)d outcome recorded.", "%(count)d outcomes recorded.", recorded)
        % {"count": recorded},
    )
    return redirect("secretariat:workshop_detail", pk=workshop.pk)


# --- Helpers ------------------------------------------------------------------------------------


def get_workshop(pk) -> Workshop:
    return get_object_or_404(
        Workshop.objects.select_related("area", "profile_type", "created_by"), pk=pk
    )


def participants_of(workshop: Workshop) -> list:
    """Every participant with what the screen shows, in a constant number of queries:
    the expert, the accreditation the seat is about, and the expert's live accreditations in
    the workshop's area (what a refresher extends)."""
    in_area = (
        Accreditation.objects.live()
        .filter(area=workshop.area)
        .select_related("profile_type")
        .order_by("profile_type__code")
    )
    return list(
        workshop.participants.select_related(
            "expert__user", "expert__home_administration", "accreditation__profile_type"
        ).prefetch_related(Prefetch("expert__accreditations", in_area, to_attr="in_area"))
    )


def outcome_formset(workshop, participants, data=None):
    profile_types = (
        list(ProfileType.objects.all()) if workshop.kind == WorkshopKind.REFRESHER else []
    )
    return OutcomeFormSet(
        data, workshop=workshop, participants=participants, profile_types=profile_types
    )


def search_experts(query: str, workshop, participants) -> list:
    if not query:
        return []
    seated = {participant.expert_id for participant in participants}
    found = (
        Expert.objects.filter(
            Q(family_name__icontains=query)
            | Q(given_names__icontains=query)
            | Q(user__email__icontains=query)
        )
        .select_related("user", "home_administration")
        .order_by("family_name", "given_names", "pk")[:SEARCH_LIMIT]
    )
    for expert in found:
        expert.is_seated = expert.pk in seated
    return list(found)


def render_detail(request, workshop, participants, formset, *, status=200):
    search = CandidateSearchForm(request.GET)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    forms_by_seat = {form.seat.pk: form for form in formset if form.seat is not None}
    rows = [(participant, forms_by_seat.get(participant.pk)) for participant in participants]
    return render(
        request,
        "experts/workshops/detail.html",
        {
            "workshop": workshop,
            "rows": rows,
            "formset": formset,
            "search": search,
            "query": query,
            "results": search_experts(query, workshop, participants),
            "search_limit": SEARCH_LIMIT,
            "is_refresher": workshop.kind == WorkshopKind.REFRESHER,
        },
        status=status,
    )
