"""The Secretariat's accreditation cycles: workshops, candidates, outcomes in one screen, and the
accreditations with their full history on an expert's page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experts.enums import AccreditationState, WorkshopKind, WorkshopOutcome
from experts.models import (
    Accreditation,
    AccreditationEvent,
    ProfileType,
    Workshop,
    WorkshopParticipant,
)
from experts.services import workshops
from experts.services.accreditation import transitions as accreditation
from experts.services.accreditation.transitions import Evidence
from tests.conftest import sign_in
from tests.factories import ExpertFactory, area

pytestmark = pytest.mark.django_db

S = AccreditationState
Outcome = WorkshopOutcome


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def toa():
    return ProfileType.objects.get(code="TOA")


@pytest.fixture
def cma():
    return ProfileType.objects.get(code="CMA")


@pytest.fixture
def aeo():
    return area("aeo-safe")


@pytest.fixture
def make_workshop(officer, toa, aeo):
    def make(kind=WorkshopKind.ACCREDITATION, **fields):
        defaults = {
            "title": "AEO accreditation workshop, Nairobi",
            "area": aeo,
            "profile_type": toa,
            "start_date": date(2030, 3, 2),
            "end_date": date(2030, 3, 6),
            "venue": "ROCB ESA, Nairobi",
            "funding_source": "CCF Japan",
            "created_by": officer,
        }
        return Workshop.objects.create(kind=kind, **{**defaults, **fields})

    return make


@pytest.fixture
def workshop(make_workshop):
    return make_workshop()


def seat(workshop, *experts, by):
    return [workshops.add_candidate(workshop, expert, by=by) for expert in experts]


def recognized(expert, profile, thematic_area, *, by, **options):
    return accreditation.recognize(
        expert, profile, thematic_area, by=by, reason="Recognized by the review board.", **options
    )


def outcomes_data(workshop, rows):
    """The outcome screen's POST: rows are (participant, outcome, comment[, convert_to])."""
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "500",
    }
    for index, (participant, outcome, comment, *convert) in enumerate(rows):
        data[f"form-{index}-participant"] = str(participant.pk)
        data[f"form-{index}-outcome"] = outcome
        data[f"form-{index}-comment"] = comment
        if convert:
            data[f"form-{index}-convert_to"] = str(convert[0].pk) if convert[0] else ""
    return data


def queries_for(client, url, params=None) -> int:
    client.get(url, params)  # warm up: session and per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


def page_messages(response):
    return [str(message) for message in response.context["messages"]]


# --- Permissions -------------------------------------------------------------------------------

PAGES = ["workshop_list", "workshop_create", "workshop_detail"]
ACTIONS = ["workshop_add_candidate", "workshop_outcomes"]


def url_for(name, workshop):
    if name in ("workshop_list", "workshop_create"):
        return reverse(f"secretariat:{name}")
    return reverse(f"secretariat:{name}", args=[workshop.pk])


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_workshop_urls_send_anonymous_visitors_to_sign_in(client, workshop, name):
    url = url_for(name, workshop)
    response = client.post(url) if name in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_workshop_urls_are_not_found_for_experts(client, alice, workshop, name):
    client.force_login(alice.user)
    url = url_for(name, workshop)
    response = client.post(url) if name in ACTIONS else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_workshop_pages_open_for_officers_and_admins(client, officer, admin_user, workshop, name):
    for user in (officer, admin_user):
        sign_in(client, user)
        assert client.get(url_for(name, workshop)).status_code == 200


@pytest.mark.parametrize("name", ACTIONS)
def test_workshop_actions_accept_post_only(officer_client, workshop, name):
    assert officer_client.get(url_for(name, workshop)).status_code == 405


def test_workshop_detail_of_unknown_workshop_is_not_found(officer_client):
    assert officer_client.get(reverse("secretariat:workshop_detail", args=[999])).status_code == 404


def test_workshops_link_in_navigation_for_the_secretariat_only(client, officer, alice):
    link = reverse("secretariat:workshop_list")
    sign_in(client, officer)
    assert link in client.get(reverse("secretariat:directory")).text
    client.force_login(alice.user)
    assert link not in client.get(reverse("experts:profile")).text
    client.logout()
    assert link not in client.get(reverse("account_login")).text


# --- The list ----------------------------------------------------------------------------------


