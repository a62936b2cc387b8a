"""Two reviewers (or two beat workers) at once, on PostgreSQL: real threads, each with its own
database connection, released together by a barrier.

The winner is slowed down while it holds its row lock (``slow_record``), so the other caller
really arrives while the lock is held instead of after the winner has finished.
"""

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ace_portal.notifications.models import Notification
from ace_portal.notifications.services import outbox
from experts.enums import AccreditationState, RequestKind, RequestState
from experts.models import Accreditation, AccreditationEvent, AccreditationRequest
from experts.notifications import REQUEST_DECIDED
from experts.services.accreditation import transitions
from experts.services.accreditation.requests import (
    RequestAlreadyDecided,
    approve_request,
    submit_request,
)
from experts.services.accreditation.transitions import (
    IllegalTransition,
    StaleState,
    accredit,
    extend_validity,
    lapse,
    lapse_expired,
    reinstate,
    renew,
    suspend,
    valid_until_from,
)
from tests.experts.accreditation.test_requests import pdf
from tests.experts.accreditation.test_transitions import build_in, toa
from tests.factories import ExpertFactory, area

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    # Threads see only committed rows; the reference rows come back after each flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = AccreditationState
WAIT_SECONDS = 15
GRANTED = date(2026, 1, 10)
LAPSE_DAY = date(2029, 2, 1)


@pytest.fixture(autouse=True)
def _no_email_dispatch(monkeypatch):
    """The notification rows are what these tests count; nothing is handed to a worker."""
    monkeypatch.setattr(outbox, "dispatch", lambda pks: 0)


@pytest.fixture
def slow_record(monkeypatch):
    """Hold the row lock a little longer while writing the event."""

    def use(seconds=0.3):
        original = transitions._record

        def slowly(*args, **kwargs):
            time.sleep(seconds)
            return original(*args, **kwargs)

        monkeypatch.setattr(transitions, "_record", slowly)

    return use


