"""Journey: an officer creates a mission with a position, opens staffing, sees its ranked
candidates with their points and invites the top one; the expert accepts in "My missions" on her
phone; her administration releases her through its emailed link, without an account; the
officer sees the seat confirmed. At 360 px, no sideways scrolling; no console error anywhere.

The mission then takes place; the lead uploads the report from her phone; the officer accepts
it and evaluates her, and she sees the evaluation without the internal note.

Its notifications are delivered as in production: the portal queues them, a real Celery worker
process sends them over SMTP to a sink, and the journey reads them there (the administration's
release link exists nowhere else once sent). Nothing is emailed from the test's own process.
"""

import re
from collections import Counter
from datetime import date, timedelta
from email import message_from_bytes
from email import policy as email_policy

import pytest
from django.conf import settings as django_settings
from django.core import mail
from playwright.sync_api import Page, expect

from ace_portal.notifications.enums import NotificationState
from ace_portal.notifications.models import Notification
from experts.models import MemberAdministration, ProfileType
from missions.models import Mission
from tests.factories import DEFAULT_PASSWORD
from tests.missions.staffing import accredited
from tests.worker_fixtures import wait_until

from .conftest import BROWSER_DB, MINIMAL_PDF, fresh_totp_code, label, sign_in, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.worker, BROWSER_DB]

# From the click to the sink, through the broker and the worker: seconds on a busy machine.
EMAIL_SECONDS = 20
PREFIX = "[ACE Portal] "


def _no_sideways_scrolling(page: Page):
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
        " > document.documentElement.clientWidth).map(e => e.tagName + '.' + e.className + ' '"
        " + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
    )
    assert overflow <= 0, f"{wide} {overflow} px of sideways scrolling at 360 px on {page.url}"


def _subject(received) -> str:
    # A long subject is folded onto the header's next line; unfolded, it keeps that line's
    # leading space, which mail clients do not show.
    return received.subject.strip()


def _received(sink) -> list[tuple[tuple[str, ...], str]]:
    return [(message.recipients, _subject(message)) for message in sink.messages]


def _email(sink, to: str, subject: str):
    """The email to ``to`` with ``subject``, once the worker has delivered it to the sink."""
    subject = PREFIX + subject
    found = wait_until(
        lambda: [m for m in sink.messages if m.recipients == (to,) and _subject(m) == subject],
        timeout=EMAIL_SECONDS,
        message=lambda: f"no email {subject!r} to {to}; the sink has {_received(sink)}",
    )
    assert len(found) == 1, f"{len(found)} emails {subject!r} to {to}"
    return found[0]


def _text(received) -> str:
    """The plain-text part of an email as the sink received it."""
    message = message_from_bytes(received.content, policy=email_policy.default)
    return message.get_body(preferencelist=("plain",)).get_content()


def _all_settled(rows) -> None:
    """Every notification the journey queued ends sent (none left pending, failed, skipped)."""
    wait_until(
        lambda: not rows.exclude(state=NotificationState.SENT).exists(),
        timeout=EMAIL_SECONDS,
        message=lambda: (
            f"notifications not all sent: {Counter(rows.values_list('state', flat=True))}"
        ),
    )


