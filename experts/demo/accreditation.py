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
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from experts.enums import (
    HOLDING_STATES,
    AccreditationPhase,
    AccreditationState,
    DocumentKind,
    EmploymentStatus,
    RequestKind,
    WorkshopKind,
    WorkshopOutcome,
)
from experts.models import (
    Accreditation,
    AccreditationEvent,
    AccreditationRequest,
    ExpertDocument,
    ProfileType,
    ThematicArea,
    Workshop,
    WorkshopParticipant,
)
from experts.services.accreditation import transitions

S = AccreditationState
BATCH_SIZE = 2000
PORTAL_LAUNCH = date(2022, 9, 1)
# One portal workshop of each kind per this many experts (at least one each for a pool of 300).
EXPERTS_PER_WORKSHOP = 60
EXPERTS_PER_REFRESHER = 150
EXPERTS_PER_UPCOMING = 1000
ACCREDITATION_WORKSHOP_SIZE = (8, 20)
REFRESHER_SIZE = (20, 40)
POOL_REQUESTS = 10  # pending requests, each with a small PDF in private storage

SHARE_WITHOUT = 0.4
PER_EXPERT = {1: 55, 2: 32, 3: 13}
# The profile an accreditation in an area is for; any other area takes TECHNICAL.
AREA_PROFILES = {
    "diagnostics-pmm": {"DF": 70, "CMA": 15, "TOA": 10, "ET": 5},
    "modernization-strategic-planning": {"CMA": 70, "DF": 15, "TOA": 10, "ET": 5},
    "trade-facilitation-agreement": {"MPA": 65, "TOA": 15, "ET": 10, "CMA": 10},
    "leadership-management": {"LMD": 75, "ET": 20, "CMA": 5},
    "gender-diversity": {"REC": 60, "ET": 25, "TOA": 15},
    "human-resource-management": {"TOA": 40, "ET": 30, "LMD": 20, "REC": 10},
    "integrity": {"TOA": 45, "ET": 40, "REC": 15},
}
TECHNICAL = {"TOA": 54, "ET": 44, "REC": 2}
# Accreditation is a Capacity Building programme: its flagship areas are accredited more often.
AREA_BOOST = {
    "diagnostics-pmm": 4,
    "modernization-strategic-planning": 4,
    "trade-facilitation-agreement": 4,
    "leadership-management": 3,
}
EXTERNAL_SHARE = 0.3  # of a retired or former officer's accreditations, as an External Expert
RECOGNITION_PROFILES = {"REC", "EXT"}  # recognized by another route than the workshop
WORKSHOP_ROUTE = {
    S.ACCREDITED: 48,
    S.PRE_ACCREDITED: 21,
    S.RECOGNIZED: 2,
    S.NOMINATED: 4,
    S.SHORTLISTED: 2,
    S.NOT_RETAINED: 4,
    S.SUSPENDED: 2,
    S.LAPSED: 6,
    S.WITHDRAWN: 4,
    S.RETIRED: 4,
}
RECOGNITION_ROUTE = {S.RECOGNIZED: 75, S.LAPSED: 10, S.SUSPENDED: 3, S.WITHDRAWN: 5, S.RETIRED: 7}
EXPIRING_SOON = 0.15  # of holding accreditations, valid for 90 days or less
RETIRING = 0.35  # of a retired or former officer's accreditations, retired too

