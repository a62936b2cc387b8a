"""Journey 3: signing in works with the keyboard alone; a skip link comes first."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import DEFAULT_PASSWORD

from .conftest import BROWSER_DB

pytestmark = [pytest.mark.browser, BROWSER_DB]

MAX_TABS = 20

# What has the focus, as a failure message shows it: "input#id_login", "button#Sign in".
DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "body";
    const tag = el.tagName.toLowerCase();
    if (el.id) return `${tag}#${el.id}`;
    return `${tag}#${(el.textContent || "").trim()}`;
}"""

SKIP_LINK = "a#Skip to main content"
EMAIL = "input#id_login"
PASSWORD = "input#id_password"
SUBMIT = "button#Sign in"


def test_skip_link_is_the_first_focusable_element_and_moves_focus_to_main(page: Page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown when focused, not left off-screen
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_keyboard_only_sign_in(page: Page, live_server, alice):
    page.goto(f"{live_server.url}/accounts/login/")

    # One forward pass with Tab, typing into the fields as they get the focus.
    visited = []
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(DESCRIBE_FOCUS)
        assert focused not in visited, f"focus went round before the submit button: {visited}"
        visited.append(focused)
        if focused == EMAIL:
            page.keyboard.type(alice.user.email)
        elif focused == PASSWORD:
            page.keyboard.type(DEFAULT_PASSWORD)
        elif focused == SUBMIT:
            break
    assert visited[0] == SKIP_LINK, visited
    assert SUBMIT in visited, visited
    assert EMAIL in visited and PASSWORD in visited, visited
    assert visited.index(EMAIL) < visited.index(PASSWORD) < visited.index(SUBMIT), visited

    # Back to the password field; Enter there submits the form.
    for _ in range(visited.index(SUBMIT) - visited.index(PASSWORD)):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(DESCRIBE_FOCUS) == PASSWORD
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/me/profile/")


def _luminance(rgb: str) -> float:
    """Relative luminance (WCAG 2) of a CSS "rgb(r, g, b)" colour."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_the_focus_ring_stands_out_from_the_page(page: Page, live_server):
    # WCAG 2.2 asks 3:1 for a focus indicator against what is next to it: the page is white.
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator(EMAIL).focus()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineColor")
    lighter, darker = sorted([_luminance(outline), _luminance("rgb(255, 255, 255)")], reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 3, outline
