"""Journey 1: an invited expert activates the account and completes the profile."""

import re

import pytest
from playwright.sync_api import Page, expect

from experts.models import MemberAdministration
from experts.services.profile import register_expert

from .conftest import BROWSER_DB, MINIMAL_PDF, completeness, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

PASSWORD = "Tariff-Harmony-2026!"


def _activation_link(mailoutbox, email: str) -> str:
    assert len(mailoutbox) == 1, "register_expert(invite=True) sends one activation email"
    message = mailoutbox[0]
    assert message.to == [email]
    match = re.search(r"https?://\S+/accounts/invitation/[\w-]+/", message.body)
    assert match, message.body
    return match.group(0)


def test_invited_expert_activates_signs_in_and_completes_profile(
    page: Page, live_server, officer, mailoutbox, tmp_path
):
    email = "grace.achieng@customs.example"
    register_expert(
        email=email,
        given_names="Grace",
        family_name="Achieng",
        home_administration=MemberAdministration.objects.get(iso_code="KE"),
        by=officer,
        invite=True,
        base_url=live_server.url,
    )
    link = _activation_link(mailoutbox, email)
    assert link.startswith(live_server.url)

    # Activation: choose a password, land on the profile, signed in.
    page.goto(link)
    expect(page.get_by_role("heading", name="Activate your account")).to_be_visible()
    page.get_by_label(label("Password")).fill(PASSWORD)
    page.get_by_label(label("Password (again)")).fill(PASSWORD)
    page.get_by_role("button", name="Activate my account").click()
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    expect(page.get_by_text("Welcome! Your account is active.")).to_be_visible()
    start = completeness(page)

    # Sign out, then in again with the new password.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in(page, live_server.url, email, PASSWORD)
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    assert completeness(page) == start

    # Employment.
    page.get_by_role("link", name="Edit Employment").click()
    expect(page.get_by_role("heading", name="Employment", level=1)).to_be_visible()
    page.get_by_label(label("Home administration")).select_option(label="Uganda")
    page.get_by_label(label("Position")).fill("Senior Customs Officer")
    page.get_by_label(label("Years in Customs")).fill("12")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Employment saved.")).to_be_visible()
    employment = page.locator("#section-employment")
    expect(employment).to_contain_text("Uganda")
    expect(employment).to_contain_text("Senior Customs Officer")
    after_employment = completeness(page)
    assert after_employment > start

    # Languages: select within the section form.
    page.get_by_role("link", name="Edit Languages").click()
    form = page.locator("form.section-form")
    form.get_by_label(label("Language")).select_option(label="French")
    form.get_by_label(label("Proficiency")).select_option(label="C1 - Advanced")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Languages saved.")).to_be_visible()
    expect(page.locator("#section-languages")).to_contain_text("French: C1 - Advanced")
    after_languages = completeness(page)
    assert after_languages > after_employment

    # CV.
    cv = tmp_path / "grace-achieng-cv.pdf"
    cv.write_bytes(MINIMAL_PDF)
    page.get_by_role("link", name="Edit CV").click()
    page.get_by_label(label("CV (PDF)")).set_input_files(cv)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("CV saved.")).to_be_visible()
    cv_link = page.locator("#section-cv").get_by_role("link", name="grace-achieng-cv.pdf")
    expect(cv_link).to_be_visible()
    after_cv = completeness(page)
    assert after_cv > after_languages

    # The meter agrees with the number.
    expect(page.locator("#completeness-meter")).to_have_attribute("value", str(after_cv))
    page.screenshot(path="/tmp/profile.png", full_page=True)
