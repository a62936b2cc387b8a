from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from experts.services.cv import CV_SECTION_KEYS, CV_SECTIONS


class CVOptionsForm(forms.Form):
    """What goes into one expert's standard CV. Submitted by GET, so a download is a plain link."""

    sections = forms.MultipleChoiceField(
        label=_("Sections to include"),
        choices=CV_SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        initial=CV_SECTION_KEYS,
        error_messages={"required": _("Choose at least one section.")},
    )
    include_contact = forms.BooleanField(
        label=_("Include contact details"),
        required=False,
        help_text=_(
            "Work email, login email and phone. Left out, the CV says they are available from "
            "the WCO Secretariat."
        ),
    )
    language = forms.ChoiceField(label=_("Language of the CV"), choices=settings.LANGUAGES)
