"""Accreditation states: the whole transition table, one service function per transition, the
event and notification each change writes, reasons, duplicates, and the workshop cycle.

The helpers at the top (``build_in``, ``snapshot``) are shared with the other
``test_accreditation_*`` modules.
"""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from ace_portal.notifications.models import Notification
from experts.enums import (
    HOLDING_STATES,
    LIVE_STATES,
    AccreditationPhase,
    AccreditationState,
    WorkshopKind,
    WorkshopOutcome,
)
from experts.models import Accreditation, AccreditationEvent, ProfileType, Workshop
from experts.notifications import ACCREDITATION_CHANGED
from experts.services import workshops
from experts.services.accreditation.transitions import (
    TRANSITIONS,
    AccreditationError,
    DuplicateAccreditation,
    IllegalTransition,
    StaleState,
    accredit,
    convert_profile,
    lapse,
    nominate,
    not_retain,
    pre_accredit,
    recognize,
    reinstate,
    renew,
    retire,
    shortlist,
    suspend,
    withdraw,
)
from tests.factories import ExpertFactory, area

pytestmark = pytest.mark.django_db

S = AccreditationState
REASON = "Decided by the accreditation panel."

# --- Shared helpers ----------------------------------------------------------------------------

# The shortest legal path from nothing to each state that is not reached by suspend or lapse.
PATHS = {
    S.NOMINATED: [],
    S.SHORTLISTED: [shortlist],
    S.NOT_RETAINED: [not_retain],
    S.PRE_ACCREDITED: [shortlist, pre_accredit],
    S.ACCREDITED: [shortlist, pre_accredit, accredit],
    S.WITHDRAWN: [withdraw],
    S.RETIRED: [shortlist, pre_accredit, accredit, retire],
}


def toa():
    return ProfileType.objects.get(code="TOA")


def cma():
    return ProfileType.objects.get(code="CMA")


def build_in(state, expert, *, by, profile=None, in_area=None, resume=S.ACCREDITED):
    """An accreditation brought to ``state`` through the services only.

    Suspended and lapsed ones hold ``resume`` before the suspension or lapse.
    """
    profile = profile or toa()
    in_area = in_area or area("aeo-safe")
    if state == S.RECOGNIZED:
        return recognize(expert, profile, in_area, by=by, reason="Recognised by another route.")
    if state in (S.SUSPENDED, S.LAPSED):
        held = build_in(resume, expert, by=by, profile=profile, in_area=in_area)
        step = suspend if state == S.SUSPENDED else lapse
        return step(held.pk, by=by, reason=f"On the way to {state}.")
    accreditation = nominate(expert, profile, in_area, by=by, reason="Nominated by KRA.")
    for step in PATHS[state]:
        accreditation = step(accreditation.pk, by=by, reason=f"Step {step.__name__}.")
    return accreditation


