"""Forms of the merge screens: which record to merge, then which value of each field survives."""

from datetime import datetime

from django import forms
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from experts.models import Expert
from experts.services.merge import (
    LOGIN_EMAIL,
    MERGE_FIELDS,
    OTHER,
    SURVIVOR,
    default_choice,
    field_value,
)


class ChooseOtherForm(forms.Form):
    """The duplicate to merge into ``survivor``: its number or its login email."""

    other = forms.CharField(
        label=_("The other record"),
        max_length=254,
        help_text=_("Its number (shown in the address of its page) or its login email."),
    )

    def __init__(self, *args, survivor: Expert, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.survivor = survivor

    def clean_other(self) -> Expert:
        value = self.cleaned_data["other"].strip()
        experts = Expert.objects.select_related("user", "home_administration")
        if value.isascii() and value.isdigit():
            other = experts.filter(pk=int(value)).first()
        elif "@" in value:
            other = experts.filter(user__email__iexact=value).first()
        else:
            other = None
        if other is None:
            raise forms.ValidationError(_("No expert has this number or login email."))
        if other.pk == self.survivor.pk:
            raise forms.ValidationError(
                _("This is the record you are merging into. Give the number of the other one.")
            )
        return other


def display_value(expert: Expert, name: str) -> str:
    """A field's value as the comparison page shows it."""
    value = field_value(expert, name)
    if value is None or value == "":
        return _("(empty)")
    if name == "photo":
        return format_html(
            '<img class="photo" src="{}" alt="{}">',
            reverse("experts:photo", args=[expert.pk]),
            _("Photo of %(name)s") % {"name": expert.full_name},
        )
    if name == "nationality":
        return expert.nationality.name
    if name == "home_administration":
        return str(expert.home_administration)
    if name in ("gender", "employment_status", "preferred_mission_length"):
        return getattr(expert, f"get_{name}_display")()
    if name == "remote_only":
        return _("Yes") if value else _("No")
    if name in ("date_of_birth", "passport_expiry"):
        return formats.date_format(value, "DATE_FORMAT")
    return str(value)


class MergeForm(forms.Form):
    """One radio group per field whose values differ, plus the versions the officer compared.

    ``rows`` lists every field (differing or not) with both displayed values, for the page.
    """

    survivor_version = forms.CharField(widget=forms.HiddenInput)
    other_version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, survivor: Expert, other: Expert, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.survivor, self.other = survivor, other
        self.fields["survivor_version"].initial = survivor.updated_at.isoformat()
        self.fields["other_version"].initial = other.updated_at.isoformat()
        self.rows = []
        for field in MERGE_FIELDS:
            row = {
                "field": field,
                "survivor": display_value(survivor, field.name),
                "other": display_value(other, field.name),
                "differs": self._differs(field.name),
            }
            if row["differs"]:
                self.fields[field.name] = forms.ChoiceField(
                    label=field.label,
                    choices=[
                        (SURVIVOR, self._choice_label(survivor, row["survivor"])),
                        (OTHER, self._choice_label(other, row["other"])),
                    ],
                    widget=forms.RadioSelect,
                    initial=default_choice(survivor, other, field.name),
                )
                row["choice"] = self[field.name]
            self.rows.append(row)

    @property
    def differing_rows(self) -> list[dict]:
        return [row for row in self.rows if row["differs"]]

    @property
    def same_rows(self) -> list[dict]:
        return [row for row in self.rows if not row["differs"]]

    def _differs(self, name: str) -> bool:
        mine, theirs = field_value(self.survivor, name), field_value(self.other, name)
        if name == LOGIN_EMAIL:
            return mine.lower() != theirs.lower()
        if name == "photo":
            return bool(mine or theirs)  # two files are never "the same photo"
        return mine != theirs

    @staticmethod
    def _choice_label(expert: Expert, shown) -> str:
        return format_html(
            "{} ({})",
            shown,
            _("record %(number)s") % {"number": expert.pk},
        )

    def _version(self, name: str) -> datetime:
        try:
            return datetime.fromisoformat(self.cleaned_data[name])
        except ValueError:
            raise forms.ValidationError(
                _("This page is out of date. Please review the comparison again.")
            ) from None

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            cleaned["versions"] = {
                self.survivor.pk: self._version("survivor_version"),
                self.other.pk: self._version("other_version"),
            }
        return cleaned

    def merge_choices(self) -> dict[str, str]:
        return {
            field.name: self.cleaned_data[field.name]
            for field in MERGE_FIELDS
            if field.name in self.fields
        }
