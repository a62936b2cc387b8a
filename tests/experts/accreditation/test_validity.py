"""Validity of accreditations over time: the validity period, extensions (refreshers, field
evaluations), the automatic lapse, the expiry reminders and the Secretariat's weekly digest."""

from datetime import date, timedelta

import pytest
from django.conf import settings as django_settings
from django_celery_beat.models import PeriodicTask

from ace_portal.accounts.roles import Role
from ace_portal.celery import app as celery_app
from ace_portal.notifications.models import Notification
from experts import tasks
from experts.enums import AccreditationState, WorkshopKind, WorkshopOutcome
from experts.models import Accreditation, AccreditationEvent
from experts.notifications import ACCREDITATION_EXPIRING, UPCOMING_LAPSES
from experts.services import workshops
from experts.services.accreditation.transitions import (
    AccreditationError,
    IllegalTransition,
    extend_validity,
    lapse_expired,
    record_field_evaluation,
    reinstate,
    renew,
    suspend,
)
from experts.services.reminders import (
    LAPSE_DIGEST_ROWS,
    queue_accreditation_expiry_reminders,
    queue_upcoming_lapses_digest,
)
from tests.experts.accreditation.test_transitions import build_in, cma, make_workshop, snapshot
from tests.factories import ExpertFactory, UserFactory, area

pytestmark = pytest.mark.django_db

S = AccreditationState
BASE_URL = django_settings.ACE_BASE_URL.rstrip("/")
GRANTED = date(2026, 1, 10)
EXPIRES = date(2029, 1, 10)  # GRANTED + the default three years


@pytest.fixture
def granted_on(time_machine, officer):
    """Build an accreditation as it would have been granted on ``day``, then come back."""

    def build(day, expert, state=S.ACCREDITED, **kwargs):
        time_machine.move_to(day, tick=False)
        return build_in(state, expert, by=officer, **kwargs)

    return build


def reload(accreditation):
    return Accreditation.objects.get(pk=accreditation.pk)


# --- The validity period -------------------------------------------------------------------------


def test_accredited_for_three_years_from_the_grant_date(alice, granted_on):
    accreditation = granted_on(GRANTED, alice)
    assert django_settings.ACCREDITATION_VALIDITY_YEARS == 3
    assert (accreditation.granted_on, accreditation.valid_until) == (GRANTED, EXPIRES)
    assert accreditation.events.order_by("-pk").first().valid_until == EXPIRES


def test_recognized_for_three_years_from_the_recognition(alice, granted_on):
    accreditation = granted_on(GRANTED, alice, S.RECOGNIZED)
    assert (accreditation.granted_on, accreditation.valid_until) == (GRANTED, EXPIRES)


def test_the_validity_period_is_a_setting(alice, granted_on, settings):
    settings.ACCREDITATION_VALIDITY_YEARS = 5
    accreditation = granted_on(GRANTED, alice)
    assert accreditation.valid_until == date(2031, 1, 10)


def test_an_area_can_have_its_own_validity_period(alice, bob, granted_on):
    short = area("integrity")
    short.validity_years = 2
    short.save()

    in_short = granted_on(GRANTED, alice, in_area=short)
    in_default = granted_on(GRANTED, bob)

    assert in_short.valid_until == date(2028, 1, 10)
    assert in_default.valid_until == EXPIRES


def test_granted_on_29_february_ends_on_28_february(alice, granted_on):
    accreditation = granted_on(date(2028, 2, 29), alice)
    assert accreditation.valid_until == date(2031, 2, 28)


def test_granted_on_29_february_for_four_years_ends_on_29_february(alice, granted_on):
    leap = area("integrity")
    leap.validity_years = 4
    leap.save()
    accreditation = granted_on(date(2028, 2, 29), alice, in_area=leap)
    assert accreditation.valid_until == date(2032, 2, 29)


def test_extend_restarts_the_period_from_the_given_day(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)

    extended = extend_validity(
        accreditation.pk, since=date(2027, 6, 30), by=officer, reason="Delivered a mission."
    )

    assert reload(extended).valid_until == date(2030, 6, 30)
    assert reload(extended).state == S.ACCREDITED
    assert reload(extended).granted_on == GRANTED
    event = extended.events.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == (
        "extend",
        S.ACCREDITED,
        S.ACCREDITED,
    )
    assert (event.valid_until, event.reason, event.by) == (
        date(2030, 6, 30),
        "Delivered a mission.",
        officer,
    )


