"""Journey: a Secretariat officer imports a spreadsheet of experts: uploads it, reads the preview
row by row (a good row, a bad row, a duplicate), chooses to send activation links, applies it,
and finds the new expert in the directory."""

import re

import pytest
from playwright.sync_api import Page, expect

from ace_portal.accounts.models import Invitation
from experts.enums import ImportState
from experts.models import Expert, ExpertImport
from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB, fresh_totp_code, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_officer_imports_experts_from_a_csv_file(
    page: Page, live_server, officer, alice, current_totp_code, tmp_path, mailoutbox
):
    spreadsheet = tmp_path / "experts.csv"
    spreadsheet.write_text(
        "email,given_names,family_name,administration,languages,areas\n"
        "wanjiru.kamau@customs.example,Wanjiru,Kamau,KE,en:C1; fr:B1,risk-management:6\n"
        "not-an-email,Broken,Row,KE,,\n"
        f"{alice.user.email},Alice,Mwangi,KE,,\n",
        encoding="utf-8",
    )

    sign_in(page, live_server.url, "officer@wco.example", DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("link", name="Import experts").click()
    expect(page.get_by_role("heading", name="Import experts", level=1)).to_be_visible()
    page.get_by_label(label("Spreadsheet (CSV or Excel .xlsx)")).set_input_files(spreadsheet)
    page.get_by_role("button", name="Check the file").click()

    # The preview: nothing written yet, a reason for every row left out.
    expect(page.get_by_role("heading", name="Import of experts.csv", level=1)).to_be_visible()
    expect(page.get_by_text("Ready to confirm", exact=True)).to_be_visible()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Create")
    expect(rows.nth(0)).to_contain_text("Wanjiru Kamau")
    expect(rows.nth(1)).to_contain_text("Rejected")
    expect(rows.nth(1)).to_contain_text("email: Enter a valid email address.")
    expect(rows.nth(2)).to_contain_text("Possible duplicate")
    expect(rows.nth(2)).to_contain_text("An expert with this email is already registered.")
    expect(rows.nth(2).get_by_role("link", name="See Alice Mwangi")).to_be_visible()
    expect(page.get_by_text("1 row will be written, all together or not at all.")).to_be_visible()
    assert not Expert.objects.filter(user__email="wanjiru.kamau@customs.example").exists()

    page.get_by_label("Email an activation link to each expert created").check()
    page.get_by_role("button", name="Apply the import").click()

    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"Applied .* by officer@wco\.example: 1 experts created, 0 updated\.")
    )
    expect(page.get_by_role("status")).to_contain_text(
        "Activation links were emailed to the new experts."
    )
    expert_import = ExpertImport.objects.get()
    assert expert_import.state == ImportState.APPLIED
    assert list(Invitation.objects.values_list("user__email", flat=True)) == [
        "wanjiru.kamau@customs.example"
    ]
    assert [message.to for message in mailoutbox] == [["wanjiru.kamau@customs.example"]]

    # The new expert is on the roster and can be found.
    page.get_by_role("link", name="See the experts in the directory").click()
    expect(page.get_by_role("heading", name="Find experts", level=1)).to_be_visible()
    page.get_by_label(label("Search")).fill("Kamau")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-title")).to_have_text("1 expert")
    page.get_by_role("link", name="Kamau, Wanjiru").click()
    expect(page.get_by_role("heading", name="Wanjiru Kamau", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Risk management")
