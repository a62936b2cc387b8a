"""The sections of the expert's profile: each is edited and saved on its own."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from experts.forms import profile as forms
from experts.services import profile as services


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    intro: str = ""
    form_class: type | None = None
    formset_class: type | None = None
    # Whether the form edits the Expert row itself (ModelForm with instance=expert).
    form_edits_expert: bool = True
    save: Callable = services.save_section
    multipart: bool = False


SECTIONS = [
    Section(
        "identity",
        _("Identity"),
        form_class=forms.IdentityForm,
        multipart=True,
    ),
    Section("contact", _("Contact"), form_class=forms.ContactForm),
    Section("employment", _("Employment"), form_class=forms.EmploymentForm),
    Section(
        "languages",
        _("Languages"),
        _("The languages you can work in, with your level on the European (CEFR) scale."),
        formset_class=forms.LanguageFormSet,
    ),
    Section(
        "expertise",
        _("Areas of expertise"),
        _("The thematic areas you know, with your years of experience in each."),
        formset_class=forms.ExpertiseFormSet,
    ),
    Section("education", _("Education"), formset_class=forms.EducationFormSet),
    Section("work-history", _("Work history"), formset_class=forms.WorkExperienceFormSet),
    Section("biography", _("Biography"), form_class=forms.BiographyForm),
    Section(
        "cv",
        _("CV"),
        _("Your curriculum vitae as a PDF. Only you and the WCO Secretariat can open it."),
        form_class=forms.CVForm,
        form_edits_expert=False,
        save=services.upload_cv,
        multipart=True,
    ),
    Section(
        "availability",
        _("Availability"),
        _("Periods when you cannot travel or work on a mission, and your preferences."),
        form_class=forms.AvailabilityForm,
        formset_class=forms.UnavailablePeriodFormSet,
    ),
    Section(
        "passport",
        _("Passport"),
        _("Needed to arrange travel and visas. Only you and the WCO Secretariat can see it."),
        form_class=forms.PassportForm,
    ),
    Section(
        "consent",
        _("Data protection consent"),
        form_class=forms.ConsentForm,
        form_edits_expert=False,
        save=services.record_consent,
    ),
]

BY_SLUG = {section.slug: section for section in SECTIONS}
