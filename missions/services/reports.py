"""The mission report: the lead expert uploads it after the mission, by a due date (settings:
days after the end), with reminders before and after it; the officer accepts it, which moves
the mission to reported, or sends it back with comments for a new version."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ace_portal.notifications.services.outbox import notify
from missions.enums import AssignmentState, MissionState, PositionRole, ReportState
from missions.models import Assignment, Mission, MissionReport
from missions.notifications import REPORT, REPORT_SUBMITTED
from missions.services import missions, staffing
from missions.services.errors import MissionError

# A report is written once the mission has taken place, and until it is accepted.
OPEN_FOR_REPORT = (MissionState.DELIVERED,)


def due_date(mission: Mission):
    return mission.end_date + timedelta(days=settings.MISSION_REPORT_DUE_DAYS)


def due_for(assignment: Assignment, report: MissionReport | None):
    """The date this seat owes the mission's report by, or None: the confirmed lead of a
    delivered mission owes it until it is submitted (again, once sent back)."""
    mission = assignment.position.mission
    owes = (
        assignment.position.role == PositionRole.LEAD
        and assignment.state == AssignmentState.CONFIRMED
        and mission.state in OPEN_FOR_REPORT
        and (report is None or report.state == ReportState.SENT_BACK)
    )
    return due_date(mission) if owes else None


def lead_of(mission: Mission) -> Assignment | None:
    return (
        Assignment.objects.filter(
            position__mission=mission,
            position__role=PositionRole.LEAD,
            state=AssignmentState.CONFIRMED,
        )
        .select_related("expert__user", "position__mission")
        .order_by("pk")
        .first()
    )


def _tell_lead(mission: Mission, lead: Assignment, event: str, *, key: str, comments=""):
    user = lead.expert.user
    return notify(
        user,
        REPORT,
        context=staffing.mission_context(lead.position, user.preferred_language)
        | {
            "name": lead.expert.given_names,
            "event": event,
            "due": due_date(mission).isoformat(),
            "comments": comments,
        },
        dedupe_key=key,
    )


@transaction.atomic
def submit(mission_pk: int, *, expert, file, original_name: str) -> MissionReport:
    """The lead expert submits the report (a checked PDF), or a new version of one sent back.

    Side effects: the report row (created, or its file replaced and its version counted); the
    officer is told."""
    mission = Mission.objects.select_for_update().get(pk=mission_pk)
    if mission.state not in OPEN_FOR_REPORT:
        raise MissionError(
            _("A report is submitted once the mission is delivered, and until it is accepted.")
        )
    lead = lead_of(mission)
    if lead is None or lead.expert_id != expert.pk:
        raise MissionError(_("Only the lead expert of the mission submits its report."))
    report = MissionReport.objects.select_for_update().filter(mission=mission).first()
    if report is not None and report.state == ReportState.SUBMITTED:
        raise MissionError(_("The report is with the officer already: wait for their answer."))
    if report is None:
        report = MissionReport(mission=mission, submitted_by=expert.user, version=0)
    report.version += 1
    report.state = ReportState.SUBMITTED
    report.submitted_by, report.submitted_at = expert.user, timezone.now()
    report.original_name = original_name[:200]
    report.file.save("report.pdf", file, save=False)
    report.save()
    officer = mission.officer
    notify(
        officer,
        REPORT_SUBMITTED,
        context=staffing.mission_context(lead.position, officer.preferred_language)
        | {"expert": expert.full_name, "version": report.version},
        dedupe_key=f"missions.report:{mission.pk}:v{report.version}:submitted",
    )
    return report


def _lock_submitted(mission_pk: int) -> MissionReport:
    Mission.objects.select_for_update().filter(pk=mission_pk).first()
    report = MissionReport.objects.select_for_update().filter(mission_id=mission_pk).first()
    if report is None or report.state != ReportState.SUBMITTED:
        raise MissionError(_("There is no submitted report waiting for an answer."))
    return report


@transaction.atomic
def accept(mission_pk: int, *, by, comments: str = "") -> MissionReport:
    """The officer accepts the report: the mission moves to reported. Side effects: the
    report's state; the mission's transition and history; the lead is told."""
    report = _lock_submitted(mission_pk)
    report.state, report.comments = ReportState.ACCEPTED, (comments or "").strip()
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["state", "comments", "decided_by", "decided_at"])
    mission = missions.report(mission_pk, by=by, note=_("Report accepted."))
    lead = lead_of(mission)
    if lead is not None:
        key = f"missions.report:{mission.pk}:v{report.version}:accepted"
        _tell_lead(mission, lead, "accepted", key=key, comments=report.comments)
    return report


@transaction.atomic
def send_back(mission_pk: int, *, by, comments: str) -> MissionReport:
    """The officer sends the report back with comments; the lead submits a new version."""
    comments = (comments or "").strip()
    if not comments:
        raise MissionError(_("Say what the report needs."))
    report = _lock_submitted(mission_pk)
    report.state, report.comments = ReportState.SENT_BACK, comments
    report.decided_by, report.decided_at = by, timezone.now()
    report.save(update_fields=["state", "comments", "decided_by", "decided_at"])
    mission = Mission.objects.get(pk=mission_pk)
    lead = lead_of(mission)
    if lead is not None:
        key = f"missions.report:{mission.pk}:v{report.version}:sent_back"
        _tell_lead(mission, lead, "sent_back", key=key, comments=comments)
    return report


REMINDER_GRACE_DAYS = 2  # a reminder whose day passed while the task did not run still goes


def remind_due(*, today=None) -> int:
    """Remind the lead of each delivered mission whose report is neither accepted nor waiting,
    on the days MISSION_REPORT_REMINDER_DAYS before (positive) or after (negative) the due
    date: each reminder once (its dedupe key), and only near its day (a mission delivered long
    ago is not reminded of every point at once). Returns the reminders queued."""
    today = today or timezone.localdate()
    queued = 0
    delivered = Mission.objects.filter(state=MissionState.DELIVERED).exclude(
        report__state__in=[ReportState.SUBMITTED, ReportState.ACCEPTED]
    )
    for mission in delivered:
        due = due_date(mission)
        reached = [
            days
            for days in settings.MISSION_REPORT_REMINDER_DAYS
            if due - timedelta(days=days)
            <= today
            <= due - timedelta(days=days - REMINDER_GRACE_DAYS)
        ]
        lead = lead_of(mission) if reached else None
        if lead is None:
            continue
        days = min(reached)  # the latest point reached
        with transaction.atomic():
            event = "due_soon" if days > 0 else "overdue"
            key = f"missions.report:{mission.pk}:reminder:{days}"
            queued += _tell_lead(mission, lead, event, key=key) is not None
    return queued
