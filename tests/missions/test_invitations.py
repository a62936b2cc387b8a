"""Invitations: sent with a deadline, answered once by the portal's signed link, expired and
reminded by the hourly task (time travel), withdrawn when the position fills, and the cascade
that invites the next ranked candidate, with the races the missions issue names."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.urls import reverse

from missions.enums import AssignmentState, InvitationState
from missions.models import Assignment, Invitation
from missions.services import invitations, missions
from missions.services.errors import MissionError
from missions.services.invitations import InvitationClosed
from missions.tasks import follow_invitations
from tests.missions.staffing import NOW, accredited, at_once, invite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]
IS = InvitationState


def test_an_invitation_is_emailed_with_its_signed_link(
    staffing, pool, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite(staffing, pool["Amani"], officer)
    assert invitation.state == IS.PENDING
    assert invitation.explanation["total"] > 0 and invitation.explanation["warnings"] == []
    [email] = mail.outbox
    reference = staffing.mission.reference
    assert email.to == ["amani@customs.example"]
    assert (
        email.subject
        == f"[ACE Portal] Invitation to mission {reference}: Risk management diagnostic"
    )
    link = reverse("missions:answer", args=[invitations.token_for(invitation)])
    assert link in email.body and link in email.alternatives[0][0]
    assert "Lead expert" in email.body


def test_inviting_is_refused_outside_staffing_or_with_a_past_deadline(
    make_mission, staffing, pool, officer
):
    with pytest.raises(MissionError, match="in the future"):
        invite(staffing, pool["Amani"], officer, hours=-1)
    missions.cancel(staffing.mission.pk, by=officer, reason="Postponed.")
    with pytest.raises(MissionError, match="being staffed"):
        invite(staffing, pool["Amani"], officer)
    assert not Invitation.objects.exists()


def test_a_rule_breaker_needs_the_officers_confirmation(staffing, pool, officer):
    ghanaian = accredited("Kofi", "GH", staffing.profile_type)  # an expert of the beneficiary
    with pytest.raises(MissionError, match="confirm to invite anyway"):
        invite(staffing, ghanaian, officer)
    invitation = invite(staffing, ghanaian, officer, accept_warnings=True)
    assert invitation.explanation["warnings"] == ["conflict"]


def test_an_expert_is_invited_once_to_a_mission(staffing, pool, officer):
    invite(staffing, pool["Amani"], officer)
    with pytest.raises(MissionError, match="already invited"):
        invite(staffing, pool["Amani"], officer, accept_warnings=True)
    assert Invitation.objects.count() == 1


def test_accepting_takes_the_seat_and_withdraws_the_others_politely(
    staffing, pool, officer, django_capture_on_commit_callbacks
):
    amani = invite(staffing, pool["Amani"], officer)
    bello = invite(staffing, pool["Bello"], officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assignment = invitations.accept(amani.pk, by=pool["Amani"].user)
    assert assignment.state == AssignmentState.AWAITING_RELEASE
    bello.refresh_from_db()
    assert bello.state == IS.WITHDRAWN
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    reference = staffing.mission.reference
    assert subjects == [
        (
            "bello@customs.example",
            f"[ACE Portal] Mission {reference}: the position has been filled",
        ),
        (officer.email, f"[ACE Portal] {reference}: Ana Amani accepted"),
        # Kenya has no release contact recorded: the officer is to send the letter.
        (officer.email, f"[ACE Portal] {reference}: send the release letter for Ana Amani"),
    ]
    with pytest.raises(InvitationClosed, match="already withdrawn"):
        invitations.accept(bello.pk, by=pool["Bello"].user)


def test_an_invitation_is_answered_once_and_before_its_deadline(staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer, hours=2)
    late = time_machine.travel(NOW + timedelta(hours=3), tick=False)
    with late, pytest.raises(InvitationClosed, match="deadline"):
        invitations.accept(invitation.pk, by=pool["Amani"].user)
    invitations.decline(invitation.pk, by=pool["Amani"].user, reason="Other duties.")
    with pytest.raises(InvitationClosed, match="already declined"):
        invitations.accept(invitation.pk, by=pool["Amani"].user)
    assert not Assignment.objects.exists()


def test_a_cancelled_mission_cannot_be_accepted(staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    missions.cancel(staffing.mission.pk, by=officer, reason="No funding.")
    with pytest.raises(InvitationClosed, match="already withdrawn"):
        invitations.accept(invitation.pk, by=pool["Amani"].user)
    assert not Assignment.objects.exists()


def test_a_decline_cascades_to_the_next_ranked_candidate(
    staffing, pool, officer, django_capture_on_commit_callbacks
):
    # Bello ranks first (same region); declining cascades to Amani.
    bello = invite(staffing, pool["Bello"], officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.decline(bello.pk, by=pool["Bello"].user, reason="On leave.")
    [nxt] = Invitation.objects.filter(state=IS.PENDING)
    assert nxt.expert == pool["Amani"] and nxt.invited_by is None
    assert nxt.deadline == NOW + timedelta(hours=72)
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["amani@customs.example", officer.email]
    declined = next(m for m in mail.outbox if m.to == [officer.email])
    assert "On leave." in declined.body


def test_the_cascade_runs_once_and_says_when_the_list_runs_out(
    staffing, pool, officer, django_capture_on_commit_callbacks
):
    amani = invite(staffing, pool["Amani"], officer)
    bello = invite(staffing, pool["Bello"], officer)
    invitations.decline(amani.pk, by=pool["Amani"].user)
    assert invitations.cascade(staffing.pk) is None  # Bello is still pending: nothing to do
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.decline(bello.pk, by=pool["Bello"].user)
    assert not Invitation.objects.filter(state=IS.PENDING).exists()
    subjects = [m.subject for m in mail.outbox if m.to == [officer.email]]
    assert f"[ACE Portal] {staffing.mission.reference}: no eligible candidate is left" in subjects
    assert invitations.cascade(staffing.pk) is None  # and a second run sends nothing more


def test_the_hourly_task_expires_reminds_and_cascades_idempotently(
    staffing, pool, officer, django_capture_on_commit_callbacks
):
    invitation = invite(staffing, pool["Bello"], officer, hours=30)
    mail.outbox.clear()
    near = time_machine.travel(NOW + timedelta(hours=7), tick=False)  # 23 hours left
    with near, django_capture_on_commit_callbacks(execute=True):
        assert follow_invitations() == {"expired": 0, "reminded": 1, "cascaded": 0}
        assert follow_invitations()["reminded"] == 1  # counted, but queued once
    [reminder] = mail.outbox
    assert reminder.subject.startswith(
        "[ACE Portal] Reminder: please answer the invitation to mission"
    )
    past = time_machine.travel(NOW + timedelta(hours=31), tick=False)
    with past, django_capture_on_commit_callbacks(execute=True):
        assert follow_invitations()["expired"] == 1
        assert follow_invitations() == {"expired": 0, "reminded": 0, "cascaded": 0}
    invitation.refresh_from_db()
    assert invitation.state == IS.EXPIRED
    assert Invitation.objects.get(state=IS.PENDING).expert == pool["Amani"]


def test_a_lost_cascade_is_caught_up_by_the_hourly_task(staffing, pool, officer):
    bello = invite(staffing, pool["Bello"], officer)
    invitations.decline(bello.pk, by=pool["Bello"].user)  # its cascade job never ran
    assert not Invitation.objects.filter(state=IS.PENDING).exists()
    assert invitations.cascade_due() == 1
    assert invitations.cascade_due() == 0
    assert Invitation.objects.get(state=IS.PENDING).expert == pool["Amani"]


# --- The signed link ----------------------------------------------------------------------------


def test_the_link_answers_without_a_password(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    url = reverse("missions:answer", args=[invitations.token_for(invitation)])
    page = client.get(url)
    assert page.status_code == 200 and staffing.mission.reference in page.text
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "you accepted this invitation" in response.text
    invitation.refresh_from_db()
    assert invitation.state == IS.ACCEPTED
    again = client.post(url, {"answer": "decline"}, follow=True)
    assert "already accepted" in again.text
    invitation.refresh_from_db()
    assert invitation.state == IS.ACCEPTED


def test_a_declining_link_keeps_the_reason(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    url = reverse("missions:answer", args=[invitations.token_for(invitation)])
    client.post(url, {"answer": "decline", "reason": "A national audit that week."})
    invitation.refresh_from_db()
    assert (invitation.state, invitation.decline_reason) == (
        IS.DECLINED,
        "A national audit that week.",
    )


def test_a_tampered_link_is_refused(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    token = invitations.token_for(invitation)
    response = client.post(
        reverse("missions:answer", args=[token[:-2] + "xx"]), {"answer": "accept"}
    )
    assert response.status_code == 404 and "cannot be used" in response.text
    invitation.refresh_from_db()
    assert invitation.state == IS.PENDING


def test_an_answer_without_a_choice_is_asked_again(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    url = reverse("missions:answer", args=[invitations.token_for(invitation)])
    response = client.post(url, {"reason": "x" * 3000})
    assert response.status_code == 200 and "This field is required" in response.text
    invitation.refresh_from_db()
    assert invitation.state == IS.PENDING


# --- Races, each with two real database connections ---------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_experts_accepting_the_last_seat(staffing, pool, officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    amani = invite(staffing, pool["Amani"], officer)
    bello = invite(staffing, pool["Bello"], officer)
    results = at_once(
        lambda: invitations.accept(amani.pk, by=pool["Amani"].user),
        lambda: invitations.accept(bello.pk, by=pool["Bello"].user),
    )
    assert Assignment.objects.count() == 1
    assert sum(isinstance(r, Assignment) for r in results) == 1
    [refused] = [r for r in results if isinstance(r, str)]
    assert refused in (
        "This invitation was already withdrawn.",
        "Sorry: this position has just been filled.",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_acceptance_and_the_officers_withdrawalat_once(staffing, pool, officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    amani = invite(staffing, pool["Amani"], officer)
    at_once(
        lambda: invitations.accept(amani.pk, by=pool["Amani"].user),
        lambda: invitations.withdraw(amani.pk, by=officer),
    )
    amani.refresh_from_db()
    assert (amani.state, Assignment.objects.count()) in ((IS.ACCEPTED, 1), (IS.WITHDRAWN, 0))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_cascades_at_once_send_one_invitation(staffing, pool, officer):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    bello = invite(staffing, pool["Bello"], officer)
    invitations.decline(bello.pk, by=pool["Bello"].user)
    Invitation.objects.filter(state=IS.PENDING).delete()  # the inline cascade's invitation
    at_once(lambda: invitations.cascade(staffing.pk), lambda: invitations.cascade(staffing.pk))
    assert Invitation.objects.filter(state=IS.PENDING).count() == 1


# --- My missions ---------------------------------------------------------------------------------


def test_my_missions_shows_the_invitation_and_answers_it(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    client.force_login(pool["Amani"].user)
    page = client.get(reverse("missions:mine"))
    assert staffing.mission.reference in page.text and "Invitations to answer" in page.text
    url = reverse("missions:answer_in_portal", args=[invitation.pk])
    response = client.post(url, {f"{invitation.pk}-answer": "accept"}, follow=True)
    assert "you accepted this invitation" in response.text
    assert "Upcoming missions" in response.text and "Waiting for the release" in response.text
    invitation.refresh_from_db()
    assert invitation.state == IS.ACCEPTED


def test_another_experts_invitation_cannot_be_answered(client, staffing, pool, officer):
    invitation = invite(staffing, pool["Amani"], officer)
    client.force_login(pool["Bello"].user)
    url = reverse("missions:answer_in_portal", args=[invitation.pk])
    assert client.post(url, {f"{invitation.pk}-answer": "accept"}).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == IS.PENDING
