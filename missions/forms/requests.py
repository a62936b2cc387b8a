"""The Secretariat's forms for requests for assistance: the list's filter, a request with its
files, its acceptance into a mission and its decline. They validate input; the requests
services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ace_portal.widgets import DateInput, LeanSelect
from experts.models import ThematicArea
from missions.enums import RequestState
from missions.forms.missions import MissionForm
from missions.models import AssistanceRequest
from missions.services import requests as services


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any")), *RequestState.choices],
        widget=LeanSelect,
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input (Django's documented pattern), each checked by the service,
    with one message a bad file."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        # Empty files are refused by the service's check, with its own message and the name.
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(AttachmentsField, self).clean(upload, initial) for upload in files]
        # One message for all the bad files: the field's error carries one id for its input.
        if problems := services.attachment_problems(cleaned):
            raise forms.ValidationError(" ".join(problems), code="bad_attachments")
        return cleaned


class RecordRequestForm(forms.ModelForm):
    """A request received by letter or email, with the files that came with it."""

    attachments = AttachmentsField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "The letter and any document that came with it: up to %(count)d files, each a PDF "
            "document or a PNG or JPEG scan."
        )
        % {"count": services.MAX_ATTACHMENTS},
    )

    class Meta:
        model = AssistanceRequest
        fields = [
            "requesting_administration",
            "received_on",
            "thematic_area",
            "mission_type",
            "working_language",
            "preferred_start",
            "preferred_end",
            "justification",
        ]
        widgets = {
            "requesting_administration": LeanSelect,
            "thematic_area": LeanSelect,
            "mission_type": LeanSelect,
            "working_language": LeanSelect,
            "received_on": DateInput,
            "preferred_start": DateInput,
            "preferred_end": DateInput,
            "justification": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"justification": _("What the administration asks for, and why.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematic_area"].queryset = ThematicArea.objects.filter(is_active=True)
        # Its model default is callable: no hidden "initial" copy of the field is needed.
        self.fields["received_on"].show_hidden_initial = False
        self.fields["attachments"].widget.attrs["accept"] = "application/pdf,image/png,image/jpeg"

    def clean(self):
        data = super().clean()
        start, end = data.get("preferred_start"), data.get("preferred_end")
        if start and end and end < start:
            self.add_error("preferred_end", _("The preferred end cannot be before the start."))
        received = data.get("received_on")
        if received and received > timezone.localdate():
            self.add_error("received_on", _("A request cannot be received in the future."))
        return data


class AcceptRequestForm(MissionForm):
    """The new mission a request is accepted into: the mission form without what the request
    decides (type, area, beneficiary, region, working language)."""

    class Meta(MissionForm.Meta):
        fields = [
            "title",
            "start_date",
            "end_date",
            "officer",
            "delivery",
            "location",
            "funding_source",
            "terms_of_reference",
        ]


class DeclineRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the request declined?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the request is declined.")},
    )
