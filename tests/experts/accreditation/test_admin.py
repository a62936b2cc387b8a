"""The reviewers' side of accreditation in the Django admin: the review queue of requests, bulk
transitions with a reason, a history that cannot be rewritten, workshops.

Every change goes through the services; these tests drive the admin as a reviewer would: the
changelist action, its confirmation page, then the apply step posted back to the changelist.
"""

from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ace_portal.notifications.models import Notification
from experts.enums import AccreditationState, RequestKind, RequestState, WorkshopKind
from experts.models import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    ProfileType,
    Workshop,
)
from experts.notifications import REQUEST_DECIDED
from experts.services import workshops
from experts.services.accreditation import requests as accreditation_requests
from experts.services.accreditation import transitions
from tests.conftest import sign_in
from tests.factories import ExpertFactory, UserFactory, area

pytestmark = pytest.mark.django_db

REQUESTS = reverse("admin:experts_accreditationrequest_changelist")
ACCREDITATIONS = reverse("admin:experts_accreditation_changelist")
EVENTS = reverse("admin:experts_accreditationevent_changelist")
WORKSHOPS = reverse("admin:experts_workshop_changelist")
PDF = b"%PDF-1.4\n%%EOF\n"
S = AccreditationState


def toa() -> ProfileType:
    return ProfileType.objects.get(code="TOA")


@pytest.fixture
def reviewer(client, admin_user):
    sign_in(client, admin_user)
    return client


@pytest.fixture
def submit():
    """A recognition request by ``expert``, sent through the service with its PDF."""

    def make(expert, area_code="aeo-safe"):
        return accreditation_requests.submit_request(
            expert,
            kind=RequestKind.RECOGNITION,
            message="I led the AEO programme for five years.",
            upload=SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
            by=expert.user,
            profile_type=toa(),
            area=area(area_code),
        )

    return make


@pytest.fixture
def recognized(admin_user):
    def make(expert, area_code="aeo-safe"):
        return transitions.recognize(
            expert, toa(), area(area_code), by=admin_user, reason="Recognized on the record."
        )

    return make


def show(client, url, action, rows):
    """The changelist's "Go" with rows ticked: the confirmation page."""
    return client.post(
        url, {"action": action, "index": "0", "_selected_action": [row.pk for row in rows]}
    )


def apply(client, url, action, rows, *, reason="Checked against the record.", **extra):
    """The confirmation page's submit: hidden action, ids and apply=1, plus the form."""
    data = {"action": action, "_selected_action": [row.pk for row in rows], "apply": "1"}
    return client.post(url, {**data, "reason": reason, **extra})


def shown_expected(page) -> dict:
    """The ``expected-<pk>`` fields the confirmation page carries: the states it showed."""
    return {f"expected-{row.pk}": row.expected for row in page.context["rows"]}


def transition(client, action, rows, *, reason="Checked against the record.", comment=""):
    page = show(client, ACCREDITATIONS, action, rows)
    assert page.status_code == 200
    return apply(
        client,
        ACCREDITATIONS,
        action,
        rows,
        reason=reason,
        internal_comment=comment,
        **shown_expected(page),
    )


def texts(response, level=None) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if level is None or message.level_tag == level
    ]


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# --- The review queue ----------------------------------------------------------------------------


def test_request_queue_defaults_to_pending(reviewer, admin_user, alice, bob, submit):
    pending = submit(alice)
    decided = submit(bob)
    accreditation_requests.reject_request(decided.pk, by=admin_user, reason="No evidence.")

    assert listed(reviewer.get(REQUESTS)) == [pending]
    assert listed(reviewer.get(REQUESTS, {"state": "rejected"})) == [decided]
    assert set(listed(reviewer.get(REQUESTS, {"state": "all"}))) == {pending, decided}


