from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or Excel .xlsx)"),
        help_text=_(
            "The first row names the columns. Required: email, given_names, family_name, "
            "administration. Download the template to see every column."
        ),
        error_messages={"empty": _("The file is empty.")},
    )
    update_existing = forms.BooleanField(
        label=_("Update experts whose email is already registered"),
        required=False,
        help_text=_(
            "Filled cells replace the expert's values; languages and areas are added. "
            "Otherwise such rows are flagged as duplicates and left alone."
        ),
    )


class ImportConfirmForm(forms.Form):
    send_invitations = forms.BooleanField(
        label=_("Email an activation link to each expert created"),
        required=False,
    )
    create_duplicates = forms.BooleanField(
        label=_(
            "Also create the rows flagged for a similar name: I checked they are different people"
        ),
        required=False,
    )


class ImportRowFilterForm(forms.Form):
    """Which rows of the preview to list (the action's value; empty for all)."""

    action = forms.CharField(required=False)
    page = forms.IntegerField(required=False, min_value=1)
