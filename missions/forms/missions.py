"""The Secretariat's mission list filters; they validate input and nothing else."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ace_portal.accounts.roles import Role
from ace_portal.widgets import DateInput
from experts.models import Region, ThematicArea
from missions.enums import MissionState, MissionType
from missions.models import FundingSource


def _any(choices):
    return [("", _("Any")), *choices]


class MissionFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False, choices=_any(MissionState.choices))
    area = forms.ModelChoiceField(
        label=_("Thematic area"), required=False, queryset=ThematicArea.objects.all()
    )
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.all()
    )
    mission_type = forms.ChoiceField(
        label=_("Mission type"), required=False, choices=_any(MissionType.choices)
    )
    officer = forms.ModelChoiceField(
        label=_("Officer in charge"),
        required=False,
        queryset=get_user_model()
        .objects.filter(groups__name__in=[Role.SECRETARIAT, Role.ADMIN])
        .distinct()
        .order_by("first_name", "last_name", "email"),
    )
    funding_source = forms.ModelChoiceField(
        label=_("Funding"), required=False, queryset=FundingSource.objects.all()
    )
    start_after = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end_before = forms.DateField(label=_("Until"), required=False, widget=DateInput)

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
