"""States and kinds of working groups and the materials library."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GroupState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class MembershipBasis(models.TextChoices):
    # Holds an accreditation or recognition in the group's area.
    ACCREDITED = "accredited", _("Accredited in the area")
    # Added by the Secretariat without one (a resource person, a newly trained officer).
    INVITED = "invited", _("Invited by the Secretariat")


class DeliverableState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DRAFTING = "drafting", _("Drafting")
    IN_REVIEW = "in_review", _("In review")
    DONE = "done", _("Done")


class MaterialKind(models.TextChoices):
    HANDBOOK = "handbook", _("Handbook")
    PRESENTATION = "presentation", _("Presentation")
    CASE_STUDY = "case_study", _("Case study")
    EXERCISE = "exercise", _("Exercise")
    RISK_INDICATORS = "risk_indicators", _("Risk indicators")
    GUIDELINE = "guideline", _("Guideline")
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment tool")
    OTHER = "other", _("Other")


class MaterialState(models.TextChoices):
    # Never published yet: only its working group and the Secretariat see it.
    DRAFT = "draft", _("Draft")
    # Its published version is seen by every expert holding an accreditation in the area.
    PUBLISHED = "published", _("Published")
    # Taken out of use, with a reason: only the group and the Secretariat see it.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class VersionReview(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned with comments")
    APPROVED = "approved", _("Approved")
    # A newer version was uploaded before this one was reviewed.
    SUPERSEDED = "superseded", _("Replaced before review")


class TextExtraction(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DONE = "done", _("Done")
    # Unreadable (an image, a scanned PDF, a damaged file): found by its title and description.
    FAILED = "failed", _("No text found")


# A version in one of these states is the one the group is working on, not yet decided.
OPEN_REVIEWS = [VersionReview.IN_REVIEW]
