"""Journey: an expert asks for recognition in a new area with a document, a reviewer approves it
in the admin with a reason, and the expert sees the new accreditation and its history."""

import pytest
from playwright.sync_api import Page, expect

from experts.enums import RequestState
from experts.models import Accreditation, AccreditationRequest, ThematicArea
from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB, MINIMAL_PDF, fresh_totp_code, label, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

REASON = "Ten years leading AEO validations in Kenya; the reference letter confirms it."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_expert_requests_recognition_reviewer_approves_expert_sees_it(
    page: Page, live_server, alice, admin_user, current_totp_code, tmp_path
):
    area = ThematicArea.objects.get(code="aeo-safe")
    letter = tmp_path / "reference-letter.pdf"
    letter.write_bytes(MINIMAL_PDF)

    # The expert asks for recognition.
    sign_in(page, live_server.url, alice.user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    page.get_by_role("link", name="My accreditations").click()
    expect(page.get_by_role("heading", name="My accreditations", level=1)).to_be_visible()
    expect(page.get_by_text("You have no accreditations recorded yet.")).to_be_visible()
    page.get_by_role("link", name="Make a request").click()

    expect(page.get_by_role("heading", name="Make a request", level=1)).to_be_visible()
    page.get_by_label(label("What would you like to request?")).select_option(
        label="Recognition in a new area"
    )
    page.get_by_label(label("Profile")).select_option(
        label="TOA - Technical and Operational Advisor"
    )
    page.get_by_label(label("Thematic area")).select_option(label=area.name_en)
    page.get_by_label(label("Message to the WCO Secretariat")).fill(
        "I have led AEO validations for ten years; please recognize me as a TOA."
    )
    page.get_by_label(label("Supporting document (PDF)")).set_input_files(letter)
    page.get_by_role("button", name="Send the request").click()

    expect(page).to_have_url(f"{live_server.url}/me/accreditations/")
    expect(page.get_by_text("Your request was sent to the WCO Secretariat")).to_be_visible()
    pending = page.get_by_test_id("request")
    expect(pending).to_contain_text("Recognition in a new area")
    expect(pending).to_contain_text(f"TOA · {area.name_en}")
    expect(pending).to_contain_text("Waiting for a decision")
    expect(pending.get_by_role("link", name="reference-letter.pdf")).to_be_visible()
    request = AccreditationRequest.objects.get()
    assert request.state == RequestState.PENDING
    sign_out(page)

    # The reviewer approves it in the admin, with a reason.
    sign_in(page, live_server.url, admin_user.email, DEFAULT_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(f"{live_server.url}/accounts/2fa/authenticate/")

    page.goto(f"{live_server.url}/admin/experts/accreditationrequest/")
    page.locator(f"input[name=_selected_action][value='{request.pk}']").check()
    page.locator("select[name=action]").select_option(label="Approve the selected requests")
    # Django 6 calls the admin's "Go" button "Run".
    page.locator("div.actions").get_by_role("button", name="Run").click()
    page.get_by_label(label("Reason (shown to the expert)")).fill(REASON)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    page.goto(f"{live_server.url}/")
    sign_out(page)

    # The expert sees the new state and the reason in the timeline.
    sign_in(page, live_server.url, alice.user.email, DEFAULT_PASSWORD)
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    page.get_by_role("link", name="My accreditations").click()
    accreditation = page.get_by_test_id("accreditation")
    expect(accreditation).to_have_count(1)
    expect(accreditation.get_by_role("heading", level=2)).to_have_text(
        f"TOA - Technical and Operational Advisor · {area.name_en}"
    )
    expect(accreditation.locator("dl")).to_contain_text("Recognized")
    event = accreditation.get_by_test_id("timeline-event")
    expect(event).to_have_count(1)
    expect(event).to_contain_text("Recognized")
    expect(event).to_contain_text(REASON)
    expect(event.get_by_role("link", name="reference-letter.pdf")).to_be_visible()
    expect(page.get_by_test_id("request")).to_contain_text("Approved")
    expect(page.get_by_test_id("request")).to_contain_text(REASON)

    assert Accreditation.objects.get(expert=alice).state == "recognized"
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (RequestState.APPROVED, admin_user)
