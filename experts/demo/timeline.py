"""One accreditation's history as the demo replays it, and the batch it is written in."""

from dataclasses import dataclass, field
from datetime import date

from experts.enums import (
    HOLDING_STATES,
    AccreditationPhase,
)
from experts.models import (
    Accreditation,
    AccreditationEvent,
    ProfileType,
)
from experts.services.accreditation import transitions


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
