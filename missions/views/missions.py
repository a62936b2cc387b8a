"""The Secretariat's missions: the list with its filters, and one mission's page with its
positions, invitations, seats, releases and history."""

from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render

from experts.permissions import secretariat_required
from missions.enums import SEAT_HOLDING_STATES
from missions.forms.missions import MissionFilterForm
from missions.models import Assignment, Invitation, Mission, MissionEvent, Position

PAGE_SIZE = 50


def _per_mission(queryset, value):
    """A subquery giving, for the mission of the outer query, ``value`` over ``queryset``."""
    return Coalesce(
        Subquery(
            queryset.filter(position__mission=OuterRef("pk"))
            .order_by()
            .values("position__mission")
            .annotate(value=value)
            .values("value")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


@secretariat_required
def mission_list(request):
    form = MissionFilterForm(request.GET or None)
    seats = (
        Position.objects.filter(mission=OuterRef("pk"))
        .order_by()
        .values("mission")
        .annotate(total=Sum("seats"))
        .values("total")[:1]
    )
    missions = form.filter(
        Mission.objects.select_related("thematic_area", "region", "officer")
        .annotate(
            seats=Coalesce(Subquery(seats, output_field=IntegerField()), 0),
            seated=_per_mission(
                Assignment.objects.filter(state__in=SEAT_HOLDING_STATES), Count("pk")
            ),
        )
        .order_by("-start_date", "-pk")
    )
    page = Paginator(missions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "missions/missions/list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def mission_for_page(reference: str) -> Mission:
    """One mission with everything its page shows, in a constant number of queries."""
    invitations = Invitation.objects.select_related("expert").order_by("invited_at", "pk")
    assignments = Assignment.objects.select_related("expert", "release").order_by("pk")
    positions = Position.objects.select_related(
        "profile_type", "area", "language"
    ).prefetch_related(Prefetch("invitations", invitations), Prefetch("assignments", assignments))
    return get_object_or_404(
        Mission.objects.select_related(
            "thematic_area", "region", "officer", "funding_source", "request"
        ).prefetch_related(
            "beneficiaries",
            "working_languages",
            Prefetch("positions", positions.order_by("pk")),
            Prefetch("events", MissionEvent.objects.select_related("by").order_by("at", "pk")),
        ),
        reference=reference,
    )


@secretariat_required
def mission_detail(request, reference):
    mission = mission_for_page(reference)
    return render(request, "missions/missions/detail.html", {"mission": mission})
