from experts.models.accreditation import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    Workshop,
    WorkshopParticipant,
)
from experts.models.directory import SavedSearch
from experts.models.exports import ExpertExport
from experts.models.imports import ExpertImport, ExpertImportRow
from experts.models.merge import ExpertMerge
from experts.models.profile import (
    Education,
    Expert,
    ExpertDocument,
    Expertise,
    ExpertLanguage,
    UnavailablePeriod,
    WorkExperience,
)
from experts.models.reference import (
    Language,
    MemberAdministration,
    ProfileType,
    Region,
    ThematicArea,
)

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
