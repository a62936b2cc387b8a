"""The numbers and phrases the demo's accreditation histories are drawn from."""

from datetime import date

from experts.enums import (
    AccreditationState,
)

S = AccreditationState
BATCH_SIZE = 2000
PORTAL_LAUNCH = date(2022, 9, 1)
# One portal workshop of each kind per this many experts (at least one each for a pool of 300).
EXPERTS_PER_WORKSHOP = 60
EXPERTS_PER_REFRESHER = 150
EXPERTS_PER_UPCOMING = 1000
ACCREDITATION_WORKSHOP_SIZE = (8, 20)
REFRESHER_SIZE = (20, 40)
POOL_REQUESTS = 10  # pending requests, each with a small PDF in private storage

SHARE_WITHOUT = 0.4
PER_EXPERT = {1: 55, 2: 32, 3: 13}
# The profile an accreditation in an area is for; any other area takes TECHNICAL.
AREA_PROFILES = {
    "diagnostics-pmm": {"DF": 70, "CMA": 15, "TOA": 10, "ET": 5},
    "modernization-strategic-planning": {"CMA": 70, "DF": 15, "TOA": 10, "ET": 5},
    "trade-facilitation-agreement": {"MPA": 65, "TOA": 15, "ET": 10, "CMA": 10},
    "leadership-management": {"LMD": 75, "ET": 20, "CMA": 5},
    "gender-diversity": {"REC": 60, "ET": 25, "TOA": 15},
    "human-resource-management": {"TOA": 40, "ET": 30, "LMD": 20, "REC": 10},
    "integrity": {"TOA": 45, "ET": 40, "REC": 15},
}
TECHNICAL = {"TOA": 54, "ET": 44, "REC": 2}
# Accreditation is a Capacity Building programme: its flagship areas are accredited more often.
AREA_BOOST = {
    "diagnostics-pmm": 4,
    "modernization-strategic-planning": 4,
    "trade-facilitation-agreement": 4,
    "leadership-management": 3,
}
EXTERNAL_SHARE = 0.3  # of a retired or former officer's accreditations, as an External Expert
RECOGNITION_PROFILES = {"REC", "EXT"}  # recognized by another route than the workshop
WORKSHOP_ROUTE = {
    S.ACCREDITED: 48,
    S.PRE_ACCREDITED: 21,
    S.RECOGNIZED: 2,
    S.NOMINATED: 4,
    S.SHORTLISTED: 2,
    S.NOT_RETAINED: 4,
    S.SUSPENDED: 2,
    S.LAPSED: 6,
    S.WITHDRAWN: 4,
    S.RETIRED: 4,
}
RECOGNITION_ROUTE = {S.RECOGNIZED: 75, S.LAPSED: 10, S.SUSPENDED: 3, S.WITHDRAWN: 5, S.RETIRED: 7}
EXPIRING_SOON = 0.15  # of holding accreditations, valid for 90 days or less
RETIRING = 0.35  # of a retired or former officer's accreditations, retired too

PLACES = [
    "Brussels", "Nairobi", "Abidjan", "Bangkok", "Dubai", "Baku", "Panama City", "Johannesburg",
    "Dakar", "Kuala Lumpur", "Casablanca", "Tokyo", "Seoul", "Shanghai", "Buenos Aires", "Vienna",
]  # fmt: skip
FUNDING = [
    "CCF Japan", "CCF Korea", "CCF China", "CCF Germany", "UK HMRC", "Sweden (Sida)",
    "Norway (Norad)", "Switzerland (SECO)", "Finland", "European Union", "JICA",
]  # fmt: skip
NOMINATED = [
    "Nominated by the Customs administration of {country} for the {profile} accreditation cycle.",
    "Nominated by the Customs administration of {country}; CV and motivation letter received.",
    "Nominated by the Customs administration of {country} after the regional call for experts.",
]
SHORTLISTED = [
    "Shortlisted for the accreditation workshop in {place} ({month}).",
    "CV screening passed; shortlisted for the workshop in {place} ({month}).",
]
NOT_SHORTLISTED = [
    "Not shortlisted: not enough practical experience in the area yet; welcome to reapply.",
    "Not shortlisted this cycle: the places for the region were filled.",
    "Not shortlisted: the profile does not yet match the workshop's requirements.",
]
PASSED = [
    "Clear, well-structured presentations and a convincing role play.",
    "Strong case-study work; facilitated the practical session with confidence.",
    "Good command of the WCO instruments; engaged the group well.",
    "Passed every assessed session; very good delivery of the training module.",
    "Sound technical knowledge and good group facilitation.",
]
FAILED = [
    "The delivered session lacked structure; encouraged to reapply after more practice.",
    "Technical knowledge is sound, but the role plays did not reach the standard yet.",
    "Missed two assessed sessions and could not be assessed fully.",
    "Needs more experience of the WCO instruments before a new attempt.",
]
EVALUATED = [
    "Co-delivered the mission to a high standard; ready to lead one.",
    "Led two sessions of the diagnostic well; sound advice to the beneficiary.",
    "Very good rapport with the beneficiary administration; accurate technical advice.",
    "Delivered the training modules confidently; very positive participant feedback.",
]
NOT_YET = [
    "Good technical input, but the mission report was late and incomplete; a second field "
    "evaluation is recommended.",
    "Needs more practice leading sessions alone; a second field evaluation is recommended.",
]
RECOGNIZED = [
    "Recognized on the strength of a long practical record in {area}.",
    "Recognized after review of the expert's training and publications in {area}.",
    "Recognized: expertise in {area} confirmed by the Secretariat's review.",
]
SUSPENDED = [
    "Suspended at the request of the home administration during a long secondment.",
    "Suspended pending the outcome of an internal inquiry in the home administration.",
    "Suspended after two confirmed missions were cancelled without notice; to be reviewed.",
]
REINSTATED = [
    "Back from secondment; the home administration confirmed the expert's availability.",
    "The inquiry closed with no finding; reinstated.",
]
WITHDRAWN_EARLY = [
    "Nomination withdrawn by the home administration.",
    "The candidate could not attend the workshop and withdrew.",
]
WITHDRAWN = [
    "Withdrawn at the expert's request.",
    "Withdrawn: the expert left the Customs administration.",
    "Withdrawn after repeated unavailability for missions.",
]
RETIRED = [
    "Retired from the Customs administration.",
    "The expert retired; thanked for years of service to the programme.",
]
RENEWED = [
    "Renewed on request: recent delivery of training in the area documented.",
    "Renewed after the expert co-facilitated a regional workshop and asked for renewal.",
]
INTERNAL = [
    "Checked with the focal point.",
    "See the focal point's email in the programme file.",
    "Discussed at the programme team meeting.",
]


def shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
