from django import forms
from django.utils.translation import gettext_lazy as _

from . import kinds
from .enums import Digest


class PreferencesForm(forms.Form):
    """Email on/off per optional kind, and single emails or a digest. Essential kinds are shown
    to the person by the template but cannot be changed."""

    digest = forms.ChoiceField(
        label=_("How to receive emails"), choices=Digest.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        self.fields["digest"].initial = preferences.digest
        for kind in kinds.optional_kinds():
            self.fields[self.field_name(kind)] = forms.BooleanField(
                label=kind.label,
                required=False,
                initial=kind.code not in preferences.muted_kinds,
            )

    @staticmethod
    def field_name(kind) -> str:
        return "email_" + kind.code.replace(".", "__")

    def muted_kinds(self) -> list[str]:
        return [
            kind.code
            for kind in kinds.optional_kinds()
            if not self.cleaned_data.get(self.field_name(kind))
        ]
