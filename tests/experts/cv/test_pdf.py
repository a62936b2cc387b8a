"""The standard expert CV: the Secretariat's options page and the PDF it downloads."""

import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from experts.models import Accreditation, ProfileType
from experts.services.accreditation import transitions
from experts.services.cv import CV_SECTION_KEYS
from tests.conftest import sign_in
from tests.experts.conftest import image_bytes
from tests.factories import ExpertFactory, area

pytestmark = pytest.mark.django_db

WITHHELD = "Contact details are withheld. They are available from the WCO Secretariat."


def page_url(expert_or_pk):
    return reverse("secretariat:expert_cv", args=[getattr(expert_or_pk, "pk", expert_or_pk)])


def pdf_url(expert_or_pk):
    return reverse("secretariat:expert_cv_pdf", args=[getattr(expert_or_pk, "pk", expert_or_pk)])


def options(sections=CV_SECTION_KEYS, *, contact=False, language="en") -> dict:
    query = {"sections": list(sections), "language": language}
    if contact:
        query["include_contact"] = "on"
    return query


def pdf_text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def profiled_alice(alice, complete_profile, admin_user):
    """Alice with every part of her profile filled, one recognized accreditation and one that
    is only a nomination (not held, so not on a CV)."""
    complete_profile(alice)
    transitions.recognize(
        alice,
        ProfileType.objects.get(code="TOA"),
        area("aeo-safe"),
        by=admin_user,
        reason="Recognized on the AEO record.",
    )
    transitions.nominate(
        alice,
        ProfileType.objects.get(code="DF"),
        area("risk-management"),
        by=admin_user,
        reason="Nominated by Kenya.",
    )
    return alice


def test_cv_has_name_and_every_section_by_default(officer_client, profiled_alice):
    response = officer_client.get(pdf_url(profiled_alice), options())
    text = pdf_text(response)
    for expected in [
        "Alice Mwangi",
        "Curriculum vitae",
        "Summary",
        "Head of Post-Clearance Audit",
        "Kenya",  # nationality and home administration
        "Accreditations",
        "Technical and Operational Advisor (TOA): Authorized Economic Operator / SAFE",
        "Recognized, valid until",
        "Areas of expertise",
        "Languages",
        "C1 - Advanced",
        "Work history",
        "Officer 0, Kenya Revenue Authority",
        "Education",
        "University of Nairobi",
        "Biography",
        "eighteen years in audit",
    ]:
        assert expected in text, expected
    # A nomination is not an accreditation the expert holds.
    assert "Diagnostic Facilitator" not in text


def test_cv_leaves_out_the_sections_not_chosen(officer_client, profiled_alice):
    chosen = [key for key in CV_SECTION_KEYS if key not in ("work_history", "biography")]
    text = pdf_text(officer_client.get(pdf_url(profiled_alice), options(chosen)))
    assert "Accreditations" in text
    assert "Work history" not in text
    assert "Kenya Revenue Authority" not in text
    assert "Biography" not in text
    assert "eighteen years in audit" not in text


def test_cv_withholds_contact_details_by_default(officer_client, profiled_alice):
    text = pdf_text(officer_client.get(pdf_url(profiled_alice), options()))
    assert WITHHELD in " ".join(text.split())
    assert "alice.mwangi@kra.example" not in text
    assert profiled_alice.user.email not in text
    assert "4999999" not in text.replace(" ", "")


def test_cv_shows_contact_details_when_chosen(officer_client, profiled_alice):
    text = pdf_text(officer_client.get(pdf_url(profiled_alice), options(contact=True)))
    assert "alice.mwangi@kra.example" in text
    assert profiled_alice.user.email in text
    assert "+254 20 4999999" in text
    assert WITHHELD not in " ".join(text.split())


def test_cv_never_shows_passport_date_of_birth_or_gender(officer_client, profiled_alice):
    text = pdf_text(officer_client.get(pdf_url(profiled_alice), options(contact=True)))
    assert "AK1234567" not in text
    assert "Passport" not in text
    assert "1980" not in text
    assert "Date of birth" not in text
    assert "Female" not in text


def test_cv_in_french_uses_french_names_and_dates(officer_client, profiled_alice):
    # The labels' French comes from the catalogue, translated later; the language switch shows
    # in what is already French: reference data names and Django's own month names.
    text = pdf_text(officer_client.get(pdf_url(profiled_alice), options(language="fr")))
    assert "Conseiller technique et opérationnel (TOA)" in text
    assert "Opérateur économique agréé / SAFE" in text
    assert "janvier 2000" in text
    assert "Technical and Operational Advisor" not in text
    english = pdf_text(officer_client.get(pdf_url(profiled_alice), options(language="en")))
    assert "January 2000" in english
    assert "Work history" in english


@pytest.mark.parametrize(
    ("given", "family", "file_name"),
    [
        ("Đặng Thị Ngọc", "Nguyễn", "CV-Nguyen-Dang-Thi-Ngoc.pdf"),
        ("Øystein", "Ærø", "CV-AEro-Oystein.pdf"),
        ("Ελένη", "Παπαδοπούλου", None),  # nothing ASCII is left: the file name falls back
    ],
)
def test_cv_keeps_non_latin_names_and_gives_an_ascii_file_name(
    officer_client, given, family, file_name
):
    expert = ExpertFactory(given_names=given, family_name=family)
    response = officer_client.get(pdf_url(expert), options())
    assert f"{given} {family}" in pdf_text(response)
    expected = file_name or f"CV-{expert.pk}.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'


