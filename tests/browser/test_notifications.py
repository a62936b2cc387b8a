"""A person sees their notifications by email and in the bell, and marks them read in place."""

import pytest
from playwright.sync_api import Page, expect

from ace_portal.notifications.models import Notification
from experts.notifications import PASSPORT_EXPIRY, PROFILE_CONFIRMATION
from experts.services.reminders import (
    queue_passport_expiry_reminders,
    queue_profile_confirmation_reminders,
)
from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_expert_gets_reminders_by_email_and_marks_them_read_in_the_bell(
    page: Page, live_server, alice, mailoutbox, time_machine
):
    from datetime import date, timedelta

    alice.passport_number = "AK7654321"
    alice.passport_expiry = date.today() + timedelta(days=40)
    alice.save(update_fields=["passport_number", "passport_expiry"])
    time_machine.move_to(date.today() + timedelta(days=400), tick=True)
    assert queue_profile_confirmation_reminders() == 1
    time_machine.move_to(date.today() - timedelta(days=400), tick=True)
    assert queue_passport_expiry_reminders() == 1

    # By email, at once (tasks run inline here).
    assert sorted(m.to[0] for m in mailoutbox) == [alice.user.email] * 2
    assert set(Notification.objects.values_list("kind", "state")) == {
        (PROFILE_CONFIRMATION, "sent"),
        (PASSPORT_EXPIRY, "sent"),
    }

    # And in the bell.
    sign_in(page, live_server.url, alice.user.email, DEFAULT_PASSWORD)
    bell = page.locator("#bell")
    expect(bell).to_contain_text("2")
    bell.click()
    expect(page.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    items = page.locator(".notification.unread")
    expect(items).to_have_count(2)
    expect(page.locator(".notifications")).to_contain_text("Your passport expires on")
    expect(page.locator(".notifications")).to_contain_text("Is your expert profile still accurate?")

    # Marking one read swaps that item in place (htmx) and refreshes the bell, no reload.
    page.evaluate("window.__no_reload = true")
    items.first.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".notification.unread")).to_have_count(1)
    expect(bell).to_contain_text("1")
    assert page.evaluate("window.__no_reload") is True
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
