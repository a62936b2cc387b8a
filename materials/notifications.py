"""The notification kinds of working groups and the library (registered by MaterialsConfig)."""

from django.utils.translation import gettext_lazy as _

from ace_portal.notifications.kinds import EXPERTS, SECRETARIAT, Kind, register

GROUP_MEMBERSHIP = "materials.group_membership"
DELIVERABLE_REMINDER = "materials.deliverable_reminder"
VERSION_IN_REVIEW = "materials.version_in_review"
VERSION_REVIEWED = "materials.version_reviewed"
PUBLISHED_IN_AREA = "materials.published_in_area"

register(
    Kind(
        GROUP_MEMBERSHIP,
        _("Working groups I am added to or removed from, or whose coordination I take on"),
        template="group-membership",
        audience=EXPERTS,
    ),
    # To the coordinator, before and after a deliverable's due date.
    Kind(
        DELIVERABLE_REMINDER,
        _("Reminders of my working group's deliverables (coordinators)"),
        template="deliverable-reminder",
        audience=EXPERTS,
    ),
    Kind(
        VERSION_IN_REVIEW,
        _("Materials sent for review by working groups (Secretariat)"),
        template="material-in-review",
        audience=SECRETARIAT,
    ),
    # To the uploader and the group: approved (published) or returned with comments.
    Kind(
        VERSION_REVIEWED,
        _("The Secretariat's review of my working group's materials"),
        template="material-reviewed",
        audience=EXPERTS,
    ),
    # Optional and fit for the digest: one line per material.
    Kind(
        PUBLISHED_IN_AREA,
        _("New materials published in my thematic areas"),
        template="material-published",
        audience=EXPERTS,
    ),
)
