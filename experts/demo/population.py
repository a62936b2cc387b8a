"""What the demo pool is made of: names by culture, languages by country and region, levels,
areas by profile, ranks, degrees and institutions. Every name is fictitious."""

import json
from pathlib import Path

from experts.enums import Proficiency


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


# culture: (female given names, male given names, family names), kept in a data file so that
# this module stays code. "Ivanov/Ivanova" gives the male and female forms of a family name.
NAME_CULTURES = {
    culture: (names["female"], names["male"], names["family"])
    for culture, names in json.loads(
        (Path(__file__).parent / "names.json").read_text(encoding="utf-8")
    ).items()
}

# Where nothing below says otherwise, a region's people draw names from its default culture.
REGION_CULTURE = {
    "AMS": "hispanic",
    "EUR": "danubian_balkan",
    "AP": "southeast_asian",
    "MENA": "arabic",
    "ESA": "east_african",
    "WCA": "west_african",
}
COUNTRY_CULTURE = {
    code: culture
    for culture, codes in {
        "lusophone": "BR PT AO MZ CV GW ST",
        "anglo": "US CA JM BS BB TT GY BZ AG LC VC BM GB IE AU NZ",
        "french": "HT FR BE LU CH AD",
        "germanic": "CW SR DE AT NL DK SE NO FI IS",
        "hispanic": "ES",
        "italian_maltese": "IT MT",
        "greek": "GR CY",
        "danubian_balkan": "RO MD HU AL XK",
        "slavic_baltic": "RU BY UA PL CZ SK BG RS HR SI BA ME MK LT LV EE",
        "central_asian": "KZ KG TJ TM UZ AZ AM GE MN",
        "turkish_persian": "TR IR AF",
        "hebrew": "IL",
        "southern_african": "ZA BW LS SZ NA ZW ZM MW",
        "south_asian": "IN PK BD LK NP BT MV",
        "chinese": "CN HK MO",
        "japanese": "JP",
        "korean": "KR",
        "pacific": "FJ PG WS TO VU SB PW",
    }.items()
    for code in codes.split()
}
EU_STATES = _names(
    "AT, BE, BG, HR, CY, CZ, DK, EE, FI, FR, DE, GR, HU, IE, IT, LV, LT, LU, MT, NL, PL, PT, RO, "
    "SK, SI, ES, SE"
)

# A person's first language by home administration; the region's default otherwise.
# fmt: off
COUNTRY_LANGUAGE = {
    code: language
    for language, codes in {
        "es": "AR BO CL CO CR CU DO EC SV GT HN MX NI PA PY PE UY VE ES",
        "pt": "BR PT AO MZ CV GW ST TL",
        "fr": "FR BE LU CH HT BJ BF CM CF TD CG CI CD GA GN ML NE SN TG MG KM DJ BI SC MU",
        "ar": "DZ BH EG IQ JO KW LB LY MA OM PS QA SA SD SY TN AE YE MR",
        "ru": "RU BY KZ KG TJ UZ TM",
        "en": "GB IE US CA AU NZ JM BS BB TT GY BZ AG LC VC BM NG GH GM LR SL ZM NA UG SS PG SB",
        "uk": "UA", "pl": "PL", "cs": "CZ", "sk": "SK", "bg": "BG", "sr": "RS ME BA",
        "hr": "HR", "sl": "SI", "mk": "MK", "lt": "LT", "lv": "LV", "et": "EE", "ro": "RO MD",
        "hu": "HU", "sq": "AL XK", "el": "GR CY", "mt": "MT", "it": "IT", "de": "DE AT",
        "nl": "NL CW SR", "da": "DK", "sv": "SE", "no": "NO", "fi": "FI", "is": "IS",
        "tr": "TR", "az": "AZ", "hy": "AM", "ka": "GE", "he": "IL", "sw": "KE TZ", "am": "ET",
        "ti": "ER", "so": "SO", "rw": "RW", "zu": "ZA", "tn": "BW", "st": "LS", "ss": "SZ",
        "sn": "ZW", "ny": "MW", "zh": "CN HK MO", "ja": "JP", "ko": "KR", "hi": "IN",
        "ur": "PK", "bn": "BD", "si": "LK", "ne": "NP", "dz": "BT", "dv": "MV", "fa": "IR AF",
        "mn": "MN", "th": "TH", "vi": "VN", "id": "ID", "ms": "MY BN SG", "tl": "PH",
        "km": "KH", "lo": "LA", "my": "MM", "fj": "FJ", "sm": "WS", "to": "TO", "bi": "VU",
    }.items()
    for code in codes.split()
}
# fmt: on
REGION_LANGUAGE = {"AMS": "es", "EUR": "en", "AP": "en", "MENA": "ar", "ESA": "en", "WCA": "fr"}
# Further languages, weighted towards those WCO workshops run in.
EXTRA_LANGUAGES = {"en": 40, "fr": 24, "es": 9, "ar": 5, "ru": 4, "pt": 4, "de": 2, "zh": 1}
# ... and towards those spoken around the expert's region.
REGION_LANGUAGE_BOOST = {
    "AMS": {"es": 3, "pt": 2},
    "EUR": {"ru": 3, "de": 3, "es": 1.5},
    "AP": {"zh": 4, "ru": 2},
    "MENA": {"ar": 3, "fr": 1.5},
    "ESA": {"fr": 1.3, "pt": 2, "ar": 2},
    "WCA": {"en": 1.3, "pt": 2, "ar": 2},
}
LEVEL_WEIGHTS = {
    Proficiency.A2: 5,
    Proficiency.B1: 17,
    Proficiency.B2: 30,
    Proficiency.C1: 32,
    Proficiency.C2: 16,
}

