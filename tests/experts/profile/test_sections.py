"""The expert edits the profile section by section: valid input saves, bad input saves nothing."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from experts.enums import Proficiency
from experts.models import (
    Expert,
    ExpertDocument,
    ExpertLanguage,
    MemberAdministration,
    UnavailablePeriod,
    WorkExperience,
)
from experts.services import completeness
from experts.views.sections import SECTIONS
from tests.factories import area, language

pytestmark = pytest.mark.django_db

# The completeness meter has 16 items (experts.services.completeness.assess).
ITEMS = 16


def percent(done_items: int) -> int:
    return round(100 * done_items / ITEMS)


def test_completeness_item_count(alice):
    assert len(completeness.assess(alice)) == ITEMS


def section_url(slug):
    return reverse("experts:edit_section", args=[slug])


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice.user)
    return client


def post_section(client, slug, data):
    return client.post(section_url(slug), data)


def fresh(expert) -> Expert:
    return Expert.objects.get(pk=expert.pk)


def assert_field_error(response, field, text, *, form="form"):
    assert response.status_code == 400
    errors = response.context[form].errors[field]
    assert any(text in str(error) for error in errors), errors
    assert text in response.text.replace("&#x27;", "'")


# A valid POST for each section: (slug, data builder, check on the saved expert, items done after)
# The factory's expert already has a home administration: one item done before any save.


def identity_data(fs):
    return {
        "given_names": "Alice Wanjiru",
        "family_name": "Mwangi",
        "gender": "female",
        "nationality": "KE",
        "date_of_birth": "1980-05-03",
    }


def contact_data(fs):
    return {"work_email": "alice.mwangi@kra.example", "phone": "+32 2 209 92 11"}


def employment_data(fs):
    return {
        "home_administration": str(MemberAdministration.objects.get(iso_code="BE").pk),
        "position": "Head of Audit",
        "unit": "Post-Clearance Audit",
        "years_in_customs": "18",
        "employment_status": "serving",
    }


def languages_data(fs):
    return fs(
        "languages",
        [
            {"language": str(language("en").pk), "proficiency": str(Proficiency.C2)},
            {"language": str(language("sw").pk), "proficiency": str(Proficiency.NATIVE)},
        ],
    )


def expertise_data(fs):
    return fs(
        "expertise",
        [{"area": str(area("post-clearance-audit").pk), "years": "9", "description": "Audits"}],
    )


def education_data(fs):
    return fs(
        "education",
        [
            {
                "degree": "MBA",
                "field_of_study": "Finance",
                "institution": "University of Nairobi",
                "year_completed": "2008",
            }
        ],
    )


def work_history_data(fs):
    return fs(
        "work-history",
        [
            {
                "organisation": "Kenya Revenue Authority",
                "position": "Auditor",
                "start_date": "2005-01-01",
                "end_date": "2012-12-31",
                "description": "Audits of importers.",
            }
        ],
    )


def biography_data(fs):
    return {"biography": "Customs officer since 2005, working on audit, risk and valuation."}


def cv_data(fs):
    from tests.experts.conftest import PDF_BYTES

    return {"file": SimpleUploadedFile("cv.pdf", PDF_BYTES, content_type="application/pdf")}


def availability_data(fs):
    return {
        "preferred_mission_length": "short",
        "remote_only": "on",
        **fs(
            "availability",
            [{"start_date": "2031-07-01", "end_date": "2031-07-31", "reason": "Leave"}],
        ),
    }


def passport_data(fs):
    return {"passport_number": "ak 123 4567", "passport_expiry": "2034-01-31"}


def consent_data(fs):
    return {"agree": "on"}


def check_identity(expert):
    assert expert.given_names == "Alice Wanjiru"
    assert expert.gender == "female"
    assert expert.nationality.code == "KE"
    assert expert.date_of_birth == date(1980, 5, 3)


def check_contact(expert):
    assert expert.work_email == "alice.mwangi@kra.example"
    assert expert.phone.as_e164 == "+3222099211"


def check_employment(expert):
    assert expert.home_administration.iso_code == "BE"
    assert (expert.position, expert.years_in_customs) == ("Head of Audit", 18)


def check_languages(expert):
    assert {(row.language.code, row.proficiency) for row in expert.languages.all()} == {
        ("en", Proficiency.C2),
        ("sw", Proficiency.NATIVE),
    }


def check_expertise(expert):
    [row] = expert.expertise.all()
    assert (row.area.code, row.years) == ("post-clearance-audit", 9)


def check_education(expert):
    [row] = expert.education.all()
    assert (row.degree, row.year_completed) == ("MBA", 2008)


def check_work_history(expert):
    [row] = expert.work_history.all()
    assert (row.start_date, row.end_date) == (date(2005, 1, 1), date(2012, 12, 31))


def check_biography(expert):
    assert expert.biography.startswith("Customs officer since 2005")


def check_cv(expert):
    [document] = expert.documents.all()
    assert document.kind == "cv"
    assert document.uploaded_by == expert.user


def check_availability(expert):
    assert expert.preferred_mission_length == "short"
    assert expert.remote_only is True
    [period] = expert.unavailable_periods.all()
    assert (period.start_date, period.end_date, period.reason) == (
        date(2031, 7, 1),
        date(2031, 7, 31),
        "Leave",
    )


def check_passport(expert):
    assert expert.passport_number == "AK1234567"
    assert expert.passport_expiry == date(2034, 1, 31)


def check_consent(expert):
    assert expert.consent_version == settings.CONSENT_VERSION
    assert timezone.now() - expert.consent_given_at < timedelta(minutes=1)


VALID_SECTIONS = [
    ("identity", identity_data, check_identity, 4),
    ("contact", contact_data, check_contact, 2),
    ("employment", employment_data, check_employment, 3),
    ("languages", languages_data, check_languages, 2),
    ("expertise", expertise_data, check_expertise, 2),
    ("education", education_data, check_education, 2),
    ("work-history", work_history_data, check_work_history, 2),
    ("biography", biography_data, check_biography, 2),
    ("cv", cv_data, check_cv, 2),
    ("availability", availability_data, check_availability, 1),
    ("passport", passport_data, check_passport, 2),
    ("consent", consent_data, check_consent, 2),
]


def test_valid_sections_cover_every_section():
    assert [slug for slug, *_ in VALID_SECTIONS] == [section.slug for section in SECTIONS]


@pytest.mark.parametrize(
    ("slug", "build", "check", "items_done"), VALID_SECTIONS, ids=[s[0] for s in VALID_SECTIONS]
)
def test_section_valid_post_saves_and_redirects(
    signed_in, alice, formset_data, slug, build, check, items_done
):
    response = post_section(signed_in, slug, build(formset_data))
    assert response.status_code == 302
    assert response.url == reverse("experts:profile")
    expert = fresh(alice)
    check(expert)
    assert expert.completeness == percent(items_done)
    page = signed_in.get(response.url)
    assert page.context["completeness"] == expert.completeness
    assert f"{expert.completeness}%" in page.text


@pytest.mark.parametrize("slug", [section.slug for section in SECTIONS])
def test_section_get_shows_form(signed_in, slug):
    response = signed_in.get(section_url(slug))
    assert response.status_code == 200
    assert response.context["section"].slug == slug
    assert response.context["form"] is not None or response.context["formset"] is not None


def test_section_all_saved_gives_complete_profile(signed_in, alice, formset_data, make_image):
    for slug, build, _check, _items in VALID_SECTIONS:
        data = build(formset_data)
        if slug == "identity":
            data["photo"] = SimpleUploadedFile("me.png", make_image("PNG"), "image/png")
        assert post_section(signed_in, slug, data).status_code == 302, slug
    expert = fresh(alice)
    assert expert.completeness == 100
    response = signed_in.get(reverse("experts:profile"))
    assert "Nothing is missing" in response.text


def test_section_edit_existing_row_and_delete(signed_in, alice, formset_data):
    kept = ExpertLanguage.objects.create(
        expert=alice, language=language("en"), proficiency=Proficiency.B1
    )
    dropped = ExpertLanguage.objects.create(
        expert=alice, language=language("fr"), proficiency=Proficiency.A2
    )
    data = formset_data(
        "languages",
        [
            {"id": str(kept.pk), "language": str(language("en").pk), "proficiency": "6"},
            {"id": str(dropped.pk), "language": str(language("fr").pk), "proficiency": "2"},
        ],
        initial=2,
    )
    data["languages-1-DELETE"] = "on"
    response = post_section(signed_in, "languages", data)
    assert response.status_code == 302
    assert [(row.pk, row.proficiency) for row in alice.languages.all()] == [(kept.pk, 6)]


def test_section_deleting_last_row_lowers_completeness(signed_in, alice, formset_data):
    post_section(signed_in, "languages", languages_data(formset_data))
    assert fresh(alice).completeness == percent(2)
    rows = [
        {"id": str(row.pk), "language": str(row.language_id), "proficiency": str(row.proficiency)}
        for row in alice.languages.all()
    ]
    data = formset_data("languages", rows, initial=len(rows))
    for index in range(len(rows)):
        data[f"languages-{index}-DELETE"] = "on"
    assert post_section(signed_in, "languages", data).status_code == 302
    assert not alice.languages.exists()
    assert fresh(alice).completeness == percent(1)


def test_section_cannot_edit_another_experts_rows(signed_in, alice, bob, formset_data):
    bobs = ExpertLanguage.objects.create(
        expert=bob, language=language("en"), proficiency=Proficiency.B1
    )
    data = formset_data(
        "languages",
        [{"id": str(bobs.pk), "language": str(language("de").pk), "proficiency": "7"}],
        initial=1,
    )
    # Django ignores a row id outside the expert's own rows; what matters is that Bob's row stays.
    post_section(signed_in, "languages", data)
    bobs.refresh_from_db()
    assert (bobs.expert, bobs.language.code, bobs.proficiency) == (bob, "en", Proficiency.B1)
    assert not alice.languages.filter(pk=bobs.pk).exists()


# Bad input: a message on the field, nothing saved


def identity_with(**changes):
    return {**identity_data(None), **changes}


def years_ago(years: int, days: int = 0) -> str:
    today = timezone.localdate()
    return (today.replace(year=today.year - years) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize(
    ("born", "message"),
    [
        ((timezone.localdate() + timedelta(days=1)).isoformat(), "cannot be in the future"),
        (years_ago(18, days=1), "at least 18 years old"),
        (years_ago(10), "at least 18 years old"),
        ("1900-01-01", "check the year of birth"),
        ("1980-02-30", "Enter a valid date"),
    ],
    ids=["future", "one-day-short-of-18", "child", "too-old", "not-a-date"],
)
def test_identity_bad_date_of_birth_refused(signed_in, alice, born, message):
    response = post_section(signed_in, "identity", identity_with(date_of_birth=born))
    assert_field_error(response, "date_of_birth", message)
    expert = fresh(alice)
    assert expert.date_of_birth is None
    # Nothing half-saved: the other fields of the form were not written either.
    assert (expert.given_names, expert.gender) == ("Alice", "")
    assert expert.completeness == 0


def test_identity_exactly_18_accepted(signed_in, alice):
    response = post_section(signed_in, "identity", identity_with(date_of_birth=years_ago(18)))
    assert response.status_code == 302
    assert fresh(alice).date_of_birth.isoformat() == years_ago(18)


def test_identity_required_names(signed_in, alice):
    response = post_section(signed_in, "identity", identity_with(given_names="", family_name=""))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"given_names", "family_name"}
    assert fresh(alice).given_names == "Alice"


@pytest.mark.parametrize("phone", ["12345", "+1 234", "call me", "0722 000 000"])
def test_contact_phone_not_international_refused(signed_in, alice, phone):
    response = post_section(signed_in, "contact", {"work_email": "a@kra.example", "phone": phone})
    assert_field_error(response, "phone", "international format")
    expert = fresh(alice)
    assert (expert.work_email, str(expert.phone)) == ("", "")


def test_contact_bad_work_email_refused(signed_in, alice):
    response = post_section(signed_in, "contact", {"work_email": "not-an-email", "phone": ""})
    assert response.status_code == 400
    assert "work_email" in response.context["form"].errors


def test_employment_years_over_limit_refused(signed_in, alice):
    data = {**employment_data(None), "years_in_customs": "61"}
    response = post_section(signed_in, "employment", data)
    assert response.status_code == 400
    assert "years_in_customs" in response.context["form"].errors
    assert fresh(alice).position == ""


def test_employment_inactive_administration_refused(signed_in, alice):
    inactive = MemberAdministration.objects.get(iso_code="BE")
    inactive.is_active = False
    inactive.save()
    response = post_section(signed_in, "employment", employment_data(None))
    assert response.status_code == 400
    assert "home_administration" in response.context["form"].errors


@pytest.mark.parametrize("number", ["AB-123!", "12/345", "P<1234"])
def test_passport_number_with_symbols_refused(signed_in, alice, number):
    response = post_section(
        signed_in, "passport", {"passport_number": number, "passport_expiry": "2034-01-31"}
    )
    assert_field_error(response, "passport_number", "only letters and digits")
    expert = fresh(alice)
    assert (expert.passport_number, expert.passport_expiry) == ("", None)


def test_passport_expired_accepted_with_warning(signed_in, alice):
    expired = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = post_section(
        signed_in, "passport", {"passport_number": "AK1234567", "passport_expiry": expired}
    )
    assert response.status_code == 302
    expert = fresh(alice)
    assert expert.passport_expiry.isoformat() == expired
    assert expert.passport_expired
    warning = "This passport has expired. Please record your new passport."
    assert warning in signed_in.get(reverse("experts:profile")).text
    assert warning in signed_in.get(section_url("passport")).text


def test_passport_valid_no_warning(signed_in, alice):
    post_section(signed_in, "passport", passport_data(None))
    assert "This passport has expired" not in signed_in.get(reverse("experts:profile")).text


def test_availability_period_ending_before_start_refused(signed_in, alice, formset_data):
    data = {
        "preferred_mission_length": "long",
        "remote_only": "on",
        **formset_data(
            "availability", [{"start_date": "2031-07-31", "end_date": "2031-07-01", "reason": ""}]
        ),
    }
    response = post_section(signed_in, "availability", data)
    assert response.status_code == 400
    [row_errors] = response.context["formset"].errors
    assert row_errors["end_date"] == ["The end date cannot be before the start date."]
    assert "The end date cannot be before the start date." in response.text
    expert = fresh(alice)
    assert not UnavailablePeriod.objects.exists()
    # The form half of the section is not saved either.
    assert (expert.preferred_mission_length, expert.remote_only) == ("any", False)


def test_availability_one_day_period_accepted(signed_in, alice, formset_data):
    data = {
        "preferred_mission_length": "any",
        **formset_data(
            "availability", [{"start_date": "2031-07-01", "end_date": "2031-07-01", "reason": ""}]
        ),
    }
    assert post_section(signed_in, "availability", data).status_code == 302
    assert alice.unavailable_periods.count() == 1


def test_work_history_ending_before_start_refused(signed_in, alice, formset_data):
    data = formset_data(
        "work-history",
        [
            {
                "organisation": "KRA",
                "position": "Auditor",
                "start_date": "2012-01-01",
                "end_date": "2005-01-01",
            }
        ],
    )
    response = post_section(signed_in, "work-history", data)
    assert response.status_code == 400
    [row_errors] = response.context["formset"].errors
    assert row_errors["end_date"] == ["The end date cannot be before the start date."]
    assert not WorkExperience.objects.exists()


def test_work_history_current_job_without_end_accepted(signed_in, alice, formset_data):
    data = formset_data(
        "work-history",
        [{"organisation": "KRA", "position": "Head", "start_date": "2013-01-01", "end_date": ""}],
    )
    assert post_section(signed_in, "work-history", data).status_code == 302
    assert alice.work_history.get().end_date is None


def test_education_year_out_of_range_refused(signed_in, alice, formset_data):
    data = formset_data(
        "education",
        [{"degree": "BA", "institution": "UoN", "year_completed": str(timezone.now().year + 5)}],
    )
    response = post_section(signed_in, "education", data)
    assert response.status_code == 400
    assert "year_completed" in response.context["formset"].errors[0]
    assert not alice.education.exists()


def test_expertise_years_over_limit_refused(signed_in, alice, formset_data):
    data = formset_data("expertise", [{"area": str(area("transit").pk), "years": "99"}])
    response = post_section(signed_in, "expertise", data)
    assert response.status_code == 400
    assert "years" in response.context["formset"].errors[0]
    assert not alice.expertise.exists()


def test_languages_duplicate_rows_refused_and_nothing_saved(signed_in, alice, formset_data):
    english = str(language("en").pk)
    data = formset_data(
        "languages",
        [
            {"language": english, "proficiency": str(Proficiency.C1)},
            {"language": english, "proficiency": str(Proficiency.B1)},
        ],
    )
    response = post_section(signed_in, "languages", data)
    assert response.status_code == 400
    formset = response.context["formset"]
    all_errors = " ".join(str(e) for e in formset.non_form_errors()) + str(formset.errors)
    assert "duplicate" in all_errors.lower()
    assert not ExpertLanguage.objects.exists()
    assert fresh(alice).completeness == 0


def test_languages_duplicate_of_existing_row_refused(signed_in, alice, formset_data):
    existing = ExpertLanguage.objects.create(
        expert=alice, language=language("en"), proficiency=Proficiency.C1
    )
    data = formset_data(
        "languages",
        [
            {"id": str(existing.pk), "language": str(language("en").pk), "proficiency": "5"},
            {"language": str(language("en").pk), "proficiency": "3"},
        ],
        initial=1,
    )
    response = post_section(signed_in, "languages", data)
    assert response.status_code == 400
    assert alice.languages.count() == 1


def test_languages_bad_management_form_refused(signed_in, alice):
    response = post_section(signed_in, "languages", {"languages-0-language": "1"})
    assert response.status_code == 400
    assert not ExpertLanguage.objects.exists()


def test_languages_too_many_rows_refused(signed_in, alice, formset_data):
    from experts.models import Language

    rows = [
        {"language": str(pk), "proficiency": "3"}
        for pk in Language.objects.values_list("pk", flat=True)[:31]
    ]
    data = formset_data("languages", rows)
    data["languages-MAX_NUM_FORMS"] = "1000"
    response = post_section(signed_in, "languages", data)
    assert response.status_code == 400
    assert "Please submit at most 30 forms." in response.context["formset"].non_form_errors()
    assert not ExpertLanguage.objects.exists()


def test_consent_sets_date_and_version(signed_in, alice):
    before = timezone.now()
    response = post_section(signed_in, "consent", {"agree": "on"})
    assert response.status_code == 302
    expert = fresh(alice)
    assert expert.consent_given_at >= before
    assert expert.consent_version == settings.CONSENT_VERSION
    assert expert.has_current_consent


def test_consent_without_tick_refused(signed_in, alice):
    response = post_section(signed_in, "consent", {})
    assert_field_error(response, "agree", "Please tick the box to give your consent.")
    assert fresh(alice).consent_given_at is None


def test_consent_outdated_version_asked_again(signed_in, alice, settings):
    post_section(signed_in, "consent", {"agree": "on"})
    settings.CONSENT_VERSION = "2099-1"
    expert = fresh(alice)
    assert not expert.has_current_consent
    response = signed_in.get(reverse("experts:profile"))
    assert "The data protection terms have changed" in response.text


def test_confirm_profile_post_sets_date(signed_in, alice):
    before = timezone.now()
    response = signed_in.post(reverse("experts:confirm_profile"))
    assert response.status_code == 302
    assert fresh(alice).profile_confirmed_at >= before


def test_confirm_profile_get_not_allowed(signed_in, alice):
    response = signed_in.get(reverse("experts:confirm_profile"))
    assert response.status_code == 405
    assert fresh(alice).profile_confirmed_at is None


def test_section_error_page_says_nothing_saved(signed_in, alice):
    response = post_section(signed_in, "passport", {"passport_number": "!!", "passport_expiry": ""})
    assert "Nothing was saved" in response.text


def test_documents_untouched_by_other_sections(signed_in, alice, alice_cv, formset_data):
    post_section(signed_in, "biography", biography_data(formset_data))
    assert ExpertDocument.objects.get().pk == alice_cv.pk
