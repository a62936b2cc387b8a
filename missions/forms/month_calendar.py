"""The Secretariat's month calendar: the month asked for and the mission list's filters."""

import re
from datetime import date

from missions.forms.missions import MissionFilterForm

MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_asked(text: str | None, today: date) -> date:
    """The first day of the month ``text`` names (``2027-03``); this month's when it names none
    (absent, malformed, or a year out of the calendar's range)."""
    found = MONTH.fullmatch((text or "").strip())
    if found:
        year, month = int(found[1]), int(found[2])
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return date(year, month, 1)
    return today.replace(day=1)


class CalendarFilterForm(MissionFilterForm):
    """The list's filters but its dates: the month bounds the calendar."""

    start_after = None
    end_before = None

    def clean(self):
        return super().clean() | {"start_after": None, "end_before": None}
