"""Journey 4: the header's language switcher changes the page language and is remembered."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_switching_to_french_sets_html_lang_and_stores_the_preference(
    page: Page, live_server, alice
):
    user = alice.user
    assert user.preferred_language == "en"
    sign_in(page, live_server.url, user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    switcher = page.locator("form.language-switcher")
    switcher.get_by_label(label("Site language")).select_option(label="Français")
    switcher.get_by_role("button").click()

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page).to_have_url(f"{live_server.url}/me/profile/")
    expect(page.locator("#language-select")).to_have_value("fr")
    user.refresh_from_db()
    assert user.preferred_language == "fr"

    # The stored preference, not only the cookie, holds on the next page.
    page.context.clear_cookies(name="django_language")
    page.goto(f"{live_server.url}/me/missions/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