def test_request_queue_filters_and_search(reviewer, alice, bob, submit):
    aeo = submit(alice, "aeo-safe")
    transit = submit(bob, "transit")
    assert listed(reviewer.get(REQUESTS, {"area__id__exact": area("transit").pk})) == [transit]
    assert listed(reviewer.get(REQUESTS, {"kind__exact": RequestKind.RECOGNITION})) == [
        aeo,
        transit,
    ]
    assert listed(reviewer.get(REQUESTS, {"q": bob.user.email})) == [transit]
    assert listed(reviewer.get(REQUESTS, {"q": "Mwangi"})) == [aeo]


def test_request_change_page_read_only_with_document_link(reviewer, alice, submit):
    request = submit(alice)
    response = reviewer.get(reverse("admin:experts_accreditationrequest_change", args=[request.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    download = reverse("experts:document", args=[request.document_id])
    assert f'href="{download}"' in response.text
    assert reviewer.get(download).status_code == 200
    assert 'name="_save"' not in response.text


def test_request_add_and_delete_refused(reviewer, alice, submit):
    request = submit(alice)
    assert reviewer.get(reverse("admin:experts_accreditationrequest_add")).status_code == 403
    delete = reverse("admin:experts_accreditationrequest_delete", args=[request.pk])
    assert reviewer.post(delete, {"post": "yes"}).status_code == 403
    assert AccreditationRequest.objects.filter(pk=request.pk).exists()


def test_approve_shows_confirmation_page(reviewer, alice, submit):
    request = submit(alice)
    response = show(reviewer, REQUESTS, "approve_selected", [request])
    assert response.status_code == 200
    assert "admin/experts/decide_requests.html" in [t.name for t in response.templates]
    assert "admin/base_site.html" in [t.name for t in response.templates]
    assert '<label for="id_reason">Reason (shown to the expert)</label>' in response.text
    assert '<input type="submit" class="default" value="Approve">' in response.text
    assert '<input type="hidden" name="apply" value="1">' in response.text
    assert '<input type="hidden" name="action" value="approve_selected">' in response.text
    assert f'name="_selected_action" value="{request.pk}"' in response.text
    assert "I led the AEO programme" in response.text
    assert reverse("experts:document", args=[request.document_id]) in response.text
    # Showing the page decides nothing.
    request.refresh_from_db()
    assert request.state == RequestState.PENDING


def test_approve_with_reason_recognizes_and_notifies(reviewer, admin_user, alice, submit):
    request = submit(alice)
    response = apply(reviewer, REQUESTS, "approve_selected", [request], reason="Solid evidence.")

    assert response.status_code == 302
    assert texts(response) == ["1 request approved."]
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert request.decided_by == admin_user
    assert request.decision_reason == "Solid evidence."
    accreditation = Accreditation.objects.get(
        expert=alice, profile_type=toa(), area=area("aeo-safe")
    )
    assert accreditation.state == S.RECOGNIZED
    event = accreditation.events.get()
    assert (event.action, event.to_state, event.by) == ("recognize", S.RECOGNIZED, admin_user)
    assert event.reason == "Solid evidence."
    assert event.evidence_document == request.document
    notification = Notification.objects.get(recipient=alice.user, kind=REQUEST_DECIDED)
    assert notification.context["approved"] is True
    assert notification.context["reason"] == "Solid evidence."


@pytest.mark.parametrize("action", ["approve_selected", "reject_selected"])
@pytest.mark.parametrize("reason", ["", "   "])
def test_decision_without_reason_changes_nothing(reviewer, alice, submit, action, reason):
    request = submit(alice)
    response = apply(reviewer, REQUESTS, action, [request], reason=reason)

    assert response.status_code == 200
    assert "Please give a reason: it is recorded and shown to the expert." in response.text
    assert "Nothing was changed." in response.text
    assert f'name="_selected_action" value="{request.pk}"' in response.text
    request.refresh_from_db()
    assert request.state == RequestState.PENDING
    assert not Accreditation.objects.exists()
    assert not Notification.objects.filter(kind=REQUEST_DECIDED).exists()


def test_reject_with_reason(reviewer, admin_user, alice, submit):
    request = submit(alice)
    show_page = show(reviewer, REQUESTS, "reject_selected", [request])
    assert '<input type="submit" class="default" value="Reject">' in show_page.text

    response = apply(reviewer, REQUESTS, "reject_selected", [request], reason="Not enough.")

    assert texts(response) == ["1 request rejected."]
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (RequestState.REJECTED, admin_user)
    assert request.decision_reason == "Not enough."
    assert not Accreditation.objects.exists()
    notification = Notification.objects.get(recipient=alice.user, kind=REQUEST_DECIDED)
    assert notification.context["approved"] is False


def test_request_decided_meanwhile_gets_conflict_message(reviewer, officer, alice, submit):
    request = submit(alice)
    assert show(reviewer, REQUESTS, "approve_selected", [request]).status_code == 200
    # A second reviewer decides first; the page shown to the first is now out of date.
    accreditation_requests.reject_request(request.pk, by=officer, reason="Rejected first.")

    response = apply(reviewer, REQUESTS, "approve_selected", [request], reason="Approve too.")

    errors = texts(response, "error")
    assert len(errors) == 1
    assert "already" in errors[0]
    assert texts(response, "success") == []
    request.refresh_from_db()
    assert (request.state, request.decision_reason) == (RequestState.REJECTED, "Rejected first.")
    assert not AccreditationEvent.objects.exists()
    assert Notification.objects.filter(kind=REQUEST_DECIDED).count() == 1


def test_bulk_approve_of_three(reviewer, alice, bob, submit):
    carol = ExpertFactory(given_names="Carol", family_name="Tanaka")
    requests = [submit(alice, "aeo-safe"), submit(bob, "transit"), submit(carol, "integrity")]
    page = show(reviewer, REQUESTS, "approve_selected", requests)
    assert len(page.context["rows"]) == 3

    response = apply(reviewer, REQUESTS, "approve_selected", requests, reason="All verified.")

    assert texts(response) == ["3 requests approved."]
    assert Accreditation.objects.filter(state=S.RECOGNIZED).count() == 3
    assert AccreditationEvent.objects.filter(reason="All verified.").count() == 3
    assert set(AccreditationRequest.objects.values_list("state", flat=True)) == {"approved"}


def test_bulk_approve_reports_a_duplicate_and_processes_the_others(
    reviewer, alice, bob, submit, recognized
):
    recognized(alice, "aeo-safe")
    duplicate, fine = submit(alice, "aeo-safe"), submit(bob, "aeo-safe")

    response = apply(reviewer, REQUESTS, "approve_selected", [duplicate, fine])

    assert texts(response, "success") == ["1 request approved."]
    [error] = texts(response, "error")
    assert error.startswith(str(duplicate))
    assert "already has a live TOA accreditation" in error
    duplicate.refresh_from_db()
    fine.refresh_from_db()
    assert (duplicate.state, fine.state) == (RequestState.PENDING, RequestState.APPROVED)
    assert Accreditation.objects.filter(expert=alice).count() == 1


def test_reviewer_without_change_permission_cannot_decide(client, alice, submit):
    viewer = UserFactory(email="viewer@wco.example", is_staff=True)
    TOTP.activate(viewer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    viewer.user_permissions.add(Permission.objects.get(codename="view_accreditationrequest"))
    sign_in(client, viewer)
    request = submit(alice)

    page = client.get(REQUESTS)
    assert page.status_code == 200
    assert "approve_selected" not in page.text
    apply(client, REQUESTS, "approve_selected", [request], reason="Sneaky.")

    request.refresh_from_db()
    assert request.state == RequestState.PENDING


# --- Accreditations ------------------------------------------------------------------------------


def test_suspend_reinstate_withdraw_with_reason(reviewer, admin_user, alice, recognized):
    accreditation = recognized(alice)

    response = transition(
        reviewer, "suspend_selected", [accreditation], reason="Under review.", comment="Case 12"
    )
    assert texts(response) == ["1 accreditation suspended."]
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.resume_state) == (S.SUSPENDED, S.RECOGNIZED)
    event = accreditation.events.last()
    assert (event.action, event.from_state, event.to_state) == (
        "suspend",
        "recognized",
        "suspended",
    )
    assert (event.reason, event.internal_comment, event.by) == (
        "Under review.",
        "Case 12",
        admin_user,
    )

    response = transition(reviewer, "reinstate_selected", [accreditation], reason="Cleared.")
    assert texts(response) == ["1 accreditation reinstated."]
    accreditation.refresh_from_db()
    assert accreditation.state == S.RECOGNIZED

    response = transition(reviewer, "withdraw_selected", [accreditation], reason="Left Customs.")
    assert texts(response) == ["1 accreditation withdrawn."]
    accreditation.refresh_from_db()
    assert accreditation.state == S.WITHDRAWN
    assert list(accreditation.events.values_list("action", flat=True)) == [
        "recognize",
        "suspend",
        "reinstate",
        "withdraw",
    ]


def test_renew_lapsed_and_retire(reviewer, alice, bob, recognized):
    lapsed, held = recognized(alice), recognized(bob)
    transitions.lapse(lapsed.pk, reason="The validity ended.")

    response = transition(reviewer, "renew_selected", [lapsed], reason="Refresher attended.")
    assert texts(response) == ["1 accreditation renewed."]
    lapsed.refresh_from_db()
    assert lapsed.state == S.RECOGNIZED
    assert lapsed.valid_until > date.today() + timedelta(days=365 * 2)

    response = transition(reviewer, "retire_selected", [held], reason="Retired from Customs.")
    assert texts(response) == ["1 accreditation retired."]
    held.refresh_from_db()
    assert held.state == S.RETIRED


def test_transition_confirmation_page(reviewer, alice, recognized):
    accreditation = recognized(alice)
    response = show(reviewer, ACCREDITATIONS, "suspend_selected", [accreditation])
    assert "admin/experts/change_accreditations.html" in [t.name for t in response.templates]
    assert '<label for="id_reason">Reason (shown to the expert)</label>' in response.text
    assert 'name="internal_comment"' in response.text
    assert '<input type="submit" class="default" value="Suspend">' in response.text
    expected = f'<input type="hidden" name="expected-{accreditation.pk}" value="recognized">'
    assert expected in response.text


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("reinstate_selected", "Only a suspended accreditation can be reinstated."),
        ("renew_selected", "Only a lapsed accreditation can be renewed; extend it instead."),
    ],
)
def test_illegal_transition_is_refused_with_a_message(reviewer, alice, recognized, action, message):
    accreditation = recognized(alice)
    response = transition(reviewer, action, [accreditation])

    assert texts(response, "success") == []
    assert texts(response, "error") == [f"Alice Mwangi · TOA · {accreditation.area}: {message}"]
    accreditation.refresh_from_db()
    assert accreditation.state == S.RECOGNIZED
    assert accreditation.events.count() == 1


def test_withdrawn_cannot_be_suspended(reviewer, admin_user, alice, recognized):
    accreditation = recognized(alice)
    transitions.withdraw(accreditation.pk, by=admin_user, reason="Left.")
    response = transition(reviewer, "suspend_selected", [accreditation])
    [error] = texts(response, "error")
    assert "cannot go from Withdrawn to Suspended" in error
    accreditation.refresh_from_db()
    assert accreditation.state == S.WITHDRAWN


def test_bulk_transition_refuses_one_row_and_processes_the_others(
    reviewer, admin_user, alice, bob, recognized
):
    already = recognized(alice)
    transitions.suspend(already.pk, by=admin_user, reason="Earlier.")
    fine = recognized(bob)

    response = transition(reviewer, "suspend_selected", [already, fine])

    assert texts(response, "success") == ["1 accreditation suspended."]
    assert len(texts(response, "error")) == 1
    fine.refresh_from_db()
    assert fine.state == S.SUSPENDED
    assert already.events.count() == 2


def test_changed_meanwhile_gets_stale_state_message(reviewer, officer, alice, recognized):
    accreditation = recognized(alice)
    page = show(reviewer, ACCREDITATIONS, "withdraw_selected", [accreditation])
    assert shown_expected(page) == {f"expected-{accreditation.pk}": "recognized"}
    # Another reviewer suspends it while the first one reads the confirmation page.
    transitions.suspend(accreditation.pk, by=officer, reason="Suspended first.")

    response = apply(
        reviewer, ACCREDITATIONS, "withdraw_selected", [accreditation], **shown_expected(page)
    )

    [error] = texts(response, "error")
    assert "somebody changed it since you opened it" in error
    assert texts(response, "success") == []
    accreditation.refresh_from_db()
    assert accreditation.state == S.SUSPENDED
    assert not accreditation.events.filter(action="withdraw").exists()


def test_transition_without_the_shown_state_changes_nothing(reviewer, alice, recognized):
    accreditation = recognized(alice)
    response = apply(reviewer, ACCREDITATIONS, "withdraw_selected", [accreditation])
    assert "somebody changed it" in texts(response, "error")[0]
    accreditation.refresh_from_db()
    assert accreditation.state == S.RECOGNIZED


def test_transition_without_reason_reshows_the_page(reviewer, alice, recognized):
    accreditation = recognized(alice)
    response = apply(
        reviewer,
        ACCREDITATIONS,
        "suspend_selected",
        [accreditation],
        reason=" ",
        **{f"expected-{accreditation.pk}": "recognized"},
    )
    assert response.status_code == 200
    assert "Please give a reason" in response.text
    accreditation.refresh_from_db()
    assert accreditation.state == S.RECOGNIZED
    assert accreditation.events.count() == 1


def test_accreditation_change_form_has_no_editable_state(reviewer, alice, recognized):
    accreditation = recognized(alice)
    url = reverse("admin:experts_accreditation_change", args=[accreditation.pk])
    response = reviewer.get(url)
    assert response.status_code == 200
    form_fields = response.context["adminform"].form.fields
    for name in ["state", "phase", "valid_until", "granted_on", "resume_state", "profile_type"]:
        assert name not in form_fields
    assert 'name="state"' not in response.text

    posted = reviewer.post(url, {"state": "accredited", "valid_until": "2099-01-01"})

    assert posted.status_code == 403
    before = accreditation.valid_until
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.valid_until) == (S.RECOGNIZED, before)
    assert reviewer.get(reverse("admin:experts_accreditation_add")).status_code == 403
    delete = reverse("admin:experts_accreditation_delete", args=[accreditation.pk])
    assert reviewer.post(delete, {"post": "yes"}).status_code == 403


