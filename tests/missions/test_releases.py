"""Releases: after an acceptance the home administration is asked, by email to its contacts
with a signed link and by a letter the officer downloads; the answer comes by the link or is
recorded by the officer; reminders follow; a refusal frees the seat and cascades; a confirmed
expert cannot be confirmed on an overlapping mission; a cancellation tells everyone."""

import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from pypdf import PdfReader

from ace_portal.notifications.models import Notification
from experts.models import MemberAdministration
from missions.enums import AssignmentState, Delivery, InvitationState, PositionRole, ReleaseState
from missions.models import Invitation, Release
from missions.services import invitations, missions, positions, releases
from missions.services.errors import MissionError
from missions.services.releases import ReleaseClosed
from missions.tasks import follow_releases
from tests.conftest import sign_in
from tests.missions.staffing import NOW, PDF, at_once, invite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("at_now")]
RS = ReleaseState


@pytest.fixture
def kenya(db):
    """Amani's administration, with two release contacts, writing in French."""
    administration = MemberAdministration.objects.get(iso_code="KE")
    administration.release_contacts = "hr@kra.example\ndirector@kra.example"
    administration.correspondence_language = "fr"
    administration.save()
    return administration


@pytest.fixture
def accepted(staffing, pool, officer, kenya, django_capture_on_commit_callbacks):
    """Amani accepted the lead seat; the request to Kenya is queued and delivered."""
    invitation = invite(staffing, pool["Amani"], officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitations.accept(invitation.pk, by=pool["Amani"].user)
    return Release.objects.get(assignment__invitation=invitation)


def link(release):
    return reverse("missions:release", args=[releases.token_for(release)])


def test_an_acceptance_asks_each_contact_in_the_administrations_language(accepted, officer):
    reference = accepted.assignment.position.mission.reference
    to_kenya = sorted((m for m in mail.outbox if m.to[0].endswith("kra.example")), key=str)
    assert sorted(m.to[0] for m in to_kenya) == ["director@kra.example", "hr@kra.example"]
    for message in to_kenya:
        assert message.subject == (
            f"[ACE Portal] Mission OMD {reference}\u00a0: libération de l'agent Ana Amani"
        )
        assert releases.release_url(accepted) in message.body
        assert "List-Unsubscribe" not in message.extra_headers  # no account, no preferences
        assert "/notifications/" not in message.body
    rows = Notification.objects.filter(address__endswith="kra.example")
    assert [(r.recipient, r.in_app, r.state) for r in rows] == [(None, False, "sent")] * 2
    # The single-use link is not kept once the email is out.
    assert all("release_url" not in r.context for r in rows)
    assert accepted.addresses == "hr@kra.example\ndirector@kra.example"
    assert accepted.assignment.state == AssignmentState.AWAITING_RELEASE


def test_the_link_releases_without_an_account_and_only_once(
    client, accepted, pool, officer, django_capture_on_commit_callbacks
):
    page = client.get(link(accepted))
    assert page.status_code == 200 and "Ana Amani" in page.text
    assert "passport" not in page.text.lower()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link(accepted), {"decision": "release", "answered_by": "K. Otieno, HR"}, follow=True
        )
    assert "your answer was recorded" in response.text
    accepted.refresh_from_db()
    assert (accepted.state, accepted.recorded_via, accepted.answered_by) == (
        RS.RELEASED,
        "link",
        "K. Otieno, HR",
    )
    assignment = accepted.assignment
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFIRMED and assignment.confirmed_at == NOW
    reference = assignment.position.mission.reference
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("amani@customs.example", f"[ACE Portal] You are confirmed on mission {reference}"),
        (officer.email, f"[ACE Portal] {reference}: Ana Amani is released and confirmed"),
    ]
    again = client.post(link(accepted), {"decision": "refuse", "answered_by": "X", "reason": "No"})
    assert "already recorded" in again.text and 'name="decision"' not in again.text
    accepted.refresh_from_db()
    assert accepted.state == RS.RELEASED


