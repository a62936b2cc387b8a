"""A fictitious pool of experts for demos and benchmarks (used by ``manage.py seed_demo``).

Every value is drawn from one ``random.Random(seed)``, so a seed always gives the same people.
Histories (birth, education, careers) hang off the fixed ``REFERENCE_DATE``; only what must be
judged against today (passport validity, absences, profile confirmation) is placed relative to
the day of the run. Names are random combinations from per-culture lists: nobody is real.

Rows are written with ``bulk_create`` one batch at a time, so memory stays flat at any size.
Accreditations, their histories, workshops and requests come from ``demo_accreditation``.
"""

import json
import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import reset_queries, transaction
from django.utils import timezone
from django_countries import countries

from ace_portal.accounts.roles import Role
from experts.demo import accreditation as demo_accreditation
from experts.enums import EmploymentStatus, Gender, MissionLength, Proficiency
from experts.models import (
    Education,
    Expert,
    Expertise,
    ExpertLanguage,
    Language,
    MemberAdministration,
    ThematicArea,
    UnavailablePeriod,
    WorkExperience,
)
from experts.services import completeness, search

REFERENCE_DATE = date(2026, 1, 1)
POOL_EMAIL_DOMAIN = "customs.example"
BATCH_SIZE = 2000


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


@dataclass
class Draft:
    """One expert and their rows, before any primary key exists."""

    user: object
    expert: Expert
    rows: dict = field(default_factory=dict)  # related name -> unsaved rows


class _Rows:
    def __init__(self, rows):
        self._rows = rows

    def all(self):
        return self._rows


class _DraftProfile:
    """Answers what ``completeness.assess`` asks from rows not saved yet (one rule, one place)."""

    def __init__(self, expert, rows):
        self._expert = expert
        self._rows = rows

    def __getattr__(self, name):
        if name in self._rows:
            return _Rows(self._rows[name])
        return getattr(self._expert, name)


def draft_completeness(expert: Expert, rows: dict) -> int:
    profile = _DraftProfile(expert, {"documents": [], **rows})
    return completeness.percent(completeness.assess(profile))


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch if ch.isalnum() else "-" for ch in plain).strip("-")


def short_country(member) -> str:
    return member.name_en.split(",")[0]


class Reference:
    """The reference rows the generator draws from, loaded once in a stable order."""

    def __init__(self):
        self.members = list(
            MemberAdministration.objects.select_related("region").order_by("iso_code")
        )
        self.areas = list(ThematicArea.objects.filter(is_active=True).order_by("code"))
        self.languages = {language.code: language for language in Language.objects.all()}
        if not (self.members and self.areas and self.languages):
            raise LookupError("Reference data is missing: run `manage.py migrate` first.")
        self.area_weights = [POPULAR_AREAS.get(area.code, 1) for area in self.areas]
        self.expert_group = Group.objects.get(name=Role.EXPERT)


