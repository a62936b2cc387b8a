"""Journey: a Secretariat officer merges a duplicate record of an expert into the original."""

import re

import pytest
from playwright.sync_api import Page, expect

from experts.enums import Proficiency
from experts.models import Expert, ExpertLanguage, ExpertMerge
from tests.factories import DEFAULT_PASSWORD, ExpertFactory, language

from .conftest import BROWSER_DB, fresh_totp_code, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_officer_merges_a_duplicate_choosing_its_values(
    page: Page, live_server, officer, alice, current_totp_code
):
    alice.phone = "+254 20 4999999"
    alice.save(update_fields=["phone"])
    duplicate = ExpertFactory(
        given_names="Alice",
        family_name="Mwangi-Otieno",
        user__email="alice.mwangi@mail.example",
        phone="+254 722 000111",
    )
    ExpertLanguage.objects.create(
        expert=duplicate, language=language("fr"), proficiency=Proficiency.C1
    )

    sign_in(page, live_server.url, "officer@wco.example", DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}/secretariat/experts/")

    page.goto(f"{live_server.url}/secretariat/experts/{alice.pk}/")
    page.get_by_role("link", name="Merge with another record…").click()
    expect(page.get_by_role("heading", name="Merge a duplicate into Alice Mwangi")).to_be_visible()
    page.get_by_label(label("The other record")).fill("alice.mwangi@mail.example")
    page.get_by_role("button", name="Compare the two records").click()

    # One labelled group per differing field; the survivor's value is preselected.
    family_name = page.get_by_role("group", name="Family name")
    expect(family_name.get_by_role("radio", name=re.compile(r"^Mwangi \(record"))).to_be_checked()
    family_name.get_by_role("radio", name=re.compile(r"^Mwangi-Otieno")).check()
    phone = page.get_by_role("group", name="Phone")
    expect(phone.get_by_role("radio", name=re.compile(r"^\+254 20"))).to_be_checked()
    phone.get_by_role("radio", name=re.compile(r"^\+254 722")).check()
    expect(page.get_by_role("region", name=re.compile("What moves here"))).to_contain_text(
        "French (C1 - Advanced)"
    )
    page.get_by_role("button", name="Merge the records").click()

    expect(page).to_have_url(f"{live_server.url}/secretariat/experts/{alice.pk}/")
    expect(page.get_by_role("heading", name="Alice Mwangi-Otieno", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("was merged into this record.")
    expect(page.locator("#section-contact")).to_contain_text("+254 722 000111")
    expect(page.locator("#section-languages")).to_contain_text("French")
    merged = page.get_by_role("region", name="Merged records")
    expect(merged).to_contain_text(f"Alice Mwangi-Otieno (record {duplicate.pk}), merged by Sam")

    assert not Expert.objects.filter(pk=duplicate.pk).exists()
    assert ExpertMerge.objects.get().merged_by == officer
