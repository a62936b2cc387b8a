"""The Secretariat's month calendar: every mission on each day it covers, filtered as the list
is. A grid of weeks on a desk, an agenda of the busy days on a phone (CSS only)."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone

from experts.permissions import secretariat_required
from missions.forms.month_calendar import CalendarFilterForm, month_asked
from missions.models import Mission


@dataclass
class Day:
    date: date
    missions: list = field(default_factory=list)


def month_days(first: date, missions) -> list[Day]:
    """Each day of ``first``'s month with the missions (among ``missions``) that cover it."""
    length = calendar.monthrange(first.year, first.month)[1]
    days = [Day(first + timedelta(days=offset)) for offset in range(length)]
    last = days[-1].date
    for mission in missions:
        start, end = max(mission.start_date, first), min(mission.end_date, last)
        for offset in range((start - first).days, (end - first).days + 1):
            days[offset].missions.append(mission)
    return days


def _month_link(first: date, query: str) -> str:
    month = f"month={first:%Y-%m}"
    return f"?{query}&{month}" if query else f"?{month}"


@secretariat_required
def month(request):
    today = timezone.localdate()
    first = month_asked(request.GET.get("month"), today)
    length = calendar.monthrange(first.year, first.month)[1]
    last = first.replace(day=length)
    form = CalendarFilterForm(request.GET or None)
    # One query for the whole month, whatever the number of missions in it.
    missions = list(
        form.filter(Mission.objects.filter(start_date__lte=last, end_date__gte=first))
        .only("reference", "title", "state", "start_date", "end_date")
        .order_by("start_date", "reference")
    )
    query = request.GET.copy()
    query.pop("month", None)
    query = query.urlencode()
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "missions/month_calendar/month.html",
        {
            "form": form,
            "first": first,
            "days": month_days(first, missions),
            "missions": missions,
            "today": today,
            "previous_link": _month_link(previous_month, query),
            "next_link": _month_link(next_month, query),
            "this_month_link": _month_link(today.replace(day=1), query),
            "weekdays": [date(2024, 1, day) for day in range(1, 8)],  # a Monday to a Sunday
        },
    )
