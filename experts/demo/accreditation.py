"""Accreditations for the demo pool: states, histories, workshops and pending requests.

``demo.create_pool`` hands each batch of saved experts to ``AccreditationGenerator.add_batch``;
``seed_demo`` calls ``demo_account_accreditations`` for the two demo experts.

About 60 % of the experts hold 1-3 accreditations, each in one of their own areas of expertise,
for a profile that fits the area. Each batch first seats experts at a few portal workshops (past
accreditation workshops of 8-20 candidates with their outcomes, refreshers of 20-40 holders, an
upcoming workshop with its shortlist), then gives the other accreditations histories of their own
(workshops not recorded in the portal, named in the reasons only).

Every history is replayed through ``Timeline``, which checks each step against
``accreditation.TRANSITIONS`` and changes the row the way the services do (granted_on,
valid_until, resume_state, phase), so the rows look as if the services had written them. Events
are only INSERTed (``bulk_create``), which the append-only trigger allows.

Draws come from a ``random.Random`` of their own (seeded from the pool's seed), so accreditations
never shift the draws that make the people. Validity, like passport dates, is judged
against today: every date here is placed relative to the day of the run, so that the reminders,
the Secretariat's weekly list and the nightly lapse have something to do on any day.
"""

import math
import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from experts.demo.figures import (
    AREA_PROFILES,
    BATCH_SIZE,
    EVALUATED,
    EXPERTS_PER_REFRESHER,
    EXPERTS_PER_UPCOMING,
    EXPERTS_PER_WORKSHOP,
    EXTERNAL_SHARE,
    INTERNAL,
    PER_EXPERT,
    POOL_REQUESTS,
    RECOGNITION_PROFILES,
    SHARE_WITHOUT,
    TECHNICAL,
    S,
    shift_years,
)
from experts.demo.histories import IndividualHistories
from experts.demo.requests import PendingRequests, create_request
from experts.demo.timeline import Batch, Member, Timeline
from experts.demo.workshops import WorkshopCycles
from experts.enums import (
    HOLDING_STATES,
    EmploymentStatus,
    RequestKind,
)
from experts.models import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    ProfileType,
    ThematicArea,
    Workshop,
    WorkshopParticipant,
)
from experts.services.accreditation import transitions


class AccreditationGenerator(WorkshopCycles, IndividualHistories, PendingRequests):
    def __init__(self, *, seed: int, today: date, officers=(None, None)):
        self.rng = random.Random(f"accreditations:{seed}")
        self.today = today
        self.yesterday = today - timedelta(days=1)
        # Who decides: the Secretariat runs the cycles, a reviewer (an admin) the other changes.
        self.secretariat, self.reviewer = officers
        self.profiles = {profile.code: profile for profile in ProfileType.objects.all()}
        self.seen = 0
        self.missions = 0
        self.counts = Counter()
        self.requests_left = POOL_REQUESTS

    # --- Small helpers ---------------------------------------------------------------------------

    def days(self, low, high) -> timedelta:
        return timedelta(days=self.rng.randint(low, max(low, high)))

    def at(self, day: date) -> datetime:
        return datetime.combine(day, time(self.rng.randint(7, 16), self.rng.randint(0, 59)), UTC)

    def years(self, area) -> int:
        return transitions.validity_years(area)

    def mission(self, day: date) -> str:
        self.missions += 1
        return f"M-{day.year}-{self.missions % 1000:03d}"

    def pick_profile(self, area, *, member=None, cohort=False):
        weights = AREA_PROFILES.get(area.code, TECHNICAL)
        if cohort:
            weights = {code: w for code, w in weights.items() if code not in RECOGNITION_PROFILES}
        codes = [code for code in weights if code in self.profiles]
        if not codes:
            return None
        code = self.rng.choices(codes, [weights[code] for code in codes])[0]
        if member and not member.serving and self.rng.random() < EXTERNAL_SHARE:
            code = "EXT" if "EXT" in self.profiles else code
        return self.profiles[code]

    # --- One batch -------------------------------------------------------------------------------

    def add_batch(self, drafts) -> None:
        """Give a batch of saved experts their accreditations, and write them."""
        rng = self.rng
        members = []
        for draft in drafts:
            slots = 0
            if rng.random() >= SHARE_WITHOUT:
                slots = rng.choices(list(PER_EXPERT), list(PER_EXPERT.values()))[0]
            members.append(
                Member(
                    expert=draft.expert,
                    areas=[row.area for row in draft.rows["expertise"]],
                    serving=draft.expert.employment_status == EmploymentStatus.SERVING,
                    slots=slots,
                )
            )
        batch = Batch(members)
        start, self.seen = self.seen, self.seen + len(drafts)

        def quota(per):
            return math.ceil(self.seen / per) - math.ceil(start / per)

        for _ in range(quota(EXPERTS_PER_REFRESHER)):
            self.refresher(batch)
        for _ in range(quota(EXPERTS_PER_WORKSHOP)):
            self.accreditation_workshop(batch, upcoming=False)
        for _ in range(quota(EXPERTS_PER_UPCOMING)):
            self.accreditation_workshop(batch, upcoming=True)
        for member in members:
            self.individual(batch, member)
        self.save(batch)
        if self.requests_left:
            self.pool_requests(batch)

    def take(self, member, profile, area) -> Timeline:
        member.slots -= 1
        member.taken.add((profile.code, area.code))
        return Timeline(member.expert, profile, area)

    def accredit(self, batch, timeline, day):
        """A passed field evaluation (phase 3)."""
        comment = self.rng.choice(EVALUATED)
        timeline.do(
            "accredit",
            S.ACCREDITED,
            self.at(day),
            by=self.secretariat,
            reason=comment,
            evaluation=self.evaluation(batch, timeline, day, comment, passed=True),
        )
        if batch:
            batch.evaluators.setdefault(timeline.area.code, []).append(timeline.expert)

    def reviewed(self, timeline, action, to_state, day, reasons):
        comment = self.rng.choice(INTERNAL) if self.rng.random() < 0.3 else ""
        reason = self.rng.choice(reasons).format(area=timeline.area.name_en)
        timeline.do(
            action, to_state, self.at(day), by=self.reviewer, reason=reason, comment=comment
        )

    def lapse_if_due(self, timeline, *, before=None) -> bool:
        """Lapse, as the nightly task does (00:15 UTC the day after the end), a validity that
        ended before today (or before ``before``)."""
        until = timeline.valid_until
        if timeline.state not in HOLDING_STATES or until >= (before or self.today):
            return False
        timeline.do(
            "lapse",
            S.LAPSED,
            datetime.combine(until + timedelta(days=1), time(0, 15), UTC),
            by=None,
            reason=f"The validity ended on {until.isoformat()}.",
        )
        return True

    # --- Writing ---------------------------------------------------------------------------------

    def save(self, batch) -> None:
        Workshop.objects.bulk_create(batch.workshops)
        for timeline in batch.timelines:
            timeline.accreditation = timeline.row()
        Accreditation.objects.bulk_create(
            [timeline.accreditation for timeline in batch.timelines], batch_size=BATCH_SIZE
        )
        events = []
        for timeline in batch.timelines:
            for event in timeline.events:
                event.accreditation = timeline.accreditation
                events.append(event)
        AccreditationEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
        WorkshopParticipant.objects.bulk_create(
            [
                WorkshopParticipant(
                    workshop=workshop,
                    expert=timeline.expert,
                    accreditation=timeline.accreditation,
                    outcome=outcome,
                    comment=comment,
                )
                for workshop, timeline, outcome, comment in batch.seats
            ],
            batch_size=BATCH_SIZE,
        )
        self.counts["accreditations"] += len(batch.timelines)
        self.counts["events"] += len(events)
        self.counts["workshops"] += len(batch.workshops)
        self.counts["participants"] += len(batch.seats)
        self.counts.update(f"state:{timeline.state}" for timeline in batch.timelines)