def snapshot(accreditation=None):
    """What a refused action must leave untouched."""
    fresh = Accreditation.objects.get(pk=accreditation.pk) if accreditation else None
    return {
        "state": fresh.state if fresh else None,
        "valid_until": fresh.valid_until if fresh else None,
        "resume_state": fresh.resume_state if fresh else None,
        "profile": fresh.profile_type_id if fresh else None,
        "accreditations": Accreditation.objects.count(),
        "events": AccreditationEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def changed_notifications(user):
    return Notification.objects.filter(recipient=user, kind=ACCREDITATION_CHANGED)


# --- The table -----------------------------------------------------------------------------------

HOLDING = [S.PRE_ACCREDITED, S.ACCREDITED, S.RECOGNIZED]

# Written out from DOMAIN.md and issue 5, independently of transitions.TRANSITIONS.
DOCUMENTED = {
    (None, S.NOMINATED): "nominate",
    (None, S.RECOGNIZED): "recognize",
    (S.NOMINATED, S.SHORTLISTED): "shortlist",
    (S.NOMINATED, S.NOT_RETAINED): "not_retain",
    (S.SHORTLISTED, S.NOT_RETAINED): "not_retain",
    (S.SHORTLISTED, S.PRE_ACCREDITED): "pre_accredit",
    (S.PRE_ACCREDITED, S.ACCREDITED): "accredit",
    (S.PRE_ACCREDITED, S.SUSPENDED): "suspend",
    (S.ACCREDITED, S.SUSPENDED): "suspend",
    (S.RECOGNIZED, S.SUSPENDED): "suspend",
    (S.SUSPENDED, S.PRE_ACCREDITED): "reinstate",
    (S.SUSPENDED, S.ACCREDITED): "reinstate",
    (S.SUSPENDED, S.RECOGNIZED): "reinstate",
    (S.PRE_ACCREDITED, S.LAPSED): "lapse",
    (S.ACCREDITED, S.LAPSED): "lapse",
    (S.RECOGNIZED, S.LAPSED): "lapse",
    (S.LAPSED, S.PRE_ACCREDITED): "renew",
    (S.LAPSED, S.ACCREDITED): "renew",
    (S.LAPSED, S.RECOGNIZED): "renew",
    (S.NOMINATED, S.WITHDRAWN): "withdraw",
    (S.SHORTLISTED, S.WITHDRAWN): "withdraw",
    (S.PRE_ACCREDITED, S.WITHDRAWN): "withdraw",
    (S.ACCREDITED, S.WITHDRAWN): "withdraw",
    (S.RECOGNIZED, S.WITHDRAWN): "withdraw",
    (S.SUSPENDED, S.WITHDRAWN): "withdraw",
    (S.LAPSED, S.WITHDRAWN): "withdraw",
    (S.PRE_ACCREDITED, S.RETIRED): "retire",
    (S.ACCREDITED, S.RETIRED): "retire",
    (S.RECOGNIZED, S.RETIRED): "retire",
    (S.SUSPENDED, S.RETIRED): "retire",
    (S.LAPSED, S.RETIRED): "retire",
}

# The service function that moves an existing accreditation to each state.
MOVE_TO = {
    S.SHORTLISTED: shortlist,
    S.NOT_RETAINED: not_retain,
    S.PRE_ACCREDITED: pre_accredit,
    S.ACCREDITED: accredit,
    S.SUSPENDED: suspend,
    S.LAPSED: lapse,
    S.WITHDRAWN: withdraw,
    S.RETIRED: retire,
}
CREATE_AS = {S.NOMINATED: nominate, S.RECOGNIZED: recognize}
RESUME_BY = {S.SUSPENDED: reinstate, S.LAPSED: renew}

ALL_PAIRS = [(from_state, to_state) for from_state in S for to_state in S]


def test_the_transition_table_is_the_documented_one():
    assert {(f, t): action for (f, t), action in TRANSITIONS.items()} == DOCUMENTED


def test_holding_and_live_states_are_the_documented_ones():
    assert set(HOLDING_STATES) == set(HOLDING)
    assert set(LIVE_STATES) == {*HOLDING, S.NOMINATED, S.SHORTLISTED, S.SUSPENDED, S.LAPSED}


@pytest.mark.parametrize("to_state", list(S), ids=str)
def test_from_nothing_only_nominated_or_recognized(to_state, alice, officer):
    if to_state not in CREATE_AS:
        assert (None, to_state) not in TRANSITIONS
        return
    before = snapshot()
    created = CREATE_AS[to_state](alice, toa(), area("aeo-safe"), by=officer, reason=REASON)

    assert Accreditation.objects.get(pk=created.pk).state == to_state
    event = created.events.get()
    assert (event.action, event.from_state, event.to_state) == (
        DOCUMENTED[(None, to_state)],
        "",
        to_state,
    )
    assert (event.by, event.reason) == (officer, REASON)
    assert snapshot()["events"] == before["events"] + 1
    notification = changed_notifications(alice.user).get()
    assert notification.dedupe_key == f"accreditation-event:{event.pk}"


def _route(from_state, to_state):
    """(how, function, resume state of the starting accreditation) for one pair."""
    if from_state in RESUME_BY and to_state in HOLDING:
        return "move", RESUME_BY[from_state], to_state
    if to_state in CREATE_AS:
        return "create", CREATE_AS[to_state], S.ACCREDITED
    return "move", MOVE_TO[to_state], S.ACCREDITED


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS, ids=lambda s: str(s))
def test_every_pair_of_states(from_state, to_state, alice, officer):
    how, function, resume = _route(from_state, to_state)
    accreditation = build_in(from_state, alice, by=officer, resume=resume)
    before = snapshot(accreditation)

    if how == "create":
        profile, in_area = accreditation.profile_type, accreditation.area
        if from_state in LIVE_STATES:
            with pytest.raises(DuplicateAccreditation) as refused:
                function(alice, profile, in_area, by=officer, reason=REASON)
            assert str(refused.value.message)
            assert snapshot(accreditation) == before
        else:
            # A closed accreditation stays as it was; a new one starts beside it.
            created = function(alice, profile, in_area, by=officer, reason=REASON)
            assert created.pk != accreditation.pk and created.state == to_state
            assert snapshot(accreditation)["state"] == from_state
        return

    if (from_state, to_state) not in DOCUMENTED:
        with pytest.raises(IllegalTransition) as refused:
            function(accreditation.pk, by=officer, reason=REASON)
        assert str(refused.value.message)
        assert snapshot(accreditation) == before
        return

    moved = function(accreditation.pk, by=officer, reason=REASON)
    fresh = Accreditation.objects.get(pk=accreditation.pk)
    assert moved.state == fresh.state == to_state
    after = snapshot(accreditation)
    assert after["events"] == before["events"] + 1
    assert after["notifications"] == before["notifications"] + 1
    event = fresh.events.order_by("-pk").first()
    assert event.action == DOCUMENTED[(from_state, to_state)]
    assert (event.from_state, event.to_state) == (from_state, to_state)
    assert (event.by, event.reason, event.valid_until) == (officer, REASON, fresh.valid_until)
    notification = changed_notifications(alice.user).order_by("-pk").first()
    assert notification.dedupe_key == f"accreditation-event:{event.pk}"
    assert notification.context["state"] == to_state
    assert notification.context["reason"] == REASON
    assert notification.context["profile"] == "TOA"