def test_extend_never_shortens(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)
    extend_validity(accreditation.pk, since=date(2027, 6, 30), by=officer, reason="Mission.")

    before = snapshot(accreditation)

    extend_validity(accreditation.pk, since=date(2026, 2, 1), by=officer, reason="Old mission.")

    assert reload(accreditation).valid_until == date(2030, 6, 30)
    assert snapshot(accreditation) == before  # nothing extended: no event, no notification


@pytest.mark.parametrize("state", [S.SUSPENDED, S.LAPSED, S.RETIRED], ids=str)
def test_a_non_holding_accreditation_is_refused_even_when_nothing_would_extend(
    state, alice, officer, granted_on
):
    accreditation = granted_on(GRANTED, alice, state)
    with pytest.raises(IllegalTransition):
        extend_validity(accreditation.pk, since=GRANTED, by=officer, reason="Mission.")


@pytest.mark.parametrize(
    "state", [S.NOMINATED, S.SHORTLISTED, S.SUSPENDED, S.LAPSED, S.WITHDRAWN], ids=str
)
def test_only_a_holding_accreditation_can_be_extended(state, alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice, state)
    before = snapshot(accreditation)
    with pytest.raises(IllegalTransition) as refused:
        extend_validity(accreditation.pk, since=date(2027, 1, 1), by=officer, reason="Mission.")
    assert str(refused.value.message)
    assert snapshot(accreditation) == before


@pytest.mark.parametrize("reason", ["", "  ", None])
def test_extend_without_a_reason_writes_nothing(reason, alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)
    before = snapshot(accreditation)
    with pytest.raises(AccreditationError):
        extend_validity(accreditation.pk, since=date(2027, 6, 30), by=officer, reason=reason)
    assert snapshot(accreditation) == before


def test_renew_gives_a_fresh_validity_from_today(alice, officer, granted_on, time_machine):
    accreditation = granted_on(GRANTED, alice)
    time_machine.move_to(date(2029, 3, 1), tick=False)
    assert lapse_expired() == 1

    renewed = renew(accreditation.pk, by=officer, reason="Attended the 2029 refresher.")

    assert (renewed.state, renewed.valid_until) == (S.ACCREDITED, date(2032, 3, 1))


# --- Field evaluation (the missions app's hook) -------------------------------------------------


def test_a_passed_field_evaluation_accredits(alice, bob, officer, granted_on, time_machine):
    accreditation = granted_on(GRANTED, alice, S.PRE_ACCREDITED)
    time_machine.move_to(date(2026, 6, 5), tick=False)

    accredited = record_field_evaluation(
        accreditation.pk,
        passed=True,
        evaluator=bob,
        by=officer,
        comment="Led two sessions of the AEO diagnostic well.",
        mission_reference="M-2026-041",
    )

    fresh = reload(accredited)
    assert (fresh.state, fresh.granted_on, fresh.valid_until) == (
        S.ACCREDITED,
        date(2026, 6, 5),
        date(2029, 6, 5),
    )
    event = fresh.events.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == (
        "accredit",
        S.PRE_ACCREDITED,
        S.ACCREDITED,
    )
    assert event.evidence_evaluation == {
        "passed": True,
        "evaluator": "Bob Okafor",
        "evaluator_id": bob.pk,
        "mission": "M-2026-041",
        "comment": "Led two sessions of the AEO diagnostic well.",
    }
    assert event.reason == "Led two sessions of the AEO diagnostic well."


def test_a_failed_field_evaluation_stays_pre_accredited_with_the_evaluation(
    alice, bob, officer, granted_on
):
    accreditation = granted_on(GRANTED, alice, S.PRE_ACCREDITED)
    before = snapshot(accreditation)

    record_field_evaluation(
        accreditation.pk,
        passed=False,
        evaluator=bob,
        by=officer,
        comment="Needs more practice with case studies.",
        mission_reference="M-2026-041",
    )

    after = snapshot(accreditation)
    assert (after["state"], after["valid_until"]) == (S.PRE_ACCREDITED, before["valid_until"])
    assert after["events"] == before["events"] + 1
    event = reload(accreditation).events.order_by("-pk").first()
    assert (event.action, event.from_state, event.to_state) == (
        "field_evaluation",
        S.PRE_ACCREDITED,
        S.PRE_ACCREDITED,
    )
    assert event.evidence_evaluation["passed"] is False
    assert event.evidence_evaluation["mission"] == "M-2026-041"
    assert event.reason == "Needs more practice with case studies."