@transaction.atomic
def demo_account_accreditations(expert, *, full: bool, today: date, officers) -> int:
    """The demo experts' accreditations: the first holds an accredited one (ending within 90
    days) and a pre-accredited one, and waits for a recognition; the second has a lapsed one."""
    generator = AccreditationGenerator(seed=1 if full else 2, today=today, officers=officers)
    profiles = generator.profiles
    areas = {area.code: area for area in ThematicArea.objects.all()}
    member = Member(expert=expert, areas=[], serving=True, slots=0)
    if full:
        risk = Timeline(expert, profiles["TOA"], areas["risk-management"])
        accredited = shift_years(today + timedelta(days=75), -generator.years(risk.area))
        generator.cycle(risk, member, accredited - timedelta(days=190), passed=True)
        generator.accredit(None, risk, accredited)
        aeo = Timeline(expert, profiles["ET"], areas["aeo-safe"])
        generator.cycle(aeo, member, today - timedelta(days=130), passed=True)
        timelines = [risk, aeo]
    else:
        transit = Timeline(expert, profiles["TOA"], areas["transit"])
        accredited = shift_years(today - timedelta(days=40), -generator.years(transit.area))
        generator.cycle(transit, member, accredited - timedelta(days=160), passed=True)
        generator.accredit(None, transit, accredited)
        generator.lapse_if_due(transit)
        timelines = [transit]
    generator.save(Batch(members=[], timelines=timelines))
    if full:
        create_request(
            expert,
            kind=RequestKind.RECOGNITION,
            profile=profiles["TOA"],
            area=areas["post-clearance-audit"],
            at=timezone.now() - timedelta(days=3),
        )
    return len(timelines)


# --- Reset -------------------------------------------------------------------------------------


def empty_history() -> None:
    """Delete EVERY accreditation event, not only the demo's: for a demo reset only.

    On PostgreSQL a trigger refuses any DELETE on the history, but TRUNCATE fires no row
    trigger; elsewhere (SQLite) a plain delete works.
    """
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AccreditationEvent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
    else:
        AccreditationEvent.objects.all().delete()


def delete_accreditations(experts, chunk=5000) -> None:
    """Delete these experts' accreditations, requests and workshop seats, the workshops left
    empty by them, and the whole accreditation history (see ``empty_history``)."""
    empty_history()
    AccreditationRequest.objects.filter(expert__in=experts).delete()
    seats = WorkshopParticipant.objects.filter(expert__in=experts)
    workshops = set(seats.values_list("workshop_id", flat=True).distinct())
    seats.delete()
    Workshop.objects.filter(pk__in=workshops, participants__isnull=True).delete()
    rows = Accreditation.objects.filter(expert__in=experts).order_by()
    while ids := list(rows.values_list("pk", flat=True)[:chunk]):
        Accreditation.objects.filter(pk__in=ids).delete()