def test_workshop_list_splits_upcoming_and_past_with_participant_counts(
    officer_client, officer, make_workshop, alice, bob
):
    coming = make_workshop(title="Coming", start_date=date(2099, 1, 5), end_date=date(2099, 1, 9))
    later = make_workshop(title="Later", start_date=date(2099, 2, 5), end_date=date(2099, 2, 9))
    done = make_workshop(title="Done", start_date=date(2020, 1, 5), end_date=date(2020, 1, 9))
    seat(coming, alice, bob, by=officer)

    response = officer_client.get(reverse("secretariat:workshop_list"))

    assert list(response.context["upcoming"]) == [coming, later]
    assert list(response.context["past"].object_list) == [done]
    assert [w.participant_count for w in response.context["upcoming"]] == [2, 0]
    assert reverse("secretariat:workshop_detail", args=[coming.pk]) in response.text
    assert reverse("secretariat:workshop_create") in response.text


def test_workshop_list_query_count_independent_of_size(
    officer_client, officer, make_workshop, django_assert_num_queries
):
    url = reverse("secretariat:workshop_list")
    for index in range(2):
        seat(make_workshop(title=f"W{index}"), ExpertFactory(), by=officer)
    small = queries_for(officer_client, url)
    for index in range(10):
        seat(make_workshop(title=f"X{index}"), ExpertFactory(), ExpertFactory(), by=officer)
    with django_assert_num_queries(small):
        response = officer_client.get(url)
    assert len(response.context["upcoming"]) == 12


# --- Creating a workshop -----------------------------------------------------------------------


@pytest.fixture
def workshop_post(toa, aeo):
    return {
        "kind": WorkshopKind.ACCREDITATION,
        "title": "AEO accreditation workshop, Nairobi",
        "area": str(aeo.pk),
        "profile_type": str(toa.pk),
        "start_date": "2030-03-02",
        "end_date": "2030-03-06",
        "venue": "ROCB ESA, Nairobi",
        "funding_source": "CCF Japan",
    }


def test_create_workshop_records_it_and_who_created_it(officer_client, officer, workshop_post):
    response = officer_client.post(reverse("secretariat:workshop_create"), workshop_post)

    created = Workshop.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("secretariat:workshop_detail", args=[created.pk])
    assert created.created_by == officer
    assert (created.start_date, created.end_date) == (date(2030, 3, 2), date(2030, 3, 6))
    assert created.venue == "ROCB ESA, Nairobi"
    assert not created.online


def test_create_online_workshop_needs_no_venue(officer_client, workshop_post):
    workshop_post.update(online="on", venue="", kind=WorkshopKind.REFRESHER)
    officer_client.post(reverse("secretariat:workshop_create"), workshop_post)
    assert Workshop.objects.get().online


def test_create_workshop_refuses_an_end_before_the_start(officer_client, workshop_post):
    workshop_post["end_date"] = "2030-03-01"
    response = officer_client.post(reverse("secretariat:workshop_create"), workshop_post)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"end_date": ["The end date cannot be before the start date."]}
    assert "The end date cannot be before the start date." in response.text
    assert not Workshop.objects.exists()


def test_create_workshop_refuses_no_venue_when_not_online(officer_client, workshop_post):
    workshop_post["venue"] = ""
    response = officer_client.post(reverse("secretariat:workshop_create"), workshop_post)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "venue": ["Give a venue, or mark the workshop as online."]
    }
    assert not Workshop.objects.exists()


# --- Candidates --------------------------------------------------------------------------------


def test_candidate_search_finds_experts_by_name_or_email(officer_client, workshop, alice, bob):
    url = reverse("secretariat:workshop_detail", args=[workshop.pk])
    response = officer_client.get(url, {"q": "mwangi"})
    assert response.context["results"] == [alice]
    assert f'name="expert" value="{alice.pk}"' in response.text

    response = officer_client.get(url, {"q": bob.user.email})
    assert response.context["results"] == [bob]


def test_candidate_search_shows_at_most_twenty(officer_client, workshop):
    ExpertFactory.create_batch(21, given_names="Zed")
    response = officer_client.get(
        reverse("secretariat:workshop_detail", args=[workshop.pk]), {"q": "zed"}
    )
    assert len(response.context["results"]) == 20


