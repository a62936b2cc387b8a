"""A fictitious pool of experts for demos and benchmarks (used by ``manage.py seed_demo``).

Every value is drawn from one ``random.Random(seed)``, so a seed always gives the same people.
Histories (birth, education, careers) hang off the fixed ``REFERENCE_DATE``; only what must be
judged against today (passport validity, absences, profile confirmation) is placed relative to
the day of the run. Names are random combinations from per-culture lists: nobody is real.

Rows are written with ``bulk_create`` one batch at a time, so memory stays flat at any size.
Accreditations, their histories, workshops and requests come from ``experts.demo.accreditation``.
"""

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import reset_queries, transaction
from django.utils import timezone
from django_countries import countries

from ace_portal.accounts.roles import Role
from experts.demo import accreditation as demo_accreditation
from experts.demo.population import (
    ABSENCE_REASONS,
    ACHIEVEMENTS,
    AREA_PROFILES,
    COUNTRY_CULTURE,
    COUNTRY_LANGUAGE,
    DEGREES,
    EARLY_RANKS,
    EU_STATES,
    EXTRA_LANGUAGES,
    EXTRAS,
    INSTITUTIONS,
    LEVEL_WEIGHTS,
    NAME_CULTURES,
    POPULAR_AREAS,
    RANKS,
    REGION_CULTURE,
    REGION_LANGUAGE,
    REGION_LANGUAGE_BOOST,
    VERBS,
)
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
        # Over 60 lines: one person's draws, in the order the seed fixes.
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