def test_a_refusal_needs_a_reason_frees_the_seat_and_cascades(
    client, accepted, pool, officer, django_capture_on_commit_callbacks
):
    response = client.post(link(accepted), {"decision": "refuse", "answered_by": "HR"})
    assert "Please say why the officer cannot be released." in response.text
    accepted.refresh_from_db()
    assert accepted.state == RS.REQUESTED
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            link(accepted),
            {"decision": "refuse", "answered_by": "HR", "reason": "Needed for the audit."},
        )
    accepted.refresh_from_db()
    assert (accepted.state, accepted.reason) == (RS.REFUSED, "Needed for the audit.")
    assert accepted.assignment.state == AssignmentState.RELEASE_REFUSED
    # The seat is free: with the cascade on, Bello (the next eligible) is invited.
    [nxt] = Invitation.objects.filter(state=InvitationState.PENDING)
    assert nxt.expert == pool["Bello"]
    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    reference = accepted.assignment.position.mission.reference
    assert subjects[0] == (
        "amani@customs.example",
        f"[ACE Portal] Mission {reference}: your administration could not release you",
    )
    assert ("bello@customs.example", f"[ACE Portal] Invitation to mission {reference}: "
            "Risk management diagnostic") in subjects  # fmt: skip
    refused = next(m for m in mail.outbox if "was refused" in m.subject)
    assert refused.to == [officer.email] and "Needed for the audit." in refused.body


