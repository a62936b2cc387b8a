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

    def __init__(self, *args, preferences, audiences=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.preferences = preferences
        self.kinds = kinds.optional_kinds(audiences)
        self.fields["digest"].initial = preferences.digest
        for kind in self.kinds:
            self.fields[self.field_name(kind)] = forms.BooleanField(
                label=kind.label,
                required=False,
                initial=kind.code not in preferences.muted_kinds,
            )

    @staticmethod
    def field_name(kind) -> str:
        return "email_" + kind.code.replace(".", "__")

    def muted_kinds(self) -> list[str]:
        """The kinds muted after this form: those it shows, as ticked; the others as before."""
        shown = {kind.code for kind in self.kinds}
        kept = [code for code in self.preferences.muted_kinds if code not in shown]
        return kept + [
            kind.code for kind in self.kinds if not self.cleaned_data.get(self.field_name(kind))
        ]
