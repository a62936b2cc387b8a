from django import template

from experts.enums import AccreditationState
from experts.services.accreditation.transitions import ACTION_LABELS

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
