"""Pages at 360 px, on the demo's data: every missions page (missions in every state,
requests, checklists, documents), the materials library (a material in each state) and the
working groups, the directory, the Secretariat's page of an expert and the expert's own profile.
Nothing scrolls sideways and the console stays quiet. The pages are found from the data, so each
state of a mission and each kind of page is seen with real content, not an empty table. (The
experience issue asks for every page of the portal at 360, 768 and 1280 px: these are the ones
covered so far.)"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page

from ace_portal.accounts.models import User
from materials.enums import MaterialState
from materials.models import Material, WorkingGroup
from missions.enums import AssignmentState, MissionState, RequestState
from missions.management.commands.seed_demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from missions.models import Assignment, AssistanceRequest, Mission, Release

from .conftest import BROWSER_DB, fresh_totp_code, sign_in, watch_console
from .test_missions import _no_sideways_scrolling

pytestmark = [pytest.mark.browser, BROWSER_DB]

EXPERT, OFFICER = DEMO_ACCOUNTS[0], DEMO_ACCOUNTS[2]
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo(live_server):
    call_command("seed_demo", experts=120, missions=40, seed=5, verbosity=0)


def secretariat_pages() -> list[str]:
    pages = [
        reverse("secretariat:directory"),
        reverse("secretariat:expert_detail", args=[Assignment.objects.first().expert_id]),
        reverse("missions:list"),
        reverse("missions:create"),
        reverse("missions:month_calendar"),
        reverse("missions:needs_action"),
        reverse("missions:requests"),
        reverse("missions:record_request"),
    ]
    for state in MissionState:
        mission = Mission.objects.filter(state=state).order_by("pk").first()
        pages.append(reverse("missions:detail", args=[mission.reference]))
    staffing = Mission.objects.filter(state=MissionState.STAFFING).order_by("pk").first()
    pages.append(
        reverse("missions:candidates", args=[staffing.reference, staffing.positions.first().pk])
    )
    seat = Assignment.objects.filter(state=AssignmentState.CONFIRMED).order_by("pk")
    pages.append(reverse("missions:checklist", args=[seat.first().pk]))
    delivered = seat.filter(position__mission__state=MissionState.DELIVERED).first()
    pages.append(reverse("missions:evaluate", args=[delivered.pk]))
    pages.append(reverse("missions:release_record", args=[Release.objects.first().pk]))
    for state in RequestState:
        request = AssistanceRequest.objects.filter(state=state).first()
        pages.append(reverse("missions:request_detail", args=[request.pk]))
    waiting = AssistanceRequest.objects.filter(state=RequestState.WAITING).first()
    pages.append(reverse("missions:accept_request", args=[waiting.pk]))
    return (
        pages
        + library_pages(User.objects.get(email=OFFICER.email))
        + [
            reverse("materials:material_publish"),
            reverse("materials:group_create"),
        ]
    )


def library_pages(user) -> list[str]:
    """The library and working groups as ``user`` sees them: the lists, a material in each
    state, each group."""
    pages = [reverse("materials:library"), reverse("materials:groups")]
    materials = Material.objects.visible_to(user)
    for state in MaterialState:
        material = materials.filter(state=state).order_by("pk").first()
        pages.append(reverse("materials:material_detail", args=[material.pk]))
    groups = WorkingGroup.objects.visible_to(user)
    pages += [
        reverse("materials:group_detail", args=[pk]) for pk in groups.values_list("pk", flat=True)
    ]
    return pages


def expert_pages() -> list[str]:
    pages = [reverse("missions:mine"), reverse("experts:profile")]
    pages += library_pages(User.objects.get(email=EXPERT.email))
    pages.append(reverse("materials:material_create"))
    seats = Assignment.objects.filter(expert__user__email=EXPERT.email)
    for seat in seats.select_related("position__mission"):
        pages.append(reverse("missions:my_mission", args=[seat.position.mission.reference]))
    return pages


def _visit_all(page: Page, base: str, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, f"{path} answered {response.status}"
        _no_sideways_scrolling(page)


def test_these_pages_fit_a_phone(demo, browser, live_server, current_totp_code):
    errors = []
    officer = watch_console(browser.new_page(viewport=PHONE), errors)
    sign_in(officer, live_server.url, OFFICER.email, DEMO_PASSWORD)
    code = fresh_totp_code(lambda: current_totp_code(OFFICER.totp_secret))
    officer.locator("input[name=code]").fill(code)
    officer.get_by_role("button", name="Sign In").click()
    officer.wait_for_url(lambda url: "/accounts/" not in url)
    _visit_all(officer, live_server.url, secretariat_pages())

    expert = watch_console(browser.new_page(viewport=PHONE), errors)
    sign_in(expert, live_server.url, EXPERT.email, DEMO_PASSWORD)
    paths = expert_pages()
    assert len(paths) > 1, "the demo expert has no mission of their own to open"
    _visit_all(expert, live_server.url, paths)
    assert errors == []