@pytest.mark.parametrize("held", HOLDING, ids=str)
def test_reinstate_restores_the_state_held_before_the_suspension(held, alice, officer):
    suspended = build_in(S.SUSPENDED, alice, by=officer, resume=held)
    assert suspended.resume_state == held
    validity = suspended.valid_until

    back = reinstate(suspended.pk, by=officer, reason="Inquiry closed.")

    assert back.state == held
    assert back.resume_state == ""
    assert back.valid_until == validity  # a suspension does not change the validity


@pytest.mark.parametrize("held", HOLDING, ids=str)
def test_renew_restores_the_state_held_before_the_lapse_with_a_fresh_validity(
    held, alice, officer, time_machine
):
    time_machine.move_to(date(2026, 1, 10), tick=False)
    lapsed = build_in(S.LAPSED, alice, by=officer, resume=held)
    assert lapsed.resume_state == held

    time_machine.move_to(date(2029, 5, 20), tick=False)
    back = renew(lapsed.pk, by=officer, reason="Attended a refresher.")

    assert back.state == held
    assert back.resume_state == ""
    assert back.valid_until == date(2032, 5, 20)
    assert back.events.order_by("-pk").first().valid_until == date(2032, 5, 20)


@pytest.mark.parametrize("function", [pre_accredit, accredit], ids=lambda f: f.__name__)
@pytest.mark.parametrize("from_state", [S.SUSPENDED, S.LAPSED], ids=str)
@pytest.mark.parametrize("held", HOLDING, ids=str)
def test_only_reinstate_or_renew_leave_suspended_or_lapsed(
    function, from_state, held, alice, officer
):
    accreditation = build_in(from_state, alice, by=officer, resume=held)
    before = snapshot(accreditation)

    with pytest.raises(IllegalTransition):
        function(accreditation.pk, by=officer, reason=REASON)
    assert snapshot(accreditation) == before