PLACES = [
    "Brussels", "Nairobi", "Abidjan", "Bangkok", "Dubai", "Baku", "Panama City", "Johannesburg",
    "Dakar", "Kuala Lumpur", "Casablanca", "Tokyo", "Seoul", "Shanghai", "Buenos Aires", "Vienna",
]  # fmt: skip
FUNDING = [
    "CCF Japan", "CCF Korea", "CCF China", "CCF Germany", "UK HMRC", "Sweden (Sida)",
    "Norway (Norad)", "Switzerland (SECO)", "Finland", "European Union", "JICA",
]  # fmt: skip
NOMINATED = [
    "Nominated by the Customs administration of {country} for the {profile} accreditation cycle.",
    "Nominated by the Customs administration of {country}; CV and motivation letter received.",
    "Nominated by the Customs administration of {country} after the regional call for experts.",
]
SHORTLISTED = [
    "Shortlisted for the accreditation workshop in {place} ({month}).",
    "CV screening passed; shortlisted for the workshop in {place} ({month}).",
]
NOT_SHORTLISTED = [
    "Not shortlisted: not enough practical experience in the area yet; welcome to reapply.",
    "Not shortlisted this cycle: the places for the region were filled.",
    "Not shortlisted: the profile does not yet match the workshop's requirements.",
]
PASSED = [
    "Clear, well-structured presentations and a convincing role play.",
    "Strong case-study work; facilitated the practical session with confidence.",
    "Good command of the WCO instruments; engaged the group well.",
    "Passed every assessed session; very good delivery of the training module.",
    "Sound technical knowledge and good group facilitation.",
]
FAILED = [
    "The delivered session lacked structure; encouraged to reapply after more practice.",
    "Technical knowledge is sound, but the role plays did not reach the standard yet.",
    "Missed two assessed sessions and could not be assessed fully.",
    "Needs more experience of the WCO instruments before a new attempt.",
]
EVALUATED = [
    "Co-delivered the mission to a high standard; ready to lead one.",
    "Led two sessions of the diagnostic well; sound advice to the beneficiary.",
    "Very good rapport with the beneficiary administration; accurate technical advice.",
    "Delivered the training modules confidently; very positive participant feedback.",
]
NOT_YET = [
    "Good technical input, but the mission report was late and incomplete; a second field "
    "evaluation is recommended.",
    "Needs more practice leading sessions alone; a second field evaluation is recommended.",
]
RECOGNIZED = [
    "Recognized on the strength of a long practical record in {area}.",
    "Recognized after review of the expert's training and publications in {area}.",
    "Recognized: expertise in {area} confirmed by the Secretariat's review.",
]
SUSPENDED = [
    "Suspended at the request of the home administration during a long secondment.",
    "Suspended pending the outcome of an internal inquiry in the home administration.",
    "Suspended after two confirmed missions were cancelled without notice; to be reviewed.",
]
REINSTATED = [
    "Back from secondment; the home administration confirmed the expert's availability.",
    "The inquiry closed with no finding; reinstated.",
]
WITHDRAWN_EARLY = [
    "Nomination withdrawn by the home administration.",
    "The candidate could not attend the workshop and withdrew.",
]
WITHDRAWN = [
    "Withdrawn at the expert's request.",
    "Withdrawn: the expert left the Customs administration.",
    "Withdrawn after repeated unavailability for missions.",
]
RETIRED = [
    "Retired from the Customs administration.",
    "The expert retired; thanked for years of service to the programme.",
]
RENEWED = [
    "Renewed on request: recent delivery of training in the area documented.",
    "Renewed after the expert co-facilitated a regional workshop and asked for renewal.",
]
INTERNAL = [
    "Checked with the focal point.",
    "See the focal point's email in the programme file.",
    "Discussed at the programme team meeting.",
]


def shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica text, correct cross-reference table)."""

    def text(line):
        plain = unicodedata.normalize("NFKD", line).encode("ascii", "ignore").decode()
        return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    content = "BT /F1 12 Tf 72 770 Td 16 TL " + " ".join(f"({text(x)}) '" for x in lines) + " ET"
    stream = content.encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


@dataclass
class Timeline:
    """One accreditation's history, applied step by step the way the services apply it."""

    expert: object
    profile: ProfileType
    area: object
    state: str | None = None
    granted_on: date | None = None
    valid_until: date | None = None
    resume_state: str = ""
    events: list = field(default_factory=list)

    @property
    def last_day(self) -> date | None:
        return self.events[-1].at.date() if self.events else None

    def do(self, action, to_state, at, *, by, reason, comment="", workshop=None, evaluation=None):
        from_state = self.state
        if action in {"extend", "field_evaluation"}:
            to_state = from_state
            assert from_state in HOLDING_STATES, (action, from_state)
        elif transitions.TRANSITIONS.get((from_state, to_state)) != action:
            raise ValueError(f"{action} cannot go from {from_state} to {to_state}")
        if action in {"reinstate", "renew"} and to_state != self.resume_state:
            raise ValueError(f"{action} must return to {self.resume_state}")
        if self.events and at <= self.events[-1].at:
            raise ValueError(f"{action} on {at} is not after the previous step")
        day = at.date()
        if action in {"recognize", "pre_accredit", "accredit"}:
            self.granted_on = day
            self.valid_until = transitions.valid_until_from(day, self.area)
        elif action == "renew":
            self.valid_until = transitions.valid_until_from(day, self.area)
        elif action == "extend":
            self.valid_until = max(self.valid_until, transitions.valid_until_from(day, self.area))
        if action in {"suspend", "lapse"}:
            self.resume_state = from_state
        elif action in {"reinstate", "renew"}:
            self.resume_state = ""
        self.state = to_state
        self.events.append(
            AccreditationEvent(
                action=action,
                from_state=from_state or "",
                to_state=to_state,
                by=by,
                at=at,
                reason=reason,
                internal_comment=comment,
                evidence_workshop=workshop,
                evidence_evaluation=evaluation,
                valid_until=self.valid_until,
            )
        )

    def row(self) -> Accreditation:
        return Accreditation(
            expert=self.expert,
            profile_type=self.profile,
            area=self.area,
            state=self.state,
            phase=transitions.PHASE_OF.get(self.state, AccreditationPhase.COMPLETE),
            resume_state=self.resume_state,
            granted_on=self.granted_on,
            valid_until=self.valid_until,
            created_at=self.events[0].at,
        )