def test_accreditation_page_shows_history_inline_without_delete(
    reviewer, admin_user, alice, recognized
):
    accreditation = recognized(alice)
    transitions.suspend(
        accreditation.pk, by=admin_user, reason="Under review.", internal_comment="Case 12"
    )
    response = reviewer.get(reverse("admin:experts_accreditation_change", args=[accreditation.pk]))

    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.prefix == "events"
    assert not inline.formset.can_delete
    assert not inline.has_add_permission and not inline.has_change_permission
    assert "events-0-DELETE" not in response.text
    assert "Under review." in response.text
    assert "Case 12" in response.text
    assert "Recognized → Suspended" in response.text


def test_accreditation_list_filters_and_search(reviewer, alice, bob, recognized):
    aeo, hs = recognized(alice, "aeo-safe"), recognized(bob, "hs-classification")
    assert listed(reviewer.get(ACCREDITATIONS, {"area__directorate__exact": "TT"})) == [hs]
    assert listed(reviewer.get(ACCREDITATIONS, {"area__id__exact": area("aeo-safe").pk})) == [aeo]
    assert listed(reviewer.get(ACCREDITATIONS, {"state__exact": "recognized"})) == [aeo, hs]
    assert listed(reviewer.get(ACCREDITATIONS, {"q": alice.user.email})) == [aeo]


