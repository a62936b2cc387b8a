"""The expert's "My missions": invitations to answer, upcoming and past missions, reports due,
and the evaluations of their work (without the Secretariat's internal notes)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from experts.permissions import expert_required
from missions.enums import SEAT_HOLDING_STATES, InvitationState, MissionState
from missions.forms.invitations import AnswerForm
from missions.forms.reports import ReportForm
from missions.models import Assignment, Invitation
from missions.services import calendars, invitations, reports
from missions.services.invitations import InvitationClosed

PAST = (MissionState.DELIVERED, MissionState.REPORTED, MissionState.CLOSED)


@expert_required
def my_missions(request, *, expert):
    related = ["position__mission", "position__profile_type", "position__area"]
    pending = (
        Invitation.objects.filter(expert=expert, state=InvitationState.PENDING)
        .exclude(position__mission__state=MissionState.CANCELLED)
        .select_related(*related)
        .order_by("deadline")
    )
    seats = (
        Assignment.objects.filter(expert=expert, state__in=SEAT_HOLDING_STATES)
        .exclude(position__mission__state=MissionState.CANCELLED)
        .select_related(*related, "position__mission__report", "evaluation")
        .order_by("position__mission__start_date")
    )
    past = [a for a in seats if a.position.mission.state in PAST][::-1]
    for assignment in past:
        assignment.report = getattr(assignment.position.mission, "report", None)
        assignment.report_due = reports.due_for(assignment, assignment.report)
    context = {
        "expert": expert,
        "pending": [(invitation, AnswerForm(prefix=str(invitation.pk))) for invitation in pending],
        "upcoming": [a for a in seats if a.position.mission.state not in PAST],
        "past": past,
        "reports_due": [a for a in past if a.report_due],
        "report_form": ReportForm(),
        "calendar_url": calendars.url_of(request.user),
    }
    return render(request, "missions/my_missions/list.html", context)


@require_POST
@expert_required
def answer(request, pk, *, expert):
    """The same answer as the signed link, from the portal; another expert's invitation: 404."""
    invitation = get_object_or_404(Invitation, pk=pk, expert=expert)
    form = AnswerForm(request.POST, prefix=str(invitation.pk))
    if not form.is_valid():
        messages.error(request, _("Choose whether you accept or decline the invitation."))
        return redirect("missions:mine")
    try:
        if form.cleaned_data["answer"] == AnswerForm.ACCEPT:
            invitations.accept(invitation.pk, by=request.user)
            messages.success(request, _("Thank you: you accepted this invitation."))
        else:
            invitations.decline(invitation.pk, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Your answer was recorded: you declined."))
    except InvitationClosed as refused:
        messages.error(request, refused.message)
    return redirect("missions:mine")
