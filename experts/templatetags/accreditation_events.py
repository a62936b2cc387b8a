"""Labels for accreditation history, for the Secretariat's timeline."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# AccreditationEvent.action, as written by experts.accreditation (one per service function).
ACTION_LABELS = {
    "nominate": _("Nominated"),
    "recognize": _("Recognized"),
    "shortlist": _("Shortlisted"),
    "not_retain": _("Not retained"),
    "pre_accredit": _("Pre-accredited"),
    "accredit": _("Accredited"),
    "suspend": _("Suspended"),
    "reinstate": _("Reinstated"),
    "lapse": _("Lapsed"),
    "renew": _("Renewed"),
    "withdraw": _("Withdrawn"),
    "retire": _("Retired"),
    "extend": _("Validity extended"),
    "convert": _("Converted to another profile"),
    "field_evaluation": _("Field evaluation recorded"),
}


@register.filter
def event_action(action: str) -> str:
    """An event's action code as a label in the active language (the code if unknown)."""
    return ACTION_LABELS.get(action, action)
