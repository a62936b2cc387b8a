from datetime import date, datetime

from django import template
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()


@register.filter
def isodate(value):
    """A date stored as ISO text in a notification's JSON context, back as a date for |date."""
    if isinstance(value, date | datetime) or not value:
        return value
    return parse_datetime(value) or parse_date(value) or value