def test_the_main_path_sets_phases_and_validity(alice, officer, time_machine):
    time_machine.move_to(date(2026, 3, 2), tick=False)
    accreditation = nominate(alice, toa(), area("aeo-safe"), by=officer, reason="Nominated.")
    assert accreditation.phase == AccreditationPhase.PRE_SCREENING
    assert (accreditation.granted_on, accreditation.valid_until) == (None, None)
    accreditation = shortlist(accreditation.pk, by=officer, reason="Shortlisted.")
    assert accreditation.phase == AccreditationPhase.WORKSHOP
    accreditation = pre_accredit(accreditation.pk, by=officer, reason="Passed the workshop.")
    assert accreditation.phase == AccreditationPhase.FIELD_EVALUATION
    assert accreditation.valid_until == date(2029, 3, 2)
    time_machine.move_to(date(2026, 9, 15), tick=False)
    accreditation = accredit(accreditation.pk, by=officer, reason="Passed the field evaluation.")
    assert accreditation.phase == AccreditationPhase.COMPLETE
    assert (accreditation.granted_on, accreditation.valid_until) == (
        date(2026, 9, 15),
        date(2029, 9, 15),
    )
    assert list(accreditation.events.values_list("action", flat=True)) == [
        "nominate",
        "shortlist",
        "pre_accredit",
        "accredit",
    ]


# --- Reasons -------------------------------------------------------------------------------------

ALLOWED_MOVES = [(from_state, to_state) for (from_state, to_state) in DOCUMENTED if from_state]


@pytest.mark.parametrize("reason", ["", "   ", None], ids=["empty", "blank", "none"])
@pytest.mark.parametrize(("from_state", "to_state"), ALLOWED_MOVES, ids=lambda s: str(s))
def test_a_change_without_a_reason_is_refused(from_state, to_state, reason, alice, officer):
    _, function, resume = _route(from_state, to_state)
    accreditation = build_in(from_state, alice, by=officer, resume=resume)
    before = snapshot(accreditation)

    with pytest.raises(AccreditationError) as refused:
        function(accreditation.pk, by=officer, reason=reason)

    assert "reason" in str(refused.value.message)
    assert snapshot(accreditation) == before


@pytest.mark.parametrize("function", [nominate, recognize], ids=lambda f: f.__name__)
@pytest.mark.parametrize("reason", ["", "  \n ", None], ids=["empty", "blank", "none"])
def test_a_creation_without_a_reason_is_refused(function, reason, alice, officer):
    before = snapshot()
    with pytest.raises(AccreditationError) as refused:
        function(alice, toa(), area("aeo-safe"), by=officer, reason=reason)
    assert "reason" in str(refused.value.message)
    assert snapshot() == before


def test_a_reason_is_stored_without_surrounding_spaces(alice, officer):
    accreditation = build_in(S.NOMINATED, alice, by=officer)
    shortlist(accreditation.pk, by=officer, reason="  Strong CV.\n")
    assert accreditation.events.order_by("-pk").first().reason == "Strong CV."


@pytest.mark.parametrize("function", [nominate, recognize], ids=lambda f: f.__name__)
def test_a_creation_reason_is_stored_without_surrounding_spaces(function, alice, officer):
    created = function(alice, toa(), area("aeo-safe"), by=officer, reason="  Nominated by KRA. ")
    assert created.events.get().reason == "Nominated by KRA."


# --- Expected state (what the reviewer saw) ------------------------------------------------------


def test_a_change_from_a_state_the_reviewer_did_not_see_is_refused(alice, officer):
    accreditation = build_in(S.PRE_ACCREDITED, alice, by=officer)
    accredit(accreditation.pk, by=officer, reason=REASON)  # another reviewer, first
    before = snapshot(accreditation)

    with pytest.raises(StaleState) as refused:
        suspend(accreditation.pk, by=officer, reason=REASON, expected=S.PRE_ACCREDITED)

    assert "Accredited" in str(refused.value.message)
    assert "Nothing was changed" in str(refused.value.message)
    assert snapshot(accreditation) == before


