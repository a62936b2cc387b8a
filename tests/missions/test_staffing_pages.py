"""The officer's candidates page: ranked candidates with their points, excluded experts with
their rules and counts, an expert from the directory with warnings, and invitations sent from
there; bad input refused with a message and nothing sent."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from missions.models import Invitation
from tests.conftest import sign_in
from tests.missions.staffing import NOW, accredited

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]


def page_url(position):
    return reverse("missions:candidates", args=[position.mission.reference, position.pk])


def invite_url(position):
    return reverse("missions:invite", args=[position.mission.reference, position.pk])


DEADLINE = (NOW + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")


def test_candidates_are_ranked_with_their_points_and_the_excluded_with_their_rule(
    officer_client, staffing, pool
):
    ghanaian = accredited("Kofi", "GH", staffing.profile_type)  # of the beneficiary
    response = officer_client.get(page_url(staffing))
    assert response.status_code == 200
    rows = response.context["candidates"]
    # Bello (Senegal) shares Ghana's region: the region criterion puts him first.
    assert [r["candidate"].name for r in rows] == ["Bello, Ana", "Amani, Ana"]
    bello = rows[0]
    assert bello["points"] == [30.0, 12.5, 0.0, 10.0, 10.0, 15.0]
    assert bello["candidate"].total == 77.5 and rows[1]["candidate"].total == 67.5
    assert "77.5" in response.text and "Rotation" in response.text
    [excluded] = response.context["excluded"]
    assert excluded["candidate"].expert_id == ghanaian.pk
    assert excluded["rules"] == ["From a beneficiary administration"]
    counts = {code: count for code, _label, count in response.context["counts"]}
    assert counts["conflict"] == 1 and counts["busy"] == 0
    only = officer_client.get(page_url(staffing) + "?rule=busy")
    assert only.context["excluded"] == []


def test_the_officer_invites_the_selected_candidates(officer_client, staffing, pool):
    response = officer_client.post(
        invite_url(staffing),
        {"experts": [pool["Bello"].pk, pool["Amani"].pk], "deadline": DEADLINE},
        follow=True,
    )
    assert "2 invitations sent." in response.text
    assert response.redirect_chain[-1][0] == reverse(
        "missions:detail", args=[staffing.mission.reference]
    )
    invited = Invitation.objects.order_by("expert__family_name")
    assert [(i.expert.family_name, i.invited_by_id) for i in invited] == [
        ("Amani", response.wsgi_request.user.pk),
        ("Bello", response.wsgi_request.user.pk),
    ]
    assert invited[1].explanation["total"] == 77.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deadline": DEADLINE}, "This field is required."),
        ({"experts": ["bello"]}, "This field is required."),
        ({"experts": ["bello"], "deadline": "2027-01-31T09:00"}, "must be in the future"),
        ({"experts": ["bello"], "deadline": "tomorrow"}, "Enter a valid date/time."),
    ],
)
def test_bad_input_is_refused_and_sends_nothing(officer_client, staffing, pool, data, message):
    data = {k: [pool["Bello"].pk if v == "bello" else v for v in vs] if isinstance(vs, list)
            else vs for k, vs in data.items()}  # fmt: skip
    response = officer_client.post(invite_url(staffing), data, follow=True)
    assert message in response.text
    assert not Invitation.objects.exists()


def test_at_most_twenty_at_once(officer_client, staffing, pool):
    many = [accredited(f"Expert{n}", "KE", staffing.profile_type).pk for n in range(21)]
    response = officer_client.post(
        invite_url(staffing), {"experts": many, "deadline": DEADLINE}, follow=True
    )
    assert "Invite at most 20 experts at once." in response.text
    assert not Invitation.objects.exists()


def test_an_expert_from_the_directory_shows_warnings_that_need_a_confirmation(
    officer_client, staffing, pool
):
    ghanaian = accredited("Kofi", "GH", staffing.profile_type)
    response = officer_client.get(page_url(staffing) + f"?expert={ghanaian.pk}")
    assert "This expert breaks rules of the position:" in response.text
    assert "From a beneficiary administration" in response.text
    refused = officer_client.post(
        invite_url(staffing), {"experts": [ghanaian.pk], "deadline": DEADLINE}, follow=True
    )
    assert "breaks a rule of this position; confirm to invite anyway" in refused.text
    assert not Invitation.objects.exists()
    officer_client.post(
        invite_url(staffing),
        {"experts": [ghanaian.pk], "deadline": DEADLINE, "confirm_warnings": "on"},
    )
    [invitation] = Invitation.objects.all()
    assert invitation.explanation["warnings"] == ["conflict"]
    unknown = officer_client.get(page_url(staffing) + "?expert=999999")
    assert "No expert has this number." in unknown.text


def test_outside_staffing_candidates_show_but_nobody_is_invited(
    officer_client, make_mission, officer, toa, pool
):
    from missions.services import positions

    mission = make_mission()
    position = positions.add_position(
        mission.pk, role="lead", profile_type=toa, area=mission.thematic_area, by=officer
    )
    response = officer_client.get(page_url(position))
    assert "experts are invited once it is being staffed" in response.text
    assert 'name="experts"' not in response.text
    refused = officer_client.post(
        invite_url(position), {"experts": [pool["Bello"].pk], "deadline": DEADLINE}, follow=True
    )
    assert "Experts are invited while the mission is being staffed." in refused.text
    assert not Invitation.objects.exists()


def test_a_position_of_another_mission_is_404(officer_client, staffing, make_mission):
    other = make_mission()
    url = reverse("missions:candidates", args=[other.reference, staffing.pk])
    assert officer_client.get(url).status_code == 404


def test_the_candidates_page_takes_as_many_queries_for_a_larger_pool(
    officer_client, staffing, pool
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(page_url(staffing)).status_code == 200
        return len(captured)

    accredited("Kofi", "GH", staffing.profile_type)  # one excluded expert from the start
    queries()
    few = queries()
    for n in range(15):
        accredited(f"More{n}", ("KE", "GH", "SN")[n % 3], staffing.profile_type)
    assert queries() == few


def test_what_needs_action_lists_short_positions_near_deadlines_and_waiting_releases(
    officer_client, staffing, pool, officer, make_mission, toa, admin_user
):
    from missions.services import invitations, positions
    from tests.missions.staffing import invite

    url = reverse("missions:needs_action")
    before = officer_client.get(url)
    [short] = before.context["short"]
    assert short.pk == staffing.pk and (short.held, short.pending) == (0, 0)
    second = positions.add_position(
        staffing.mission.pk, role="co_facilitator", profile_type=toa,
        area=staffing.area, by=officer,
    )  # fmt: skip
    near = invite(staffing, pool["Bello"], officer, hours=30)
    accepted = invite(second, pool["Amani"], officer, hours=100)
    invitations.accept(accepted.pk, by=pool["Amani"].user)

    def figures():
        with CaptureQueriesContext(connection) as captured:
            response = officer_client.get(url)
        return response, len(captured)

    response, queries = figures()
    assert [(p.pk, p.held, p.pending) for p in response.context["short"]] == [(staffing.pk, 0, 1)]
    assert [i.pk for i in response.context["near"]] == [near.pk]
    assert [r.assignment.expert_id for r in response.context["waiting"]] == [pool["Amani"].pk]
    assert "Bello" in response.text and "Amani" in response.text
    # Another officer's view of "mine" is empty; more missions cost no more queries.
    other = make_mission(title="Another")
    positions.add_position(
        other.pk, role="lead", profile_type=toa, area=other.thematic_area, by=officer
    )
    assert figures()[1] == queries
    officer_client.logout()
    sign_in(officer_client, admin_user)  # a colleague: none of these missions is theirs
    mine = officer_client.get(url + "?mine=1")
    assert list(mine.context["short"]) == [] and list(mine.context["waiting"]) == []
