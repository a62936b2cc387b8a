"""What the staffing tests share: a fixed now, an accredited expert, an invitation, and two
actions run at once on two real database connections."""

import threading
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from experts.enums import AccreditationPhase, AccreditationState
from experts.models import Accreditation, MemberAdministration, ThematicArea
from missions.services import invitations
from missions.services.errors import MissionError
from tests.factories import ExpertFactory

NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
# The smallest document that passes experts.services.uploads.validate_pdf.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def accredited(name, iso, profile_type):
    person = ExpertFactory(
        family_name=name,
        home_administration=MemberAdministration.objects.get(iso_code=iso),
        user__email=f"{name.lower()}@customs.example",
    )
    Accreditation.objects.create(
        expert=person,
        profile_type=profile_type,
        area=ThematicArea.objects.get(code="risk-management"),
        state=AccreditationState.ACCREDITED,
        phase=AccreditationPhase.COMPLETE,
        valid_until=date(2029, 1, 1),
    )
    return person


def invite(position, expert, officer, *, hours=48, **options):
    [invitation] = invitations.invite(
        position.pk, [expert], deadline=NOW + timedelta(hours=hours), by=officer, **options
    )
    return invitation


def at_once(*actions):
    results, barrier = [], threading.Barrier(len(actions))

    def run(action):
        try:
            barrier.wait()
            results.append(action())
        except MissionError as refused:
            results.append(refused.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