def test_a_change_from_the_state_the_reviewer_saw_goes_through(alice, officer):
    accreditation = build_in(S.PRE_ACCREDITED, alice, by=officer)
    moved = accredit(accreditation.pk, by=officer, reason=REASON, expected=S.PRE_ACCREDITED)
    assert moved.state == S.ACCREDITED


# --- One live accreditation per (expert, profile, area) -----------------------------------------


@pytest.mark.parametrize("second", [nominate, recognize], ids=lambda f: f.__name__)
@pytest.mark.parametrize("first", [nominate, recognize], ids=lambda f: f.__name__)
def test_a_second_live_accreditation_is_refused(first, second, alice, officer):
    first(alice, toa(), area("aeo-safe"), by=officer, reason=REASON)
    before = snapshot()

    with pytest.raises(DuplicateAccreditation) as refused:
        second(alice, toa(), area("aeo-safe"), by=officer, reason=REASON)

    message = str(refused.value.message)
    assert "Alice Mwangi" in message and "TOA" in message
    assert snapshot() == before


@pytest.mark.parametrize("close", [withdraw, not_retain], ids=lambda f: f.__name__)
def test_after_withdrawal_or_not_retained_a_new_one_can_start(close, alice, officer):
    old = build_in(S.NOMINATED, alice, by=officer)
    close(old.pk, by=officer, reason="Withdrawn by the administration.")

    new = nominate(alice, toa(), area("aeo-safe"), by=officer, reason="Nominated again.")

    assert new.pk != old.pk
    assert Accreditation.objects.live().filter(expert=alice).get() == new


def test_the_same_expert_can_hold_other_profiles_and_areas(alice, bob, officer):
    build_in(S.ACCREDITED, alice, by=officer)
    build_in(S.PRE_ACCREDITED, alice, by=officer, profile=cma())
    build_in(S.ACCREDITED, alice, by=officer, in_area=area("transit"))
    build_in(S.ACCREDITED, bob, by=officer)
    assert Accreditation.objects.live().filter(expert=alice).count() == 3


def test_the_database_refuses_a_second_live_row_too(alice, officer):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Accreditation.objects.create(
            expert=alice,
            profile_type=accreditation.profile_type,
            area=accreditation.area,
            state=S.NOMINATED,
            phase=AccreditationPhase.PRE_SCREENING,
        )


# --- Accreditation workshops ---------------------------------------------------------------------


def make_workshop(kind=WorkshopKind.ACCREDITATION, *, profile=None, start=None, end=None, by=None):
    return Workshop.objects.create(
        kind=kind,
        title="AEO accreditation workshop" if kind == WorkshopKind.ACCREDITATION else "Refresher",
        area=area("aeo-safe"),
        profile_type=profile or toa(),
        start_date=start or date(2026, 4, 13),
        end_date=end or date(2026, 4, 17),
        online=True,
        funding_source="CCF Japan",
        created_by=by,
    )


def test_a_new_candidate_is_nominated_and_shortlisted(alice, officer):
    workshop = make_workshop(by=officer)

    seat = workshops.add_candidate(workshop, alice, by=officer)

    assert seat.outcome == WorkshopOutcome.PENDING
    assert seat.accreditation.state == S.SHORTLISTED
    events = list(seat.accreditation.events.all())
    assert [e.action for e in events] == ["nominate", "shortlist"]
    assert events[0].evidence_workshop == workshop
    assert all(e.by == officer for e in events)


def test_a_nominated_candidate_is_shortlisted(alice, officer):
    nominated = build_in(S.NOMINATED, alice, by=officer)
    seat = workshops.add_candidate(make_workshop(), alice, by=officer)
    assert seat.accreditation_id == nominated.pk
    assert Accreditation.objects.get(pk=nominated.pk).state == S.SHORTLISTED


