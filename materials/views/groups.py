"""Working groups' pages: the list (the Secretariat's with filters, an expert's own groups),
a group's page, the Secretariat's forms (new group, members, coordinator, closing), the
coordinator's deliverables and a member's leaving.

Anybody who is neither Secretariat nor a current member gets 404 on every group URL
(permissions.get_group_for_user); a member who is not the coordinator gets 404 on the
deliverables' forms, an expert on the Secretariat's.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, DateField, IntegerField, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.roles import is_secretariat
from experts.enums import HOLDING_STATES
from experts.models import Expert
from experts.permissions import secretariat_required
from materials.enums import DeliverableState, GroupState
from materials.forms.groups import (
    AddMemberForm,
    CandidateSearchForm,
    ConfirmForm,
    DeliverableForm,
    ExpertChoiceForm,
    GroupFilterForm,
    GroupForm,
    MoveDeliverableForm,
)
from materials.models import Deliverable, Material, Membership, WorkingGroup
from materials.permissions import current_membership, get_group_for_user, is_coordinator
from materials.services import deliverables, groups
from materials.services.errors import MaterialsError

PAGE_SIZE = 50
CANDIDATES_SHOWN = 20


def _per_group(queryset, value, output_field):
    """For the group of the outer query, ``value`` over its rows of ``queryset``."""
    return Subquery(
        queryset.filter(group=OuterRef("pk"))
        .order_by()
        .values("group")
        .annotate(value=value)
        .values("value")[:1],
        output_field=output_field,
    )


def _listed_groups(user):
    current = Membership.objects.current()
    unfinished = Deliverable.objects.exclude(state=DeliverableState.DONE)
    return (
        WorkingGroup.objects.visible_to(user)
        .select_related("area", "profile_type", "coordinator")
        .annotate(
            member_count=Coalesce(_per_group(current, Count("pk"), IntegerField()), 0),
            open_deliverables=Coalesce(_per_group(unfinished, Count("pk"), IntegerField()), 0),
            next_due=_per_group(unfinished, Min("due_date"), DateField()),
        )
        .order_by(
            Case(When(state=GroupState.OPEN, then=0), default=1), "area__name_en", "name", "pk"
        )
    )


@login_required
def group_list(request):
    """The Secretariat's every group, filtered by area and state; an expert's own groups."""
    secretariat = is_secretariat(request.user)
    form = GroupFilterForm(request.GET or None) if secretariat else None
    listed = _listed_groups(request.user)
    if form is not None:
        listed = form.filter(listed)
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "secretariat": secretariat,
        "today": timezone.localdate(),
    }
    return render(request, "materials/groups/list.html", context)


@secretariat_required
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = groups.create_group(by=request.user, **form.cleaned_data)
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Working group “%(name)s” formed.") % {"name": group})
            return redirect("materials:group_detail", pk=group.pk)
    return render(request, "materials/groups/form.html", {"form": form})


def _group_for_page(user, pk: int) -> WorkingGroup:
    found = get_group_for_user(user, pk)
    return (
        WorkingGroup.objects.select_related("area", "profile_type", "coordinator", "workshop")
        .filter(pk=found.pk)
        .get()
    )


def candidates(group, text: str):
    """Experts holding an accreditation in the group's area whose names hold every word of
    ``text``, members excluded (a few: the officer narrows by typing more)."""
    words = text.split()
    if not words:
        return []
    found = Expert.objects.filter(
        accreditations__area=group.area, accreditations__state__in=HOLDING_STATES
    ).exclude(pk__in=Membership.objects.current().filter(group=group).values("expert"))
    for word in words[:5]:
        found = found.filter(Q(given_names__icontains=word) | Q(family_name__icontains=word))
    return list(found.distinct().order_by("family_name", "given_names", "pk")[:CANDIDATES_SHOWN])


def _deliverables_of(group, today):
    listed = list(group.deliverables.order_by("due_date", "pk"))
    for deliverable in listed:
        deliverable.overdue = not deliverable.is_done and deliverable.due_date < today
        deliverable.moves = deliverables.moves_from(deliverable.state)
    return listed


def _secretariat_forms(request, group, current, member_form=None) -> dict:
    """The Secretariat's forms of an open group's page: find and add a member, name the
    coordinator, close the group."""
    search = CandidateSearchForm(request.GET or None, auto_id="find-%s")
    text = search.cleaned_data["find"] if search.is_valid() else ""
    return {
        "search_form": search,
        "candidates": candidates(group, text),
        "searched": bool(text.strip()),
        "member_form": member_form or AddMemberForm(auto_id="member-%s"),
        "coordinator_form": ExpertChoiceForm(
            auto_id="coordinator-%s",
            members=[m.expert for m in current if m.expert_id != group.coordinator_id],
        ),
        "close_form": ConfirmForm(
            auto_id="close-%s", label=_("Yes, close this group: it cannot be reopened")
        ),
    }


def _page_context(request, group, **forms) -> dict:
    """What a group's page shows ``request.user``, with the forms their role may use;
    ``forms`` carries a bound form that failed, to show again with its errors."""
    user = request.user
    secretariat = is_secretariat(user)
    memberships = list(
        group.memberships.select_related("expert").order_by(
            "expert__family_name", "expert__given_names", "pk"
        )
    )
    current = [m for m in memberships if m.is_current]
    membership = next((m for m in current if m.expert.user_id == user.pk), None)
    manages = secretariat or (
        membership is not None and group.coordinator_id == membership.expert_id
    )
    editable = group.is_open
    context = {
        "group": group,
        "secretariat": secretariat,
        "membership": membership,
        "manages": manages and editable,
        "current": current,
        "former": [m for m in memberships if not m.is_current],
        "deliverables": _deliverables_of(group, timezone.localdate()),
        "materials": Material.objects.visible_to(user).filter(group=group).order_by("title", "pk"),
    }
    if editable and secretariat:
        context |= _secretariat_forms(request, group, current, forms.get("member_form"))
    if editable and manages:
        context["deliverable_form"] = forms.get("deliverable_form") or DeliverableForm(
            auto_id="deliverable-%s"
        )
    if editable and membership is not None and group.coordinator_id != membership.expert_id:
        context["leave_form"] = ConfirmForm(
            auto_id="leave-%s", label=_("Yes, I leave this working group")
        )
    return context


@login_required
def group_detail(request, pk):
    group = _group_for_page(request.user, pk)
    return render(request, "materials/groups/detail.html", _page_context(request, group))


def _refused_or(request, call, success: str) -> bool:
    """Run a service ``call``: its refusal becomes an error message, else ``success`` shows."""
    try:
        call()
    except MaterialsError as refused:
        messages.error(request, refused.message)
        return False
    messages.success(request, success)
    return True


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_POST
@secretariat_required
def add_member(request, pk):
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = AddMemberForm(request.POST, auto_id="member-%s")
    if form.is_valid():
        expert = form.cleaned_data["expert"]
        invited = form.cleaned_data["invited"]
        try:
            groups.add_member(group.pk, expert, invited=invited, by=request.user)
        except MaterialsError as refused:
            # Shown in the form, which keeps the expert typed: tick "invite" and send again.
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("%(name)s is now a member.") % {"name": expert.full_name})
            return redirect("materials:group_detail", pk=group.pk)
    page = _page_context(request, _group_for_page(request.user, pk), member_form=form)
    return render(request, "materials/groups/detail.html", page)


def _on_chosen_expert(request, pk, act, success: str):
    """A Secretariat action on the expert a form names (``act(group, expert)``); ``success``
    is the message, with the expert's ``name``."""
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = ExpertChoiceForm(request.POST)
    if form.is_valid():
        expert = form.cleaned_data["expert"]
        _refused_or(request, lambda: act(group, expert), success % {"name": expert.full_name})
    else:
        _form_errors(request, form)
    return redirect("materials:group_detail", pk=group.pk)


