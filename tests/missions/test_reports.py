"""After the mission: the lead's report (due date, reminders, accepted or sent back), the
officer's evaluations (a field evaluation passed makes the expert accredited, a fail keeps them
pre-accredited), and the validity a delivered mission extends."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile

from experts.enums import AccreditationPhase, AccreditationState
from experts.models import Accreditation
from missions.enums import PositionRole, ReportState
from missions.models import Evaluation, MissionReport, Release
from missions.services import evaluations, invitations, missions, positions, releases, reports
from missions.services.errors import MissionError
from missions.tasks import follow_reports
from tests.missions.staffing import NOW, PDF, invite

pytestmark = pytest.mark.django_db
SCORES = dict.fromkeys(Evaluation.SCORES, 4)
END = date(2027, 3, 12)


def pdf():
    return ContentFile(PDF, name="report.pdf")


def seat(position, expert, officer):
    invitation = invite(position, expert, officer)
    invitations.accept(invitation.pk, by=expert.user)
    releases.release(Release.objects.get(assignment__invitation=invitation).pk, via="link")
    return invitation.assignment


@pytest.fixture
def delivered(staffing, pool, officer, toa):
    """The Ghana mission delivered, Amani its lead and Bello under field evaluation."""
    with time_machine.travel(NOW, tick=False):
        field = positions.add_position(
            staffing.mission.pk, role=PositionRole.FIELD_EVALUATION, profile_type=toa,
            area=staffing.area, by=officer,
        )  # fmt: skip
        bello = pool["Bello"]
        Accreditation.objects.filter(expert=bello).update(
            state=AccreditationState.PRE_ACCREDITED, phase=AccreditationPhase.FIELD_EVALUATION
        )
        lead = seat(staffing, pool["Amani"], officer)
        trainee = seat(field, bello, officer)
        mission = staffing.mission
        missions.confirm(mission.pk, by=officer)
        missions.start(mission.pk, by=officer)
        missions.deliver(mission.pk, by=officer)
    mission.refresh_from_db()
    return {"mission": mission, "lead": lead, "trainee": trainee}


def test_only_the_lead_submits_once_the_mission_is_delivered(
    delivered, pool, officer, make_mission, django_capture_on_commit_callbacks
):
    mission = delivered["mission"]
    with pytest.raises(MissionError, match="Only the lead expert"):
        reports.submit(mission.pk, expert=pool["Bello"], file=pdf(), original_name="r.pdf")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.submit(
            mission.pk, expert=pool["Amani"], file=pdf(), original_name="Report.pdf"
        )
    assert (report.state, report.version) == (ReportState.SUBMITTED, 1)
    assert [m.subject for m in mail.outbox] == [
        f"[ACE Portal] {mission.reference}: report submitted by Ana Amani (version 1)"
    ]
    with pytest.raises(MissionError, match="with the officer already"):
        reports.submit(mission.pk, expert=pool["Amani"], file=pdf(), original_name="r.pdf")
    early = make_mission()
    with pytest.raises(MissionError, match="once the mission is delivered"):
        reports.submit(early.pk, expert=pool["Amani"], file=pdf(), original_name="r.pdf")


def test_a_report_sent_back_comes_again_and_its_acceptance_makes_the_mission_reported(
    delivered, pool, officer, django_capture_on_commit_callbacks
):
    mission = delivered["mission"]
    reports.submit(mission.pk, expert=pool["Amani"], file=pdf(), original_name="r.pdf")
    with pytest.raises(MissionError, match="Say what the report needs."):
        reports.send_back(mission.pk, by=officer, comments=" ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.send_back(mission.pk, by=officer, comments="Add the action plan.")
    [email] = mail.outbox
    assert email.subject == f"[ACE Portal] Mission {mission.reference}: your report needs changes"
    assert "Add the action plan." in email.body
    second = reports.submit(mission.pk, expert=pool["Amani"], file=pdf(), original_name="r2.pdf")
    assert second.version == 2
    reports.accept(mission.pk, by=officer)
    mission.refresh_from_db()
    assert mission.state == "reported"
    assert mission.events.order_by("pk").last().action == "report"
    with pytest.raises(MissionError, match="no submitted report"):
        reports.accept(mission.pk, by=officer)


def test_reminders_before_and_after_the_due_date_once_each(
    delivered, pool, django_capture_on_commit_callbacks
):
    due = END + timedelta(days=14)
    sent = []
    for day in range(-5, 12):
        with time_machine.travel(due + timedelta(days=day), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                if follow_reports():
                    sent.append(day)
            assert follow_reports() == 0  # the same day again: nothing more
    assert sent == [-3, 1, 7]
    subjects = [m.subject for m in mail.outbox if m.to == [pool["Amani"].user.email]]
    reference = delivered["mission"].reference
    assert subjects[-3:] == [
        f"[ACE Portal] Mission {reference}: your report is due on {due.isoformat()}",
        f"[ACE Portal] Mission {reference}: your report is overdue",
        f"[ACE Portal] Mission {reference}: your report is overdue",
    ]


def test_a_submitted_report_stops_the_reminders(delivered, pool):
    reports.submit(delivered["mission"].pk, expert=pool["Amani"], file=pdf(), original_name="r.pdf")
    with time_machine.travel(END + timedelta(days=15), tick=False):
        assert follow_reports() == 0


def test_a_passed_field_evaluation_accredits_and_a_fail_keeps_pre_accredited(
    delivered, pool, officer, staffing
):
    trainee = delivered["trainee"]
    with pytest.raises(MissionError, match="whether the field evaluation is passed"):
        evaluations.evaluate(trainee.pk, by=officer, scores=SCORES)
    evaluations.evaluate(
        trainee.pk, by=officer, scores=SCORES, comment="Led two sessions well.", passed=True
    )
    accreditation = Accreditation.objects.get(expert=pool["Bello"])
    assert accreditation.state == AccreditationState.ACCREDITED
    event = accreditation.events.order_by("pk").last()
    assert event.evidence_evaluation["passed"] is True
    assert event.evidence_evaluation["mission"] == delivered["mission"].reference
    with pytest.raises(MissionError, match="evaluated already"):
        evaluations.evaluate(trainee.pk, by=officer, scores=SCORES, passed=True)


def test_a_failed_field_evaluation_keeps_the_expert_pre_accredited(delivered, pool, officer):
    evaluations.evaluate(delivered["trainee"].pk, by=officer, scores=SCORES, passed=False)
    accreditation = Accreditation.objects.get(expert=pool["Bello"])
    assert accreditation.state == AccreditationState.PRE_ACCREDITED
    assert accreditation.events.order_by("pk").last().evidence_evaluation["passed"] is False


def test_an_evaluation_waits_for_the_delivery_and_checks_its_scores(
    staffing, pool, officer, delivered
):
    lead = delivered["lead"]
    with pytest.raises(MissionError, match="from 1 to 5"):
        evaluations.evaluate(lead.pk, by=officer, scores=SCORES | {"teamwork": 6})
    with pytest.raises(MissionError, match="from 1 to 5"):
        evaluations.evaluate(lead.pk, by=officer, scores={"teamwork": 3})
    evaluation = evaluations.evaluate(
        lead.pk, by=officer, scores=SCORES, internal_note="Strong; lead again."
    )
    assert evaluation.passed is None and evaluation.average == 4


def test_an_evaluation_before_the_delivery_is_refused(staffing, pool, officer):
    with time_machine.travel(NOW, tick=False):
        lead = seat(staffing, pool["Amani"], officer)
    with pytest.raises(MissionError, match="once the mission is delivered"):
        evaluations.evaluate(lead.pk, by=officer, scores=SCORES)
    assert not Evaluation.objects.exists()


def test_a_delivered_mission_extends_the_validity_it_used(staffing, pool, officer):
    amani = pool["Amani"]
    Accreditation.objects.filter(expert=amani).update(valid_until=date(2027, 6, 1))
    with time_machine.travel(NOW, tick=False):
        seat(staffing, amani, officer)
        mission = staffing.mission
        missions.confirm(mission.pk, by=officer)
        missions.start(mission.pk, by=officer)
        missions.deliver(mission.pk, by=officer)
    accreditation = Accreditation.objects.get(expert=amani)
    assert accreditation.valid_until == date(2030, 3, 12)  # three years from the mission's end
    extended = accreditation.events.order_by("pk").last()
    assert extended.action == "extend" and mission.reference in extended.reason


def test_the_reports_reminder_is_scheduled_by_a_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="missions.follow_reports")
    assert task.enabled and (task.crontab.hour, task.crontab.minute) == ("8", "10")


# --- Pages ---------------------------------------------------------------------------------------


def test_the_lead_uploads_the_report_from_my_missions(client, delivered, pool):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    mission = delivered["mission"]
    client.force_login(pool["Amani"].user)
    page = client.get(reverse("missions:mine"))
    assert "Reports due" in page.text and "upload the mission report by" in page.text
    url = reverse("missions:submit_report", args=[mission.reference])
    fake = SimpleUploadedFile("report.pdf", b"<html>no</html>")
    refused = client.post(url, {"file": fake}, follow=True)
    assert "This file is not a PDF document." in refused.text
    assert not MissionReport.objects.exists()
    done = client.post(url, {"file": SimpleUploadedFile("x.html", PDF)}, follow=True)
    assert "your report was sent to the Secretariat" in done.text
    report = type(mission).objects.get(pk=mission.pk).report
    assert report.state == ReportState.SUBMITTED and report.file.name.endswith(".pdf")
    download = client.get(reverse("missions:report_file", args=[mission.reference]))
    assert b"".join(download.streaming_content) == PDF
    client.force_login(pool["Bello"].user)  # on the mission, but not its lead
    assert client.post(url, {"file": SimpleUploadedFile("r.pdf", PDF)}).status_code == 404
    assert client.get(reverse("missions:report_file", args=[mission.reference])).status_code == 404


def test_the_officer_decides_on_the_report_and_evaluates_on_the_missions_page(
    client, delivered, pool, officer
):
    from django.urls import reverse

    from tests.conftest import sign_in

    mission = delivered["mission"]
    reports.submit(mission.pk, expert=pool["Amani"], file=pdf(), original_name="r.pdf")
    sign_in(client, officer)
    page = client.get(reverse("missions:detail", args=[mission.reference]))
    assert "Download the report" in page.text and "Evaluate" in page.text
    decide = reverse("missions:decide_report", args=[mission.reference])
    refused = client.post(decide, {"decision": "send_back"}, follow=True)
    assert "Say what the report needs." in refused.text
    client.post(decide, {"decision": "accept"})
    mission.refresh_from_db()
    assert mission.state == "reported"
    url = reverse("missions:evaluate", args=[delivered["trainee"].pk])
    form = client.get(url)
    assert "Field evaluation" in form.text
    missing = client.post(url, dict.fromkeys(Evaluation.SCORES, "4"))
    assert "This field is required." in missing.text
    client.post(
        url,
        dict.fromkeys(Evaluation.SCORES, "5")
        | {"passed": "yes", "comment": "Ready to lead.", "internal_note": "Promote."},
    )
    assert Accreditation.objects.get(expert=pool["Bello"]).state == AccreditationState.ACCREDITED
    client.force_login(pool["Bello"].user)
    mine = client.get(reverse("missions:mine"))
    assert "Evaluation: 5.0 of 5" in mine.text and "Ready to lead." in mine.text
    assert "Promote." not in mine.text


def test_the_secretariats_page_of_an_expert_lists_their_missions(client, delivered, pool, officer):
    from django.urls import reverse

    from tests.conftest import sign_in

    evaluations.evaluate(
        delivered["lead"].pk, by=officer, scores=SCORES, internal_note="Lead again."
    )
    sign_in(client, officer)
    page = client.get(reverse("secretariat:expert_detail", args=[pool["Amani"].pk]))
    mission = delivered["mission"]
    assert mission.reference in page.text and "Lead expert" in page.text
    assert "4.0 of 5" in page.text and "Lead again." in page.text
