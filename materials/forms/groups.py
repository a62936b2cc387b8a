"""The working groups' forms: the list's filters, a new group, a member to add, the coordinator,
a deliverable and its move, the confirmations. They validate input; the services decide."""

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ace_portal.widgets import DateInput, LeanSelect
from experts.models import Expert, ProfileType, ThematicArea, Workshop
from materials.enums import DeliverableState, GroupState
from materials.models import Deliverable


def find_expert(value: str) -> Expert | None:
    """The expert named by their number (shown in the address of their page) or login email."""
    value = (value or "").strip()
    experts = Expert.objects.select_related("user")
    if value.isascii() and value.isdigit():
        return experts.filter(pk=int(value)).first()
    if "@" in value:
        return experts.filter(user__email__iexact=value).first()
    return None


class ExpertField(forms.CharField):
    """An expert given by number or login email; cleans to the Expert."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        kwargs.setdefault(
            "help_text", gettext_lazy("Their number (in the address of their page) or login email.")
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        expert = find_expert(value)
        if expert is None:
            raise forms.ValidationError(
                _("No expert has the number or login email “%(value)s”.") % {"value": value}
            )
        return expert


class GroupFilterForm(forms.Form):
    area = forms.ModelChoiceField(
        label=gettext_lazy("Thematic area"),
        required=False,
        queryset=ThematicArea.objects.all(),
        widget=LeanSelect,
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[("", gettext_lazy("Any")), *GroupState.choices],
        widget=LeanSelect,
    )

    def filter(self, groups):
        if not self.is_valid():
            return groups
        lookups = {"area": self.cleaned_data["area"], "state": self.cleaned_data["state"]}
        return groups.filter(**{key: value for key, value in lookups.items() if value})


class WorkshopChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, workshop):
        return f"{workshop} · {workshop.area}"


class GroupForm(forms.Form):
    """A new group. The coordinator joins as a member whether listed among them or not."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    area = forms.ModelChoiceField(
        label=gettext_lazy("Thematic area"),
        queryset=ThematicArea.objects.filter(is_active=True),
        widget=LeanSelect,
    )
    profile_type = forms.ModelChoiceField(
        label=gettext_lazy("Profile (optional)"),
        required=False,
        queryset=ProfileType.objects.all(),
        widget=LeanSelect,
    )
    mandate = forms.CharField(
        label=gettext_lazy("Mandate"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What the group is to produce, for which trainings, and why."),
    )
    workshop = WorkshopChoiceField(
        label=gettext_lazy("Formed at the workshop (optional)"),
        required=False,
        queryset=Workshop.objects.select_related("area").order_by("-start_date", "pk"),
        widget=LeanSelect,
        help_text=gettext_lazy("It must have been on the group's thematic area."),
    )
    coordinator = ExpertField(label=gettext_lazy("Coordinator"))
    members = forms.CharField(
        label=gettext_lazy("Other members (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Their numbers or login emails, separated by commas, spaces or new lines."
        ),
    )
    invited = forms.BooleanField(
        label=gettext_lazy("Invite although not accredited in the area"),
        required=False,
        help_text=gettext_lazy(
            "Members holding no accreditation in the area join as invited by the Secretariat."
        ),
    )

    def clean_members(self) -> list[Expert]:
        found, unknown = [], []
        for value in re.split(r"[\s,;]+", self.cleaned_data["members"]):
            if not value:
                continue
            expert = find_expert(value)
            (found if expert else unknown).append(expert or value)
        if unknown:
            raise forms.ValidationError(
                _("No expert has the number or login email: %(values)s.")
                % {"values": ", ".join(unknown)}
            )
        return found

    def clean(self):
        data = super().clean()
        area, workshop = data.get("area"), data.get("workshop")
        if area and workshop and workshop.area_id != area.pk:
            self.add_error(
                "workshop", _("This workshop was on another thematic area than the group's.")
            )
        coordinator = data.get("coordinator")
        if coordinator is not None and "members" in data:
            data["members"] = [coordinator, *data["members"]]
        return data


class AddMemberForm(forms.Form):
    expert = ExpertField(label=gettext_lazy("Expert"))
    invited = forms.BooleanField(
        label=gettext_lazy("Invite although not accredited in the area"),
        required=False,
    )


class CandidateSearchForm(forms.Form):
    find = forms.CharField(
        label=gettext_lazy("Find among the area's accredited experts, by name"),
        required=False,
        max_length=100,
    )


class ExpertChoiceForm(forms.Form):
    """An expert chosen by number: the remove buttons send it hidden; the coordinator's list
    offers the current members. Any expert validates here: the service says why one who is
    not a member is refused."""

    expert = forms.ModelChoiceField(
        label=gettext_lazy("New coordinator"),
        queryset=Expert.objects.select_related("user"),
        widget=LeanSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the group's members.")},
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].widget.choices = [
            ("", "—"),
            *((expert.pk, expert.full_name) for expert in members),
        ]


class DeliverableForm(forms.ModelForm):
    class Meta:
        model = Deliverable
        fields = ["title", "description", "due_date"]
        widgets = {
            "due_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class MoveDeliverableForm(forms.Form):
    state = forms.ChoiceField(
        label=gettext_lazy("Move to"),
        choices=DeliverableState.choices,
        error_messages={"invalid_choice": gettext_lazy("Choose a state of the deliverable.")},
    )


class ConfirmForm(forms.Form):
    """A checkbox that confirms an action that cannot be undone (leave, close)."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I am sure"),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label