# --- History -------------------------------------------------------------------------------------


def test_event_admin_refuses_add_change_delete(reviewer, alice, recognized):
    event = recognized(alice).events.get()
    change = reverse("admin:experts_accreditationevent_change", args=[event.pk])
    delete = reverse("admin:experts_accreditationevent_delete", args=[event.pk])

    assert reviewer.get(reverse("admin:experts_accreditationevent_add")).status_code == 403
    assert reviewer.post(change, {"reason": "Rewritten."}).status_code == 403
    assert reviewer.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.reason == "Recognized on the record."

    page = reviewer.get(change)
    assert page.status_code == 200
    assert "Recognized on the record." in page.text
    assert delete not in page.text
    assert 'name="_save"' not in page.text
    assert "delete_selected" not in reviewer.get(EVENTS).text


def test_event_admin_lists_and_searches_history(reviewer, admin_user, alice, bob, recognized):
    alices = recognized(alice)
    recognized(bob)
    transitions.suspend(alices.pk, by=admin_user, reason="Under review.")

    suspended = listed(reviewer.get(EVENTS, {"to_state__exact": "suspended"}))
    assert [event.action for event in suspended] == ["suspend"]
    assert len(listed(reviewer.get(EVENTS, {"q": "Mwangi"}))) == 2
    assert len(listed(reviewer.get(EVENTS, {"action": "recognize"}))) == 2


