"""Accreditation histories of their own (workshops not recorded in the portal, named in the
reasons only), from nomination to the state an accreditation holds today."""

from datetime import timedelta

from experts.demo.figures import (
    AREA_BOOST,
    EXPIRING_SOON,
    NOT_SHORTLISTED,
    NOT_YET,
    PLACES,
    RECOGNITION_PROFILES,
    RECOGNITION_ROUTE,
    RECOGNIZED,
    REINSTATED,
    RENEWED,
    RETIRED,
    RETIRING,
    SUSPENDED,
    WITHDRAWN,
    WITHDRAWN_EARLY,
    WORKSHOP_ROUTE,
    S,
    shift_years,
)
from experts.enums import (
    HOLDING_STATES,
)


class IndividualHistories:
    """The individual histories of AccreditationGenerator (a mixin: it uses its draws)."""

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
        # Over 60 lines: one branch per final state, each placing dates true today.
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
