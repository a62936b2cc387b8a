"""Files and form data shared by the expert tests."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from experts.enums import DocumentKind, Proficiency
from experts.models import (
    Education,
    ExpertDocument,
    Expertise,
    ExpertLanguage,
    WorkExperience,
)
from tests.factories import area, language

# The smallest file that a PDF reader (and the upload check) accepts as a PDF.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)
# The start of a Windows executable.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def image_bytes(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, format=image_format)
    return buffer.getvalue()


@pytest.fixture
def pdf_bytes():
    return PDF_BYTES


@pytest.fixture
def exe_bytes():
    return EXE_BYTES


@pytest.fixture
def make_image():
    return image_bytes


@pytest.fixture
def formset_data():
    """POST data for an inline formset: management form plus one dict per row."""

    def build(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
        data = {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "30",
        }
        for index, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{index}-{key}"] = value
        return data

    return build


@pytest.fixture
def alice_cv(alice, pdf_bytes):
    """A CV of Alice's, stored in the (temporary) private storage."""
    document = ExpertDocument(
        expert=alice,
        kind=DocumentKind.CV,
        original_name="alice-cv.pdf",
        size=len(pdf_bytes),
        uploaded_by=alice.user,
    )
    document.file.save("cv.pdf", ContentFile(pdf_bytes), save=False)
    document.save()
    return document


@pytest.fixture
def alice_photo(alice):
    alice.photo.save("photo.png", ContentFile(image_bytes("PNG")), save=True)
    return alice


LANGUAGE_CODES = ["en", "fr", "es", "ar", "ru", "pt", "de", "sw", "zh", "it"]
AREA_CODES = [
    "aeo-safe",
    "post-clearance-audit",
    "risk-management",
    "transit",
    "hs-classification",
    "customs-valuation",
    "rules-of-origin",
    "integrity",
    "free-zones",
    "e-commerce",
]


@pytest.fixture
def add_profile_rows():
    """Give an expert ``count`` rows of each kind: languages, expertise, education, work."""

    def add(expert, count: int):
        for index in range(count):
            ExpertLanguage.objects.create(
                expert=expert, language=language(LANGUAGE_CODES[index]), proficiency=Proficiency.C1
            )
            Expertise.objects.create(
                expert=expert, area=area(AREA_CODES[index]), years=index + 1, description="Audits"
            )
            Education.objects.create(
                expert=expert,
                degree=f"Degree {index}",
                institution="University of Nairobi",
                year_completed=2000 + index,
            )
            WorkExperience.objects.create(
                expert=expert,
                organisation="Kenya Revenue Authority",
                position=f"Officer {index}",
                start_date=date(2000 + index, 1, 1),
                end_date=date(2001 + index, 1, 1),
            )
        return expert

    return add


@pytest.fixture
def complete_profile(add_profile_rows, pdf_bytes):
    """Fill every part of an expert's profile that completeness asks for."""

    def fill(expert):
        expert.photo.save("photo.png", ContentFile(image_bytes("PNG")), save=False)
        expert.gender = "female"
        expert.nationality = "KE"
        expert.date_of_birth = date(1980, 5, 3)
        expert.work_email = "alice.mwangi@kra.example"
        expert.phone = "+254 20 4999999"
        expert.position = "Head of Post-Clearance Audit"
        expert.years_in_customs = 18
        expert.biography = "A Customs officer with eighteen years in audit, risk and valuation."
        expert.passport_number = "AK1234567"
        expert.passport_expiry = date(2034, 1, 1)
        expert.consent_given_at = timezone.now()
        expert.consent_version = settings.CONSENT_VERSION
        expert.save()
        add_profile_rows(expert, 1)
        document = ExpertDocument(
            expert=expert, kind=DocumentKind.CV, original_name="cv.pdf", size=len(pdf_bytes)
        )
        document.file.save("cv.pdf", ContentFile(pdf_bytes), save=False)
        document.save()
        return expert

    return fill
