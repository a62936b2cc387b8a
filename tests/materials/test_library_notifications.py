"""The library's notifications: a version in review to the Secretariat, its review to the
uploader and the group, a publication to the area's experts (one bulk insert, one line of a
digest); recipients, subjects and both parts of each email asserted."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ace_portal.notifications.enums import Digest
from ace_portal.notifications.models import Notification, NotificationSettings
from ace_portal.notifications.services import digests
from experts.enums import AccreditationState
from materials.enums import MaterialKind
from materials.notifications import PUBLISHED_IN_AREA, VERSION_IN_REVIEW, VERSION_REVIEWED
from materials.services import library
from tests.factories import ExpertFactory
from tests.materials import test_library_support as support
from tests.materials.cast import accredit
from tests.materials.test_library_support import english, first_version, pdf_upload, start

pytestmark = pytest.mark.django_db

# The shared fixtures (test_library_support), offered to this module's tests.
_no_extraction = support._no_extraction
draft = support.draft
transit_tool = support.transit_tool


def test_a_version_in_review_is_told_to_the_secretariat(
    group, alice, officer, admin_user, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        material = start(group, alice.user, note="Please check the indicators.")
    rows = Notification.objects.filter(kind=VERSION_IN_REVIEW)
    assert [row.recipient for row in rows] == [officer]
    [email] = mail.outbox
    assert email.to == [officer.email]
    assert email.subject == "[ACE Portal] Material to review: Parcel risk indicators, version 1"
    html = email.alternatives[0][0]
    for part in (email.body, html):
        assert "Alice Mwangi of the working group E-commerce risk indicators" in part
        assert "Please check the indicators." in part
        assert f"/materials/{material.pk}/" in part


def test_the_review_is_told_to_the_uploader_and_the_group(
    draft, alice, bob, carol, officer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        library.return_version(first_version(draft).pk, comments="Cite the sources.", by=officer)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([alice.user.email, bob.user.email])
    email = mail.outbox[0]
    assert email.subject == (
        "[ACE Portal] Parcel risk indicators: version 1 returned with comments"
    )
    for part in (email.body, email.alternatives[0][0]):
        assert "Cite the sources." in part and "returned version 1" in part
    version = library.upload_version(draft.pk, file=pdf_upload(), by=bob.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        library.approve(version.pk, by=officer)
    reviewed = [m for m in mail.outbox if "approved and published" in m.subject]
    assert sorted(m.to[0] for m in reviewed) == sorted([alice.user.email, bob.user.email])
    assert reviewed[0].subject == (
        "[ACE Portal] Parcel risk indicators: version 2 approved and published"
    )
    assert "It is published" in reviewed[0].body
    assert "It is published" in reviewed[0].alternatives[0][0]


def test_a_publication_is_told_to_the_area_experts_but_not_the_group_nor_other_areas(
    draft, alice, bob, carol, dan, officer, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        library.approve(first_version(draft).pk, by=officer)
    told = Notification.objects.filter(kind=PUBLISHED_IN_AREA)
    assert [row.recipient for row in told] == [carol.user]
    [email] = [m for m in mail.outbox if m.to == [carol.user.email]]
    assert email.subject == (
        "[ACE Portal] New material in Cross-border e-commerce: "
        "Parcel risk indicators (Risk indicators)"
    )
    for part in (email.body, email.alternatives[0][0]):
        assert "by the working group E-commerce risk indicators" in part
        assert f"/materials/{draft.pk}/" in part
    # A new version of a published material is not news to the area.
    version = library.upload_version(draft.pk, file=pdf_upload(), by=bob.user)
    library.approve(version.pk, by=officer)
    assert Notification.objects.filter(kind=PUBLISHED_IN_AREA).count() == 1
    assert Notification.objects.filter(kind=VERSION_REVIEWED).count() == 4


def test_a_publication_reads_as_one_line_of_the_digest(dan, transit_tool, transit, officer):
    NotificationSettings.objects.update_or_create(user=dan.user, defaults={"digest": Digest.DAILY})
    library.publish_directly(
        area=transit,
        title="Transit case study",
        kind=MaterialKind.CASE_STUDY,
        languages=[english()],
        file=pdf_upload(),
        by=officer,
    )
    rows = list(Notification.objects.filter(recipient=dan.user, kind=PUBLISHED_IN_AREA))
    assert len(rows) == 2
    waiting = [row for row in rows if row.digest]
    message = digests._digest_message(dan.user, waiting)
    assert "- New material in Transit: Transit case study (Case study)" in message.body
    assert "/materials/" in message.body


def test_a_publication_tells_every_area_expert_in_one_bulk_insert(officer, group):
    def queries_to_approve(experts: int) -> tuple[int, int]:
        for _n in range(experts):
            accredit(ExpertFactory(), "e-commerce", state=AccreditationState.RECOGNIZED)
        material = start(group, group.memberships.first().expert.user)
        with CaptureQueriesContext(connection) as queries:
            library.approve(first_version(material).pk, by=officer)
        told = Notification.objects.filter(
            kind=PUBLISHED_IN_AREA, dedupe_key__startswith=f"materials.published:{material.pk}:"
        )
        return len(queries), told.count()

    queries_to_approve(1)  # the officer's roles are read once, then cached on the user
    few, told_few = queries_to_approve(2)
    many, told_many = queries_to_approve(40)
    assert few == many
    assert (told_few, told_many) == (3, 43)
