"""States and kinds of the missions app: importable anywhere without cycles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MissionType(models.TextChoices):
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    SCOPING = "scoping", _("Scoping / forward planning (Mercator)")
    STRATEGIC_PLANNING = "strategic_planning", _("Strategic planning")
    EXPERT_ADVISORY = "expert_advisory", _("Expert advisory")
    NATIONAL_WORKSHOP = "national_workshop", _("National workshop")
    REGIONAL_WORKSHOP = "regional_workshop", _("Regional or sub-regional workshop")
    ACCREDITATION_WORKSHOP = "accreditation_workshop", _("Accreditation workshop")
    REFRESHER_WORKSHOP = "refresher_workshop", _("Refresher workshop")
    TRAIN_THE_TRAINER = "train_the_trainer", _("Train-the-trainer")
    FIELD_EVALUATION = "field_evaluation", _("Field evaluation")
    EVALUATION = "evaluation", _("Evaluation / monitoring")


class Delivery(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual")
    HYBRID = "hybrid", _("Hybrid")


class RequestState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class MissionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PLANNED = "planned", _("Planned")
    STAFFING = "staffing", _("Staffing")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    DELIVERED = "delivered", _("Delivered")
    REPORTED = "reported", _("Reported")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


# A mission can be cancelled until it has been delivered; after that it is reported and closed.
CANCELLABLE_STATES = (
    MissionState.DRAFT,
    MissionState.PLANNED,
    MissionState.STAFFING,
    MissionState.CONFIRMED,
    MissionState.IN_PROGRESS,
)
# Positions are set while the mission is being prepared and staffed.
POSITION_STATES = (MissionState.DRAFT, MissionState.PLANNED, MissionState.STAFFING)


class PositionRole(models.TextChoices):
    LEAD = "lead", _("Lead expert")
    CO_FACILITATOR = "co_facilitator", _("Co-facilitator")
    FIELD_EVALUATION = "field_evaluation", _("Expert under field evaluation")
    RESOURCE_SPEAKER = "resource_speaker", _("Resource speaker")


class InvitationState(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AssignmentState(models.TextChoices):
    AWAITING_RELEASE = "awaiting_release", _("Waiting for the release")
    CONFIRMED = "confirmed", _("Confirmed")
    RELEASE_REFUSED = "release_refused", _("Release refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An expert holds a seat, or is about to, in these states: they count as "on the mission".
class ReleaseState(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the administration")
    RELEASED = "released", _("Released")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("No longer needed")


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for the officer")
    SENT_BACK = "sent_back", _("Sent back for changes")
    ACCEPTED = "accepted", _("Accepted")


class RecordedVia(models.TextChoices):
    LINK = "link", _("By the administration, through its link")
    OFFICER = "officer", _("By the officer, from a letter or a call")


SEAT_HOLDING_STATES = (AssignmentState.AWAITING_RELEASE, AssignmentState.CONFIRMED)


class LogisticsItemKind(models.TextChoices):
    """What has to be arranged before an expert travels, in the order the checklist shows."""

    TRAVEL_DATES = "travel_dates", _("Travel dates")
    TICKET = "ticket", _("Ticket")
    VISA = "visa", _("Visa")
    INSURANCE = "insurance", _("Insurance")
    ALLOWANCE = "allowance", _("Daily subsistence allowance")


class LogisticsState(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class DocumentKind(models.TextChoices):
    TERMS_OF_REFERENCE = "terms", _("Terms of reference")
    AGENDA = "agenda", _("Agenda")
    MATERIALS = "materials", _("Materials")
    OTHER = "other", _("Other")
