"""The Secretariat registers an expert by hand."""

import copy

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from experts.models import MemberAdministration
from experts.services.duplicates import similar_experts
from experts.services.profile import check_date_of_birth


class RegisterExpertForm(forms.Form):
    """The Secretariat registers a new expert; the account is activated through an invitation."""

    email = forms.EmailField(label=_("Email address"))
    given_names = forms.CharField(label=_("Given names"), max_length=150)
    family_name = forms.CharField(label=_("Family name"), max_length=150)
    home_administration = forms.ModelChoiceField(
        label=_("Home administration"),
        queryset=MemberAdministration.objects.filter(is_active=True),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language for emails and pages"),
        choices=settings.LANGUAGES,
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Optional; helps to recognise a person already on the roster."),
    )
    send_invitation = forms.BooleanField(
        label=_("Email an activation link now"), required=False, initial=True
    )
    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different person from the experts listed above"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.possible_duplicates = []
        if not self.data.get("not_a_duplicate"):
            # Offered only once a possible duplicate has been shown (see clean()).
            del self.fields["not_a_duplicate"]

    def clean(self):
        data = super().clean()
        if self.errors or self.data.get("not_a_duplicate"):
            return data
        self.possible_duplicates = similar_experts(
            given_names=data["given_names"],
            family_name=data["family_name"],
            administration_id=data["home_administration"].pk,
            date_of_birth=data.get("date_of_birth"),
        )
        if self.possible_duplicates:
            self.fields["not_a_duplicate"] = copy.deepcopy(self.base_fields["not_a_duplicate"])
            raise forms.ValidationError(
                _(
                    "An expert with a very similar name is already registered for this "
                    "administration. Open the record to check, or confirm below that this is "
                    "a different person."
                )
            )
        return data

    def clean_date_of_birth(self):
        return check_date_of_birth(self.cleaned_data.get("date_of_birth"))

    def clean_email(self):
        from django.contrib.auth import get_user_model

        email = self.cleaned_data["email"].strip().lower()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Somebody with this email address is already registered.")
            )
        return email
