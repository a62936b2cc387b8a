from .accreditation import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    Workshop,
    WorkshopParticipant,
)
from .directory import SavedSearch
from .exports import ExpertExport
from .imports import ExpertImport, ExpertImportRow
from .merge import ExpertMerge
from .profile import (
    Education,
    Expert,
    ExpertDocument,
    Expertise,
    ExpertLanguage,
    UnavailablePeriod,
    WorkExperience,
)
from .reference import Language, MemberAdministration, ProfileType, Region, ThematicArea

__all__ = [
    "Accreditation",
    "AccreditationEvent",
    "AccreditationRequest",
    "Workshop",
    "WorkshopParticipant",
    "Education",
    "Expert",
    "ExpertDocument",
    "ExpertExport",
    "ExpertImport",
    "ExpertImportRow",
    "ExpertLanguage",
    "ExpertMerge",
    "Expertise",
    "Language",
    "MemberAdministration",
    "ProfileType",
    "SavedSearch",
    "Region",
    "ThematicArea",
    "UnavailablePeriod",
    "WorkExperience",
]