def together(*calls):
    """Run ``calls`` in threads released at the same instant; return ("ok"|"error", value)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=WAIT_SECONDS)
            results[index] = ("ok", call())
        except Exception as error:  # the outcome under test
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * WAIT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def in_background(call):
    """Start ``call`` in a thread with its own connection; returns the thread and its result."""
    result = {}

    def run():
        try:
            result["value"] = call()
        except Exception as error:
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def split(results):
    won = [value for outcome, value in results if outcome == "ok"]
    lost = [value for outcome, value in results if outcome == "error"]
    return won, lost


# --- Two approvals of the same request ------------------------------------------------------


def test_two_approvals_of_the_same_request(alice, officer, admin_user, slow_record):
    request = submit_request(
        alice,
        kind=RequestKind.RECOGNITION,
        message="Recognised by the regional office.",
        upload=pdf(),
        by=alice.user,
        profile_type=toa(),
        area=area("aeo-safe"),
    )
    slow_record()

    won, lost = split(
        together(
            lambda: approve_request(request.pk, by=officer, reason="Evidence checked."),
            lambda: approve_request(request.pk, by=admin_user, reason="Looks right."),
        )
    )

    assert len(won) == 1 and len(lost) == 1
    assert isinstance(lost[0], RequestAlreadyDecided), repr(lost[0])
    assert "already approved" in str(lost[0].message)
    assert "nothing was changed" in str(lost[0].message)
    fresh = AccreditationRequest.objects.get(pk=request.pk)
    assert fresh.state == RequestState.APPROVED
    assert fresh.decided_by == won[0].decided_by
    accreditation = Accreditation.objects.get(expert=alice)
    assert accreditation.state == S.RECOGNIZED
    assert AccreditationEvent.objects.count() == 1
    assert Notification.objects.filter(kind=REQUEST_DECIDED).count() == 1


def test_two_approvals_of_a_renewal(alice, officer, admin_user, slow_record):
    accreditation = build_in(S.LAPSED, alice, by=officer)
    events = accreditation.events.count()
    request = submit_request(
        alice,
        kind=RequestKind.RENEWAL,
        message="I attended the refresher.",
        upload=pdf(),
        by=alice.user,
        accreditation=accreditation,
    )
    slow_record()

    won, lost = split(
        together(
            lambda: approve_request(request.pk, by=officer, reason="Certificate checked."),
            lambda: approve_request(request.pk, by=admin_user, reason="Fine."),
        )
    )

    assert (len(won), len(lost)) == (1, 1)
    assert isinstance(lost[0], RequestAlreadyDecided), repr(lost[0])
    assert Accreditation.objects.get(pk=accreditation.pk).state == S.ACCREDITED
    assert accreditation.events.count() == events + 1


# --- Two reviewers on the same accreditation ------------------------------------------------


def test_two_reviewers_accredit_the_same_pre_accredited_expert(
    alice, officer, admin_user, slow_record
):
    accreditation = build_in(S.PRE_ACCREDITED, alice, by=officer)
    events = accreditation.events.count()
    slow_record()

    def review(by):
        return lambda: accredit(
            accreditation.pk, by=by, reason="Field evaluation passed.", expected=S.PRE_ACCREDITED
        )

    won, lost = split(together(review(officer), review(admin_user)))

    assert (len(won), len(lost)) == (1, 1)
    assert isinstance(lost[0], (StaleState, IllegalTransition)), repr(lost[0])
    assert "Accredited" in str(lost[0].message)
    assert Accreditation.objects.get(pk=accreditation.pk).state == S.ACCREDITED
    assert accreditation.events.count() == events + 1
    assert accreditation.events.filter(action="accredit").count() == 1


def test_suspend_and_withdraw_at_once(alice, officer, admin_user, slow_record):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    events = accreditation.events.count()
    slow_record()

    won, lost = split(
        together(
            lambda: suspend(accreditation.pk, by=officer, reason="Inquiry.", expected=S.ACCREDITED),
            lambda: transitions.withdraw(
                accreditation.pk, by=admin_user, reason="Left Customs.", expected=S.ACCREDITED
            ),
        )
    )

    assert (len(won), len(lost)) == (1, 1)
    assert isinstance(lost[0], StaleState), repr(lost[0])
    assert Accreditation.objects.get(pk=accreditation.pk).state == won[0].state
    assert accreditation.events.count() == events + 1


# --- Two lapse runs at once ------------------------------------------------------------------


def test_two_lapse_runs_lapse_each_accreditation_once(officer, slow_record, time_machine):
    time_machine.move_to(GRANTED, tick=False)
    states = [S.ACCREDITED, S.ACCREDITED, S.PRE_ACCREDITED, S.RECOGNIZED, S.ACCREDITED]
    accreditations = [
        build_in(state, expert, by=officer)
        for expert, state in zip(ExpertFactory.create_batch(len(states)), states, strict=True)
    ]
    slow_record(0.05)

    results = together(
        lambda: lapse_expired(today=LAPSE_DAY), lambda: lapse_expired(today=LAPSE_DAY)
    )

    assert [outcome for outcome, _ in results] == ["ok", "ok"]
    assert sum(count for _, count in results) == len(states)
    for accreditation in accreditations:
        assert Accreditation.objects.get(pk=accreditation.pk).state == S.LAPSED
        assert accreditation.events.filter(action="lapse").count() == 1
    assert lapse_expired(today=LAPSE_DAY) == 0


# --- A change read before the row was locked ------------------------------------------------


def pause_before(monkeypatch, name, when):
    """Make the service helper ``name`` wait, when ``when(*args, **kwargs)``, until released.

    Returns (reached, release): the paused caller sets ``reached``; the test sets ``release``
    after committing a change of its own.
    """
    reached, release = threading.Event(), threading.Event()
    original = getattr(transitions, name)

    def paused(*args, **kwargs):
        if when(*args, **kwargs):
            reached.set()
            release.wait(timeout=WAIT_SECONDS)
        return original(*args, **kwargs)

    monkeypatch.setattr(transitions, name, paused)
    return reached, release


@pytest.mark.parametrize(
    ("leave", "back"), [(suspend, reinstate), (lapse, renew)], ids=["suspend", "lapse"]
)
def test_the_state_to_resume_is_read_under_the_lock(
    leave, back, alice, officer, admin_user, monkeypatch
):
    accreditation = build_in(S.PRE_ACCREDITED, alice, by=officer)
    target = S.SUSPENDED if leave is suspend else S.LAPSED
    reached, release = pause_before(
        monkeypatch, "_move", lambda pk, to_state, **kwargs: to_state == target
    )

    thread, result = in_background(
        lambda: leave(accreditation.pk, by=admin_user, reason="Inquiry.")
    )
    assert reached.wait(timeout=WAIT_SECONDS)
    # Meanwhile another reviewer records the passed field evaluation, and commits.
    accredit(accreditation.pk, by=officer, reason="Field evaluation passed.")
    release.set()
    thread.join(timeout=WAIT_SECONDS)
    assert "error" not in result, result

    left = Accreditation.objects.get(pk=accreditation.pk)
    assert (left.state, left.resume_state) == (target, S.ACCREDITED)
    assert back(accreditation.pk, by=admin_user, reason="Closed.").state == S.ACCREDITED


def test_two_extensions_at_once_never_shorten(alice, officer, admin_user, monkeypatch):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    today = timezone.localdate()
    mine, theirs = today + timedelta(days=100), today + timedelta(days=400)
    reached, release = pause_before(
        monkeypatch, "_keep_state", lambda pk, **kwargs: kwargs.get("reason") == "Mine."
    )

    thread, result = in_background(
        lambda: extend_validity(accreditation.pk, since=mine, by=officer, reason="Mine.")
    )
    assert reached.wait(timeout=WAIT_SECONDS)
    extend_validity(accreditation.pk, since=theirs, by=admin_user, reason="Theirs.")
    release.set()
    thread.join(timeout=WAIT_SECONDS)
    assert "error" not in result, result

    expected = valid_until_from(theirs, accreditation.area)
    assert Accreditation.objects.get(pk=accreditation.pk).valid_until == expected