def test_the_officer_records_a_release_with_a_note_and_the_scanned_letter(
    client, accepted, officer
):
    sign_in(client, officer)
    url = reverse("missions:release_record", args=[accepted.pk])
    page = client.get(url)
    assert page.status_code == 200 and "hr@kra.example" in page.text
    fake = SimpleUploadedFile("letter.pdf", b"<html>not a pdf</html>")
    refused = client.post(url, {"decision": "release", "note": "By post.", "letter": fake})
    assert "This file is not a PDF document." in refused.text
    accepted.refresh_from_db()
    assert accepted.state == RS.REQUESTED and not accepted.letter
    missing = client.post(url, {"decision": "release"})
    assert "This field is required." in missing.text
    letter = SimpleUploadedFile("scan.html", PDF)
    client.post(url, {"decision": "release", "note": "Letter of 1 Feb.", "letter": letter})
    accepted.refresh_from_db()
    assert (accepted.state, accepted.recorded_via, accepted.recorded_by) == (
        RS.RELEASED,
        "officer",
        officer,
    )
    assert accepted.note == "Letter of 1 Feb." and accepted.letter.name.endswith(".pdf")
    download = client.get(reverse("missions:release_scanned_letter", args=[accepted.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="release-letter-' in download["Content-Disposition"]


def test_the_release_letter_is_a_pdf_in_the_administrations_language(client, accepted, officer):
    sign_in(client, officer)
    response = client.get(reverse("missions:release_letter", args=[accepted.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    reference = accepted.assignment.position.mission.reference
    assert "Demande de libération d'un agent" in text
    assert "Ana Amani" in text and reference in text
    assert releases.token_for(accepted)[:20] in text.replace("\n", "")


def test_strangers_to_the_secretariat_get_404(client, accepted, pool):
    urls = [
        reverse("missions:release_record", args=[accepted.pk]),
        reverse("missions:release_letter", args=[accepted.pk]),
        reverse("missions:release_scanned_letter", args=[accepted.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # signed out: to the sign-in page
    client.force_login(pool["Amani"].user)
    for url in urls:
        assert client.get(url).status_code == 404
    assert client.post(urls[0], {"decision": "release", "note": "x"}).status_code == 404
    accepted.refresh_from_db()
    assert accepted.state == RS.REQUESTED


def test_a_tampered_or_expired_link_is_refused(client, accepted):
    token = releases.token_for(accepted)
    assert client.get(reverse("missions:release", args=[token[:-2] + "xx"])).status_code == 404
    invitation_token = invitations.token_for(accepted.assignment.invitation)
    assert client.get(reverse("missions:release", args=[invitation_token])).status_code == 404
    url = link(accepted)
    with time_machine.travel(NOW + timedelta(days=61), tick=False):
        assert client.get(url).status_code == 404
    accepted.refresh_from_db()
    assert accepted.state == RS.REQUESTED


def test_a_cancellation_voids_the_link_and_tells_the_expert_and_the_administration(
    client, accepted, officer, django_capture_on_commit_callbacks
):
    mission = accepted.assignment.position.mission
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        missions.cancel(mission.pk, by=officer, reason="The beneficiary postponed.")
    accepted.refresh_from_db()
    assert accepted.state == RS.WITHDRAWN
    assert accepted.assignment.state == AssignmentState.WITHDRAWN
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("amani@customs.example", f"[ACE Portal] Mission {mission.reference} is cancelled"),
        ("director@kra.example", f"[ACE Portal] La mission {mission.reference} est annulée"),
        ("hr@kra.example", f"[ACE Portal] La mission {mission.reference} est annulée"),
    ]
    assert all("The beneficiary postponed." in m.body for m in mail.outbox)
    response = client.post(link(accepted), {"decision": "release", "answered_by": "HR"})
    assert "Nothing more is needed from you" in response.text
    with pytest.raises(ReleaseClosed):
        releases.release(accepted.pk, via="officer", by=officer, note="late")


def test_an_expert_is_not_confirmed_on_two_overlapping_missions(
    accepted, pool, officer, make_mission, toa
):
    releases.release(accepted.pk, via="link")
    # A second mission overlapping the first by a day (8-12 March, then 12-14 March).
    other = make_mission(
        title="Follow-up", delivery=Delivery.VIRTUAL, start_date=date(2027, 3, 11),
        end_date=date(2027, 3, 14),
    )  # fmt: skip
    position = positions.add_position(
        other.pk, role=PositionRole.LEAD, profile_type=toa, area=other.thematic_area, by=officer
    )
    missions.plan(other.pk, by=officer)
    missions.open_staffing(other.pk, by=officer)
    # The officer overrides the warning ("busy") and invites her anyway; she accepts.
    second = invite(position, pool["Amani"], officer, accept_warnings=True)
    invitations.accept(second.pk, by=pool["Amani"].user)
    release = Release.objects.get(assignment__invitation=second)
    with pytest.raises(MissionError, match="already confirmed on mission .* overlap"):
        releases.release(release.pk, via="link")
    release.refresh_from_db()
    assert release.state == RS.REQUESTED
    assert release.assignment.state == AssignmentState.AWAITING_RELEASE


def test_touching_dates_do_not_overlap(accepted, pool, officer, make_mission, toa):
    releases.release(accepted.pk, via="link")
    after = make_mission(
        delivery=Delivery.VIRTUAL, start_date=date(2027, 3, 12), end_date=date(2027, 3, 15)
    )
    position = positions.add_position(
        after.pk, role=PositionRole.LEAD, profile_type=toa, area=after.thematic_area, by=officer
    )
    missions.plan(after.pk, by=officer)
    missions.open_staffing(after.pk, by=officer)
    second = invite(position, pool["Amani"], officer)
    invitations.accept(second.pk, by=pool["Amani"].user)
    release = releases.release(Release.objects.get(assignment__invitation=second).pk, via="link")
    assert release.state == RS.RELEASED


def test_reminders_go_on_days_three_and_seven_once_each(
    accepted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    assert follow_releases() == 0
    with time_machine.travel(NOW + timedelta(days=3, hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert follow_releases() == 2
        assert follow_releases() == 0  # the same day again: nothing more
    with time_machine.travel(NOW + timedelta(days=7, hours=1), tick=False):
        assert follow_releases() == 2
        assert follow_releases() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["director@kra.example", "hr@kra.example"]
    assert all(m.subject.startswith("[ACE Portal] Rappel\u00a0: ") for m in mail.outbox)
    releases.release(accepted.pk, via="link")
    with time_machine.travel(NOW + timedelta(days=30), tick=False):
        assert follow_releases() == 0  # answered: no more reminders


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_link_and_the_officer_answering_at_once_record_one_answer(
    staffing, pool, officer, kenya
):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent connections")
    invitation = invite(staffing, pool["Amani"], officer)
    invitations.accept(invitation.pk, by=pool["Amani"].user)
    release = Release.objects.get()
    results = at_once(
        lambda: releases.release(release.pk, via="link", answered_by="HR"),
        lambda: releases.refuse(release.pk, via="officer", by=officer, reason="Per call."),
    )
    assert sum(isinstance(r, Release) for r in results) == 1
    assert any(isinstance(r, str) and "already recorded" in r for r in results)
    release.refresh_from_db()
    expected = AssignmentState.CONFIRMED if release.state == RS.RELEASED else "release_refused"
    assert release.assignment.state == expected


def test_release_contacts_are_checked_addresses(kenya):
    kenya.release_contacts = "hr@kra.example, not-an-address"
    with pytest.raises(ValidationError, match="“not-an-address” is not an email address."):
        kenya.full_clean()
    kenya.release_contacts = "\n".join(f"hr{n}@kra.example" for n in range(11))
    with pytest.raises(ValidationError, match="At most 10 addresses."):
        kenya.full_clean()
    kenya.release_contacts = "hr@kra.example;  director@kra.example\n"
    kenya.full_clean()
    assert kenya.release_addresses == ["hr@kra.example", "director@kra.example"]


def test_a_mission_is_confirmed_only_once_every_seat_is_released(accepted, officer):
    mission = accepted.assignment.position.mission
    with pytest.raises(MissionError, match="1 seat is not confirmed yet"):
        missions.confirm(mission.pk, by=officer)
    releases.release(accepted.pk, via="link")
    assert missions.confirm(mission.pk, by=officer).state == "confirmed"
