"""Journey: an officer exports a large list from a phone; the worker writes it, the page says when
it is ready, and the file downloads. At 360 px, with no sideways scrolling and no console error."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD, ExpertFactory

from .conftest import BROWSER_DB, fresh_totp_code, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_officer_exports_a_large_list_on_a_phone(
    page: Page, live_server, officer, settings, current_totp_code
):
    settings.ACE_EXPORT_STREAM_MAX_ROWS = 2  # three experts make a "large" export here
    for number in range(3):
        ExpertFactory(family_name=f"Sample{number}")
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and errors.append(
                (page.url, message.text[:200] + " " + str(message.location.get("url")))
            )
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 360, "height": 740})

    sign_in(page, live_server.url, "officer@wco.example", DEFAULT_PASSWORD)
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/secretariat/experts/")

    page.goto(f"{live_server.url}/secretariat/experts/export/?format=csv")
    expect(page.get_by_role("heading", name="Export of experts", level=1)).to_be_visible()
    expect(page.locator("#export-status")).to_contain_text("The file is ready: 3 experts.")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px of sideways scrolling at 360 px"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        lines = handle.read().splitlines()
    assert len(lines) == 1 + 3
    assert errors == [], errors