# --- Workshops -----------------------------------------------------------------------------------


@pytest.fixture
def workshop(admin_user):
    return Workshop.objects.create(
        kind=WorkshopKind.ACCREDITATION,
        title="AEO accreditation workshop",
        area=area("aeo-safe"),
        profile_type=toa(),
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 6),
        venue="Brussels",
        created_by=admin_user,
    )


def test_workshop_page_shows_participants_read_only(reviewer, admin_user, alice, workshop):
    workshops.add_candidate(workshop, alice, by=admin_user)
    response = reviewer.get(reverse("admin:experts_workshop_change", args=[workshop.pk]))

    assert response.status_code == 200
    [inline] = response.context["inline_admin_formsets"]
    assert not inline.has_add_permission and not inline.has_change_permission
    assert not inline.formset.can_delete
    assert "Alice Mwangi" in response.text
    # The candidates' accreditations hang on the kind, profile and area: no longer editable.
    form_fields = response.context["adminform"].form.fields
    assert {"kind", "area", "profile_type"}.isdisjoint(form_fields)
    assert "title" in form_fields


def test_workshop_list_filters_and_search(reviewer, workshop):
    assert listed(reviewer.get(WORKSHOPS, {"kind__exact": "accreditation"})) == [workshop]
    assert listed(reviewer.get(WORKSHOPS, {"online__exact": "1"})) == []
    assert listed(reviewer.get(WORKSHOPS, {"q": "Brussels"})) == [workshop]