@dataclass
class Member:
    """One expert of the batch, with what is left to give them."""

    expert: object
    areas: list
    serving: bool
    slots: int
    taken: set = field(default_factory=set)  # (profile code, area code)
    # Areas of a refresher the expert attended: it extended every accreditation they held in
    # the area, so no other history may be made up there.
    refreshed: set = field(default_factory=set)


@dataclass
class Batch:
    members: list
    timelines: list = field(default_factory=list)
    workshops: list = field(default_factory=list)
    seats: list = field(default_factory=list)  # (workshop, timeline, outcome, comment)
    evaluators: dict = field(default_factory=dict)  # area code -> experts accredited in it


class AccreditationGenerator:
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

    def cohort(self, batch, size, *, new_area=False):
        """Choose a (profile, area) with enough free experts, and seat ``size`` of them.

        ``new_area``: only experts who hold nothing in the area yet (a refresher extends every
        accreditation its attendees hold in the area, so they must all be known).
        """
        by_area = {}
        for member in batch.members:
            held = {code for _, code in member.taken} if new_area else member.refreshed
            for area in member.areas if member.slots else []:
                if area.code not in held:
                    by_area.setdefault(area.code, (area, []))[1].append(member)
        options = [pair for _, pair in sorted(by_area.items()) if len(pair[1]) >= size[0]]
        if not options:
            return None
        area, members = self.rng.choices(options, [len(pair[1]) for pair in options])[0]
        profile = self.pick_profile(area, cohort=True)
        free = [m for m in members if profile and (profile.code, area.code) not in m.taken]
        if len(free) < size[0]:
            return None
        chosen = self.rng.sample(free, min(self.rng.randint(*size), len(free)))
        return profile, area, [(member, self.take(member, profile, area)) for member in chosen]

    def workshop(self, kind, profile, area, start, end, *, online):
        venue = "" if online else self.rng.choice(PLACES)
        if kind == WorkshopKind.ACCREDITATION:
            title = f"{profile.code} accreditation workshop: {area.name_en}"
        else:
            title = f"Refresher workshop: {area.name_en} ({profile.code})"
        created = start - self.days(45, 90)  # before its candidates were shortlisted
        return Workshop(
            kind=kind,
            title=title,
            area=area,
            profile_type=profile,
            start_date=start,
            end_date=end,
            online=online,
            venue=("WCO headquarters, Brussels" if venue == "Brussels" else venue),
            funding_source=self.rng.choice(FUNDING) if self.rng.random() < 0.8 else "",
            created_by=self.secretariat,
            created_at=self.at(min(created, self.yesterday)),
        )

    def accreditation_workshop(self, batch, *, upcoming):
        seated = self.cohort(batch, ACCREDITATION_WORKSHOP_SIZE)
        if seated is None:
            return
        profile, area, seats = seated
        if upcoming:
            day = self.today + self.days(14, 80)
        else:
            first = PORTAL_LAUNCH + timedelta(days=30)
            day = first + self.days(0, (self.today - first).days - 30)
        start = day - timedelta(days=day.weekday())  # five days, Monday to Friday
        end = start + timedelta(days=4)
        workshop = self.workshop(
            WorkshopKind.ACCREDITATION, profile, area, start, end, online=self.rng.random() < 0.25
        )
        batch.workshops.append(workshop)
        passing = self.rng.uniform(0.4, 0.7)  # the WCO's typical pass rate
        for member, timeline in seats:
            if upcoming:
                outcome, comment = WorkshopOutcome.PENDING, ""
                self.upcoming_candidate(timeline, member, workshop)
            else:
                passed = self.rng.random() < passing
                outcome = WorkshopOutcome.PASSED if passed else WorkshopOutcome.FAILED
                comment = self.candidate(batch, timeline, member, workshop, passed)
            batch.timelines.append(timeline)
            batch.seats.append((workshop, timeline, outcome, comment))

    def refresher(self, batch):
        seated = self.cohort(batch, REFRESHER_SIZE, new_area=True)
        if seated is None:
            return
        profile, area, seats = seated
        first = max(date(2023, 1, 15), self.today - timedelta(days=1000))
        end = first + self.days(0, (self.today - first).days - 7)
        start = end - timedelta(days=self.rng.randint(0, 2))
        workshop = self.workshop(WorkshopKind.REFRESHER, profile, area, start, end, online=True)
        batch.workshops.append(workshop)
        for member, timeline in seats:
            years = self.years(area)
            held_since = start - self.days(20, years * 365 - 30)
            base = S.ACCREDITED if self.rng.random() < 0.85 else S.PRE_ACCREDITED
            self.holding(batch, timeline, member, base, held_since, extras=False)
            if self.rng.random() < 0.9:
                outcome = WorkshopOutcome.ATTENDED
                member.refreshed.add(area.code)
                timeline.do(
                    "extend",
                    None,
                    self.at(end),
                    by=self.secretariat,
                    reason=f"Outcome of {workshop}.",
                    workshop=workshop,
                )
            else:
                outcome = WorkshopOutcome.ABSENT
            self.lapse_if_due(timeline)
            batch.timelines.append(timeline)
            batch.seats.append((workshop, timeline, outcome, ""))

    # --- Histories -------------------------------------------------------------------------------

    def country(self, member) -> str:
        return member.expert.home_administration.name_en.split(",")[0]

    def nominate(self, timeline, member, day):
        reason = self.rng.choice(NOMINATED).format(
            country=self.country(member), profile=timeline.profile.code
        )
        timeline.do("nominate", S.NOMINATED, self.at(day), by=self.secretariat, reason=reason)

    def shortlist(self, timeline, day, *, place, workshop_day):
        reason = self.rng.choice(SHORTLISTED).format(place=place, month=f"{workshop_day:%B %Y}")
        timeline.do("shortlist", S.SHORTLISTED, self.at(day), by=self.secretariat, reason=reason)

    def cycle(self, timeline, member, end, *, passed):
        """Nominated, shortlisted, and the outcome of a workshop that is not in the portal (held
        before it, or recorded elsewhere): the reasons name it."""
        place, month = self.rng.choice(PLACES), f"{end:%B %Y}"
        shortlisted = end - self.days(18, 64)
        self.nominate(timeline, member, shortlisted - self.days(20, 120))
        self.shortlist(timeline, shortlisted, place=place, workshop_day=end)
        outcome = self.rng.choice(PASSED if passed else FAILED)
        reason = f"Accreditation workshop in {place} ({month}): {outcome}"
        action = "pre_accredit" if passed else "not_retain"
        to_state = S.PRE_ACCREDITED if passed else S.NOT_RETAINED
        timeline.do(action, to_state, self.at(end), by=self.secretariat, reason=reason)

    def candidate(self, batch, timeline, member, workshop, passed) -> str:
        """A candidate of a past portal workshop, and what became of them; returns the comment."""
        shortlisted = workshop.start_date - self.days(7, 40)
        self.nominate(timeline, member, shortlisted - self.days(20, 120))
        timeline.do(
            "shortlist",
            S.SHORTLISTED,
            self.at(shortlisted),
            by=self.secretariat,
            reason=f"Candidate for {workshop}.",
        )
        comment = self.rng.choice(PASSED if passed else FAILED)
        timeline.do(
            "pre_accredit" if passed else "not_retain",
            S.PRE_ACCREDITED if passed else S.NOT_RETAINED,
            self.at(workshop.end_date),
            by=self.secretariat,
            reason=comment,
            workshop=workshop,
        )
        if not passed:
            return comment
        room = (self.yesterday - workshop.end_date).days
        if room > 60 and self.rng.random() < 0.6:
            self.accredit(batch, timeline, workshop.end_date + self.days(45, min(540, room - 1)))
        if self.lapse_if_due(timeline):
            return comment
        self.ending(timeline, member, chance=0.06)
        return comment

    def upcoming_candidate(self, timeline, member, workshop):
        created = workshop.created_at.date()
        shortlisted = created + self.days(0, (self.yesterday - created).days)
        self.nominate(timeline, member, min(created, shortlisted) - self.days(10, 120))
        timeline.do(
            "shortlist",
            S.SHORTLISTED,
            self.at(shortlisted),
            by=self.secretariat,
            reason=f"Candidate for {workshop}.",
        )

    def evaluation(self, batch, timeline, day, comment, *, passed) -> dict:
        """A field evaluation as ``record_field_evaluation`` stores it; the evaluator is an expert
        of the batch accredited in the area when there is one."""
        evaluator = None
        if batch:
            accredited = batch.evaluators.get(timeline.area.code)
            evaluator = self.rng.choice(accredited) if accredited else None
            if evaluator is None or evaluator is timeline.expert:
                evaluator = self.rng.choice(batch.members).expert
            if evaluator is timeline.expert:
                evaluator = None
        return {
            "passed": passed,
            "evaluator": str(evaluator) if evaluator else "Kwame Mensah",
            "evaluator_id": evaluator.pk if evaluator else None,
            "mission": self.mission(day - self.days(3, 40)),
            "comment": comment,
        }

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

    def holding(self, batch, timeline, member, base, since, *, extras=True):
        """A history that reaches ``base`` (a holding state) with a validity starting ``since``.

        With ``extras``, some histories also hold a failed field evaluation, an extension by a
        delivered mission, a lapse and renewal, or a suspension and reinstatement.
        """
        rng, years = self.rng, self.years(timeline.area)
        variant = rng.random() if extras else 1
        if base == S.RECOGNIZED:
            recognized = since - self.days(120, years * 365 - 60) if variant < 0.2 else since
            self.reviewed(timeline, "recognize", S.RECOGNIZED, recognized, RECOGNIZED)
            if recognized != since:
                self.extend_by_mission(timeline, since)
            return
        if base == S.PRE_ACCREDITED:
            self.cycle(timeline, member, since, passed=True)
            evaluated = since + self.days(60, 400)
            if variant < 0.15 and evaluated <= min(self.yesterday, timeline.valid_until):
                comment = rng.choice(NOT_YET)
                timeline.do(
                    "field_evaluation",
                    None,
                    self.at(evaluated),
                    by=self.secretariat,
                    reason=comment,
                    evaluation=self.evaluation(batch, timeline, evaluated, comment, passed=False),
                )
            return
        accredited = since
        if variant < 0.12:  # later extended by a delivered mission
            accredited = since - self.days(120, years * 365 - 60)
        elif variant < 0.2:  # lapsed once, renewed on request
            accredited = shift_years(since, -years) - self.days(20, 400)
        self.cycle(timeline, member, accredited - self.days(45, 540), passed=True)
        self.accredit(batch, timeline, accredited)
        if accredited != since:
            if self.lapse_if_due(timeline, before=since):
                self.reviewed(timeline, "renew", S.ACCREDITED, since, RENEWED)
            else:
                self.extend_by_mission(timeline, since)
        end = min(self.yesterday, timeline.valid_until - timedelta(days=1))
        room = (end - since).days
        if extras and rng.random() < 0.05 and room > 90:
            suspended = since + self.days(20, room - 60)
            self.reviewed(timeline, "suspend", S.SUSPENDED, suspended, SUSPENDED)
            back = suspended + self.days(20, min(120, (end - suspended).days))
            self.reviewed(timeline, "reinstate", S.ACCREDITED, back, REINSTATED)

    def extend_by_mission(self, timeline, day):
        reference = self.mission(day)
        timeline.do(
            "extend",
            None,
            self.at(day),
            by=self.secretariat,
            reason=f"Delivered the mission {reference} as lead expert: the validity restarts.",
        )

    def ending(self, timeline, member, *, chance):
        """Sometimes a suspension or a withdrawal since the last step; often a retirement when the
        expert has left Customs."""
        rng = self.rng
        last = timeline.last_day
        room = (min(self.yesterday, timeline.valid_until) - last).days
        if room < 10:
            return
        retiring = not member.serving and rng.random() < RETIRING
        if not retiring and rng.random() >= chance:
            return
        day = last + self.days(5, room)
        if retiring:
            self.reviewed(timeline, "retire", S.RETIRED, day, RETIRED)
        elif rng.random() < 0.5:
            self.reviewed(timeline, "suspend", S.SUSPENDED, day, SUSPENDED)
        else:
            self.reviewed(timeline, "withdraw", S.WITHDRAWN, day, WITHDRAWN)

    def individual(self, batch, member):
        """The member's accreditations outside portal workshops, each with its own history."""
        rng = self.rng
        areas = [area for area in member.areas if area.code not in member.refreshed]
        for _ in range(member.slots if areas else 0):
            weights = [AREA_BOOST.get(area.code, 1) for area in areas]
            for _attempt in range(6):
                area = rng.choices(areas, weights)[0]
                profile = self.pick_profile(area, member=member)
                if profile and (profile.code, area.code) not in member.taken:
                    break
            else:
                continue
            timeline = self.take(member, profile, area)
            recognition = profile.code in RECOGNITION_PROFILES
            route = RECOGNITION_ROUTE if recognition else WORKSHOP_ROUTE
            final = rng.choices(list(route), list(route.values()))[0]
            if not member.serving and final in HOLDING_STATES and rng.random() < RETIRING:
                final = S.RETIRED
            self.history(batch, timeline, member, final, recognition=recognition)
            batch.timelines.append(timeline)
        member.slots = 0

    def history(self, batch, timeline, member, final, *, recognition):
        """A history that ends in ``final``, with dates placed so that it is true today."""
        rng, today, years = self.rng, self.today, self.years(timeline.area)
        if final == S.NOMINATED:
            self.nominate(timeline, member, today - self.days(5, 150))
        elif final == S.SHORTLISTED:
            shortlisted = today - self.days(2, 60)
            self.nominate(timeline, member, shortlisted - self.days(20, 120))
            upcoming = today + self.days(20, 90)
            self.shortlist(timeline, shortlisted, place=rng.choice(PLACES), workshop_day=upcoming)
        elif final == S.WITHDRAWN and not recognition and rng.random() < 0.4:
            nominated = today - self.days(40, 500)
            self.nominate(timeline, member, nominated)
            if rng.random() < 0.5:
                shortlisted = nominated + self.days(15, 25)
                workshop_day = shortlisted + self.days(20, 60)
                self.shortlist(
                    timeline, shortlisted, place=rng.choice(PLACES), workshop_day=workshop_day
                )
            withdrawn = timeline.last_day + self.days(1, 10)
            self.reviewed(timeline, "withdraw", S.WITHDRAWN, withdrawn, WITHDRAWN_EARLY)
        elif final == S.NOT_RETAINED:
            if rng.random() < 0.25:  # at pre-screening
                nominated = today - self.days(60, 1500)
                self.nominate(timeline, member, nominated)
                timeline.do(
                    "not_retain",
                    S.NOT_RETAINED,
                    self.at(nominated + self.days(14, 45)),
                    by=self.secretariat,
                    reason=rng.choice(NOT_SHORTLISTED),
                )
            else:
                self.cycle(timeline, member, today - self.days(20, 1500), passed=False)
        elif final in HOLDING_STATES:
            if final == S.PRE_ACCREDITED and rng.random() >= EXPIRING_SOON:
                since = today - self.days(20, 900)
            else:
                soon = rng.random() < EXPIRING_SOON
                until = today + (self.days(0, 90) if soon else self.days(91, years * 365 - 25))
                since = shift_years(until, -years)
            self.holding(batch, timeline, member, final, since)
        else:
            base = S.RECOGNIZED if recognition else S.ACCREDITED
            if not recognition and rng.random() < 0.2:
                base = S.PRE_ACCREDITED
            if final == S.LAPSED or (final == S.RETIRED and rng.random() < 0.3):
                until = today - self.days(2, 800)
                self.holding(batch, timeline, member, base, shift_years(until, -years))
                self.lapse_if_due(timeline)
                if final == S.RETIRED:
                    last = timeline.last_day
                    retired = min(last + self.days(1, (self.yesterday - last).days), self.yesterday)
                    self.reviewed(timeline, "retire", S.RETIRED, retired, RETIRED)
            else:  # suspended, withdrawn or retired while holding
                since = today - self.days(60, years * 365 - 30)
                self.holding(batch, timeline, member, base, since, extras=False)
                last = timeline.last_day
                day = last + self.days(10, (self.yesterday - last).days)
                action, reasons = {
                    S.SUSPENDED: ("suspend", SUSPENDED),
                    S.WITHDRAWN: ("withdraw", WITHDRAWN),
                    S.RETIRED: ("retire", RETIRED),
                }[final]
                self.reviewed(timeline, action, final, day, reasons)

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

    def pool_requests(self, batch) -> None:
        """A few pending requests from this batch: renewals, recognitions, a correction."""
        rng, soon = self.rng, self.today + timedelta(days=90)
        holding = [t for t in batch.timelines if t.state in HOLDING_STATES]
        lapsed = [t for t in batch.timelines if t.state == S.LAPSED]
        expiring = [t for t in holding if t.valid_until <= soon]
        wanted = []  # (kind, expert, accreditation, profile, area)
        for kind, timelines, count in [
            (RequestKind.RENEWAL, lapsed, 4),
            (RequestKind.RENEWAL, expiring, 2),
            (RequestKind.CORRECTION, holding, 1),
        ]:
            for t in rng.sample(timelines, min(count, len(timelines))):
                wanted.append((kind, t.expert, t.accreditation, t.profile, t.area))
        # A recognition in one of the expert's areas where they hold nothing yet.
        newcomers = []
        for member in batch.members:
            held = {area for _, area in member.taken}
            new = [area for area in member.areas if area.code not in held]
            if member.taken and new:
                newcomers.append((member, rng.choice(new)))
        for member, area in rng.sample(newcomers, min(3, len(newcomers))):
            code = "REC" if area.code == "gender-diversity" else "TOA"
            if code in self.profiles:
                kind = RequestKind.RECOGNITION
                wanted.append((kind, member.expert, None, self.profiles[code], area))
        seen = set()
        for kind, expert, accreditation, profile, area in wanted:
            if self.requests_left <= 0 or expert.pk in seen:
                continue
            seen.add(expert.pk)
            self.requests_left -= 1
            create_request(
                expert,
                kind=kind,
                accreditation=accreditation,
                profile=profile,
                area=area,
                at=timezone.now() - timedelta(hours=rng.randint(2, 24 * 25)),
            )
            self.counts["requests"] += 1


