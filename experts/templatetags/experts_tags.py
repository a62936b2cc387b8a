from django import template

from ..enums import AccreditationState

register = template.Library()


@register.filter
def accreditation_state(value: str) -> str:
    """A state code from a notification's context, as its label in the active language."""
    try:
        return AccreditationState(value).label
    except ValueError:
        return value
