from django import template

from ..accreditation import ACTION_LABELS
from ..enums import AccreditationState

register = template.Library()


@register.filter
def accreditation_state(value: str) -> str:
    """A state code from a notification's context, as its label in the active language."""
    try:
        return AccreditationState(value).label
    except ValueError:
        return value


@register.filter
def event_action(action: str) -> str:
    """An accreditation event's action as a label in the active language (the code if unknown)."""
    return ACTION_LABELS.get(action, action)