REQUEST_MESSAGES = {
    (RequestKind.RENEWAL, S.LAPSED): (
        "My {profile} accreditation in {area} lapsed on {until} while I was on a long "
        "secondment. Since then I have co-facilitated a national workshop in the area: the "
        "attached certificate shows it. Could it be renewed?"
    ),
    (RequestKind.RENEWAL, None): (
        "My {profile} accreditation in {area} ends on {until}. I delivered training in the area "
        "this year (programme attached) and would like to renew it."
    ),
    (RequestKind.CORRECTION, None): (
        "The history of my {profile} accreditation in {area} names the wrong workshop venue. "
        "The attached certificate gives the right one."
    ),
    (RequestKind.RECOGNITION, None): (
        "I have worked in {area} for several years and train colleagues in my administration. "
        "I ask to be recognized as {profile} in this area; my training record is attached."
    ),
}


def create_request(expert, *, kind, accreditation=None, profile=None, area=None, at=None):
    """A pending request with its supporting document: a small PDF in private storage."""
    at = at or timezone.now()
    until = accreditation.valid_until if accreditation else None
    state = accreditation.state if accreditation else None
    message = REQUEST_MESSAGES.get((kind, state)) or REQUEST_MESSAGES[(kind, None)]
    message = message.format(
        profile=(accreditation.profile_type if accreditation else profile).code,
        area=area.name_en,
        until=until.isoformat() if until else "",
    )
    name = f"{kind}-{area.code}.pdf"
    pdf = tiny_pdf(
        [
            "Supporting document - fictitious demo data",
            f"Expert: {expert.full_name}",
            f"Request: {kind}, {area.name_en}",
            f"Date: {at:%Y-%m-%d}",
        ]
    )
    document = ExpertDocument(
        expert=expert,
        kind=DocumentKind.SUPPORTING,
        original_name=name,
        size=len(pdf),
        uploaded_at=at,
        uploaded_by=expert.user,
    )
    document.file.save("document.pdf", ContentFile(pdf), save=True)
    return AccreditationRequest.objects.create(
        expert=expert,
        kind=kind,
        accreditation=accreditation if kind != RequestKind.RECOGNITION else None,
        profile_type=profile if kind == RequestKind.RECOGNITION else None,
        area=area if kind == RequestKind.RECOGNITION else None,
        message=message,
        document=document,
        created_at=at,
    )


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