def test_add_candidate_shortlists_the_expert(officer_client, officer, workshop, alice, toa, aeo):
    response = officer_client.post(
        reverse("secretariat:workshop_add_candidate", args=[workshop.pk]),
        {"expert": alice.pk, "q": "mwangi"},
    )

    assert response.status_code == 302
    assert response.url.endswith("?q=mwangi#candidates")
    participant = WorkshopParticipant.objects.get(workshop=workshop)
    assert participant.expert == alice
    held = Accreditation.objects.get(expert=alice)
    assert participant.accreditation == held
    assert (held.profile_type, held.area, held.state) == (toa, aeo, S.SHORTLISTED)
    events = list(held.events.all())
    assert [event.action for event in events] == ["nominate", "shortlist"]
    assert all(event.by == officer for event in events)
    assert events[0].evidence_workshop == workshop

    page = officer_client.get(response.url)
    assert page_messages(page) == ["Alice Mwangi was added."]
    assert [row[0].expert for row in page.context["rows"]] == [alice]
    assert "Already a participant" in page.text  # the search still lists her, without a button


def test_add_candidate_twice_is_refused_without_a_duplicate(officer_client, workshop, alice):
    url = reverse("secretariat:workshop_add_candidate", args=[workshop.pk])
    officer_client.post(url, {"expert": alice.pk})
    response = officer_client.post(url, {"expert": alice.pk}, follow=True)

    assert "Alice Mwangi is already a participant." in page_messages(response)
    assert WorkshopParticipant.objects.filter(workshop=workshop).count() == 1
    assert Accreditation.objects.filter(expert=alice).count() == 1
    assert AccreditationEvent.objects.filter(accreditation__expert=alice).count() == 2


def test_add_candidate_already_pre_accredited_is_refused(
    officer_client, officer, make_workshop, workshop, alice
):
    (participant,) = seat(workshop, alice, by=officer)
    workshops.record_outcomes(workshop, {participant.pk: (Outcome.PASSED, "", None)}, by=officer)
    again = make_workshop(title="The same, again")

    response = officer_client.post(
        reverse("secretariat:workshop_add_candidate", args=[again.pk]),
        {"expert": alice.pk},
        follow=True,
    )

    assert "Alice Mwangi is already pre-accredited in this profile and area." in page_messages(
        response
    )
    assert not again.participants.exists()


def test_add_refresher_participant_without_accreditation_is_refused(
    officer_client, make_workshop, alice
):
    refresher = make_workshop(kind=WorkshopKind.REFRESHER, online=True, venue="")
    response = officer_client.post(
        reverse("secretariat:workshop_add_candidate", args=[refresher.pk]),
        {"expert": alice.pk},
        follow=True,
    )
    assert any("holds no accreditation" in message for message in page_messages(response))
    assert not refresher.participants.exists()
    assert not Accreditation.objects.exists()


def test_add_unknown_expert_is_not_found(officer_client, workshop):
    url = reverse("secretariat:workshop_add_candidate", args=[workshop.pk])
    assert officer_client.post(url, {"expert": 999999}).status_code == 404
    assert not workshop.participants.exists()


# --- Outcomes of an accreditation workshop -----------------------------------------------------


def test_outcomes_screen_offers_the_choices_of_an_accreditation_workshop(
    officer_client, officer, workshop, alice
):
    seat(workshop, alice, by=officer)
    response = officer_client.get(reverse("secretariat:workshop_detail", args=[workshop.pk]))
    (form,) = response.context["formset"].forms
    assert [value for value, _ in form.fields["outcome"].choices] == [
        Outcome.PENDING,
        Outcome.PASSED,
        Outcome.FAILED,
    ]
    assert "convert_to" not in form.fields
    assert "Shortlisted" in response.text  # her current accreditation state
    assert f'for="{form["outcome"].id_for_label}"' in response.text


def test_record_outcomes_pass_and_not_retained(officer_client, officer, workshop, alice, bob):
    alice_seat, bob_seat = seat(workshop, alice, bob, by=officer)
    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]),
        outcomes_data(
            workshop,
            [
                (alice_seat, Outcome.PASSED, ""),
                (bob_seat, Outcome.FAILED, "Did not deliver the session."),
            ],
        ),
    )

    assert response.status_code == 302
    assert Accreditation.objects.get(expert=alice).state == S.PRE_ACCREDITED
    bobs = Accreditation.objects.get(expert=bob)
    assert bobs.state == S.NOT_RETAINED
    assert bobs.events.last().reason == "Did not deliver the session."
    assert bobs.events.last().evidence_workshop == workshop
    alice_seat.refresh_from_db()
    bob_seat.refresh_from_db()
    assert (alice_seat.outcome, bob_seat.outcome) == (Outcome.PASSED, Outcome.FAILED)
    assert bob_seat.comment == "Did not deliver the session."

    page = officer_client.get(response.url)
    assert page_messages(page) == ["2 outcomes recorded."]
    assert page.context["formset"].forms == []  # recorded outcomes are read-only
    assert "Did not deliver the session." in page.text
    assert "Pre-accredited" in page.text