def test_workshop_dates_out_of_order_refused(reviewer, admin_user):
    response = reviewer.post(
        reverse("admin:experts_workshop_add"),
        {
            "kind": WorkshopKind.REFRESHER,
            "title": "Refresher",
            "area": area("transit").pk,
            "profile_type": toa().pk,
            "start_date": "2026-05-08",
            "end_date": "2026-05-04",
            "online": "on",
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "The end date cannot be before the start date." in response.text
    assert not Workshop.objects.exists()


# --- Access and queries --------------------------------------------------------------------------


def test_officer_without_is_staff_cannot_open_the_admin(client, officer):
    sign_in(client, officer)
    for url in [reverse("admin:index"), REQUESTS]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(REQUESTS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_changelists_queries_do_not_grow_with_rows(reviewer, admin_user, submit, recognized):
    first = ExpertFactory()
    submit(first)
    transitions.suspend(recognized(first).pk, by=admin_user, reason="x")
    small = {url: _queries(reviewer, url) for url in [REQUESTS, ACCREDITATIONS, EVENTS]}

    for _ in range(3):
        expert = ExpertFactory()
        submit(expert, "transit")
        transitions.suspend(recognized(expert).pk, by=admin_user, reason="x")

    assert {url: _queries(reviewer, url) for url in small} == small
