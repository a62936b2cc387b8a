"""Before the mission: the Secretariat's checklist page for a seat and the mission's documents
(added and removed from the mission's page); the expert's page of one of their missions, with
its documents, library materials and their own checklist; and the downloads of the documents
and of the library materials attached to the mission, for the Secretariat and the mission's
seated experts only (anybody else: 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.roles import is_secretariat
from ace_portal.files import private_file_response
from experts.permissions import expert_required, secretariat_required
from materials.enums import MaterialState
from missions.enums import SEAT_HOLDING_STATES, LogisticsItemKind, MissionState
from missions.forms.preparation import AttachMaterialForm, DocumentForm, LogisticsItemForm
from missions.models import Assignment, LogisticsItem, Mission, MissionDocument, MissionMaterial
from missions.services import preparation
from missions.services.errors import MissionError


def _seats():
    """Seats with what their checklist page shows, in a constant number of queries."""
    return (
        Assignment.objects.filter(state__in=SEAT_HOLDING_STATES)
        .select_related(
            "expert",
            "position__mission__officer",
            "position__profile_type",
            "position__area",
            "position__language",
        )
        .prefetch_related(
            Prefetch("logistics", LogisticsItem.objects.select_related("updated_by").order_by("pk"))
        )
    )


def _checklist(assignment, *, bound=None, editable: bool) -> list[dict]:
    rows = []
    for item in preparation.checklist(assignment):
        form = None
        if editable:
            form = bound if bound and bound.kind == item.kind else LogisticsItemForm.for_item(item)
        rows.append({"item": item, "form": form})
    return rows


def _post_item(request, assignment):
    """Save the checklist item posted; None once saved (or refused with a message), else the
    bound form with its errors to show again."""
    kind = request.POST.get("item", "")
    if kind not in LogisticsItemKind.values:
        messages.error(request, _("There is no such item on the checklist."))
        return None
    form = LogisticsItemForm(request.POST, kind=kind)
    if not form.is_valid():
        return form
    try:
        preparation.update_item(assignment.pk, kind, by=request.user, **form.changes())
    except MissionError as refused:
        form.add_error(None, refused.message)
        return form
    messages.success(request, _("%(item)s: saved.") % {"item": LogisticsItemKind(kind).label})
    return None


def _checklist_page(request, assignment, *, template: str, url: str, context: dict):
    editable = preparation.is_open(assignment.position.mission)
    bound = None
    if request.method == "POST":
        if not editable:
            messages.error(
                request, _("The mission is cancelled or closed: its checklists no longer change.")
            )
            return redirect(url)
        bound = _post_item(request, assignment)
        if bound is None:
            kind = request.POST.get("item", "")
            return redirect(f"{url}#item-{kind}" if kind in LogisticsItemKind.values else url)
    items = _checklist(assignment, bound=bound, editable=editable)
    context |= {
        "assignment": assignment,
        "mission": assignment.position.mission,
        "checklist": items,
        "settled": preparation.settled(row["item"] for row in items),
        "editable": editable,
        "action": url,
    }
    return render(request, template, context)


@secretariat_required
def checklist(request, pk):
    assignment = get_object_or_404(_seats(), pk=pk)
    url = reverse("missions:checklist", args=[pk])
    return _checklist_page(
        request, assignment, template="missions/preparation/checklist.html", url=url, context={}
    )


@expert_required
def my_mission(request, reference, *, expert):
    """One of the expert's missions: its facts, its documents and their checklist. Only a seat
    holder reaches it; an invitation still to answer is on "My missions"."""
    assignment = (
        _seats()
        .filter(expert=expert, position__mission__reference=reference)
        .exclude(position__mission__state=MissionState.CANCELLED)
        .order_by("pk")
        .first()
    )
    if assignment is None:
        raise Http404
    mission = assignment.position.mission
    context = {
        "documents": list(mission.documents.order_by("kind", "title", "pk")),
        "attached": list(preparation.attached_materials(mission)),
        "languages": list(mission.working_languages.all()),
    }
    url = reverse("missions:my_mission", args=[reference])
    return _checklist_page(
        request, assignment, template="missions/preparation/mine.html", url=url, context=context
    )


def _documents_url(reference: str) -> str:
    return reverse("missions:detail", args=[reference]) + "#documents"


@require_POST
@secretariat_required
def add_document(request, reference):
    mission = get_object_or_404(Mission, reference=reference)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form[name].label}: {error}")
        return redirect(_documents_url(reference))
    try:
        preparation.add_document(mission.pk, by=request.user, **form.cleaned_data)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Document added: the mission's experts can open it."))
    return redirect(_documents_url(reference))


@require_POST
@secretariat_required
def remove_document(request, reference, pk):
    document = get_object_or_404(MissionDocument, pk=pk, mission__reference=reference)
    try:
        preparation.remove_document(document.pk, by=request.user)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Document removed."))
    return redirect(_documents_url(reference))


def _check_seated(user, mission_pk: int) -> None:
    """The Secretariat, or an expert holding a seat on the mission (not cancelled); anybody
    else (an invitee who has not accepted, a declined one, a stranger): 404."""
    if is_secretariat(user):
        return
    seated = Assignment.objects.filter(
        position__mission_id=mission_pk, expert__user=user, state__in=SEAT_HOLDING_STATES
    ).exclude(position__mission__state=MissionState.CANCELLED)
    if not seated.exists():
        raise Http404


@login_required
def document_file(request, reference, pk):
    """A document of the mission, for the Secretariat and the experts holding a seat on it."""
    document = get_object_or_404(MissionDocument, pk=pk, mission__reference=reference)
    _check_seated(request.user, document.mission_id)
    response = private_file_response(document.file, filename=document.download_name)
    response["Content-Type"] = document.content_type
    return response


def _materials_url(reference: str) -> str:
    return reverse("missions:detail", args=[reference]) + "#library-materials"


@require_POST
@secretariat_required
def attach_material(request, reference):
    mission = get_object_or_404(Mission, reference=reference)
    form = AttachMaterialForm(request.POST, mission=mission)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form[name].label}: {error}")
        return redirect(_materials_url(reference))
    try:
        preparation.attach_material(mission.pk, form.cleaned_data["material"], by=request.user)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Material attached: the mission's experts can open it."))
    return redirect(_materials_url(reference))


@require_POST
@secretariat_required
def detach_material(request, reference, material_pk):
    mission = get_object_or_404(Mission, reference=reference)
    try:
        preparation.detach_material(mission.pk, material_pk, by=request.user)
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Material detached from the mission."))
    return redirect(_materials_url(reference))


@login_required
def material_file(request, reference, material_pk):
    """The published version of a library material attached to the mission, for the
    Secretariat and the mission's seated experts, whatever areas they hold (the attachment is
    what lets them see it). A material no longer published (withdrawn): 404 for everybody."""
    link = get_object_or_404(
        MissionMaterial.objects.select_related("material__published_version"),
        mission__reference=reference,
        material_id=material_pk,
        material__state=MaterialState.PUBLISHED,
    )
    _check_seated(request.user, link.mission_id)
    version = link.material.published_version
    if version is None:
        raise Http404
    response = private_file_response(version.file, filename=version.download_name)
    response["Content-Type"] = version.content_type
    return response