@pytest.mark.parametrize(
    "state", [S.PRE_ACCREDITED, S.ACCREDITED, S.RECOGNIZED, S.SUSPENDED, S.LAPSED], ids=str
)
def test_a_candidate_already_further_along_is_refused(state, alice, officer):
    accreditation = build_in(state, alice, by=officer)
    workshop = make_workshop()
    before = snapshot(accreditation)

    with pytest.raises(IllegalTransition) as refused:
        workshops.add_candidate(workshop, alice, by=officer)

    assert "already" in str(refused.value.message)
    assert snapshot(accreditation) == before
    assert not workshop.participants.exists()


def test_a_candidate_cannot_be_seated_twice(alice, officer):
    workshop = make_workshop()
    workshops.add_candidate(workshop, alice, by=officer)
    before = snapshot()
    with pytest.raises(AccreditationError, match="already a participant"):
        workshops.add_candidate(workshop, alice, by=officer)
    assert snapshot() == before
    assert workshop.participants.count() == 1


def test_outcomes_make_candidates_pre_accredited_or_not_retained(alice, bob, officer):
    workshop = make_workshop()
    passed = workshops.add_candidate(workshop, alice, by=officer)
    failed = workshops.add_candidate(workshop, bob, by=officer)

    recorded = workshops.record_outcomes(
        workshop,
        {
            passed.pk: (WorkshopOutcome.PASSED, "", None),
            failed.pk: (WorkshopOutcome.FAILED, "Did not deliver the session.", None),
        },
        by=officer,
    )

    assert recorded == 2
    alice_acc = Accreditation.objects.get(pk=passed.accreditation_id)
    bob_acc = Accreditation.objects.get(pk=failed.accreditation_id)
    assert (alice_acc.state, bob_acc.state) == (S.PRE_ACCREDITED, S.NOT_RETAINED)
    alice_event = alice_acc.events.order_by("-pk").first()
    bob_event = bob_acc.events.order_by("-pk").first()
    assert alice_event.evidence_workshop == bob_event.evidence_workshop == workshop
    assert str(workshop) in alice_event.reason
    assert bob_event.reason == "Did not deliver the session."
    outcomes = dict(workshop.participants.values_list("pk", "outcome"))
    assert outcomes == {passed.pk: WorkshopOutcome.PASSED, failed.pk: WorkshopOutcome.FAILED}


def test_outcomes_are_all_or_nothing(alice, bob, officer):
    workshop = make_workshop()
    passed = workshops.add_candidate(workshop, alice, by=officer)
    failed = workshops.add_candidate(workshop, bob, by=officer)
    before = snapshot()

    with pytest.raises(AccreditationError) as refused:
        workshops.record_outcomes(
            workshop,
            {
                passed.pk: (WorkshopOutcome.PASSED, "Excellent.", None),
                failed.pk: (WorkshopOutcome.FAILED, "   ", None),
            },
            by=officer,
        )

    assert "Bob Okafor" in str(refused.value.message)
    # Nothing was recorded for Alice either: read back from the database.
    assert Accreditation.objects.get(pk=passed.accreditation_id).state == S.SHORTLISTED
    assert set(workshop.participants.values_list("outcome", flat=True)) == {WorkshopOutcome.PENDING}
    assert snapshot() == before