@pytest.mark.parametrize(
    "state", [S.SHORTLISTED, S.ACCREDITED, S.RECOGNIZED, S.SUSPENDED, S.LAPSED], ids=str
)
def test_a_failed_field_evaluation_needs_a_pre_accredited_expert(
    state, alice, bob, officer, granted_on
):
    accreditation = granted_on(GRANTED, alice, state)
    before = snapshot(accreditation)
    with pytest.raises(IllegalTransition):
        record_field_evaluation(
            accreditation.pk, passed=False, evaluator=bob, by=officer, comment="Not good."
        )
    assert snapshot(accreditation) == before


@pytest.mark.parametrize("state", [S.SHORTLISTED, S.ACCREDITED, S.RECOGNIZED], ids=str)
def test_a_passed_field_evaluation_needs_a_pre_accredited_expert(
    state, alice, bob, officer, granted_on
):
    accreditation = granted_on(GRANTED, alice, state)
    before = snapshot(accreditation)
    with pytest.raises(IllegalTransition):
        record_field_evaluation(
            accreditation.pk, passed=True, evaluator=bob, by=officer, comment="Very good."
        )
    assert snapshot(accreditation) == before


@pytest.mark.parametrize("passed", [True, False])
def test_a_field_evaluation_needs_a_comment(passed, alice, bob, officer, granted_on):
    accreditation = granted_on(GRANTED, alice, S.PRE_ACCREDITED)
    before = snapshot(accreditation)
    with pytest.raises(AccreditationError):
        record_field_evaluation(
            accreditation.pk, passed=passed, evaluator=bob, by=officer, comment="  "
        )
    assert snapshot(accreditation) == before


# --- Refresher workshops ---------------------------------------------------------------------


def test_attending_a_refresher_extends_from_its_last_day(alice, bob, officer, granted_on):
    alice_toa = granted_on(GRANTED, alice)
    alice_cma = granted_on(GRANTED, alice, S.RECOGNIZED, profile=cma())
    bob_toa = granted_on(GRANTED, bob)
    refresher = make_workshop(
        WorkshopKind.REFRESHER, start=date(2027, 3, 3), end=date(2027, 3, 5), by=officer
    )
    attended = workshops.add_candidate(refresher, alice, by=officer)
    absent = workshops.add_candidate(refresher, bob, by=officer)

    recorded = workshops.record_outcomes(
        refresher,
        {
            attended.pk: (WorkshopOutcome.ATTENDED, "", None),
            absent.pk: (WorkshopOutcome.ABSENT, "Excused.", None),
        },
        by=officer,
    )

    assert recorded == 2
    # Every accreditation Alice holds in the area, whatever the profile.
    assert reload(alice_toa).valid_until == reload(alice_cma).valid_until == date(2030, 3, 5)
    assert reload(bob_toa).valid_until == EXPIRES
    event = reload(alice_toa).events.order_by("-pk").first()
    assert (event.action, event.evidence_workshop) == ("extend", refresher)


def test_a_refresher_can_convert_to_another_profile(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)
    refresher = make_workshop(
        WorkshopKind.REFRESHER, start=date(2027, 3, 3), end=date(2027, 3, 5), by=officer
    )
    seat = workshops.add_candidate(refresher, alice, by=officer)

    workshops.record_outcomes(
        refresher, {seat.pk: (WorkshopOutcome.ATTENDED, "Converted to CMA.", cma())}, by=officer
    )

    fresh = reload(accreditation)
    assert (fresh.profile_type.code, fresh.state, fresh.valid_until) == (
        "CMA",
        S.ACCREDITED,
        date(2030, 3, 5),
    )
    assert list(fresh.events.values_list("action", flat=True))[-2:] == ["extend", "convert"]


def test_a_refresher_conversion_onto_a_live_profile_records_nothing(
    alice, bob, officer, granted_on
):
    accreditation = granted_on(GRANTED, alice)
    granted_on(GRANTED, alice, S.NOMINATED, profile=cma())
    granted_on(GRANTED, bob)
    refresher = make_workshop(
        WorkshopKind.REFRESHER, start=date(2027, 3, 3), end=date(2027, 3, 5), by=officer
    )
    bob_seat = workshops.add_candidate(refresher, bob, by=officer)
    alice_seat = workshops.add_candidate(refresher, alice, by=officer)
    before = snapshot(accreditation)

    with pytest.raises(AccreditationError):
        workshops.record_outcomes(
            refresher,
            {
                bob_seat.pk: (WorkshopOutcome.ATTENDED, "", None),
                alice_seat.pk: (WorkshopOutcome.ATTENDED, "Convert.", cma()),
            },
            by=officer,
        )

    assert snapshot(accreditation) == before
    assert Accreditation.objects.get(expert=bob).valid_until == EXPIRES
    assert set(refresher.participants.values_list("outcome", flat=True)) == {"pending"}


