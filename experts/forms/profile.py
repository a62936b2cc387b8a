"""Forms of the expert's profile, one per section; they validate input and nothing else."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from ace_portal.widgets import DateInput
from experts.models import (
    Education,
    Expert,
    Expertise,
    ExpertLanguage,
    Language,
    MemberAdministration,
    ThematicArea,
    UnavailablePeriod,
    WorkExperience,
)
from experts.services import uploads
from experts.services.profile import check_date_of_birth


class IdentityForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("A JPEG, PNG or WebP picture of your face, up to 5 MB."),
    )

    class Meta:
        model = Expert
        fields = ["given_names", "family_name", "photo", "gender", "nationality", "date_of_birth"]
        widgets = {"date_of_birth": DateInput()}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if isinstance(photo, UploadedFile):
            extension = uploads.validate_photo(photo)
            photo.name = f"photo{extension}"
        return photo

    def clean_date_of_birth(self):
        return check_date_of_birth(self.cleaned_data.get("date_of_birth"))


class ContactForm(forms.ModelForm):
    phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        help_text=_("In international format, starting with + and the country code."),
        error_messages={
            "invalid": _(
                "Enter a valid phone number in international format, e.g. +32 2 209 92 11."
            )
        },
    )

    class Meta:
        model = Expert
        fields = ["work_email", "phone"]


class EmploymentForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = [
            "home_administration",
            "position",
            "unit",
            "years_in_customs",
            "employment_status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_administration"].queryset = MemberAdministration.objects.filter(
            is_active=True
        )


class BiographyForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = ["biography"]
        widgets = {"biography": forms.Textarea(attrs={"rows": 10})}
        help_texts = {
            "biography": _(
                "A short professional biography, as it would introduce you at a workshop."
            )
        }


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = ["preferred_mission_length", "remote_only"]


class PassportForm(forms.ModelForm):
    class Meta:
        model = Expert
        fields = ["passport_number", "passport_expiry"]
        widgets = {"passport_expiry": DateInput()}
        help_texts = {
            "passport_number": _("Only you and the WCO Secretariat can see this."),
        }

    def clean_passport_number(self):
        number = self.cleaned_data["passport_number"].strip().upper().replace(" ", "")
        if number and not number.isalnum():
            raise forms.ValidationError(_("A passport number has only letters and digits."))
        return number


class CVForm(forms.Form):
    file = forms.FileField(
        label=_("CV (PDF)"),
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A PDF document of up to 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.validate_pdf(upload)
        return upload


class ConsentForm(forms.Form):
    agree = forms.BooleanField(
        label=_(
            "I agree that the WCO Secretariat processes the data in my profile to manage the "
            "expert roster and to mobilize me to missions."
        ),
        error_messages={"required": _("Please tick the box to give your consent.")},
    )


class LanguageForm(forms.ModelForm):
    class Meta:
        model = ExpertLanguage
        fields = ["language", "proficiency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].queryset = Language.objects.all()


class ExpertiseForm(forms.ModelForm):
    class Meta:
        model = Expertise
        fields = ["area", "years", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ThematicArea.objects.filter(is_active=True)


class EducationForm(forms.ModelForm):
    class Meta:
        model = Education
        fields = ["degree", "field_of_study", "institution", "year_completed"]

    def clean_year_completed(self):
        year = self.cleaned_data.get("year_completed")
        if year is not None and not 1940 <= year <= timezone.localdate().year + 1:
            raise forms.ValidationError(_("Please enter a year between 1940 and next year."))
        return year


class _PeriodForm(forms.ModelForm):
    """Refuses a period that ends before it starts, with the message on the end date."""

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


class WorkExperienceForm(_PeriodForm):
    class Meta:
        model = WorkExperience
        fields = ["organisation", "position", "start_date", "end_date", "description"]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class UnavailablePeriodForm(_PeriodForm):
    class Meta:
        model = UnavailablePeriod
        fields = ["start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


# Rows a profile list may have. absolute_max bounds what Django builds from TOTAL_FORMS: left at
# its default (max_num + 1000), one 1 KB POST made the server build and render 1 030 forms.
MAX_ROWS = 30


def _formset(form, model):
    return inlineformset_factory(
        Expert,
        model,
        form=form,
        extra=1,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )


LanguageFormSet = _formset(LanguageForm, ExpertLanguage)
ExpertiseFormSet = _formset(ExpertiseForm, Expertise)
EducationFormSet = _formset(EducationForm, Education)
WorkExperienceFormSet = _formset(WorkExperienceForm, WorkExperience)
UnavailablePeriodFormSet = _formset(UnavailablePeriodForm, UnavailablePeriod)
