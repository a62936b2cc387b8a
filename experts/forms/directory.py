"""The directory's forms besides its filters (which live with the directory service, since
an export written later re-reads them): a search kept under a name."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SavedSearchForm(forms.Form):
    """A directory search the officer keeps under a name (the query is the page's filters)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        error_messages={"required": _("Give the search a name to save it.")},
    )
    query = forms.CharField(label=_("Filters"), max_length=2000, required=False, strip=False)

    def first_error(self) -> str:
        return next(str(error) for errors in self.errors.values() for error in errors)
