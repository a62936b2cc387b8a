"""The Secretariat's missions: the list with its filters, a new mission, one mission's page with
its positions, invitations, seats, releases and history, and the moves from state to state."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from experts.permissions import secretariat_required
from missions.enums import POSITION_STATES, SEAT_HOLDING_STATES, LogisticsItemKind
from missions.forms.missions import MissionFilterForm, MissionForm, MoveForm, PositionForm
from missions.forms.preparation import AttachMaterialForm, DocumentForm
from missions.forms.reports import DecideReportForm
from missions.models import (
    Assignment,
    Invitation,
    LogisticsItem,
    Mission,
    MissionEvent,
    MissionMaterial,
    Position,
)
from missions.services import calendars, positions, preparation
from missions.services import missions as services
from missions.services.errors import MissionError
from missions.services.evaluations import EVALUATED_STATES

PAGE_SIZE = 50


def _per_mission(queryset, mission: str, value):
    """A subquery giving, for the mission of the outer query, ``value`` over ``queryset``
    (whose rows name their mission by the lookup ``mission``); 0 when there are none."""
    return Coalesce(
        Subquery(
            queryset.filter(**{mission: OuterRef("pk")})
            .order_by()
            .values(mission)
            .annotate(value=value)
            .values("value")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


@secretariat_required
def mission_list(request):
    form = MissionFilterForm(request.GET or None)
    held = Assignment.objects.filter(state__in=SEAT_HOLDING_STATES)
    missions = form.filter(
        Mission.objects.select_related("thematic_area", "region", "officer")
        .annotate(
            seats=_per_mission(Position.objects.all(), "mission", Sum("seats")),
            seated=_per_mission(held, "position__mission", Count("pk")),
        )
        .order_by("-start_date", "-pk")
    )
    page = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/missions/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "calendar_url": calendars.url_of(request.user),
        },
    )


def mission_for_page(reference: str) -> Mission:
    """One mission with everything its page shows, in a constant number of queries."""
    invitations = Invitation.objects.select_related("expert").order_by("invited_at", "pk")
    settled = LogisticsItem.objects.filter(state__in=preparation.SETTLED_STATES)
    assignments = (
        Assignment.objects.select_related("expert", "release", "evaluation")
        .annotate(checklist_settled=_per_mission(settled, "assignment", Count("pk")))
        .order_by("pk")
    )
    positions = Position.objects.select_related(
        "profile_type", "area", "language"
    ).prefetch_related(Prefetch("invitations", invitations), Prefetch("assignments", assignments))
    return get_object_or_404(
        Mission.objects.select_related(
            "thematic_area", "region", "officer", "funding_source", "request", "report"
        ).prefetch_related(
            "beneficiaries",
            "working_languages",
            Prefetch("positions", positions.order_by("pk")),
            Prefetch("events", MissionEvent.objects.select_related("by").order_by("at", "pk")),
            "documents",
            Prefetch(
                "library_materials",
                MissionMaterial.objects.select_related(
                    "material__area", "material__published_version"
                ).order_by("material__title", "pk"),
            ),
        ),
        reference=reference,
    )


# The moves an officer makes by hand, with the words of their buttons. Starting and delivering
# also follow the dates (a daily task); a cancellation needs its reason; "reported" comes with
# the acceptance of the report (missions.services.reports).
MOVES = {
    "plan": (services.plan, gettext_lazy("Mark as planned")),
    "open_staffing": (services.open_staffing, gettext_lazy("Open staffing")),
    "confirm": (services.confirm, gettext_lazy("Confirm the mission")),
    "start": (services.start, gettext_lazy("Mark as started")),
    "deliver": (services.deliver, gettext_lazy("Mark as delivered")),
    "close": (services.close, gettext_lazy("Close the mission")),
    "cancel": (None, gettext_lazy("Cancel the mission")),
}


def next_moves(mission: Mission) -> list[tuple[str, str]]:
    return [
        (action, MOVES[action][1])
        for (from_state, _to), action in services.TRANSITIONS.items()
        if from_state == mission.state and action in MOVES
    ]


@secretariat_required
def mission_detail(request, reference, position_form=None):
    mission = mission_for_page(reference)
    moves = next_moves(mission)
    context = {
        "mission": mission,
        "report": getattr(mission, "report", None),
        "report_form": DecideReportForm(),
        "evaluating": mission.state in EVALUATED_STATES,
        "moves": [(action, label) for action, label in moves if action != "cancel"],
        "can_cancel": any(action == "cancel" for action, _label in moves),
        "position_form": (position_form or PositionForm())
        if mission.state in POSITION_STATES
        else None,
        "seat_holding": SEAT_HOLDING_STATES,
        "checklist_items": len(LogisticsItemKind),
        "document_form": DocumentForm() if preparation.is_open(mission) else None,
        "document_limit": settings.MISSION_DOCUMENT_MAX_BYTES,
        "material_form": AttachMaterialForm(mission=mission)
        if preparation.is_open(mission)
        else None,
    }
    return render(request, "missions/missions/detail.html", context)


@secretariat_required
def mission_create(request):
    form = MissionForm(request.POST or None, initial={"officer": request.user})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mission = services.create_mission(by=request.user, **data)
        except MissionError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request, _("Mission %(reference)s created.") % {"reference": mission.reference}
            )
            return redirect("missions:detail", reference=mission.reference)
    return render(request, "missions/missions/form.html", {"form": form})


@require_POST
@secretariat_required
def add_position(request, reference):
    mission = get_object_or_404(Mission, reference=reference)
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            positions.add_position(mission.pk, by=request.user, **form.cleaned_data)
        except MissionError as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Position added."))
            return redirect("missions:detail", reference=reference)
    return mission_detail(request, reference, position_form=form)


@require_POST
@secretariat_required
def move(request, reference):
    mission = get_object_or_404(Mission, reference=reference)
    form = MoveForm(request.POST)
    allowed = dict(next_moves(mission))
    if not form.is_valid() or form.cleaned_data["action"] not in allowed:
        messages.error(request, _("This mission cannot make that move now."))
        return redirect("missions:detail", reference=reference)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"]
    try:
        if action == "cancel":
            services.cancel(mission.pk, by=request.user, reason=note)
        else:
            MOVES[action][0](mission.pk, by=request.user, note=note)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        mission.refresh_from_db()
        messages.success(
            request,
            _("The mission is now %(state)s.") % {"state": mission.get_state_display().lower()},
        )
    return redirect("missions:detail", reference=reference)