def test_record_outcomes_refused_for_one_saves_nothing_for_anybody(
    officer_client, officer, workshop, alice, bob
):
    alice_seat, bob_seat = seat(workshop, alice, bob, by=officer)
    events_before = AccreditationEvent.objects.count()

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]),
        outcomes_data(
            workshop, [(alice_seat, Outcome.PASSED, "Excellent"), (bob_seat, Outcome.FAILED, " ")]
        ),
    )

    assert response.status_code == 400
    assert "Please give a comment for Bob Okafor, who was not retained." in page_messages(response)
    assert "Please give a comment for Bob Okafor" in response.text
    assert "Nothing was saved. Please correct the outcomes and save." in response.text
    assert Accreditation.objects.get(expert=alice).state == S.SHORTLISTED
    assert Accreditation.objects.get(expert=bob).state == S.SHORTLISTED
    assert set(workshop.participants.values_list("outcome", flat=True)) == {Outcome.PENDING}
    assert AccreditationEvent.objects.count() == events_before
    # The screen is shown again with what was typed, ready to correct.
    assert 'value="Excellent"' in response.text


def test_record_outcomes_pending_rows_change_nothing(officer_client, officer, workshop, alice):
    (alice_seat,) = seat(workshop, alice, by=officer)
    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]),
        outcomes_data(workshop, [(alice_seat, Outcome.PENDING, "")]),
        follow=True,
    )
    assert page_messages(response) == ["0 outcomes recorded."]
    assert Accreditation.objects.get(expert=alice).state == S.SHORTLISTED


def test_record_outcomes_refuses_a_participant_of_another_workshop(
    officer_client, officer, make_workshop, alice, bob
):
    first = make_workshop(title="First")
    other = make_workshop(title="Other", profile_type=ProfileType.objects.get(code="ET"))
    (alice_seat,) = seat(first, alice, by=officer)
    (bob_seat,) = seat(other, bob, by=officer)

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[first.pk]),
        outcomes_data(first, [(alice_seat, Outcome.PASSED, ""), (bob_seat, Outcome.PASSED, "")]),
    )

    assert response.status_code == 400
    assert "A row is about somebody who is not a participant of this workshop." in response.text
    assert not Accreditation.objects.filter(state=S.PRE_ACCREDITED).exists()


def test_record_outcomes_refuses_a_choice_of_the_other_kind(
    officer_client, officer, workshop, alice
):
    (alice_seat,) = seat(workshop, alice, by=officer)
    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]),
        outcomes_data(workshop, [(alice_seat, Outcome.ATTENDED, "")]),
    )
    assert response.status_code == 400
    alice_seat.refresh_from_db()
    assert alice_seat.outcome == Outcome.PENDING


def test_record_outcome_already_recorded_by_someone_else_is_refused(
    officer_client, officer, workshop, alice
):
    (alice_seat,) = seat(workshop, alice, by=officer)
    officer_client.get(reverse("secretariat:workshop_detail", args=[workshop.pk]))
    workshops.record_outcomes(workshop, {alice_seat.pk: (Outcome.PASSED, "", None)}, by=officer)

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]),
        outcomes_data(workshop, [(alice_seat, Outcome.FAILED, "Changed my mind")]),
    )

    assert response.status_code == 400
    assert "The outcome for Alice Mwangi was already recorded." in page_messages(response)
    assert Accreditation.objects.get(expert=alice).state == S.PRE_ACCREDITED


# --- Refreshers --------------------------------------------------------------------------------


@pytest.fixture
def refresher(make_workshop):
    return make_workshop(
        kind=WorkshopKind.REFRESHER,
        title="AEO refresher",
        start_date=date(2025, 6, 10),
        end_date=date(2025, 6, 12),
        online=True,
        venue="",
    )