# --- Lapse -------------------------------------------------------------------------------------


def lapse_events():
    return AccreditationEvent.objects.filter(action="lapse")


def test_lapse_only_after_the_last_valid_day(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)

    assert lapse_expired(today=EXPIRES) == 0
    assert reload(accreditation).state == S.ACCREDITED

    assert lapse_expired(today=EXPIRES + timedelta(days=1)) == 1
    fresh = reload(accreditation)
    assert (fresh.state, fresh.resume_state) == (S.LAPSED, S.ACCREDITED)
    event = lapse_events().get()
    assert (event.from_state, event.to_state, event.by) == (S.ACCREDITED, S.LAPSED, None)
    assert "2029-01-10" in event.reason
    assert event.valid_until == EXPIRES


def test_lapse_twice_lapses_nothing_the_second_time(alice, bob, officer, granted_on):
    granted_on(GRANTED, alice)
    granted_on(GRANTED, bob, S.RECOGNIZED)
    day = EXPIRES + timedelta(days=3)

    assert lapse_expired(today=day) == 2
    before = snapshot()
    assert lapse_expired(today=day) == 0
    assert lapse_expired(today=day + timedelta(days=30)) == 0
    assert snapshot() == before
    assert lapse_events().count() == 2


def test_lapse_takes_only_holding_accreditations_past_their_validity(officer, granted_on):
    experts = ExpertFactory.create_batch(8)
    due = [
        granted_on(GRANTED, experts[0], S.ACCREDITED),
        granted_on(GRANTED, experts[1], S.PRE_ACCREDITED),
        granted_on(GRANTED, experts[2], S.RECOGNIZED),
    ]
    kept = [
        granted_on(GRANTED, experts[3], S.SUSPENDED),  # validity passed while suspended
        granted_on(GRANTED, experts[4], S.NOMINATED),
        granted_on(GRANTED, experts[5], S.SHORTLISTED),
        granted_on(date(2026, 1, 20), experts[6], S.ACCREDITED),  # still valid
        granted_on(GRANTED, experts[7], S.WITHDRAWN),
    ]
    states = {a.pk: reload(a).state for a in kept}

    assert lapse_expired(today=date(2029, 1, 15)) == 3

    assert {reload(a).state for a in due} == {S.LAPSED}
    assert {a.pk: reload(a).state for a in kept} == states
    assert {reload(a).resume_state for a in due} == {S.ACCREDITED, S.PRE_ACCREDITED, S.RECOGNIZED}


def test_a_suspended_accreditation_does_not_lapse_until_reinstated(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice, S.SUSPENDED)
    assert lapse_expired(today=date(2029, 6, 1)) == 0
    assert reload(accreditation).state == S.SUSPENDED

    reinstate(accreditation.pk, by=officer, reason="Inquiry closed.")
    assert lapse_expired(today=date(2029, 6, 1)) == 1
    assert reload(accreditation).state == S.LAPSED


def test_lapse_tells_the_expert(alice, granted_on):
    accreditation = granted_on(GRANTED, alice)
    lapse_expired(today=date(2029, 1, 11))
    event = lapse_events().get()
    notification = Notification.objects.get(dedupe_key=f"accreditation-event:{event.pk}")
    assert notification.recipient == alice.user
    assert notification.context["state"] == S.LAPSED
    assert reload(accreditation).state == S.LAPSED


def test_the_beat_task_lapses_today_and_returns_the_count(alice, bob, granted_on, time_machine):
    granted_on(GRANTED, alice)
    granted_on(GRANTED, bob, S.PRE_ACCREDITED)

    time_machine.move_to(EXPIRES, tick=False)
    assert tasks.lapse_expired_accreditations.delay().get() == 0
    time_machine.move_to(EXPIRES + timedelta(days=1), tick=False)
    assert tasks.lapse_expired_accreditations.delay().get() == 2
    assert tasks.lapse_expired_accreditations.delay().get() == 0
    assert lapse_events().count() == 2


# --- Expiry reminders ----------------------------------------------------------------------------


def expiring():
    return list(
        Notification.objects.filter(kind=ACCREDITATION_EXPIRING)
        .order_by("pk")
        .values_list("dedupe_key", flat=True)
    )


