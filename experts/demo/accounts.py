"""The demo accounts' own data: the two demo experts' profiles, and their files."""

import contextlib
import io
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from experts.enums import Gender, Proficiency
from experts.models import (
    Education,
    Expert,
    ExpertDocument,
    Expertise,
    ExpertLanguage,
    Language,
    MemberAdministration,
    ThematicArea,
    UnavailablePeriod,
    WorkExperience,
)
from experts.services import profile


def build_demo_profile(user, *, full: bool) -> Expert:
    """The demo experts: the first fairly complete (no CV, no passport), the second half done."""
    expert, levels, expertise = _complete_profile(user) if full else _started_profile(user)
    areas = {area.code: area for area in ThematicArea.objects.all()}
    languages = {language.code: language for language in Language.objects.all()}
    ExpertLanguage.objects.bulk_create(
        [
            ExpertLanguage(expert=expert, language=languages[code], proficiency=level)
            for code, level in levels
        ]
    )
    Expertise.objects.bulk_create(
        [
            Expertise(expert=expert, area=areas[code], years=years, description=description)
            for code, years, description in expertise
        ]
    )
    profile.refresh_completeness(expert)
    return expert


def _complete_profile(user):
    """The first demo expert, with her languages and areas (saved by build_demo_profile)."""
    today = timezone.localdate()
    expert = Expert.objects.create(
        user=user,
        given_names=user.first_name,
        family_name=user.last_name,
        gender=Gender.FEMALE,
        nationality="MA",
        date_of_birth=date(1981, 4, 12),
        work_email="amina.rahmani@ma.customs.example",
        home_administration=MemberAdministration.objects.get(iso_code="MA"),
        position="Head of Risk Management Unit",
        unit="Risk Management Unit",
        years_in_customs=17,
        biography=(
            "Amina Rahmani heads the Risk Management Unit of the Customs administration of "
            "Morocco, where she built the national selectivity and targeting framework. She "
            "has co-facilitated WCO workshops on risk management and AEO in French- and "
            "Arabic-speaking administrations, and trains post-clearance auditors."
        ),
        consent_given_at=timezone.now(),
        consent_version=settings.CONSENT_VERSION,
        profile_confirmed_at=timezone.now(),
    )
    expert.photo.save("photo.png", ContentFile(demo_photo((31, 94, 140))), save=True)
    levels = [("ar", Proficiency.NATIVE), ("fr", Proficiency.C2), ("en", Proficiency.C1)]
    expertise = [
        ("risk-management", 12, "Led the national risk management framework and targeting."),
        ("aeo-safe", 8, "Validated AEO applicants and negotiated two mutual recognitions."),
        ("post-clearance-audit", 6, "Planned audits and trained 120 auditors."),
    ]
    _career(expert)
    UnavailablePeriod.objects.create(
        expert=expert,
        start_date=today + timedelta(days=45),
        end_date=today + timedelta(days=52),
        reason="Annual leave",
    )
    return expert, levels, expertise


def _career(expert) -> None:
    """The first demo expert's education and work history."""
    Education.objects.bulk_create(
        [
            Education(
                expert=expert,
                degree="Master in Customs Administration",
                field_of_study="Customs and excise",
                institution="National School of Customs, Morocco",
                year_completed=2009,
            ),
            Education(
                expert=expert,
                degree="Bachelor of Economics",
                field_of_study="Economics",
                institution="National University of Morocco",
                year_completed=2003,
            ),
        ]
    )
    organisation = "Customs administration of Morocco"
    WorkExperience.objects.bulk_create(
        [
            WorkExperience(
                expert=expert,
                organisation=organisation,
                position="Customs Inspector",
                start_date=date(2009, 3, 1),
                end_date=date(2016, 8, 31),
            ),
            WorkExperience(
                expert=expert,
                organisation=organisation,
                position="Head of Risk Management Unit",
                start_date=date(2016, 9, 1),
                description="Runs a team of 14 analysts; owns the selectivity rules.",
            ),
        ]
    )


def _started_profile(user):
    """The second demo expert, half done, with his languages and areas."""
    expert = Expert.objects.create(
        user=user,
        given_names=user.first_name,
        family_name=user.last_name,
        gender=Gender.MALE,
        nationality="KE",
        work_email="daniel.okoth@ke.customs.example",
        home_administration=MemberAdministration.objects.get(iso_code="KE"),
        position="Senior Customs Officer, Transit and Border Operations Division",
        unit="Transit and Border Operations Division",
        years_in_customs=9,
    )
    levels = [("sw", Proficiency.NATIVE), ("en", Proficiency.C2), ("fr", Proficiency.A2)]
    expertise = [
        ("transit", 7, "Ran the regional electronic cargo tracking pilot."),
        ("time-release-study", 4, "Collected and analysed data for two national TRS."),
    ]
    return expert, levels, expertise


def stored_files(experts) -> list[str]:
    """The stored names of these experts' uploads (documents and photos)."""
    names = list(ExpertDocument.objects.filter(expert__in=experts).values_list("file", flat=True))
    return names + list(experts.exclude(photo="").values_list("photo", flat=True))


def remove_files(names) -> None:
    """Delete files whose rows are gone (a bulk delete leaves the files behind)."""
    for name in names:
        with contextlib.suppress(OSError):
            default_storage.delete(name)


def demo_photo(colour) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), (232, 238, 243))
    draw = ImageDraw.Draw(image)
    draw.ellipse((70, 30, 170, 130), fill=colour)
    draw.ellipse((30, 140, 210, 320), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
