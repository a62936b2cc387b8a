"""Before the mission: one item of a checklist, a document for the mission, and a material of
the training library to attach to it. They validate input; missions.services.preparation
decides (and checks the file by its content, the material by its state)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ace_portal.widgets import DateInput, LeanSelect
from materials.models import Material
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


def material_choices(mission) -> list:
    """The published materials not yet attached to ``mission``, grouped by thematic area (one
    <optgroup> each), the mission's own area first: hundreds stay easy to scan. One query."""
    materials = (
        Material.objects.published()
        .exclude(mission_links__mission=mission)
        .select_related("area")
        .only("pk", "title", "kind", "area")
        .order_by("title", "pk")
    )
    groups = {}
    for material in materials:
        label = f"{material.title} ({material.get_kind_display()})"
        groups.setdefault(material.area, []).append((material.pk, label))
    ordered = sorted(groups, key=lambda area: (area.pk != mission.thematic_area_id, str(area)))
    return [("", _("Choose a published material"))] + [
        (str(area), groups[area]) for area in ordered
    ]


class AttachMaterialForm(forms.Form):
    material = forms.TypedChoiceField(
        label=gettext_lazy("Material of the library"),
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("Published materials, those of the mission's area first."),
    )

    def __init__(self, *args, mission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["material"].choices = material_choices(mission)