def days_before(days):
    return EXPIRES - timedelta(days=days)


def test_reminders_at_90_30_and_7_days_exactly_once(alice, granted_on):
    accreditation = granted_on(GRANTED, alice)
    assert sorted(django_settings.ACCREDITATION_REMINDER_DAYS) == [7, 30, 90]
    key = f"accreditation-expiring:{accreditation.pk}:2029-01-10"

    runs = [(100, 0), (91, 0), (90, 1), (90, 0), (89, 0), (60, 0), (31, 0), (30, 1), (30, 0)]
    runs += [(8, 0), (7, 1), (7, 0), (5, 0), (1, 0), (0, 0)]
    for days, queued in runs:
        assert queue_accreditation_expiry_reminders(today=days_before(days)) == queued, days

    assert expiring() == [f"{key}:90", f"{key}:30", f"{key}:7"]
    first = Notification.objects.filter(kind=ACCREDITATION_EXPIRING).order_by("pk").first()
    assert first.recipient == alice.user
    assert first.context == {
        "name": "Alice Mwangi",
        "profile": "TOA",
        "area_en": accreditation.area.name_en,
        "area_fr": accreditation.area.name_fr,
        "valid_until": "2029-01-10",
        "days_left": 90,
        "url": f"{BASE_URL}/me/accreditations/",
    }


def test_a_first_run_5_days_before_sends_only_the_7_day_reminder(alice, granted_on):
    accreditation = granted_on(GRANTED, alice)
    assert queue_accreditation_expiry_reminders(today=days_before(5)) == 1
    assert expiring() == [f"accreditation-expiring:{accreditation.pk}:2029-01-10:7"]


def test_a_first_run_45_days_before_sends_the_90_day_reminder(alice, granted_on):
    accreditation = granted_on(GRANTED, alice)
    assert queue_accreditation_expiry_reminders(today=days_before(45)) == 1
    assert queue_accreditation_expiry_reminders(today=days_before(29)) == 1
    assert expiring() == [
        f"accreditation-expiring:{accreditation.pk}:2029-01-10:90",
        f"accreditation-expiring:{accreditation.pk}:2029-01-10:30",
    ]


def test_an_extension_starts_the_reminders_again(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)
    queue_accreditation_expiry_reminders(today=days_before(7))
    extend_validity(accreditation.pk, since=days_before(7), by=officer, reason="Mission.")
    queue_accreditation_expiry_reminders(today=date(2031, 10, 5))  # 90 days before 2032-01-03
    assert expiring() == [
        f"accreditation-expiring:{accreditation.pk}:2029-01-10:7",
        f"accreditation-expiring:{accreditation.pk}:2032-01-03:90",
    ]


@pytest.mark.parametrize("state", [S.PRE_ACCREDITED, S.RECOGNIZED], ids=str)
def test_reminders_for_every_holding_state(state, alice, granted_on):
    granted_on(GRANTED, alice, state)
    assert queue_accreditation_expiry_reminders(today=days_before(30)) == 1


@pytest.mark.parametrize("state", [S.SUSPENDED, S.WITHDRAWN, S.RETIRED], ids=str)
def test_no_reminder_for_an_accreditation_that_does_not_hold(state, alice, granted_on):
    granted_on(GRANTED, alice, state)
    assert queue_accreditation_expiry_reminders(today=days_before(30)) == 0
    assert expiring() == []


def test_no_reminder_for_a_never_activated_account(alice, bob, granted_on):
    alice.user.set_unusable_password()
    alice.user.save()
    granted_on(GRANTED, alice)
    granted_on(GRANTED, bob)

    assert queue_accreditation_expiry_reminders(today=days_before(30)) == 1
    assert Notification.objects.get(kind=ACCREDITATION_EXPIRING).recipient == bob.user


def test_no_reminder_for_a_deactivated_account(alice, granted_on):
    alice.user.is_active = False
    alice.user.save()
    granted_on(GRANTED, alice)
    assert queue_accreditation_expiry_reminders(today=days_before(30)) == 0


def test_the_reminder_beat_task_uses_today(alice, granted_on, time_machine):
    granted_on(GRANTED, alice)
    time_machine.move_to(days_before(30), tick=False)
    assert tasks.send_accreditation_expiry_reminders.delay().get() == 1
    assert tasks.send_accreditation_expiry_reminders.delay().get() == 0


# --- The Secretariat's weekly digest ---------------------------------------------------------


