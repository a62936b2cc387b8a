"""States and kinds of working groups and the materials library."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GroupState(models.TextChoices):
    OPEN = "open", pgettext_lazy("working group", "Open")
    CLOSED = "closed", pgettext_lazy("working group", "Closed")


class MembershipBasis(models.TextChoices):
    # Holds an accreditation or recognition in the group's area.
    ACCREDITED = "accredited", _("Accredited in the area")
    # Added by the Secretariat without one (a resource person, a newly trained officer).
    INVITED = "invited", _("Invited by the Secretariat")


class DeliverableState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("deliverable", "Planned")
    DRAFTING = "drafting", pgettext_lazy("deliverable", "Drafting")
    IN_REVIEW = "in_review", pgettext_lazy("deliverable", "In review")
    DONE = "done", pgettext_lazy("deliverable", "Done")


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
    DRAFT = "draft", pgettext_lazy("material", "Draft")
    # Its published version is seen by every expert holding an accreditation in the area.
    PUBLISHED = "published", pgettext_lazy("material", "Published")
    # Taken out of use, with a reason: only the group and the Secretariat see it.
    WITHDRAWN = "withdrawn", pgettext_lazy("material", "Withdrawn")


class VersionReview(models.TextChoices):
    IN_REVIEW = "in_review", pgettext_lazy("material version", "In review")
    RETURNED = "returned", pgettext_lazy("material version", "Returned with comments")
    APPROVED = "approved", pgettext_lazy("material version", "Approved")
    # A newer version was uploaded before this one was reviewed.
    SUPERSEDED = "superseded", pgettext_lazy("material version", "Replaced before review")


class TextExtraction(models.TextChoices):
    PENDING = "pending", pgettext_lazy("text extraction", "Waiting")
    DONE = "done", pgettext_lazy("text extraction", "Done")
    # Unreadable (an image, a scanned PDF, a damaged file): found by its title and description.
    FAILED = "failed", pgettext_lazy("text extraction", "No text found")


# A version in one of these states is the one the group is working on, not yet decided.
OPEN_REVIEWS = [VersionReview.IN_REVIEW]
