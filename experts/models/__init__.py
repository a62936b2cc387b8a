from .accreditation import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    Workshop,
    WorkshopParticipant,
)
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
    "ExpertLanguage",
    "Expertise",
    "Language",
    "MemberAdministration",
    "ProfileType",
    "Region",
    "ThematicArea",
    "UnavailablePeriod",
    "WorkExperience",
]