def digests():
    return Notification.objects.filter(kind=UPCOMING_LAPSES).order_by("pk")


def test_the_digest_goes_to_each_officer_and_admin_once_a_week(
    alice, bob, officer, admin_user, granted_on
):
    UserFactory(roles=[Role.SECRETARIAT], is_active=False)
    UserFactory(roles=[Role.EXPERT])
    soon = granted_on(GRANTED, alice)  # lapses on 2029-01-10
    granted_on(date(2026, 6, 1), bob)  # lapses after the 90-day horizon
    today = date(2028, 12, 11)  # Monday, ISO week 50

    assert queue_upcoming_lapses_digest(today=today) == 2
    assert queue_upcoming_lapses_digest(today=today) == 0
    assert queue_upcoming_lapses_digest(today=date(2028, 12, 17)) == 0  # Sunday, same week

    assert {n.recipient for n in digests()} == {officer, admin_user}
    assert {n.dedupe_key for n in digests()} == {
        f"upcoming-lapses:{officer.pk}:2028-W50",
        f"upcoming-lapses:{admin_user.pk}:2028-W50",
    }
    context = digests().first().context
    assert context["total"] == 1
    assert context["horizon"] == "2029-03-11"
    assert context["items"] == [
        {
            "expert": "Alice Mwangi",
            "profile": "TOA",
            "area_en": soon.area.name_en,
            "area_fr": soon.area.name_fr,
            "valid_until": "2029-01-10",
            "url": f"{BASE_URL}/secretariat/experts/{alice.pk}/",
        }
    ]

    assert queue_upcoming_lapses_digest(today=date(2028, 12, 18)) == 2  # the next week
    assert digests().count() == 4


def test_the_digest_week_is_the_iso_week_across_new_year(alice, officer, granted_on):
    granted_on(date(2024, 2, 1), alice)  # lapses on 2027-02-01
    assert queue_upcoming_lapses_digest(today=date(2026, 12, 28)) == 1  # 2026-W53
    assert queue_upcoming_lapses_digest(today=date(2027, 1, 1)) == 0
    assert queue_upcoming_lapses_digest(today=date(2027, 1, 4)) == 1  # 2027-W01


def test_no_digest_when_nothing_lapses(alice, officer, admin_user, granted_on):
    granted_on(GRANTED, alice)
    assert queue_upcoming_lapses_digest(today=date(2028, 6, 1)) == 0
    assert queue_upcoming_lapses_digest(today=date(2029, 2, 1)) == 0  # already past
    assert not digests().exists()


def test_the_digest_lists_the_first_rows_and_the_total(officer, granted_on):
    count = LAPSE_DIGEST_ROWS + 3
    for expert in ExpertFactory.create_batch(count):
        granted_on(GRANTED, expert, S.RECOGNIZED)

    assert queue_upcoming_lapses_digest(today=date(2028, 12, 11)) == 1

    context = digests().get().context
    assert context["total"] == count
    assert len(context["items"]) == LAPSE_DIGEST_ROWS


def test_the_digest_beat_task(alice, officer, granted_on, time_machine):
    granted_on(GRANTED, alice)
    time_machine.move_to(date(2028, 12, 11), tick=False)
    assert tasks.send_upcoming_lapses_digest.delay().get() == 1
    assert tasks.send_upcoming_lapses_digest.delay().get() == 0


def test_the_three_tasks_are_scheduled_after_migrations():
    rows = {
        task.task: (
            task.enabled,
            task.crontab.minute,
            task.crontab.hour,
            task.crontab.day_of_week,
        )
        for task in PeriodicTask.objects.select_related("crontab").filter(
            task__in=[
                "experts.lapse_expired_accreditations",
                "experts.send_accreditation_expiry_reminders",
                "experts.send_upcoming_lapses_digest",
            ]
        )
    }
    assert rows == {
        "experts.lapse_expired_accreditations": (True, "15", "0", "*"),
        "experts.send_accreditation_expiry_reminders": (True, "20", "5", "*"),
        "experts.send_upcoming_lapses_digest": (True, "0", "6", "1"),
    }
    for task in rows:
        assert task in celery_app.tasks


def test_suspend_stops_the_reminders(alice, officer, granted_on):
    accreditation = granted_on(GRANTED, alice)
    queue_accreditation_expiry_reminders(today=days_before(90))
    suspend(accreditation.pk, by=officer, reason="Inquiry.")
    assert queue_accreditation_expiry_reminders(today=days_before(30)) == 0
    assert len(expiring()) == 1