def test_refresher_attendance_extends_validity_from_the_last_day(
    officer_client, officer, refresher, alice, bob, toa, aeo, time_machine
):
    time_machine.move_to(date(2023, 3, 1), tick=False)
    alices = recognized(alice, toa, aeo, by=officer)
    bobs = recognized(bob, toa, aeo, by=officer)
    assert alices.valid_until == date(2026, 3, 1)
    time_machine.move_to(date(2025, 6, 20), tick=False)
    alice_seat, bob_seat = seat(refresher, alice, bob, by=officer)

    page = officer_client.get(reverse("secretariat:workshop_detail", args=[refresher.pk]))
    form = page.context["formset"].forms[0]
    assert [value for value, _ in form.fields["outcome"].choices] == [
        Outcome.PENDING,
        Outcome.ATTENDED,
        Outcome.ABSENT,
    ]
    assert "Recognized" in page.text

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[refresher.pk]),
        outcomes_data(
            refresher, [(alice_seat, Outcome.ATTENDED, "", None), (bob_seat, Outcome.ABSENT, "")]
        ),
    )

    assert response.status_code == 302
    alices.refresh_from_db()
    bobs.refresh_from_db()
    assert (alices.state, alices.valid_until) == (S.RECOGNIZED, date(2028, 6, 12))
    assert bobs.valid_until == date(2026, 3, 1)
    extension = alices.events.last()
    assert (extension.action, extension.evidence_workshop) == ("extend", refresher)
    assert extension.valid_until == date(2028, 6, 12)
    assert list(bobs.events.values_list("action", flat=True)) == ["recognize"]


def test_refresher_can_convert_to_another_profile(
    officer_client, officer, refresher, alice, toa, cma, aeo
):
    alices = recognized(alice, toa, aeo, by=officer)
    (alice_seat,) = seat(refresher, alice, by=officer)

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[refresher.pk]),
        outcomes_data(refresher, [(alice_seat, Outcome.ATTENDED, "Ready to advise", cma)]),
    )

    assert response.status_code == 302
    alices.refresh_from_db()
    assert (alices.profile_type, alices.state) == (cma, S.RECOGNIZED)
    # Recognized today, the refresher (which ended earlier) extends nothing: no "extend" event.
    assert list(alices.events.values_list("action", flat=True)) == ["recognize", "convert"]
    assert alices.events.last().reason == "Ready to advise"


def test_refresher_conversion_refused_saves_nothing(
    officer_client, officer, refresher, alice, toa, cma, aeo
):
    alices = recognized(alice, toa, aeo, by=officer)
    recognized(alice, cma, aeo, by=officer)  # already holds the profile she would convert to
    (alice_seat,) = seat(refresher, alice, by=officer)
    until = alices.valid_until

    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[refresher.pk]),
        outcomes_data(refresher, [(alice_seat, Outcome.ATTENDED, "", cma)]),
    )

    assert response.status_code == 400
    assert any("already has a live accreditation" in m for m in page_messages(response))
    alices.refresh_from_db()
    assert (alices.profile_type, alices.valid_until) == (toa, until)
    alice_seat.refresh_from_db()
    assert alice_seat.outcome == Outcome.PENDING


def detail_url(workshop):
    return reverse("secretariat:workshop_detail", args=[workshop.pk])


# --- Query counts ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [WorkshopKind.ACCREDITATION, WorkshopKind.REFRESHER])
def test_workshop_detail_query_count_independent_of_participants(
    officer_client, officer, make_workshop, toa, aeo, kind, django_assert_num_queries
):
    def filled(count):
        workshop = make_workshop(kind=kind, title=f"{count} seats")
        experts = ExpertFactory.create_batch(count, given_names="Expert")
        if kind == WorkshopKind.REFRESHER:
            for expert in experts:
                recognized(expert, toa, aeo, by=officer)
        seats = seat(workshop, *experts, by=officer)
        first = Outcome.PASSED if kind == WorkshopKind.ACCREDITATION else Outcome.ATTENDED
        workshops.record_outcomes(workshop, {seats[0].pk: (first, "", None)}, by=officer)
        return workshop

    search = {"q": "expert"}
    small = queries_for(officer_client, detail_url(filled(2)), search)
    large = detail_url(filled(10))
    officer_client.get(large, search)
    with django_assert_num_queries(small):
        response = officer_client.get(large, search)
    assert len(response.context["results"]) == 12
    assert len(response.context["rows"]) == 10
    assert len(response.context["formset"].forms) == 9


# --- The expert's accreditations on the Secretariat's page -------------------------------------


