"""Accreditation history cannot be rewritten: events refuse edits and deletions in Python, and on
PostgreSQL a trigger refuses them whatever the code path. Events read as a timeline."""

from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from experts.enums import AccreditationState
from experts.models import Accreditation, AccreditationEvent
from experts.services.accreditation.transitions import (
    accredit,
    lapse_expired,
    pre_accredit,
    reinstate,
    shortlist,
    suspend,
)
from tests.experts.accreditation.test_transitions import build_in

pytestmark = pytest.mark.django_db

S = AccreditationState
LOCAL = ZoneInfo(django_settings.TIME_ZONE)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists on PostgreSQL only"
)


@pytest.fixture
def event(alice, officer):
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    return accreditation.events.order_by("-pk").first()


def stored(event):
    return AccreditationEvent.objects.values().get(pk=event.pk)


# --- In Python -----------------------------------------------------------------------------------


def test_saving_an_existing_event_is_refused(event):
    before = stored(event)
    event.reason = "Rewritten."
    with pytest.raises(ValidationError, match="append-only"):
        event.save()
    assert stored(event) == before


def test_deleting_an_event_is_refused(event):
    with pytest.raises(ValidationError, match="append-only"):
        event.delete()
    assert AccreditationEvent.objects.filter(pk=event.pk).exists()


def test_an_accreditation_with_history_cannot_be_deleted(event):
    with pytest.raises(ProtectedError), transaction.atomic():
        event.accreditation.delete()
    assert Accreditation.objects.filter(pk=event.accreditation_id).exists()


def test_an_expert_with_history_cannot_be_deleted(event, alice):
    with pytest.raises(ProtectedError), transaction.atomic():
        alice.delete()
    assert AccreditationEvent.objects.filter(pk=event.pk).exists()


# --- In the database -----------------------------------------------------------------------------


@postgresql_only
def test_the_database_refuses_a_queryset_update(event):
    before = stored(event)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccreditationEvent.objects.filter(pk=event.pk).update(reason="x")
    assert stored(event) == before


@postgresql_only
def test_the_database_refuses_a_bulk_update(event):
    before = stored(event)
    event.reason = "x"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccreditationEvent.objects.bulk_update([event], ["reason"])
    assert stored(event) == before


@postgresql_only
def test_the_database_refuses_a_queryset_delete(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AccreditationEvent.objects.filter(pk=event.pk).delete()
    assert AccreditationEvent.objects.filter(pk=event.pk).exists()


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE experts_accreditationevent SET to_state = 'retired' WHERE id = %s",
        "DELETE FROM experts_accreditationevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_raw_sql(sql, event):
    before = stored(event)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])
    assert stored(event) == before


@postgresql_only
def test_the_database_still_accepts_new_events(event, officer):
    suspend(event.accreditation_id, by=officer, reason="Inquiry.")
    assert event.accreditation.events.count() == 5


# --- The timeline --------------------------------------------------------------------------------


def test_events_read_in_the_order_they_happened(alice, officer, time_machine):
    days = [date(2026, 1, 5), date(2026, 2, 9), date(2026, 4, 17), date(2026, 9, 30)]
    time_machine.move_to(datetime.combine(days[0], datetime.min.time(), LOCAL), tick=False)
    accreditation = build_in(S.NOMINATED, alice, by=officer)
    for day, step in zip(days[1:], [shortlist, pre_accredit, accredit], strict=True):
        time_machine.move_to(datetime.combine(day, datetime.min.time(), LOCAL), tick=False)
        step(accreditation.pk, by=officer, reason=f"{step.__name__} on {day}")

    events = list(accreditation.events.all())
    assert [e.at.astimezone(LOCAL).date() for e in events] == days
    assert [e.action for e in events] == ["nominate", "shortlist", "pre_accredit", "accredit"]
    assert list(AccreditationEvent.objects.filter(accreditation=accreditation)) == events


def test_events_at_the_same_instant_read_in_the_order_written(alice, officer, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL), tick=False)
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    events = list(accreditation.events.all())
    assert len({e.at for e in events}) == 1
    assert [e.pk for e in events] == sorted(e.pk for e in events)
    assert [e.action for e in events] == ["nominate", "shortlist", "pre_accredit", "accredit"]


def test_the_timeline_tells_who_when_why_and_from_where(alice, officer, admin_user, time_machine):
    time_machine.move_to(datetime(2026, 1, 10, 9, 0, tzinfo=LOCAL), tick=False)
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    suspend(accreditation.pk, by=admin_user, reason="Inquiry.", internal_comment="Complaint 12.")
    reinstate(accreditation.pk, by=admin_user, reason="Inquiry closed.")
    lapse_expired(today=date(2029, 1, 11))

    rows = [
        (e.action, e.from_state, e.to_state, e.by, e.reason, e.internal_comment)
        for e in accreditation.events.all()
    ]
    assert rows[-3:] == [
        ("suspend", S.ACCREDITED, S.SUSPENDED, admin_user, "Inquiry.", "Complaint 12."),
        ("reinstate", S.SUSPENDED, S.ACCREDITED, admin_user, "Inquiry closed.", ""),
        ("lapse", S.ACCREDITED, S.LAPSED, None, "The validity ended on 2029-01-10.", ""),
    ]
    assert [str(e) for e in accreditation.events.all()][0] == "- → nominated"
    assert str(accreditation.events.last()) == "accredited → lapsed"
    # Each event's "to" is the next one's "from": the history has no gap.
    events = list(accreditation.events.all())
    for earlier, later in pairwise(events):
        assert later.from_state == earlier.to_state
    assert Accreditation.objects.get(pk=accreditation.pk).state == events[-1].to_state


def test_a_new_event_keeps_its_own_time(alice, officer, time_machine):
    time_machine.move_to(datetime(2026, 1, 10, 9, 0, tzinfo=LOCAL), tick=False)
    accreditation = build_in(S.ACCREDITED, alice, by=officer)
    first = accreditation.events.first()
    time_machine.shift(timedelta(days=30))
    suspend(accreditation.pk, by=officer, reason="Inquiry.")
    assert AccreditationEvent.objects.get(pk=first.pk).at == first.at
    assert accreditation.events.last().at - first.at == timedelta(days=30)
