"""The report and evaluation forms; they validate input, the services decide."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ace_portal.widgets import LeanSelect
from experts.services import uploads
from missions.models import Evaluation


class ReportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Mission report (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.validate_pdf(upload, message=_("This file is not a PDF document."))
        return upload


class DecideReportForm(forms.Form):
    ACCEPT, SEND_BACK = "accept", "send_back"

    decision = forms.ChoiceField(
        label=gettext_lazy("Your decision"),
        choices=[
            (ACCEPT, gettext_lazy("Accept the report")),
            (SEND_BACK, gettext_lazy("Send it back for changes")),
        ],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments to the lead expert (needed to send it back)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


SCORE_CHOICES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]


class EvaluationForm(forms.Form):
    technical_knowledge = forms.TypedChoiceField(
        label=gettext_lazy("Technical knowledge"), choices=SCORE_CHOICES, coerce=int
    )
    facilitation = forms.TypedChoiceField(
        label=gettext_lazy("Facilitation"), choices=SCORE_CHOICES, coerce=int
    )
    use_of_wco_tools = forms.TypedChoiceField(
        label=gettext_lazy("Use of WCO tools"), choices=SCORE_CHOICES, coerce=int
    )
    communication = forms.TypedChoiceField(
        label=gettext_lazy("Communication"), choices=SCORE_CHOICES, coerce=int
    )
    teamwork = forms.TypedChoiceField(
        label=gettext_lazy("Teamwork"), choices=SCORE_CHOICES, coerce=int
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (shown to the expert)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    internal_note = forms.CharField(
        label=gettext_lazy("Internal note (Secretariat only)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    passed = forms.TypedChoiceField(
        label=gettext_lazy("Field evaluation"),
        choices=[
            ("", "—"),
            ("yes", gettext_lazy("Passed: accredit the expert")),
            ("no", gettext_lazy("Not passed: keep them pre-accredited")),
        ],
        coerce=lambda value: value == "yes",
        required=False,
        empty_value=None,
    )

    def __init__(self, *args, field_evaluation: bool, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Evaluation.SCORES:
            self.fields[name].widget = LeanSelect(choices=SCORE_CHOICES)
        if field_evaluation:
            self.fields["passed"].required = True
        else:
            del self.fields["passed"]

    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in Evaluation.SCORES}
