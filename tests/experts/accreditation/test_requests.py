"""Experts' requests (renewal, recognition in a new area, correction) and reviewers' decisions,
through experts.services.accreditation.requests."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ace_portal.notifications.models import Notification
from experts.enums import AccreditationState, DocumentKind, RequestKind, RequestState
from experts.models import Accreditation, AccreditationRequest, ExpertDocument
from experts.notifications import ACCREDITATION_CHANGED, REQUEST_DECIDED
from experts.services.accreditation.requests import (
    RequestAlreadyDecided,
    approve_request,
    reject_request,
    submit_request,
)
from experts.services.accreditation.transitions import (
    AccreditationError,
    DuplicateAccreditation,
    IllegalTransition,
    lapse_expired,
)
from tests.experts.accreditation.test_transitions import build_in, snapshot, toa
from tests.experts.conftest import PDF_BYTES
from tests.factories import area

pytestmark = pytest.mark.django_db

S = AccreditationState
GRANTED = date(2026, 1, 10)


def pdf(name="Certificate of recognition.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def ask(alice):
    """Alice submits a request of ``kind``."""

    def submit(kind, *, expert=None, upload=None, **kwargs):
        expert = expert or alice
        return submit_request(
            expert,
            kind=kind,
            message="Please consider my work with the AEO programme since 2019.",
            upload=upload or pdf(),
            by=expert.user,
            **kwargs,
        )

    return submit


@pytest.fixture
def recognition(ask):
    return ask(RequestKind.RECOGNITION, profile_type=toa(), area=area("aeo-safe"))


def decided(user):
    return Notification.objects.filter(recipient=user, kind=REQUEST_DECIDED)


def everything():
    """Counts of every row a decision may write."""
    return {
        **snapshot(),
        "documents": ExpertDocument.objects.count(),
        "requests": AccreditationRequest.objects.count(),
        "pending": AccreditationRequest.objects.filter(state=RequestState.PENDING).count(),
    }


# --- Submitting ----------------------------------------------------------------------------------


def test_a_request_stores_its_document_as_supporting(alice, ask):
    request = ask(
        RequestKind.RECOGNITION,
        profile_type=toa(),
        area=area("aeo-safe"),
        upload=pdf("../../My certificate.pdf"),
    )

    assert request.state == RequestState.PENDING
    assert (request.expert, request.kind) == (alice, RequestKind.RECOGNITION)
    assert (request.profile_type.code, request.area.code) == ("TOA", "aeo-safe")
    document = request.document
    assert (document.expert, document.kind) == (alice, DocumentKind.SUPPORTING)
    assert (document.uploaded_by, document.size) == (alice.user, len(PDF_BYTES))
    assert document.original_name == "My_certificate.pdf"  # no folders, no spaces
    with document.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES
    assert (request.decided_by, request.decided_at, request.decision_reason) == (None, None, "")


def test_a_renewal_request_names_no_profile_or_area(alice, officer, ask):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    request = ask(
        RequestKind.RENEWAL, accreditation=accreditation, profile_type=toa(), area=area("transit")
    )
    assert request.accreditation == accreditation
    assert (request.profile_type, request.area) == (None, None)


def test_submitting_changes_no_accreditation(alice, officer, ask):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    before = snapshot(accreditation)
    ask(RequestKind.RENEWAL, accreditation=accreditation)
    assert snapshot(accreditation) == before


@pytest.mark.parametrize(
    "case",
    [
        "renewal-of-nothing",
        "recognition-without-area",
        "recognition-without-profile",
        "renewal-of-another",
    ],
)
def test_an_incomplete_or_foreign_request_cannot_be_approved(case, alice, bob, officer, ask):
    others = build_in(S.ACCREDITED, bob, by=officer)
    kwargs = {
        "renewal-of-nothing": {"kind": RequestKind.RENEWAL},
        "recognition-without-area": {"kind": RequestKind.RECOGNITION, "profile_type": toa()},
        "recognition-without-profile": {
            "kind": RequestKind.RECOGNITION,
            "area": area("aeo-safe"),
        },
        "renewal-of-another": {"kind": RequestKind.RENEWAL},
    }[case]
    request = ask(**kwargs)
    if case == "renewal-of-another":
        # submit_request refuses this (below); a row that got in another way is still refused.
        AccreditationRequest.objects.filter(pk=request.pk).update(accreditation=others)
    others_before = snapshot(others)
    before = everything()

    with pytest.raises(AccreditationError) as refused:
        approve_request(request.pk, by=officer, reason="Looks fine.")

    assert str(refused.value.message)
    assert everything() == before
    assert snapshot(others) == others_before
    assert AccreditationRequest.objects.get(pk=request.pk).state == RequestState.PENDING
    assert not decided(alice.user).exists()


def test_a_renewal_of_another_experts_accreditation_cannot_be_submitted(alice, bob, officer, ask):
    others = build_in(S.ACCREDITED, bob, by=officer)
    before = everything()

    with pytest.raises(AccreditationError) as refused:
        ask(kind=RequestKind.RENEWAL, accreditation=others)

    assert "your own" in str(refused.value.message)
    assert everything() == before


# --- Approving -----------------------------------------------------------------------------------


def test_approving_a_recognition_creates_a_recognized_accreditation(
    alice, officer, recognition, time_machine
):
    time_machine.move_to(date(2026, 5, 4), tick=False)

    approved = approve_request(recognition.pk, by=officer, reason="  Evidence checked.  ")

    fresh = AccreditationRequest.objects.get(pk=recognition.pk)
    assert fresh.state == approved.state == RequestState.APPROVED
    assert (fresh.decided_by, fresh.decision_reason) == (officer, "Evidence checked.")
    assert fresh.decided_at.date() == date(2026, 5, 4)
    accreditation = Accreditation.objects.get(expert=alice)
    assert (accreditation.state, accreditation.profile_type.code, accreditation.area.code) == (
        S.RECOGNIZED,
        "TOA",
        "aeo-safe",
    )
    assert (accreditation.granted_on, accreditation.valid_until) == (
        date(2026, 5, 4),
        date(2029, 5, 4),
    )
    event = accreditation.events.get()
    assert (event.action, event.from_state, event.to_state) == ("recognize", "", S.RECOGNIZED)
    assert (event.by, event.reason) == (officer, "Evidence checked.")
    assert event.evidence_document == recognition.document
    notification = decided(alice.user).get()
    assert notification.dedupe_key == f"accreditation-request-decided:{recognition.pk}"
    assert notification.context["approved"] is True
    assert notification.context["request"] == RequestKind.RECOGNITION
    assert notification.context["reason"] == "Evidence checked."
    assert Notification.objects.filter(recipient=alice.user, kind=ACCREDITATION_CHANGED).count()


@pytest.mark.parametrize("held", [S.ACCREDITED, S.PRE_ACCREDITED, S.RECOGNIZED], ids=str)
def test_approving_the_renewal_of_a_lapsed_one_restores_its_state(
    held, alice, officer, ask, time_machine
):
    time_machine.move_to(GRANTED, tick=False)
    accreditation = build_in(held, alice, by=officer)
    lapse_expired(today=date(2029, 2, 1))
    request = ask(RequestKind.RENEWAL, accreditation=accreditation)
    time_machine.move_to(date(2029, 3, 15), tick=False)

    approve_request(request.pk, by=officer, reason="Refresher certificate checked.")

    fresh = Accreditation.objects.get(pk=accreditation.pk)
    assert (fresh.state, fresh.valid_until, fresh.resume_state) == (held, date(2032, 3, 15), "")
    event = fresh.events.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == ("renew", S.LAPSED, held)
    assert event.evidence_document == request.document
    assert AccreditationRequest.objects.get(pk=request.pk).state == RequestState.APPROVED


def test_approving_the_renewal_of_a_current_one_extends_it_from_today(
    alice, officer, ask, time_machine
):
    time_machine.move_to(GRANTED, tick=False)
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    request = ask(RequestKind.RENEWAL, accreditation=accreditation)
    time_machine.move_to(date(2028, 11, 20), tick=False)

    approve_request(request.pk, by=officer, reason="Delivered three missions this year.")

    fresh = Accreditation.objects.get(pk=accreditation.pk)
    assert (fresh.state, fresh.granted_on, fresh.valid_until) == (
        S.ACCREDITED,
        GRANTED,
        date(2031, 11, 20),
    )
    event = fresh.events.order_by("-pk").first()
    assert (event.action, event.evidence_document) == ("extend", request.document)


def test_approving_a_renewal_of_a_suspended_one_is_refused_and_stays_pending(
    alice, officer, ask, time_machine
):
    time_machine.move_to(GRANTED, tick=False)
    accreditation = build_in(S.SUSPENDED, alice, by=officer)
    request = ask(RequestKind.RENEWAL, accreditation=accreditation)
    time_machine.move_to(date(2027, 2, 1), tick=False)
    before = everything()

    with pytest.raises(IllegalTransition):
        approve_request(request.pk, by=officer, reason="Looks fine.")

    assert everything() == before
    assert AccreditationRequest.objects.get(pk=request.pk).state == RequestState.PENDING


def test_approving_a_recognition_already_held_is_refused_and_stays_pending(
    alice, officer, recognition
):
    build_in(S.NOMINATED, alice, by=officer)
    before = everything()

    with pytest.raises(DuplicateAccreditation):
        approve_request(recognition.pk, by=officer, reason="Evidence checked.")

    assert everything() == before
    assert not decided(alice.user).exists()


def test_approving_a_correction_changes_no_accreditation(alice, officer, ask):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    request = ask(RequestKind.CORRECTION, accreditation=accreditation)
    before = snapshot(accreditation)

    approve_request(request.pk, by=officer, reason="Corrected the area name by hand.")

    after = snapshot(accreditation)
    assert after["events"] == before["events"]
    assert after["state"] == before["state"]
    assert AccreditationRequest.objects.get(pk=request.pk).state == RequestState.APPROVED
    assert decided(alice.user).count() == 1


# --- Rejecting -----------------------------------------------------------------------------------


def test_rejecting_changes_nothing_but_the_request(alice, officer, recognition):
    before = snapshot()

    reject_request(recognition.pk, by=officer, reason="The certificate is not a WCO one.")

    fresh = AccreditationRequest.objects.get(pk=recognition.pk)
    assert (fresh.state, fresh.decided_by, fresh.decision_reason) == (
        RequestState.REJECTED,
        officer,
        "The certificate is not a WCO one.",
    )
    after = snapshot()
    assert (after["accreditations"], after["events"]) == (
        before["accreditations"],
        before["events"],
    )
    notification = decided(alice.user).get()
    assert notification.context["approved"] is False
    assert notification.context["reason"] == "The certificate is not a WCO one."


@pytest.mark.parametrize("decide", [approve_request, reject_request], ids=lambda f: f.__name__)
@pytest.mark.parametrize("reason", ["", "   ", None], ids=["empty", "blank", "none"])
def test_a_decision_needs_a_reason(decide, reason, officer, recognition):
    before = everything()
    with pytest.raises(AccreditationError) as refused:
        decide(recognition.pk, by=officer, reason=reason)
    assert "reason" in str(refused.value.message)
    assert everything() == before


# --- Deciding twice ------------------------------------------------------------------------------


@pytest.mark.parametrize("second", [approve_request, reject_request], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    ("first", "word"),
    [(approve_request, "approved"), (reject_request, "rejected")],
    ids=["approved", "rejected"],
)
def test_deciding_twice_is_refused(first, word, second, alice, officer, admin_user, recognition):
    first(recognition.pk, by=officer, reason="First decision.")
    before = everything()

    with pytest.raises(RequestAlreadyDecided) as refused:
        second(recognition.pk, by=admin_user, reason="Second decision.")

    message = str(refused.value.message)
    assert f"already {word}" in message
    assert "nothing was changed" in message
    assert everything() == before
    fresh = AccreditationRequest.objects.get(pk=recognition.pk)
    assert (fresh.decided_by, fresh.decision_reason) == (officer, "First decision.")
    assert decided(alice.user).count() == 1
    assert Accreditation.objects.filter(expert=alice).count() == (1 if word == "approved" else 0)
