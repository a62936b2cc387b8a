"""Journey 2: a Secretariat officer signs in with MFA and opens an expert's page; experts cannot."""

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Page, expect

from experts.enums import DocumentKind
from experts.models import ExpertDocument
from experts.services.search import refresh_search_vectors
from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB, MINIMAL_PDF, fresh_totp_code, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_officer_signs_in_with_mfa_and_sees_the_full_expert_page(
    page: Page, live_server, officer, alice, current_totp_code
):
    alice.passport_number = "AK7654321"
    alice.save(update_fields=["passport_number"])
    ExpertDocument.objects.create(
        expert=alice,
        kind=DocumentKind.CV,
        file=ContentFile(MINIMAL_PDF, name="cv.pdf"),
        original_name="alice-mwangi-cv.pdf",
        size=len(MINIMAL_PDF),
        uploaded_by=alice.user,
    )
    refresh_search_vectors()  # the factory wrote Alice with the ORM, not through the services

    sign_in(page, live_server.url, "officer@wco.example", DEFAULT_PASSWORD)
    # allauth's second step: the authenticator code.
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(f"{live_server.url}/secretariat/experts/")
    expect(page.get_by_role("heading", name="Find experts", level=1)).to_be_visible()
    page.get_by_label(label("Search")).fill("Mwangi")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-title")).to_have_text("1 expert")
    page.get_by_role("link", name="Mwangi, Alice").click()

    expect(page.get_by_role("heading", name="Alice Mwangi", level=1)).to_be_visible()
    expect(page.locator("#section-passport")).to_contain_text("AK7654321")
    cv_link = page.locator("#section-cv").get_by_role("link", name="alice-mwangi-cv.pdf")
    expect(cv_link).to_be_visible()
    with page.expect_download() as download_info:
        cv_link.click()
    download = download_info.value
    assert download.suggested_filename == "alice-mwangi-cv.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read() == MINIMAL_PDF


def test_expert_gets_404_on_the_secretariat_page_of_another_expert(
    page: Page, live_server, alice, bob, expected_console_errors
):
    expected_console_errors.append(f"/secretariat/experts/{alice.pk}/")
    sign_in(page, live_server.url, bob.user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()

    response = page.goto(f"{live_server.url}/secretariat/experts/{alice.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Mwangi")
