"""Journey: a member of a working group uploads a draft presentation on her phone; the
Secretariat opens it from the library and approves it; an expert of the area who is not in the
group finds it by a word that only the file's speaker notes hold, and downloads it.

The text is read as in production: the upload queues the extraction once its rows are committed,
and a real Celery worker process reads the file from the shared private storage. Nothing is
extracted in the test's own process.
"""

import pytest
from playwright.sync_api import Page, expect

from materials.enums import MaterialState, TextExtraction, VersionReview
from materials.models import Material, MaterialVersion
from tests.factories import DEFAULT_PASSWORD
from tests.materials.extraction_documents import pptx_bytes
from tests.worker_fixtures import wait_until

from .conftest import BROWSER_DB, fresh_totp_code, label, sign_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.worker, BROWSER_DB]

# A word no title, description or tag holds: only the speaker notes of the second slide.
HIDDEN_WORD = "zephyrine"


def _no_sideways_scrolling(page: Page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow} px of sideways scrolling at 360 px on {page.url}"


def test_a_member_uploads_a_draft_the_secretariat_approves_it_and_an_expert_finds_it_by_a_word_inside(  # noqa: E501
    page: Page,
    browser,
    live_server,
    group,
    alice,
    carol,
    dan,
    officer,
    current_totp_code,
    extraction_worker,
    tmp_path,
):
    presentation = tmp_path / "indicators.pptx"
    presentation.write_bytes(
        pptx_bytes(title="Parcels at risk", notes=f"Ask about the {HIDDEN_WORD} routing.")
    )

    errors = []

    def opened(**options) -> Page:
        return watch_console(browser.new_page(**options), errors)

    # Alice, a member, sends a draft from her phone.
    phone = opened(viewport={"width": 360, "height": 740})
    sign_in(phone, live_server.url, alice.user.email, DEFAULT_PASSWORD)
    phone.goto(f"{live_server.url}/materials/")
    phone.get_by_role("link", name="New material from my working group").click()
    phone.get_by_label(label("Title")).fill("Risk indicators for postal parcels")
    phone.get_by_label(label("Kind")).select_option(label="Presentation")
    phone.get_by_label(label("Languages")).select_option(label="English")
    phone.get_by_label(label("Tags")).fill("e-commerce, parcels")
    phone.get_by_label(label("File (PDF, Word, PowerPoint, Excel or an image)")).set_input_files(
        presentation
    )
    _no_sideways_scrolling(phone)
    phone.get_by_role("button", name="Send for review").click()
    expect(phone.get_by_text("Material sent to the Secretariat for review.")).to_be_visible()
    _no_sideways_scrolling(phone)
    material = Material.objects.get()
    assert material.state == MaterialState.DRAFT
    version = MaterialVersion.objects.get()
    assert version.review == VersionReview.IN_REVIEW
    wait_until(
        lambda: MaterialVersion.objects.filter(extraction=TextExtraction.DONE).exists(),
        timeout=60,
        message=lambda: extraction_worker.output(),
    )
    phone.close()

    # Before approval, Carol (of the area, not in the group) neither finds nor opens it.
    carol_page = opened()
    sign_in(carol_page, live_server.url, carol.user.email, DEFAULT_PASSWORD)
    carol_page.goto(f"{live_server.url}/materials/?q={HIDDEN_WORD}")
    expect(carol_page.get_by_text("0 materials")).to_be_visible()
    response = carol_page.goto(f"{live_server.url}/materials/{material.pk}/")
    assert response.status == 404

    # The officer reviews it from the library and approves it.
    sign_in(page, live_server.url, officer.email, DEFAULT_PASSWORD)
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/materials/")
    page.get_by_role("link", name="Risk indicators for postal parcels").click()
    expect(page.get_by_role("heading", name="Review of version 1")).to_be_visible()
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.get_by_text("Published", exact=False).first).to_be_visible()
    material.refresh_from_db()
    assert material.state == MaterialState.PUBLISHED

    # Carol searches the library for the word inside the file, finds it and downloads it.
    carol_page.goto(f"{live_server.url}/materials/")
    carol_page.get_by_label(label("Search")).fill(HIDDEN_WORD)
    carol_page.get_by_role("button", name="Filter").click()
    expect(carol_page.get_by_text("1 material", exact=True)).to_be_visible()
    carol_page.get_by_role("link", name="Risk indicators for postal parcels").click()
    with carol_page.expect_download() as download:
        carol_page.get_by_role("link", name="Download Risk indicators for postal parcels").click()
    assert download.value.suggested_filename == "indicators.pptx"
    assert download.value.path().read_bytes() == presentation.read_bytes()
    carol_page.close()

    # Dan, accredited in another area, finds nothing and is a stranger to the material.
    dan_page = opened()
    sign_in(dan_page, live_server.url, dan.user.email, DEFAULT_PASSWORD)
    dan_page.goto(f"{live_server.url}/materials/?q={HIDDEN_WORD}")
    expect(dan_page.get_by_text("0 materials")).to_be_visible()
    assert dan_page.goto(f"{live_server.url}/materials/{material.pk}/").status == 404
    dan_page.close()
    # The only errors the other pages logged are the 404s this journey asked for.
    asked = f"{live_server.url}/materials/{material.pk}/"
    assert errors and all(asked in e and "404" in e for e in errors), errors
