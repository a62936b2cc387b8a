"""Staffing: a position's ranked candidates with their reasons, the excluded experts with the
rule that excludes each, an expert found in the directory assessed with warnings, the
invitations the officer sends from there, and what needs action across missions."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from experts.models import Expert, MemberAdministration
from experts.permissions import secretariat_required
from missions.enums import SEAT_HOLDING_STATES, InvitationState, MissionState, ReleaseState
from missions.forms.staffing import FindExpertForm, InviteForm
from missions.models import Invitation, Mission, Position, Release
from missions.services import invitations, matching, releases, staffing
from missions.services.errors import MissionError

EXCLUDED_PAGE_SIZE = 50


def _position(reference, pk) -> Position:
    return get_object_or_404(
        Position.objects.select_related("mission", "profile_type", "area", "language"),
        pk=pk,
        mission__reference=reference,
    )


def _rows(candidates):
    # Candidates (ranked, with points) or the excluded (matching.Judged, rules only).
    """What a table row shows of each candidate: the administration's name (one query for the
    page), the points in the order of the criteria, the labels of the rules broken."""
    names = {
        a.pk: a.name
        for a in MemberAdministration.objects.filter(
            pk__in={c.administration_id for c in candidates}
        )
    }
    return [
        {
            "candidate": c,
            "administration": names.get(c.administration_id, ""),
            # The excluded have no points: only candidates are ranked.
            "points": [c.points[name] for name in matching.CRITERIA] if c.points else [],
            "rules": [matching.RULE_LABELS[rule] for rule in c.rules],
        }
        for c in candidates
    ]


@secretariat_required
def candidates(request, reference, pk):
    position = _position(reference, pk)
    result = matching.match(position)
    rule = request.GET.get("rule", "")
    if rule not in matching.RULES:
        rule = ""
    # The page of ids, then one query for their names: not the names of thousands.
    excluded_page = Paginator(result.excluded_ids(rule), EXCLUDED_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    found = None
    find_form = FindExpertForm(request.GET if "expert" in request.GET else None)
    if find_form.is_valid():
        expert = Expert.objects.filter(pk=find_form.cleaned_data["expert"]).first()
        if expert is None:
            find_form.add_error("expert", _("No expert has this number."))
        else:
            found = matching.assess(position, expert)
    context = {
        "position": position,
        "mission": position.mission,
        "can_invite": position.mission.state == MissionState.STAFFING,
        "open_seats": staffing.open_seats(position),
        "candidates": _rows(result.candidates),
        "counts": [(r, matching.RULE_LABELS[r], result.counts[r]) for r in matching.RULES],
        "excluded_total": result.excluded_count + result.without_accreditation,
        "without_accreditation": result.without_accreditation,
        "rule": rule,
        "rule_label": matching.RULE_LABELS.get(rule, ""),
        "excluded": _rows(result.excluded(list(excluded_page.object_list))),
        "excluded_page": excluded_page,
        "criteria": [(c, matching.CRITERION_LABELS[c]) for c in matching.CRITERIA],
        # Only the deadline is rendered from the form: the table holds the checkboxes.
        "invite_form": InviteForm(),
        "find_form": find_form,
        "found": found,
        "found_rules": [matching.RULE_LABELS[rule] for rule in found.rules] if found else [],
        # Its own ids: the page holds two invitation forms.
        "found_form": InviteForm(auto_id="found_%s"),
    }
    return render(request, "missions/staffing/candidates.html", context)


@require_POST
@secretariat_required
def invite(request, reference, pk):
    position = _position(reference, pk)
    posted = [value for value in request.POST.getlist("experts") if value.isdigit()]
    chosen = {e.pk: e for e in Expert.objects.filter(pk__in=posted[:100]).select_related("user")}
    form = InviteForm(request.POST, choices=[(pk, str(e)) for pk, e in chosen.items()])
    back = redirect("missions:candidates", reference=reference, pk=pk)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    try:
        sent = invitations.invite(
            position.pk,
            [chosen[pk] for pk in form.cleaned_data["experts"]],
            deadline=form.cleaned_data["deadline"],
            by=request.user,
            accept_warnings=form.cleaned_data["confirm_warnings"],
        )
    except MissionError as refused:
        messages.error(request, refused.message)
        return back
    messages.success(
        request,
        ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", len(sent))
        % {"count": len(sent)},
    )
    return redirect("missions:detail", reference=reference)


NEAR_DEADLINE_HOURS = 48
NEEDS_ACTION_ROWS = 100


@secretariat_required
def needs_action(request):
    """What needs the Secretariat's action across missions being staffed: positions short of
    experts, invitations near their deadline, releases waiting (oldest first)."""
    mine = request.GET.get("mine") == "1"
    missions = Mission.objects.filter(officer=request.user) if mine else Mission.objects.all()
    held = Count("assignments", filter=Q(assignments__state__in=SEAT_HOLDING_STATES))
    pending = Count("invitations", filter=Q(invitations__state=InvitationState.PENDING))
    short = (
        Position.objects.filter(mission__in=missions, mission__state=MissionState.STAFFING)
        .annotate(held=held, pending=pending)
        .filter(held__lt=F("seats"))
        .select_related("mission", "profile_type", "area")
        .order_by("mission__start_date", "pk")[:NEEDS_ACTION_ROWS]
    )
    soon = timezone.now() + timedelta(hours=NEAR_DEADLINE_HOURS)
    near = (
        Invitation.objects.filter(
            position__mission__in=missions,
            position__mission__state=MissionState.STAFFING,
            state=InvitationState.PENDING,
            deadline__lte=soon,
        )
        .select_related("expert", "position__mission")
        .order_by("deadline", "pk")[:NEEDS_ACTION_ROWS]
    )
    waiting = (
        Release.objects.filter(
            assignment__position__mission__in=missions,
            assignment__position__mission__state__in=releases.OPEN_FOR_RELEASE,
            state=ReleaseState.REQUESTED,
        )
        .select_related("administration", "assignment__expert", "assignment__position__mission")
        .order_by("requested_at", "pk")[:NEEDS_ACTION_ROWS]
    )
    context = {"mine": mine, "short": short, "near": near, "waiting": waiting}
    return render(request, "missions/staffing/needs_action.html", context)