def test_an_outcome_cannot_be_recorded_twice(alice, officer):
    workshop = make_workshop()
    seat = workshops.add_candidate(workshop, alice, by=officer)
    workshops.record_outcomes(workshop, {seat.pk: (WorkshopOutcome.PASSED, "", None)}, by=officer)
    before = snapshot()

    # The same outcome again is nothing to do; a different one is refused.
    assert (
        workshops.record_outcomes(
            workshop, {seat.pk: (WorkshopOutcome.PASSED, "", None)}, by=officer
        )
        == 0
    )
    with pytest.raises(AccreditationError, match="already recorded"):
        workshops.record_outcomes(
            workshop, {seat.pk: (WorkshopOutcome.FAILED, "Changed my mind.", None)}, by=officer
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "outcome"),
    [
        (WorkshopKind.ACCREDITATION, WorkshopOutcome.ATTENDED),
        (WorkshopKind.ACCREDITATION, WorkshopOutcome.ABSENT),
        (WorkshopKind.REFRESHER, WorkshopOutcome.PASSED),
        (WorkshopKind.REFRESHER, WorkshopOutcome.FAILED),
        (WorkshopKind.ACCREDITATION, "excellent"),
    ],
    ids=str,
)
def test_an_outcome_of_the_wrong_kind_is_refused(kind, outcome, alice, bob, officer):
    if kind == WorkshopKind.REFRESHER:
        build_in(S.ACCREDITED, alice, by=officer)
        build_in(S.ACCREDITED, bob, by=officer)
    workshop = make_workshop(kind)
    first = workshops.add_candidate(workshop, alice, by=officer)
    second = workshops.add_candidate(workshop, bob, by=officer)
    fine = WorkshopOutcome.PASSED if kind == WorkshopKind.ACCREDITATION else "attended"
    before = snapshot()

    with pytest.raises(AccreditationError, match="does not apply"):
        workshops.record_outcomes(
            workshop,
            {first.pk: (fine, "Good.", None), second.pk: (outcome, "Hm.", None)},
            by=officer,
        )

    assert snapshot() == before
    assert set(workshop.participants.values_list("outcome", flat=True)) == {"pending"}


def test_an_outcome_for_someone_not_at_the_workshop_is_refused(alice, bob, officer):
    workshop, other = make_workshop(), make_workshop()
    seat = workshops.add_candidate(workshop, alice, by=officer)
    stranger = workshops.add_candidate(other, bob, by=officer)
    before = snapshot()

    with pytest.raises(AccreditationError, match="not a participant"):
        workshops.record_outcomes(
            workshop,
            {
                seat.pk: (WorkshopOutcome.PASSED, "", None),
                stranger.pk: (WorkshopOutcome.PASSED, "", None),
            },
            by=officer,
        )

    assert snapshot() == before
    assert Accreditation.objects.get(pk=seat.accreditation_id).state == S.SHORTLISTED


def test_a_refresher_needs_an_accreditation_to_refresh(alice, officer):
    refresher = make_workshop(WorkshopKind.REFRESHER)
    with pytest.raises(IllegalTransition, match="no accreditation"):
        workshops.add_candidate(refresher, alice, by=officer)
    assert not refresher.participants.exists()


def test_conversion_changes_the_profile_with_a_convert_event(alice, officer):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    validity = accreditation.valid_until

    converted = convert_profile(accreditation.pk, cma(), by=officer, reason="Refresher: now CMA.")

    assert converted.profile_type.code == "CMA"
    assert (converted.state, converted.valid_until) == (S.ACCREDITED, validity)
    event = converted.events.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == (
        "convert",
        S.ACCREDITED,
        S.ACCREDITED,
    )
    assert changed_notifications(alice.user).order_by("-pk").first().context["profile"] == "CMA"


def test_conversion_to_a_profile_already_held_is_refused(alice, officer):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    build_in(S.NOMINATED, alice, by=officer, profile=cma())
    before = snapshot(accreditation)

    with pytest.raises(DuplicateAccreditation):
        convert_profile(accreditation.pk, cma(), by=officer, reason="Refresher: now CMA.")

    assert snapshot(accreditation) == before


def test_conversion_is_only_for_holding_accreditations(alice, officer):
    accreditation = build_in(S.SHORTLISTED, alice, by=officer)
    before = snapshot(accreditation)
    with pytest.raises(IllegalTransition):
        convert_profile(accreditation.pk, cma(), by=officer, reason="Refresher: now CMA.")
    assert snapshot(accreditation) == before


def test_a_workshop_cannot_end_before_it_starts(officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_workshop(start=date(2026, 4, 17), end=date(2026, 4, 13))


def test_candidates_are_separate_experts(officer):
    # Workshops of 8-20: every seat nominates and shortlists its own accreditation.
    workshop = make_workshop()
    experts = ExpertFactory.create_batch(8)
    for expert in experts:
        workshops.add_candidate(workshop, expert, by=officer)
    assert (
        Accreditation.objects.filter(expert__in=experts, state=S.SHORTLISTED).distinct().count()
        == 8
    )