def test_an_officer_invites_the_top_candidate_who_accepts_on_a_phone_and_is_released_by_link(
    page: Page, browser, live_server, officer, current_totp_code, worker, smtp_sink, settings
):
    # The links in the emails lead to this portal (they are written when the email is queued).
    settings.ACE_BASE_URL = live_server.url
    kenya = MemberAdministration.objects.get(iso_code="KE")
    kenya.release_contacts = "hr@kra.example"
    kenya.save()
    toa = ProfileType.objects.get(code="TOA")
    amani = accredited("Amani", "KE", toa)
    accredited("Kofi", "GH", toa)  # of the beneficiary: excluded
    errors = []
    watch_console(page, errors)

    # The officer creates the mission and its position, plans it and opens staffing.
    sign_in(page, live_server.url, officer.email, DEFAULT_PASSWORD)
    page.locator("input[name=code]").fill(fresh_totp_code(current_totp_code))
    page.get_by_role("button", name="Sign In").click()
    page.goto(f"{live_server.url}/secretariat/missions/")
    page.get_by_role("link", name="New mission").click()
    page.get_by_label(label("Title")).fill("Risk management diagnostic")
    page.get_by_label(label("Mission type")).select_option(label="Diagnostic")
    page.get_by_label(label("Thematic area")).select_option(label="Risk management")
    page.get_by_label(label("Beneficiary administrations")).select_option(label="Ghana")
    page.get_by_label(label("Region")).select_option(label="West and Central Africa")
    page.get_by_label(label("Delivery")).select_option(label="Virtual")
    start = date.today() + timedelta(days=40)
    page.get_by_label(label("Start")).fill(start.isoformat())
    page.get_by_label(label("End")).fill((start + timedelta(days=4)).isoformat())
    page.get_by_label(label("English")).check()
    page.get_by_role("button", name="Create the mission").click()
    expect(page.get_by_text("created.")).to_be_visible()
    mission = Mission.objects.get()
    page.get_by_label(label("Role")).select_option(label="Lead expert")
    page.get_by_label(label("Profile")).select_option(value=str(toa.pk))
    page.get_by_label(label("Thematic area")).select_option(label="Risk management")
    page.get_by_label("Invite the next candidate automatically").check()
    page.get_by_role("button", name="Add the position").click()
    expect(page.get_by_text("Position added.")).to_be_visible()
    page.get_by_role("button", name="Mark as planned").click()
    page.get_by_role("button", name="Open staffing").click()
    expect(page.get_by_text("The mission is now staffing.")).to_be_visible()

    # It sees the ranked candidates with their points, and invites the top one.
    page.get_by_role("link", name="Candidates and invitations").click()
    ranked = page.get_by_role("table").first
    expect(ranked.get_by_role("row").nth(1)).to_contain_text("Amani, Ana")
    expect(ranked.get_by_role("columnheader", name="Rotation")).to_be_visible()
    expect(page.get_by_text("From a beneficiary administration: 1")).to_be_visible()
    page.get_by_label("Invite Amani, Ana").check()
    page.get_by_role("button", name="Invite the selected experts").click()
    expect(page.get_by_text("1 invitation sent.")).to_be_visible()
    expect(page.get_by_role("cell", name="Waiting for an answer")).to_be_visible()
    reference = mission.reference
    _email(smtp_sink, amani.user.email, f"Invitation to mission {reference}: {mission.title}")

    # The expert answers from "My missions" on her phone.
    phone = watch_console(
        browser.new_context(viewport={"width": 360, "height": 740}).new_page(), errors
    )
    sign_in(phone, live_server.url, amani.user.email, DEFAULT_PASSWORD)
    phone.goto(f"{live_server.url}/me/missions/")
    expect(phone.get_by_role("heading", name="Invitations to answer")).to_be_visible()
    _no_sideways_scrolling(phone)
    phone.get_by_label("I accept").check()
    phone.get_by_role("button", name="Send my answer").click()
    expect(phone.get_by_text("you accepted this invitation")).to_be_visible()
    expect(phone.get_by_text("Waiting for the release")).to_be_visible()

    # Her administration opens the link the worker emailed it, on a phone, signed out, and
    # releases her.
    _email(smtp_sink, officer.email, f"{reference}: {amani.full_name} accepted")
    request = _email(
        smtp_sink, "hr@kra.example", f"Release of {amani.full_name} for WCO mission {reference}"
    )
    link = re.search(r"\S+/missions/releases/[^/\s]+/", _text(request)).group()
    assert link.startswith(f"{live_server.url}/"), link
    office = watch_console(
        browser.new_context(viewport={"width": 360, "height": 740}).new_page(), errors
    )
    office.goto(link)
    expect(office.get_by_role("heading", level=1)).to_contain_text(mission.reference)
    _no_sideways_scrolling(office)
    office.get_by_label("We release this officer for the mission").check()
    office.get_by_label("Your name and function").fill("K. Otieno, Human resources")
    office.get_by_role("button", name="Send our answer").click()
    expect(office.get_by_text("Thank you: your answer was recorded.")).to_be_visible()
    expect(office.get_by_role("button", name="Send our answer")).to_have_count(0)
    _email(smtp_sink, amani.user.email, f"You are confirmed on mission {reference}")
    _email(smtp_sink, officer.email, f"{reference}: {amani.full_name} is released and confirmed")

    # The officer sees the seat confirmed, in the list and on the mission's page, on a phone too.
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}/secretariat/missions/")
    _no_sideways_scrolling(page)
    page.get_by_role("link", name=mission.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(mission.reference)
    expect(page.get_by_role("cell", name="Confirmed", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Released")).to_be_visible()
    _no_sideways_scrolling(page)
    phone.reload()
    expect(phone.get_by_role("region", name="Upcoming missions")).to_contain_text(
        f"{mission.reference} · Risk management diagnostic · Lead expert"
    )
    expect(phone.get_by_role("region", name="Upcoming missions")).to_contain_text("Confirmed")

    # The mission takes place (the daily task would move it by its dates; here, by hand).
    page.set_viewport_size({"width": 1280, "height": 900})
    for button in ("Confirm the mission", "Mark as started", "Mark as delivered"):
        page.get_by_role("button", name=button).click()
        expect(page.get_by_text("The mission is now")).to_be_visible()

    # The lead uploads the report from her phone; the officer accepts it and evaluates her.
    phone.reload()
    expect(phone.get_by_role("heading", name="Reports due")).to_be_visible()
    phone.get_by_label("Mission report (PDF)").set_input_files(
        {"name": "report.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    phone.get_by_role("button", name="Send the report").click()
    expect(phone.get_by_text("your report was sent to the Secretariat")).to_be_visible()
    page.reload()
    expect(page.get_by_role("link", name="Download the report")).to_be_visible()
    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Report accepted: the mission is reported.")).to_be_visible()
    page.get_by_role("link", name="Evaluate").click()
    for criterion in ("Technical knowledge", "Facilitation", "Use of WCO tools"):
        page.get_by_label(label(criterion)).select_option("5")
    for criterion in ("Communication", "Teamwork"):
        page.get_by_label(label(criterion)).select_option("4")
    page.get_by_label(label("Comment (shown to the expert)")).fill("A clear, well-run diagnostic.")
    page.get_by_label(label("Internal note (Secretariat only)")).fill("Lead again in 2027.")
    page.get_by_role("button", name="Record the evaluation").click()
    expect(page.get_by_text("Evaluation recorded.")).to_be_visible()
    expect(page.get_by_role("cell", name="4.6 of 5")).to_be_visible()
    phone.reload()
    past = phone.get_by_role("region", name="Past missions")
    expect(past).to_contain_text("Evaluation: 4.6 of 5")
    expect(past).to_contain_text("A clear, well-run diagnostic.")
    expect(past).not_to_contain_text("Lead again in 2027.")
    _no_sideways_scrolling(phone)
    assert errors == [], errors

    # Every notification was delivered by the worker, once: one message per outbox row, each
    # row sent at its first attempt, the release link erased from the row once emailed.
    rows = Notification.objects.all()
    _all_settled(rows)
    assert sorted(_received(smtp_sink)) == sorted(
        (to, PREFIX + subject)
        for to, subject in [
            ((amani.user.email,), f"Invitation to mission {reference}: {mission.title}"),
            ((officer.email,), f"{reference}: {amani.full_name} accepted"),
            (("hr@kra.example",), f"Release of {amani.full_name} for WCO mission {reference}"),
            ((amani.user.email,), f"You are confirmed on mission {reference}"),
            ((officer.email,), f"{reference}: {amani.full_name} is released and confirmed"),
            # The delivered mission restarts the validity of her accreditation from its end.
            ((amani.user.email,), "Your accreditation has changed: TOA · Risk management"),
            ((officer.email,), f"{reference}: report submitted by {amani.full_name} (version 1)"),
            ((amani.user.email,), f"Mission {reference}: your report is accepted"),
        ]
    )
    domain = django_settings.NOTIFICATIONS_DOMAIN
    assert Counter(m.message_id for m in smtp_sink.messages) == Counter(
        f"<notification-{pk}@{domain}>" for pk in rows.values_list("pk", flat=True)
    )
    assert set(rows.values_list("attempts", flat=True)) == {1}
    assert all("release_url" not in context for context in rows.values_list("context", flat=True))
    assert mail.outbox == [], "an email was sent from the test's process, not by the worker"