def test_cv_is_never_cached(officer_client, alice):
    response = officer_client.get(pdf_url(alice), options())
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="CV-Mwangi-Alice.pdf"'


def test_cv_shows_the_photo_when_chosen(officer_client, alice):
    alice.photo.save("photo.png", ContentFile(image_bytes("PNG")), save=True)
    with_photo = PdfReader(io.BytesIO(officer_client.get(pdf_url(alice), options()).content))
    assert len(with_photo.pages[0].images) == 1
    chosen = [key for key in CV_SECTION_KEYS if key != "photo"]
    without = PdfReader(io.BytesIO(officer_client.get(pdf_url(alice), options(chosen)).content))
    assert len(without.pages[0].images) == 0


@pytest.mark.parametrize("content", [b"not an image at all", None])
def test_cv_without_a_readable_photo_still_downloads(officer_client, alice, content):
    alice.photo.save("photo.png", ContentFile(image_bytes("PNG")), save=True)
    if content is None:
        alice.photo.storage.delete(alice.photo.name)  # the file is gone from the storage
    else:
        with alice.photo.storage.open(alice.photo.name, "wb") as handle:
            handle.write(content)
    response = officer_client.get(pdf_url(alice), options())
    assert "Alice Mwangi" in pdf_text(response)
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 0


def test_cv_leaves_out_expired_and_ended_accreditations(officer_client, alice, admin_user):
    held = transitions.recognize(
        alice, ProfileType.objects.get(code="TOA"), area("aeo-safe"), by=admin_user, reason="OK"
    )
    # The nightly lapse has not run yet for this one: its validity ended yesterday.
    Accreditation.objects.filter(pk=held.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    text = pdf_text(officer_client.get(pdf_url(alice), options()))
    assert "Technical and Operational Advisor" not in text
    assert "Accreditations" not in text  # an empty section gets no heading


def test_options_page_offers_every_section_checked_and_contact_off(officer_client, alice):
    response = officer_client.get(page_url(alice))
    assert response.status_code == 200
    assert "Standard CV of Alice Mwangi" in response.text
    assert f'action="{pdf_url(alice)}"' in response.text
    assert 'method="get"' in response.text
    for key in CV_SECTION_KEYS:
        assert f'name="sections" value="{key}"' in response.text
    assert response.text.count('name="sections"') == response.text.count('name="sections" value')
    assert response.text.count("checked") == len(CV_SECTION_KEYS)  # contact is not checked
    assert "<legend>Sections to include</legend>" in response.text
    assert response.context["form"]["language"].value() == "en"


def test_options_page_defaults_to_the_officers_language(officer_client, officer, alice):
    officer.preferred_language = "fr"
    officer.save()
    response = officer_client.get(page_url(alice))
    assert response.context["form"]["language"].value() == "fr"


def test_expert_page_links_to_the_cv(officer_client, alice):
    response = officer_client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    assert page_url(alice) in response.text
    assert "Standard CV (PDF)" in response.text


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"sections": ["bogus"], "language": "en"}, "sections", "Select a valid choice."),
        ({"language": "en"}, "sections", "Choose at least one section."),
        ({"sections": ["summary"], "language": "xx"}, "language", "Select a valid choice."),
        ({"sections": ["summary"]}, "language", "This field is required."),
    ],
)
def test_bad_options_show_the_form_again_with_errors(officer_client, alice, query, field, message):
    response = officer_client.get(pdf_url(alice), query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.context["form"].errors[field][0]
    assert message in response.text
    assert "The CV could not be made." in response.text


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_cv_pages_are_404_for_an_expert_even_their_own(client, alice, bob, url):
    client.force_login(alice.user)
    assert client.get(url(alice), options()).status_code == 404
    assert client.get(url(bob), options()).status_code == 404


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_cv_pages_send_anonymous_visitors_to_login(client, alice, url):
    response = client.get(url(alice), options())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [page_url, pdf_url])
def test_cv_pages_404_for_an_unknown_expert(officer_client, url):
    assert officer_client.get(url(999999), options()).status_code == 404


def test_admin_may_download_a_cv(client, admin_user, alice):
    sign_in(client, admin_user)
    assert "Alice Mwangi" in pdf_text(client.get(pdf_url(alice), options()))


def test_cv_query_count_does_not_grow_with_the_profile(
    officer_client, alice, bob, add_profile_rows, admin_user, django_assert_num_queries
):
    add_profile_rows(alice, 1)  # one language, area, degree and work entry
    add_profile_rows(bob, 5)  # five of each
    for expert, codes in [(alice, ["aeo-safe"]), (bob, ["aeo-safe", "transit", "integrity"])]:
        for code in codes:
            transitions.recognize(
                expert, ProfileType.objects.get(code="TOA"), area(code), by=admin_user, reason="OK"
            )

    officer_client.get(pdf_url(alice), options())  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert officer_client.get(pdf_url(alice), options()).status_code == 200
    small = len(queries)

    with django_assert_num_queries(small):
        text = pdf_text(officer_client.get(pdf_url(bob), options()))
    assert "Officer 4, Kenya Revenue Authority" in text
