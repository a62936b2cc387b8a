"""The notification kinds of the missions app (registered at start-up by MissionsConfig.ready)."""

from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import Kind, register

INVITATION = "missions.invitation"
INVITATION_WITHDRAWN = "missions.invitation_withdrawn"
STAFFING_UPDATE = "missions.staffing_update"

register(
    # An invitation has a deadline: it is always emailed at once.
    Kind(
        INVITATION,
        _("An invitation to a mission, and its reminder"),
        template="mission-invitation",
        essential=True,
        secret_context=("answer_url",),
    ),
    Kind(
        INVITATION_WITHDRAWN,
        _("An invitation withdrawn because the position was filled"),
        template="mission-invitation-withdrawn",
    ),
    Kind(
        STAFFING_UPDATE,
        _("Answers to the invitations of my missions (Secretariat)"),
        template="mission-staffing-update",
    ),
)
