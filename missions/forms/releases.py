from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from experts.services import uploads


class ReleaseAnswerForm(forms.Form):
    """The administration's answer, through its link."""

    RELEASE, REFUSE = "release", "refuse"

    decision = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[
            (RELEASE, gettext_lazy("We release this officer for the mission")),
            (REFUSE, gettext_lazy("We cannot release this officer")),
        ],
        widget=forms.RadioSelect,
    )
    answered_by = forms.CharField(
        label=gettext_lazy("Your name and function"), max_length=200, required=True
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed if you cannot release the officer)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.REFUSE and not data.get("reason", "").strip():
            self.add_error("reason", _("Please say why the officer cannot be released."))
        return data


class RecordReleaseForm(ReleaseAnswerForm):
    """The officer records the administration's answer received another way."""

    answered_by = forms.CharField(
        label=gettext_lazy("Who answered (name and function)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=4000,
        help_text=gettext_lazy("How the answer came: a letter, a call, an email."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    letter = forms.FileField(
        label=gettext_lazy("Scanned letter (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_letter(self):
        letter = self.cleaned_data.get("letter")
        if letter:
            uploads.validate_pdf(letter, message=_("This file is not a PDF document."))
        return letter