@require_POST
@secretariat_required
def remove_member(request, pk):
    return _on_chosen_expert(
        request,
        pk,
        lambda group, expert: groups.remove_member(group.pk, expert, by=request.user),
        _("%(name)s is no longer a member."),
    )


@require_POST
@secretariat_required
def set_coordinator(request, pk):
    return _on_chosen_expert(
        request,
        pk,
        lambda group, expert: groups.set_coordinator(group.pk, expert, by=request.user),
        _("%(name)s now coordinates the group."),
    )


@require_POST
@secretariat_required
def close_group(request, pk):
    group = get_object_or_404(WorkingGroup, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        _refused_or(
            request,
            lambda: groups.close_group(group.pk, by=request.user),
            _("The working group is closed."),
        )
    else:
        _form_errors(request, form)
    return redirect("materials:group_detail", pk=group.pk)


@require_POST
@login_required
def leave(request, pk):
    group = get_group_for_user(request.user, pk)
    membership = current_membership(request.user, group)
    if membership is None:
        raise Http404  # the Secretariat sees the group but is not in it
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("materials:group_detail", pk=group.pk)
    left = _refused_or(
        request,
        lambda: groups.leave(group.pk, expert=membership.expert),
        _("You have left the working group “%(name)s”.") % {"name": group},
    )
    # Once out of the group, its page would be a 404.
    if left:
        return redirect("materials:groups")
    return redirect("materials:group_detail", pk=group.pk)


# --- Deliverables: the coordinator and the Secretariat ------------------------------------------


def _managed_group(user, pk: int) -> WorkingGroup:
    """The group whose deliverables ``user`` manages; 404 for anybody else (members too)."""
    group = get_group_for_user(user, pk)
    if not (is_secretariat(user) or is_coordinator(user, group)):
        raise Http404
    return group


def _managed_deliverable(user, pk: int) -> Deliverable:
    deliverable = get_object_or_404(Deliverable, pk=pk)
    deliverable.group = _managed_group(user, deliverable.group_id)
    return deliverable


@require_POST
@login_required
def add_deliverable(request, pk):
    group = _managed_group(request.user, pk)
    form = DeliverableForm(request.POST, auto_id="deliverable-%s")
    if form.is_valid():
        try:
            deliverables.add_deliverable(group.pk, by=request.user, **form.cleaned_data)
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Deliverable added."))
            return redirect("materials:group_detail", pk=group.pk)
    page = _page_context(request, _group_for_page(request.user, pk), deliverable_form=form)
    return render(request, "materials/groups/detail.html", page)


@login_required
def edit_deliverable(request, pk):
    deliverable = _managed_deliverable(request.user, pk)
    group = deliverable.group
    if not group.is_open:
        messages.error(request, _("This working group is closed: it accepts no change."))
        return redirect("materials:group_detail", pk=group.pk)
    form = DeliverableForm(request.POST or None, instance=deliverable)
    if request.method == "POST" and form.is_valid():
        try:
            deliverables.update_deliverable(deliverable.pk, by=request.user, **form.cleaned_data)
        except MaterialsError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Deliverable saved."))
            return redirect("materials:group_detail", pk=group.pk)
    context = {"form": form, "group": group, "deliverable": deliverable}
    return render(request, "materials/groups/deliverable_form.html", context)


@require_POST
@login_required
def move_deliverable(request, pk):
    deliverable = _managed_deliverable(request.user, pk)
    form = MoveDeliverableForm(request.POST)
    if form.is_valid():
        state = form.cleaned_data["state"]
        _refused_or(
            request,
            lambda: deliverables.move_deliverable(deliverable.pk, state, by=request.user),
            _("“%(title)s” is now %(state)s.")
            % {"title": deliverable.title, "state": DeliverableState(state).label.lower()},
        )
    else:
        _form_errors(request, form)
    return redirect("materials:group_detail", pk=deliverable.group_id)


@require_POST
@login_required
def remove_deliverable(request, pk):
    deliverable = _managed_deliverable(request.user, pk)
    _refused_or(
        request,
        lambda: deliverables.remove_deliverable(deliverable.pk, by=request.user),
        _("Deliverable “%(title)s” removed.") % {"title": deliverable.title},
    )
    return redirect("materials:group_detail", pk=deliverable.group_id)
