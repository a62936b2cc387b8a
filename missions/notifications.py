"""The notification kinds of the missions app (registered at start-up by MissionsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import ADMINISTRATIONS, EXPERTS, SECRETARIAT, Kind, register

INVITATION = "missions.invitation"
INVITATION_WITHDRAWN = "missions.invitation_withdrawn"
STAFFING_UPDATE = "missions.staffing_update"
RELEASE_REQUEST = "missions.release_request"
ASSIGNMENT_DECIDED = "missions.assignment_decided"
MISSION_CANCELLED = "missions.mission_cancelled"
REPORT = "missions.report"
REPORT_SUBMITTED = "missions.report_submitted"

register(
    # An invitation has a deadline: it is always emailed at once.
    Kind(
        INVITATION,
        _("An invitation to a mission, and its reminder"),
        template="mission-invitation",
        essential=True,
        secret_context=("answer_url",),
        audience=EXPERTS,
    ),
    Kind(
        INVITATION_WITHDRAWN,
        _("An invitation withdrawn because the position was filled"),
        template="mission-invitation-withdrawn",
        audience=EXPERTS,
    ),
    Kind(
        STAFFING_UPDATE,
        _("Answers to the invitations of my missions (Secretariat)"),
        template="mission-staffing-update",
        audience=SECRETARIAT,
    ),
    # To a Member administration's release contacts (addresses without an account).
    Kind(
        RELEASE_REQUEST,
        _("A request to release an officer for a mission (to the administration)"),
        template="mission-release-request",
        essential=True,
        in_app=False,
        secret_context=("release_url",),
        audience=ADMINISTRATIONS,
    ),
    # The expert learns they are confirmed, or that their administration did not release them.
    Kind(
        ASSIGNMENT_DECIDED,
        _("My administration's answer on my release for a mission"),
        template="mission-assignment-decided",
        essential=True,
        audience=EXPERTS,
    ),
    Kind(
        MISSION_CANCELLED,
        _("A mission I was to take part in is cancelled"),
        template="mission-cancelled",
        essential=True,
        audience=EXPERTS,
    ),
    # To the lead expert: the report is due soon or overdue, accepted or sent back.
    Kind(
        REPORT,
        _("My mission reports: due dates and the officer's answers"),
        template="mission-report",
        audience=EXPERTS,
    ),
    Kind(
        REPORT_SUBMITTED,
        _("Mission reports submitted for my missions (Secretariat)"),
        template="mission-report-submitted",
        audience=SECRETARIAT,
    ),
)
