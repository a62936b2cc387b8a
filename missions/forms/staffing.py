"""The officer's staffing forms: invite candidates with a deadline, look up an expert found in the
directory. They validate input; the invitations service decides."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_INVITED_AT_ONCE = 20


class DeadlineInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def default_deadline():
    """A week from now, at the end of a working day."""
    day = timezone.localdate() + timedelta(days=7)
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


class InviteForm(forms.Form):
    experts = forms.TypedMultipleChoiceField(
        label=_("Experts to invite"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateTimeField(
        label=_("Answer by"), widget=DeadlineInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    confirm_warnings = forms.BooleanField(
        label=_("I have read the warnings and invite anyway"), required=False
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].choices = list(choices)
        self.fields["deadline"].initial = default_deadline

    def clean_experts(self):
        chosen = self.cleaned_data["experts"]
        if len(chosen) > MAX_INVITED_AT_ONCE:
            raise forms.ValidationError(
                _("Invite at most %(limit)d experts at once."),
                params={"limit": MAX_INVITED_AT_ONCE},
            )
        return chosen

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline


class FindExpertForm(forms.Form):
    expert = forms.IntegerField(
        label=_("Expert number"),
        min_value=1,
        help_text=_("The number in the address of the expert's page in the directory."),
    )