def give_history(expert, index, *, by, workshop, document=None):
    """One accreditation with several kinds of events and evidence."""
    held = accreditation.recognize(
        expert,
        ProfileType.objects.get(code="TOA"),
        area(["transit", "risk-management", "free-zones", "e-commerce", "integrity"][index]),
        by=by,
        reason="Recognized on the strength of the request.",
        internal_comment=f"Board minutes {index}",
        evidence=Evidence(document=document),
    )
    accreditation.extend_validity(
        held.pk,
        since=date.today() + timedelta(days=30),
        by=by,
        reason="Attended the refresher.",
        evidence=Evidence(workshop=workshop),
    )
    accreditation.lapse(held.pk, by=None, reason="The validity ended.")
    return held


def test_expert_detail_shows_accreditations_with_full_history(
    officer_client, officer, alice, alice_cv, workshop
):
    give_history(alice, 0, by=officer, workshop=workshop, document=alice_cv)
    pre = accreditation.nominate(
        alice, ProfileType.objects.get(code="ET"), area("aeo-safe"), by=officer, reason="Nominated"
    )
    accreditation.shortlist(pre.pk, by=officer, reason="Shortlisted")
    accreditation.pre_accredit(pre.pk, by=officer, reason="Passed")
    accreditation.record_field_evaluation(
        pre.pk,
        passed=False,
        evaluator="Dr K. Mensah",
        by=officer,
        comment="Needs another mission",
        mission_reference="M-2030-004",
    )

    response = officer_client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    text = response.text

    assert "Accreditations" in text
    assert "Lapsed" in text and "Pre-accredited" in text
    assert "Board minutes 0" in text
    assert "Internal comment (not shown to the expert):" in text
    assert "Validity extended" in text and "Field evaluation recorded" in text
    assert "by the system" in text
    assert f"by {officer}" in text
    assert reverse("secretariat:workshop_detail", args=[workshop.pk]) in text
    assert reverse("experts:document", args=[alice_cv.pk]) in text
    assert "Dr K. Mensah" in text and "M-2030-004" in text and "not passed" in text


def test_expert_detail_without_accreditation(officer_client, alice):
    response = officer_client.get(reverse("secretariat:expert_detail", args=[alice.pk]))
    assert "No accreditation yet." in response.text


def test_expert_detail_query_count_independent_of_accreditations(
    officer_client, officer, alice, bob, workshop, django_assert_num_queries
):
    give_history(alice, 0, by=officer, workshop=workshop)
    for index in range(5):
        give_history(bob, index, by=officer, workshop=workshop)

    small = queries_for(officer_client, reverse("secretariat:expert_detail", args=[alice.pk]))

    url = reverse("secretariat:expert_detail", args=[bob.pk])
    officer_client.get(url)
    with django_assert_num_queries(small):
        response = officer_client.get(url)
    assert response.text.count("Validity extended") == 5


def test_record_outcomes_an_extra_unchanged_row_is_not_a_500(
    officer_client, officer, workshop, alice, bob
):
    """A POST that counts a row as extra (INITIAL_FORMS one short) while it still carries the
    participant's unchanged values: Django skips such a row's validation, and the screen used
    to read its missing cleaned data (KeyError: 'participant', a 500)."""
    alice_seat, bob_seat = seat(workshop, alice, bob, by=officer)
    data = outcomes_data(
        workshop, [(alice_seat, Outcome.PASSED, ""), (bob_seat, Outcome.PENDING, "")]
    )
    data["form-INITIAL_FORMS"] = "1"
    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]), data
    )
    assert response.status_code in (302, 400)
    bob_seat.refresh_from_db()
    assert bob_seat.outcome == Outcome.PENDING


def test_record_outcomes_an_extra_empty_row_is_refused_not_a_500(
    officer_client, officer, workshop, alice
):
    """A hand-made POST with one more (empty) row than the screen had: an error, nothing saved."""
    (alice_seat,) = seat(workshop, alice, by=officer)
    data = outcomes_data(workshop, [(alice_seat, Outcome.PASSED, "")])
    data["form-TOTAL_FORMS"] = "2"
    response = officer_client.post(
        reverse("secretariat:workshop_outcomes", args=[workshop.pk]), data
    )
    assert response.status_code == 400
    assert "Nothing was saved. Please correct the outcomes and save." in response.text
    alice_seat.refresh_from_db()
    assert alice_seat.outcome == Outcome.PENDING
    assert Accreditation.objects.get(expert=alice).state == S.SHORTLISTED
