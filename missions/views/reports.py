"""After the mission: the lead expert submits the report from "My missions"; the officer
downloads it, accepts it or sends it back, and evaluates each expert."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ace_portal.accounts.roles import is_secretariat
from ace_portal.files import private_file_response
from experts.permissions import expert_required, secretariat_required
from experts.services.uploads import safe_original_name
from missions.enums import AssignmentState, PositionRole
from missions.forms.reports import DecideReportForm, EvaluationForm, ReportForm
from missions.models import Assignment, Mission, MissionReport
from missions.services import evaluations, reports
from missions.services.errors import MissionError


@require_POST
@expert_required
def submit(request, reference, *, expert):
    mission = get_object_or_404(Mission, reference=reference)
    lead = reports.lead_of(mission)
    if lead is None or lead.expert_id != expert.pk:
        raise Http404  # a stranger to the mission, or not its lead
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, error)
        return redirect("missions:mine")
    upload = form.cleaned_data["file"]
    try:
        reports.submit(
            mission.pk,
            expert=expert,
            file=upload,
            original_name=safe_original_name(upload, "report.pdf"),
        )
    except MissionError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Thank you: your report was sent to the Secretariat."))
    return redirect("missions:mine")


@login_required
def report_file(request, reference):
    """The report, for the Secretariat and the mission's lead expert; anybody else: 404."""
    report = get_object_or_404(
        MissionReport.objects.select_related("mission"), mission__reference=reference
    )
    if not is_secretariat(request.user):
        lead = reports.lead_of(report.mission)
        if lead is None or lead.expert.user_id != request.user.pk:
            raise Http404
    return private_file_response(report.file, filename=f"report-{reference}-v{report.version}.pdf")


@require_POST
@secretariat_required
def decide(request, reference):
    mission = get_object_or_404(Mission, reference=reference)
    form = DecideReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether you accept the report or send it back."))
        return redirect("missions:detail", reference=reference)
    try:
        if form.cleaned_data["decision"] == DecideReportForm.ACCEPT:
            reports.accept(mission.pk, by=request.user, comments=form.cleaned_data["comments"])
            messages.success(request, _("Report accepted: the mission is reported."))
        else:
            reports.send_back(mission.pk, by=request.user, comments=form.cleaned_data["comments"])
            messages.success(request, _("Report sent back to the lead expert."))
    except MissionError as refused:
        messages.error(request, refused.message)
    return redirect("missions:detail", reference=reference)


@secretariat_required
def evaluate(request, pk):
    assignment = get_object_or_404(
        Assignment.objects.select_related("expert", "position__mission"),
        pk=pk,
        state=AssignmentState.CONFIRMED,
    )
    mission = assignment.position.mission
    field_evaluation = assignment.position.role == PositionRole.FIELD_EVALUATION
    form = EvaluationForm(request.POST or None, field_evaluation=field_evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            evaluations.evaluate(
                assignment.pk,
                by=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                internal_note=form.cleaned_data["internal_note"],
                passed=form.cleaned_data.get("passed"),
            )
        except MissionError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("Evaluation recorded."))
            return redirect("missions:detail", reference=mission.reference)
    context = {"assignment": assignment, "mission": mission, "form": form}
    return render(request, "missions/reports/evaluate.html", context)
