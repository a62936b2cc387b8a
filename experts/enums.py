"""States and kinds of the experts app: importable anywhere without cycles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionCode(models.TextChoices):
    AMS = "AMS", _("Americas and Caribbean")
    EUR = "EUR", _("Europe")
    AP = "AP", _("Asia/Pacific")
    MENA = "MENA", _("North of Africa, Near and Middle East")
    ESA = "ESA", _("East and Southern Africa")
    WCA = "WCA", _("West and Central Africa")


class MemberKind(models.TextChoices):
    STATE = "state", _("State")
    TERRITORY = "territory", _("Customs territory")
    UNION = "union", _("Customs or economic union")


class Directorate(models.TextChoices):
    CAPACITY_BUILDING = "CB", _("Capacity Building")
    COMPLIANCE_FACILITATION = "CF", _("Compliance and Facilitation")
    TARIFF_TRADE = "TT", _("Tariff and Trade Affairs")


class Proficiency(models.IntegerChoices):
    """CEFR levels plus native; ordered so that "at or above B2" is ``level >= B2``."""

    A1 = 1, _("A1 - Beginner")
    A2 = 2, _("A2 - Elementary")
    B1 = 3, _("B1 - Intermediate")
    B2 = 4, _("B2 - Upper intermediate")
    C1 = 5, _("C1 - Advanced")
    C2 = 6, _("C2 - Proficient")
    NATIVE = 7, _("Native")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Another gender")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class EmploymentStatus(models.TextChoices):
    SERVING = "serving", _("Serving officer")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left Customs")


class MissionLength(models.TextChoices):
    ANY = "any", _("No preference")
    SHORT = "short", _("Up to one week")
    MEDIUM = "medium", _("One to two weeks")
    LONG = "long", _("Longer than two weeks")


class DocumentKind(models.TextChoices):
    CV = "cv", _("Curriculum vitae")
    SUPPORTING = "supporting", _("Supporting document")


class AccreditationState(models.TextChoices):
    NOMINATED = "nominated", _("Nominated")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    PRE_ACCREDITED = "pre_accredited", _("Pre-accredited")
    ACCREDITED = "accredited", _("Accredited")
    RECOGNIZED = "recognized", _("Recognized")
    NOT_RETAINED = "not_retained", _("Not retained")
    SUSPENDED = "suspended", _("Suspended")
    LAPSED = "lapsed", _("Lapsed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    RETIRED = "retired", _("Retired")


# An accreditation in one of these states counts: at most one per (expert, profile, area).
LIVE_STATES = [
    AccreditationState.NOMINATED,
    AccreditationState.SHORTLISTED,
    AccreditationState.PRE_ACCREDITED,
    AccreditationState.ACCREDITED,
    AccreditationState.RECOGNIZED,
    AccreditationState.SUSPENDED,
    AccreditationState.LAPSED,
]
# States whose holder may be deployed; they carry a validity date and can lapse.
HOLDING_STATES = [
    AccreditationState.PRE_ACCREDITED,
    AccreditationState.ACCREDITED,
    AccreditationState.RECOGNIZED,
]


class AccreditationPhase(models.TextChoices):
    PRE_SCREENING = "pre_screening", _("Pre-screening")
    WORKSHOP = "workshop", _("Accreditation workshop")
    FIELD_EVALUATION = "field_evaluation", _("Field evaluation")
    COMPLETE = "complete", _("Complete")


class WorkshopKind(models.TextChoices):
    ACCREDITATION = "accreditation", _("Accreditation workshop")
    REFRESHER = "refresher", _("Refresher workshop")


class WorkshopOutcome(models.TextChoices):
    PENDING = "pending", _("Not recorded yet")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Not retained")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class RequestKind(models.TextChoices):
    RENEWAL = "renewal", _("Renewal of an accreditation")
    RECOGNITION = "recognition", _("Recognition in a new area")
    CORRECTION = "correction", _("Correction of my record")


class RequestState(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    READY = "ready", _("Ready to confirm")
    INVALID = "invalid", _("File refused")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed, nothing written")
    CANCELLED = "cancelled", _("Cancelled")


class ImportRowAction(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("No change")
    DUPLICATE = "duplicate", _("Possible duplicate")
    REJECT = "reject", _("Rejected")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportState(models.TextChoices):
    PENDING = "pending", _("Waiting for the background worker")
    RUNNING = "running", _("Being written")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")
