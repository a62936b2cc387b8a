"""The Secretariat's mission forms: the list's filters, a new mission, a position, a move to
another state. They validate input; the missions services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ace_portal.accounts.roles import Role
from ace_portal.widgets import (
    DateInput,
    LeanDateInput,
    LeanSelect,
    LeanSelectMultiple,
)
from experts.models import Region, ThematicArea
from missions.enums import MissionState, MissionType
from missions.models import FundingSource, Mission, Position
from missions.services.positions import MAX_SEATS


def _any(choices):
    return [("", _("Any")), *choices]


def officers():
    return (
        get_user_model()
        .objects.filter(groups__name__in=[Role.SECRETARIAT, Role.ADMIN], is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


class MissionFilterForm(forms.Form):
    # Lean widgets: Django's widget templates cost ~20 us an <option> (see ace_portal/widgets.py).
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=_any(MissionState.choices), widget=LeanSelect
    )
    area = forms.ModelChoiceField(
        label=_("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.all(),
        widget=LeanSelect,
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.all(), widget=LeanSelect
    )
    mission_type = forms.ChoiceField(
        label=_("Mission type"),
        required=False,
        choices=_any(MissionType.choices),
        widget=LeanSelect,
    )
    officer = forms.ModelChoiceField(
        label=_("Officer in charge"), required=False, queryset=officers(), widget=LeanSelect
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding"),
        required=False,
        queryset=FundingSource.objects.all(),
        widget=LeanSelect,
    )
    start_after = forms.DateField(label=_("From"), required=False, widget=LeanDateInput)
    end_before = forms.DateField(label=_("Until"), required=False, widget=LeanDateInput)

    def clean(self):
        data = super().clean()
        first, last = data.get("start_after"), data.get("end_before")
        if first and last and last < first:
            self.add_error("end_before", _("This date is before the first one."))
        return data

    def filter(self, missions):
        """``missions`` narrowed to what the valid form asks for (all when nothing is asked)."""
        if not self.is_valid():
            return missions
        data = self.cleaned_data
        lookups = {
            "state": data["state"],
            "thematic_area": data["area"],
            "region": data["region"],
            "mission_type": data["mission_type"],
            "officer": data["officer"],
            "funding_source": data["funding_source"],
            # Missions that take place, at least in part, within the dates asked.
            "end_date__gte": data["start_after"],
            "start_date__lte": data["end_before"],
        }
        return missions.filter(**{key: value for key, value in lookups.items() if value})


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.email


class MissionForm(forms.ModelForm):
    """A new mission; the model's constraints and the service check the rest (dates in order,
    a beneficiary)."""

    officer = OfficerChoiceField(
        label=_("Officer in charge"), queryset=officers(), widget=LeanSelect
    )

    class Meta:
        model = Mission
        fields = [
            "title",
            "mission_type",
            "thematic_area",
            "beneficiaries",
            "region",
            "delivery",
            "location",
            "start_date",
            "end_date",
            "working_languages",
            "funding_source",
            "officer",
            "terms_of_reference",
        ]
        widgets = {
            "mission_type": LeanSelect,
            "thematic_area": LeanSelect,
            "region": LeanSelect,
            "delivery": LeanSelect,
            "funding_source": LeanSelect,
            "start_date": DateInput,
            "end_date": DateInput,
            "beneficiaries": LeanSelectMultiple(attrs={"size": 8}),
            "working_languages": forms.CheckboxSelectMultiple,
            "terms_of_reference": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_source"].queryset = FundingSource.objects.filter(is_active=True)
        # A request's acceptance (forms/requests.py) takes the area from the request.
        if "thematic_area" in self.fields:
            self.fields["thematic_area"].queryset = ThematicArea.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("A mission cannot end before it starts."))
        return data


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["role", "profile_type", "area", "language", "minimum_level", "seats", "cascade"]
        # On every mission's page: the ~185 languages would cost more than the rest of it.
        widgets = {
            name: LeanSelect
            for name in ["role", "profile_type", "area", "language", "minimum_level"]
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seats"].widget.attrs.update(min=1, max=MAX_SEATS)
        self.fields["area"].queryset = ThematicArea.objects.filter(is_active=True)

    def clean(self):
        data = super().clean()
        if (data.get("language") is None) != (data.get("minimum_level") is None):
            self.add_error(
                "minimum_level",
                _("Give both the required language and its minimum level, or neither."),
            )
        seats = data.get("seats")
        if seats is not None and not 1 <= seats <= MAX_SEATS:
            self.add_error("seats", _("From 1 to %(max)d seats.") % {"max": MAX_SEATS})
        return data


class MoveForm(forms.Form):
    """A move of the mission to its next state; a cancellation needs its reason."""

    action = forms.CharField(max_length=24)
    note = forms.CharField(label=_("Note or reason"), required=False, max_length=2000)
