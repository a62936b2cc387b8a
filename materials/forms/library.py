"""The library's forms: the list's filters, a new material (from a working group), a new
version, the details of a material, the Secretariat's review and its own tools. They validate
input; materials.services.library decides (and checks the file by its content)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ace_portal.widgets import LeanSelect, LeanSelectMultiple, LeanTextInput
from experts.models import Language, ThematicArea
from materials.enums import MaterialKind, MaterialState, VersionReview
from materials.services.library import MAX_COMMENTS, MAX_DESCRIPTION, MAX_NOTE, MAX_TAGS

MATERIAL_ACCEPT = ",".join(
    [
        ".pdf",
        ".docx",
        ".pptx",
        ".xlsx",
        ".jpg",
        ".jpeg",
        ".png",
        ".webp",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "image/jpeg",
        "image/png",
        "image/webp",
    ]
)


def _any(choices):
    return [("", _("Any")), *choices]


def _languages():
    # The WCO's official languages (English, French) first: most materials are in them.
    return Language.objects.order_by("-is_wco_official", "name_en")


class LibraryFilterForm(forms.Form):
    """The list's filters. ``state`` is offered to those who see drafts (the Secretariat, the
    members of a working group); "for my areas" to experts."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=LeanTextInput(attrs={"type": "search"}),
    )
    area = forms.ModelChoiceField(
        label=_("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.filter(is_active=True),
        empty_label=_("Any"),
        widget=LeanSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_any(MaterialKind.choices), widget=LeanSelect
    )
    language = forms.ModelChoiceField(
        label=_("Language"),
        required=False,
        queryset=_languages(),
        empty_label=_("Any"),
        widget=LeanSelect,
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_any(MaterialState.choices), widget=LeanSelect
    )
    in_review = forms.BooleanField(label=_("With a version waiting for review"), required=False)
    mine = forms.BooleanField(label=_("For my areas only"), required=False)

    def __init__(self, *args, with_state: bool, with_mine: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_state:
            del self.fields["state"], self.fields["in_review"]
        if not with_mine:
            del self.fields["mine"]

    def filter(self, materials, *, held_areas=None):
        """``materials`` narrowed to what the valid form asks for; ``held_areas``: the areas of
        the expert's accreditations, for "for my areas"."""
        if not self.is_valid():
            return materials, ""
        data = self.cleaned_data
        lookups = {
            "area": data["area"],
            "kind": data["kind"],
            "languages": data["language"],
            "state": data.get("state"),
        }
        materials = materials.filter(**{key: value for key, value in lookups.items() if value})
        if data.get("in_review"):
            # At most one version a material is in review: the join adds no duplicate rows.
            materials = materials.filter(versions__review=VersionReview.IN_REVIEW)
        if data.get("mine") and held_areas is not None:
            materials = materials.filter(area__in=held_areas)
        return materials, data["q"]


class DetailsForm(forms.Form):
    """What a material says of itself; its file changes only by a new version."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices, widget=LeanSelect)
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages"),
        queryset=_languages(),
        widget=LeanSelectMultiple(attrs={"size": 6}),
        help_text=_(
            "The languages the material is written in (hold Ctrl, or Cmd on a Mac, to choose "
            "several)."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=MAX_TAGS,
        help_text=_("Words or short phrases, separated by commas (e-commerce, risk profiling)."),
    )

    @classmethod
    def for_material(cls, material, data=None):
        initial = {
            "title": material.title,
            "kind": material.kind,
            "languages": list(material.languages.all()),
            "description": material.description,
            "tags": material.tags,
        }
        return cls(data, initial=initial)


def _file_field():
    return forms.FileField(
        label=_("File (PDF, Word, PowerPoint, Excel or an image)"),
        widget=forms.FileInput(attrs={"accept": MATERIAL_ACCEPT}),
    )


def _note_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, group):
        return f"{group.name} ({group.area})"


class MaterialForm(DetailsForm):
    """A new material of one of the person's open working groups, with its first version."""

    field_order = ["group", "title", "kind", "languages", "description", "tags", "file", "note"]

    group = GroupChoiceField(label=_("Working group"), queryset=None, widget=LeanSelect)
    file = _file_field()
    note = _note_field(_("Note for the Secretariat"))

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class PublishForm(DetailsForm):
    """A tool the Secretariat publishes itself, in an area, with no working group."""

    field_order = ["area", "title", "kind", "languages", "description", "tags", "file", "note"]

    area = forms.ModelChoiceField(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.filter(is_active=True),
        widget=LeanSelect,
    )
    file = _file_field()
    note = _note_field(_("Note (kept with the version)"))


class VersionForm(forms.Form):
    file = _file_field()
    note = _note_field(_("What changed"))


class ReturnForm(forms.Form):
    comments = forms.CharField(
        label=_("Comments for the working group"),
        max_length=MAX_COMMENTS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=MAX_COMMENTS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
