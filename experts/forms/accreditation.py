"""The expert's accreditation request: validated here, submitted by accreditation_requests."""

from django import forms
from django.utils.translation import gettext_lazy as _

from experts.enums import HOLDING_STATES, AccreditationState, RequestKind, RequestState
from experts.models import Accreditation, ProfileType, ThematicArea
from experts.services import uploads

# A renewal extends a holding accreditation or renews a lapsed one; nothing else can be renewed.
RENEWABLE_STATES = [*HOLDING_STATES, AccreditationState.LAPSED]
NEEDS_ACCREDITATION = {RequestKind.RENEWAL, RequestKind.CORRECTION}


class AccreditationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(profile)s in %(area)s (%(state)s)") % {
            "profile": obj.profile_type,
            "area": obj.area,
            "state": obj.get_state_display(),
        }


class AccreditationRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What would you like to request?"),
        choices=[("", _("Choose a kind of request")), *RequestKind.choices],
        error_messages={"required": _("Choose what you would like to request.")},
    )
    accreditation = AccreditationChoiceField(
        label=_("Accreditation"),
        queryset=Accreditation.objects.none(),
        required=False,
        empty_label=_("Choose one of your accreditations"),
        help_text=_("For a renewal or a correction: the accreditation your request is about."),
        error_messages={
            "invalid_choice": _("Choose one of your own accreditations."),
        },
    )
    profile_type = forms.ModelChoiceField(
        label=_("Profile"),
        queryset=ProfileType.objects.all(),
        required=False,
        empty_label=_("Choose a profile"),
        help_text=_("For a recognition in a new area: the profile you ask to be recognized as."),
    )
    area = forms.ModelChoiceField(
        label=_("Thematic area"),
        queryset=ThematicArea.objects.filter(is_active=True),
        required=False,
        empty_label=_("Choose a thematic area"),
        help_text=_("For a recognition in a new area: the area you ask to be recognized in."),
    )
    message = forms.CharField(
        label=_("Message to the WCO Secretariat"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you ask for and why; for a correction, what is wrong in your record."),
        error_messages={"required": _("Please explain your request.")},
    )
    document = forms.FileField(
        label=_("Supporting document (PDF)"),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A PDF document of up to 10 MB."),
        error_messages={"required": _("Please attach a supporting document as a PDF.")},
    )

    def __init__(self, *args, expert, **kwargs):
        super().__init__(*args, **kwargs)
        self.expert = expert
        # Only the expert's own accreditations: any other id is an invalid choice.
        self.fields["accreditation"].queryset = Accreditation.objects.filter(
            expert=expert
        ).select_related("profile_type", "area")

    def clean_document(self):
        upload = self.cleaned_data["document"]
        uploads.validate_pdf(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind in NEEDS_ACCREDITATION:
            cleaned["profile_type"] = cleaned["area"] = None
            self._clean_about_accreditation(kind, cleaned)
        elif kind == RequestKind.RECOGNITION:
            cleaned["accreditation"] = None
            self._clean_recognition(cleaned)
        return cleaned

    def _pending(self, kind):
        return self.expert.accreditation_requests.filter(kind=kind, state=RequestState.PENDING)

    def _clean_about_accreditation(self, kind, cleaned):
        accreditation = cleaned.get("accreditation")
        if accreditation is None:
            if "accreditation" not in self.errors:
                self.add_error(
                    "accreditation", _("Choose the accreditation your request is about.")
                )
            return
        if kind == RequestKind.RENEWAL and accreditation.state not in RENEWABLE_STATES:
            self.add_error(
                "accreditation",
                _("A %(state)s accreditation cannot be renewed.")
                % {"state": accreditation.get_state_display().lower()},
            )
        elif self._pending(kind).filter(accreditation=accreditation).exists():
            self.add_error(
                "accreditation",
                _("You already have a request of this kind waiting for a decision on it."),
            )

    def _clean_recognition(self, cleaned):
        profile_type, area = cleaned.get("profile_type"), cleaned.get("area")
        if profile_type is None and "profile_type" not in self.errors:
            self.add_error("profile_type", _("Choose the profile you ask to be recognized as."))
        if area is None and "area" not in self.errors:
            self.add_error("area", _("Choose the thematic area you ask to be recognized in."))
        if profile_type is None or area is None:
            return
        held = (
            self.expert.accreditations.live().filter(profile_type=profile_type, area=area).first()
        )
        if held is not None:
            self.add_error(
                "area",
                _("You already hold a %(state)s %(profile)s accreditation in this area.")
                % {"state": held.get_state_display().lower(), "profile": profile_type.code},
            )
        elif (
            self._pending(RequestKind.RECOGNITION)
            .filter(profile_type=profile_type, area=area)
            .exists()
        ):
            self.add_error(
                "area",
                _("You already asked for this recognition; it is waiting for a decision."),
            )
