"""Before the mission: one item of a checklist, and a document for the mission. They validate
input; missions.services.preparation decides (and checks the file by its content)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ace_portal.widgets import DateInput, LeanSelect
from missions.enums import DocumentKind, LogisticsItemKind, LogisticsState
from missions.services.preparation import MAX_NOTE

DOCUMENT_ACCEPT = ",".join(
    [
        ".pdf",
        ".docx",
        ".pptx",
        ".xlsx",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
)


class LogisticsItemForm(forms.Form):
    """One item of the checklist; the travel dates item also takes the two dates. Each item's
    form is prefixed with its kind, so the five sit on one page with distinct ids."""

    state = forms.ChoiceField(
        label=gettext_lazy("State"), choices=LogisticsState.choices, widget=LeanSelect
    )
    departure = forms.DateField(label=gettext_lazy("Departure"), required=False, widget=DateInput)
    return_date = forms.DateField(label=gettext_lazy("Return"), required=False, widget=DateInput)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        if kind != LogisticsItemKind.TRAVEL_DATES:
            del self.fields["departure"], self.fields["return_date"]

    @classmethod
    def for_item(cls, item, data=None):
        initial = {
            "state": item.state,
            "note": item.note,
            "departure": item.departure,
            "return_date": item.return_date,
        }
        return cls(data, kind=item.kind, initial=initial)

    def clean(self):
        data = super().clean()
        departure, return_date = data.get("departure"), data.get("return_date")
        if departure and return_date and return_date < departure:
            self.add_error("return_date", _("The return cannot come before the departure."))
        return data

    def changes(self) -> dict:
        """The keyword arguments of missions.services.preparation.update_item."""
        data = self.cleaned_data
        return {
            "state": data["state"],
            "note": data["note"],
            "departure": data.get("departure"),
            "return_date": data.get("return_date"),
        }


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of document"), choices=DocumentKind.choices, widget=LeanSelect
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Left empty, the file's name is used."),
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF, Word, PowerPoint or Excel)"),
        widget=forms.FileInput(attrs={"accept": DOCUMENT_ACCEPT}),
    )
