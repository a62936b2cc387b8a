"""Journey: a Secretariat officer finds experts by area and language, the results updating in
place (htmx, no page reload), saves the search, and downloads the list as CSV."""

import re

import pytest
from playwright.sync_api import Page, expect

from experts.enums import Proficiency
from experts.models import Expertise, ExpertLanguage
from tests.factories import DEFAULT_PASSWORD, ExpertFactory, area, language

from .conftest import BROWSER_DB, fresh_totp_code, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def expert(given, family, *, areas, languages):
    person = ExpertFactory(given_names=given, family_name=family)
    for code in areas:
        Expertise.objects.create(expert=person, area=area(code), years=4)
    for code, level in languages.items():
        ExpertLanguage.objects.create(expert=person, language=language(code), proficiency=level)
    return person


def test_officer_filters_saves_the_search_and_downloads_the_csv(
    page: Page, live_server, officer, current_totp_code
):
    expert("Grace", "Achieng", areas=["risk-management"], languages={"en": Proficiency.C1})
    expert("Pierre", "Martin", areas=["risk-management"], languages={"fr": Proficiency.NATIVE})
    expert("Ken", "Sato", areas=["transit"], languages={"en": Proficiency.NATIVE})
    expert("Lina", "Haddad", areas=["risk-management"], languages={"en": Proficiency.B1})
    risk, english = area("risk-management").pk, language("en").pk

    sign_in(page, live_server.url, "officer@wco.example", DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="Find experts").click()
    expect(page.get_by_role("heading", name="Find experts", level=1)).to_be_visible()
    results = page.locator("#results")
    expect(page.locator("#results-title")).to_have_text("4 experts")

    # From here on, nothing may reload the page: the marker would be gone.
    page.evaluate("window.__marker = 1")
    page.get_by_label("Areas of expertise", exact=True).select_option(label="Risk management")
    expect(page.locator("#results-title")).to_have_text("3 experts")
    page.get_by_label("Language 1", exact=True).select_option(label="English")
    page.get_by_label("Minimum level 1", exact=True).select_option(label="B2 - Upper intermediate")
    expect(page.locator("#results-title")).to_have_text("1 expert")
    expect(results).to_contain_text("Achieng, Grace")
    expect(results).not_to_contain_text("Martin")  # no English
    expect(results).not_to_contain_text("Haddad")  # English B1 only
    expect(results).not_to_contain_text("Sato")  # not in risk management
    assert page.evaluate("window.__marker") == 1
    # The filters are in the address (hx-push-url): bookmarkable and shareable.
    expect(page).to_have_url(re.compile(rf"/secretariat/experts/\?.*\barea={risk}\b"))
    expect(page).to_have_url(re.compile(rf"[?&]language={english}\b"))
    expect(page).to_have_url(re.compile(rf"[?&]level={int(Proficiency.B2)}\b"))

    page.get_by_label("Save this search as").fill("English risk experts")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Search saved as “English risk experts”.")).to_be_visible()
    saved = page.get_by_role("link", name="English risk experts")
    expect(saved).to_be_visible()
    expect(page.locator("#results-title")).to_have_text("1 expert")  # the search, re-run

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.startswith("experts-")
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        text = handle.read()
    assert "Achieng" in text and "Grace" in text
    assert "Martin" not in text and "Haddad" not in text and "Sato" not in text

    # The saved search re-runs from its link, from a page without filters.
    page.get_by_role("link", name="Clear all filters").click()
    expect(page.locator("#results-title")).to_have_text("4 experts")
    page.get_by_role("link", name="English risk experts").click()
    expect(page.locator("#results-title")).to_have_text("1 expert")
    expect(page.locator("#results")).to_contain_text("Achieng, Grace")
