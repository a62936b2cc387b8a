"""Forms of the Secretariat's accreditation-cycle screens; they validate input and nothing else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ace_portal.widgets import DateInput
from experts.enums import WorkshopKind, WorkshopOutcome
from experts.models import ThematicArea, Workshop

OUTCOMES_BY_KIND = {
    WorkshopKind.ACCREDITATION: [
        WorkshopOutcome.PENDING,
        WorkshopOutcome.PASSED,
        WorkshopOutcome.FAILED,
    ],
    WorkshopKind.REFRESHER: [
        WorkshopOutcome.PENDING,
        WorkshopOutcome.ATTENDED,
        WorkshopOutcome.ABSENT,
    ],
}


class WorkshopForm(forms.ModelForm):
    """The model's clean() checks the dates and the venue; ModelForm runs it and puts each error
    on its field."""

    class Meta:
        model = Workshop
        fields = [
            "kind",
            "title",
            "area",
            "profile_type",
            "start_date",
            "end_date",
            "online",
            "venue",
            "funding_source",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"venue": _("City and building; leave empty for an online workshop.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ThematicArea.objects.filter(is_active=True)


class CandidateSearchForm(forms.Form):
    q = forms.CharField(label=_("Search experts by name or email"), max_length=200, required=False)


class AddCandidateForm(forms.Form):
    expert = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    q = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    """One participant's row. ``seat`` is the WorkshopParticipant the row is about."""

    participant = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"))
    # The screen explains the comment once, above the table, rather than on every row.
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)
    convert_to = forms.TypedChoiceField(
        label=_("Convert to profile"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, workshop, seats, profile_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = seats
        self.fields["outcome"].choices = [
            (o.value, o.label) for o in OUTCOMES_BY_KIND[workshop.kind]
        ]
        if workshop.kind == WorkshopKind.REFRESHER:
            self.fields["convert_to"].choices = [("", _("Keep the current profile"))] + list(
                profile_choices
            )
        else:
            del self.fields["convert_to"]
        self.seat = seats.get(_as_int(self["participant"].value()))

    def clean_participant(self):
        if self.cleaned_data["participant"] not in self.seats:
            raise forms.ValidationError(_("This person is not a participant of this workshop."))
        return self.cleaned_data["participant"]


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class BaseOutcomeFormSet(forms.BaseFormSet):
    """One OutcomeForm per participant whose outcome is not recorded yet.

    Each row carries its participant's pk, so a row always means the same person even if the
    list changed between showing the screen and saving it.
    """

    def __init__(self, *args, workshop, participants, profile_types, **kwargs):
        self.workshop = workshop
        self.profile_types = {profile.pk: profile for profile in profile_types}
        pending = [p for p in participants if p.outcome == WorkshopOutcome.PENDING]
        kwargs.setdefault(
            "initial",
            [{"participant": p.pk, "outcome": p.outcome, "comment": p.comment} for p in pending],
        )
        kwargs["form_kwargs"] = {
            "workshop": workshop,
            "seats": {p.pk: p for p in participants},
            "profile_choices": [(profile.pk, str(profile)) for profile in profile_types],
        }
        super().__init__(*args, **kwargs)

    def _construct_form(self, i, **kwargs):
        # Every row is a participant's. Django skips the validation of an unchanged "extra" row,
        # which a hand-made POST can declare (INITIAL_FORMS one short): that row would then be
        # saved without cleaned data. So no row may be skipped: each is validated in full.
        return super()._construct_form(i, **{**kwargs, "empty_permitted": False})

    def clean(self):
        # Such a row has no line on the screen to show its error on.
        if any(form.seat is None for form in self.forms):
            raise forms.ValidationError(
                _("A row is about somebody who is not a participant of this workshop.")
            )

    def outcomes(self) -> dict:
        """What workshops.record_outcomes expects: {participant pk: (outcome, comment, profile)}."""
        return {
            form.cleaned_data["participant"]: (
                form.cleaned_data["outcome"],
                form.cleaned_data["comment"].strip(),
                self.profile_types.get(form.cleaned_data.get("convert_to")),
            )
            for form in self.forms
        }


OutcomeFormSet = forms.formset_factory(
    OutcomeForm, formset=BaseOutcomeFormSet, extra=0, max_num=500, absolute_max=500
)