# area code: (the unit such a specialist works in, what they did in it)
AREA_PROFILES = {
    "diagnostics-pmm": ("Performance Management Unit", "organizational diagnostics and PMM"),
    "modernization-strategic-planning": ("Strategic Planning Directorate", "the reform plan"),
    "trade-facilitation-agreement": ("Trade Facilitation Unit", "TFA implementation"),
    "leadership-management": ("Customs Training Academy", "management development courses"),
    "integrity": ("Internal Affairs and Integrity Unit", "the integrity action plan"),
    "gender-diversity": ("Human Resources Directorate", "the gender equality policy"),
    "human-resource-management": ("Human Resources Directorate", "competency-based HR"),
    "aeo-safe": ("AEO Programme Office", "AEO validation and mutual recognition"),
    "post-clearance-audit": ("Post-Clearance Audit Division", "audit planning and field audits"),
    "time-release-study": ("Trade Facilitation Unit", "the national Time Release Study"),
    "single-window-data-model": ("Single Window Project Office", "Single Window data mapping"),
    "e-commerce": ("E-Commerce and Postal Clearance Unit", "low-value consignment processing"),
    "free-zones": ("Special Procedures Section", "free zone supervision"),
    "transit": ("Transit and Border Operations Division", "regional transit guarantees"),
    "risk-management": ("Risk Management Unit", "risk profiling and targeting"),
    "revised-kyoto-convention": ("Customs Procedures Division", "RKC gap analysis"),
    "coordinated-border-management": ("Border Management Directorate", "one-stop border posts"),
    "passenger-controls": ("Passenger Processing Division", "API/PNR passenger targeting"),
    "strategic-trade-control": ("Strategic Trade Control Unit", "dual-use goods controls"),
    "ipr-health-safety": ("Intellectual Property Rights Unit", "border measures against fakes"),
    "drugs-enforcement": ("Enforcement and Investigations Directorate", "drug interdiction"),
    "environment-cites": ("Environmental Crime Unit", "CITES enforcement"),
    "cultural-heritage": ("Cultural Property Protection Unit", "trafficking of cultural goods"),
    "hs-classification": ("Tariff and Classification Section", "advance tariff rulings"),
    "customs-valuation": ("Valuation Division", "valuation control and databases"),
    "rules-of-origin": ("Origin Unit", "origin verification and rulings"),
    "revenue-package": ("Revenue Management Directorate", "revenue collection analysis"),
    "customs-laboratories": ("Customs Laboratory", "laboratory analysis for classification"),
}
# The busiest technical areas, and the flagship areas of the accreditation programme.
POPULAR_AREAS = {
    "risk-management": 4,
    "aeo-safe": 3,
    "post-clearance-audit": 3,
    "diagnostics-pmm": 2,
    "modernization-strategic-planning": 2,
    "trade-facilitation-agreement": 2,
    "leadership-management": 2,
}
RANKS = [
    "Head of {unit}",
    "Deputy Head of {unit}",
    "Senior Customs Officer, {unit}",
    "Chief Inspector, {unit}",
    "Principal Officer, {unit}",
    "Team Leader, {unit}",
]
EARLY_RANKS = ["Customs Officer", "Customs Inspector", "Assistant Inspector", "Examining Officer"]
VERBS = ["Led", "Coordinated", "Managed", "Contributed to", "Designed and delivered training on"]
EXTRAS = [
    "trained {n} officers",
    "advised senior management",
    "drafted the internal guidelines",
    "worked with donor-funded projects",
    "took part in {k} regional workshops",
]
ACHIEVEMENTS = [
    "Has contributed to WCO regional workshops and national training programmes.",
    "Regularly facilitates training for frontline officers and managers.",
    "Took part in the design of the national Customs reform strategy.",
    "Has co-facilitated diagnostic and advisory missions in the region.",
    "Is a certified trainer of the national Customs training academy.",
    "Has represented the administration in WCO committee meetings.",
    "Mentors junior officers and enjoys building teams across agencies.",
]
DEGREES = [
    ("Master of Laws (LL.M.)", "International trade law"),
    ("Master of Business Administration", ""),
    ("Bachelor of Economics", "Economics"),
    ("Master in Customs Administration", "Customs and excise"),
    ("Bachelor of Laws (LL.B.)", "Law"),
    ("Master of Public Administration", "Public management"),
    ("Diploma in Customs Law", "Customs law"),
    ("Bachelor of Science", "Chemistry"),
    ("Master of Science", "Supply chain management"),
    ("Master in Finance", "Public finance"),
    ("Bachelor of Commerce", "Accounting"),
    ("Postgraduate Certificate", "Strategic leadership"),
]
INSTITUTIONS = [
    "National University of {country}",
    "{country} Institute of Public Administration",
    "National School of Customs, {country}",
    "{country} School of Economics",
]
ABSENCE_REASONS = ["Annual leave", "National duties", "Training course", "Family commitments", ""]