class PoolGenerator:
    def __init__(self, reference: Reference, *, seed: int, today: date):
        self.ref = reference
        self.rng = random.Random(seed)
        self.today = today
        self.now = timezone.now()
        self.member_order = reference.members[:]
        self.rng.shuffle(self.member_order)
        # Some administrations send many more experts than others.
        weights = [self.rng.choice([1, 1, 1, 2, 3, 5]) for _ in reference.members]
        self.member_cum_weights = list(accumulate(weights))
        self.cultures = sorted(NAME_CULTURES)
        self.extra_languages = {}
        for region, boost in REGION_LANGUAGE_BOOST.items():
            codes = [code for code in EXTRA_LANGUAGES if code in reference.languages]
            weights = [EXTRA_LANGUAGES[code] * boost.get(code, 1) for code in codes]
            self.extra_languages[region] = (codes, weights)

    def member(self, index):
        # The first pass covers every Member once, so even a small pool spans all of them.
        if index < len(self.member_order):
            return self.member_order[index]
        return self.rng.choices(self.ref.members, cum_weights=self.member_cum_weights)[0]

    def identity(self, member, country):
        rng = self.rng
        culture = COUNTRY_CULTURE.get(country, REGION_CULTURE[member.region.code])
        if rng.random() < 0.08:
            culture = rng.choice(self.cultures)
        female, male, families = NAME_CULTURES[culture]
        gender = rng.choices(
            [Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.UNDISCLOSED], [42, 54, 1, 3]
        )[0]
        is_female = gender == Gender.FEMALE or (gender != Gender.MALE and rng.random() < 0.5)
        given = rng.choice(female if is_female else male)
        family = rng.choice(families)
        if "/" in family:
            family = family.split("/")[1 if is_female else 0]
        return given, family, (gender if rng.random() < 0.94 else "")

    def draft(self, index: int) -> Draft:
        rng = self.rng
        member = self.member(index)
        country = self.country_of_origin(member)
        given, family, gender = self.identity(member, country)
        age = rng.randint(29, 64)
        years = max(1, min(age - 22 - rng.randint(0, 6), 40))
        status = rng.choices(list(EmploymentStatus), [86, 9, 5])[0]
        areas = self.pick_areas()
        unit, _ = AREA_PROFILES.get(areas[0].code, ("Customs Operations Division", ""))
        position = rng.choice(RANKS).format(unit=unit)
        languages = self.languages(member)
        created = datetime(2022, 9, 1, 9, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 1_700_000))
        expert = Expert(
            given_names=given,
            family_name=family,
            gender=gender,
            nationality=country if country in countries and rng.random() < 0.94 else "",
            date_of_birth=(
                REFERENCE_DATE - timedelta(days=age * 365 + rng.randint(0, 364))
                if rng.random() < 0.85
                else None
            ),
            work_email=(
                f"{ascii_slug(given)}.{ascii_slug(family)}@{member.iso_code.lower()}.customs.example"
                if rng.random() < 0.85
                else ""
            ),
            home_administration=member,
            position=position if status == EmploymentStatus.SERVING else f"Former {position}",
            unit=unit if status == EmploymentStatus.SERVING else "",
            years_in_customs=years if rng.random() < 0.9 else None,
            employment_status=status,
            preferred_mission_length=rng.choice(list(MissionLength)),
            remote_only=rng.random() < 0.05,
            created_at=created,
        )
        self.passport_and_consent(expert, created)
        rows = {
            "languages": [
                ExpertLanguage(language=self.ref.languages[code], proficiency=level)
                for code, level in languages
            ],
            "expertise": [self.expertise(area, years) for area in areas],
            "education": self.education(member, age),
            "work_history": self.work_history(member, years, position, status),
            "unavailable_periods": self.absences(),
        }
        if rng.random() < 0.9:
            expert.biography = self.biography(expert, member, areas, languages, years)
        expert.completeness = draft_completeness(expert, rows)
        number = index + 1
        email = f"{ascii_slug(given)}.{ascii_slug(family)}.{number:04d}@{POOL_EMAIL_DOMAIN}"
        native = languages[0][0]
        user = get_user_model()(
            email=email,
            first_name=given,
            last_name=family,
            password="!" + secrets.token_urlsafe(30),  # unusable, and no hashing cost
            preferred_language="fr" if native == "fr" or rng.random() < 0.12 else "en",
            date_joined=created,
        )
        return Draft(user=user, expert=expert, rows=rows)

    def country_of_origin(self, member):
        # European Union officials come from its member states.
        return self.rng.choice(EU_STATES) if member.iso_code == "EU" else member.iso_code

    def passport_and_consent(self, expert, created):
        rng = self.rng
        if rng.random() < 0.6:
            expert.passport_number = (
                f"{rng.choice('ABCDEFGHKLMNPRSTUVWXYZ')}{rng.randint(0, 10**8 - 1):08d}"
            )
            # Some passports have lapsed, as in real life.
            expert.passport_expiry = self.today + timedelta(days=rng.randint(-120, 3600))
        if rng.random() < 0.88:
            expert.consent_given_at = created + timedelta(days=rng.randint(0, 60))
            expert.consent_version = settings.CONSENT_VERSION
        if rng.random() < 0.6:
            expert.profile_confirmed_at = self.now - timedelta(days=rng.randint(0, 540))

    def pick_areas(self):
        count = self.rng.choices([1, 2, 3], [35, 40, 25])[0]
        chosen = []
        while len(chosen) < count:
            area = self.rng.choices(self.ref.areas, weights=self.ref.area_weights)[0]
            if area not in chosen:
                chosen.append(area)
        return chosen

    def languages(self, member):
        rng = self.rng
        region = member.region.code
        code = COUNTRY_LANGUAGE.get(member.iso_code, REGION_LANGUAGE[region])
        first = code if code in self.ref.languages else "en"
        chosen = {first: Proficiency.NATIVE if rng.random() < 0.9 else Proficiency.C2}
        count = rng.choices([1, 2, 3, 4], [15, 45, 30, 10])[0]
        candidates, weights = self.extra_languages[region]
        while len(chosen) < count:
            extra = rng.choices(candidates, weights)[0]
            if extra not in chosen:
                chosen[extra] = rng.choices(list(LEVEL_WEIGHTS), LEVEL_WEIGHTS.values())[0]
        return list(chosen.items())

    def expertise(self, area, years):
        rng = self.rng
        _, focus = AREA_PROFILES.get(area.code, ("", area.name_en.lower()))
        extra = rng.choice(EXTRAS).format(n=rng.randint(2, 40) * 10, k=rng.randint(2, 12))
        return Expertise(
            area=area,
            years=rng.randint(1, max(1, years)),
            description=f"{rng.choice(VERBS)} {focus}; {extra}.",
        )

    def education(self, member, age):
        rng = self.rng
        count = rng.choices([0, 1, 2], [20, 55, 25])[0]
        degrees = rng.sample(DEGREES, count)
        rows = []
        for offset, (degree, subject) in enumerate(degrees):
            year = REFERENCE_DATE.year - age + 22 + offset * rng.randint(2, 10)
            rows.append(
                Education(
                    degree=degree,
                    field_of_study=subject,
                    institution=rng.choice(INSTITUTIONS).format(country=short_country(member)),
                    year_completed=min(year, REFERENCE_DATE.year - 1)
                    if rng.random() < 0.9
                    else None,
                )
            )
        return rows

    def work_history(self, member, years, position, status):
        rng = self.rng
        count = rng.choices([0, 1, 2, 3], [25, 30, 30, 15])[0]
        if not count:
            return []
        organisation = f"Customs administration of {short_country(member)}"
        end = (
            REFERENCE_DATE - timedelta(days=rng.randint(100, 1500))
            if status != EmploymentStatus.SERVING
            else None
        )
        span_end = end or REFERENCE_DATE
        start = span_end - timedelta(days=years * 365)
        # Split the career at sorted random points; the last stint holds the current position.
        cuts = sorted(rng.sample(range(1, years * 365), count - 1))
        starts = [start] + [start + timedelta(days=cut) for cut in cuts]
        rows = []
        for i, stint_start in enumerate(starts):
            last = i == len(starts) - 1
            rows.append(
                WorkExperience(
                    organisation=organisation,
                    position=position if last else rng.choice(EARLY_RANKS),
                    start_date=stint_start,
                    end_date=end if last else starts[i + 1] - timedelta(days=1),
                    description="" if rng.random() < 0.5 else rng.choice(ACHIEVEMENTS),
                )
            )
        return rows

    def absences(self):
        rng = self.rng
        count = rng.choices([0, 1, 2], [65, 25, 10])[0]
        rows = []
        for _ in range(count):
            start = self.today + timedelta(days=rng.randint(-20, 300))
            rows.append(
                UnavailablePeriod(
                    start_date=start,
                    end_date=start + timedelta(days=rng.randint(1, 25)),
                    reason=rng.choice(ABSENCE_REASONS),
                )
            )
        return rows

    def biography(self, expert, member, areas, languages, years):
        rng = self.rng
        country = short_country(member)
        if expert.employment_status == EmploymentStatus.SERVING:
            opening = (
                f"{expert.full_name} is {expert.position} in the Customs administration of "
                f"{country}, with {years} years of Customs experience."
            )
        else:
            opening = (
                f"{expert.full_name} served {years} years in the Customs administration of "
                f"{country} and now advises administrations independently."
            )
        names = [area.name_en for area in areas]
        fields = "; ".join(names)
        spoken = ", ".join(self.ref.languages[code].name_en for code, _ in languages)
        parts = [opening, f"Areas of expertise: {fields}."]
        parts += rng.sample(ACHIEVEMENTS, rng.randint(1, 2))
        parts.append(f"Working languages: {spoken}.")
        return " ".join(parts)


