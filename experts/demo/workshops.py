"""Workshops for the demo pool: accreditation workshops with their outcomes, refreshers and an
upcoming workshop with its shortlist, and the workshop cycle a history goes through."""

from datetime import date, timedelta

from experts.demo.figures import (
    ACCREDITATION_WORKSHOP_SIZE,
    FAILED,
    FUNDING,
    NOMINATED,
    PASSED,
    PLACES,
    PORTAL_LAUNCH,
    REFRESHER_SIZE,
    SHORTLISTED,
    S,
)
from experts.enums import (
    WorkshopKind,
    WorkshopOutcome,
)
from experts.models import (
    Workshop,
)


class WorkshopCycles:
    """The workshops of AccreditationGenerator (a mixin: it uses the generator's draws)."""

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