def pool_users():
    return get_user_model().objects.filter(email__endswith=f"@{POOL_EMAIL_DOMAIN}")


def save_batch(drafts: list[Draft], expert_group) -> None:
    """Write one batch: users, their group rows, experts, then every related row."""
    User = get_user_model()
    users = User.objects.bulk_create([draft.user for draft in drafts])
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=expert_group.pk) for user in users]
    )
    for draft, user in zip(drafts, users, strict=True):
        draft.expert.user = user
    Expert.objects.bulk_create([draft.expert for draft in drafts])
    for model, name in [
        (ExpertLanguage, "languages"),
        (Expertise, "expertise"),
        (Education, "education"),
        (WorkExperience, "work_history"),
        (UnavailablePeriod, "unavailable_periods"),
    ]:
        rows = []
        for draft in drafts:
            for row in draft.rows[name]:
                row.expert = draft.expert
                rows.append(row)
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    # bulk_create bypasses the services that keep the search vector: one UPDATE per batch, with
    # the same SQL they use, so a seeded pool is found by text like a real one.
    search.refresh_search_vectors([draft.expert.pk for draft in drafts])


@transaction.atomic
def create_pool(
    count: int, *, seed: int, batch_size: int = BATCH_SIZE, progress=None, officers=(None, None)
) -> dict:
    """Create ``count`` fictitious experts with their accreditations, all or none.

    ``officers`` (a Secretariat officer, a reviewer) are recorded as who made the accreditation
    changes. Each batch is generated, written and dropped before the next, so memory stays flat.
    Returns how many rows of each kind were created (experts, accreditations, events, ...).
    """
    reference = Reference()
    today = timezone.localdate()
    generator = PoolGenerator(reference, seed=seed, today=today)
    accreditations = demo_accreditation.AccreditationGenerator(
        seed=seed, today=today, officers=officers
    )
    for start in range(0, count, batch_size):
        drafts = [generator.draft(i) for i in range(start, min(count, start + batch_size))]
        save_batch(drafts, reference.expert_group)
        accreditations.add_batch(drafts)
        reset_queries()  # with DEBUG on, the logged INSERTs would grow memory batch after batch
        if progress:
            progress(start + len(drafts))
    return {"experts": count, **accreditations.counts}


def delete_in_chunks(queryset, chunk=5000) -> int:
    """Delete without loading every row at once (the cascade collector holds one chunk)."""
    deleted = 0
    while ids := list(queryset.order_by().values_list("pk", flat=True)[:chunk]):
        queryset.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def delete_pool() -> int:
    """Delete the pool's experts, their rows and their accounts; returns how many experts."""
    experts = Expert.objects.filter(user__in=pool_users())
    with transaction.atomic():
        # Empties the whole accreditation history too (PostgreSQL refuses to delete from it).
        demo_accreditation.delete_accreditations(experts)
        # One DELETE per table first, so the per-chunk cascade below finds nothing left to do.
        for model in (ExpertLanguage, Expertise, Education, WorkExperience, UnavailablePeriod):
            model.objects.filter(expert__in=experts).delete()
        deleted = delete_in_chunks(experts)
        delete_in_chunks(pool_users())
    return deleted
