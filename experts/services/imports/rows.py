"""One row of an expert import: what its cells may say, and the checks that say why not.

Reference data (administrations, languages, areas) is looked up by code or by English or French
name, with case and accents ignored; the form's messages are what the preview shows.
"""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from phonenumber_field.formfields import PhoneNumberField

from experts.enums import EmploymentStatus, Gender, Proficiency
from experts.models import Language, MemberAdministration, ThematicArea
from experts.services.duplicates import fold
from experts.services.profile import check_date_of_birth

# What a spreadsheet would run as a formula; never stored (an export would carry it along).
FORMULA_STARTS = ("=", "@")
# Expert fields an import row may set, besides the login email and the related rows.
EXPERT_FIELDS = [
    "given_names",
    "family_name",
    "home_administration_id",
    "date_of_birth",
    "gender",
    "nationality",
    "work_email",
    "phone",
    "position",
    "unit",
    "years_in_customs",
    "employment_status",
    "biography",
]


@dataclass
class Reference:
    """Lookups from what a spreadsheet says to our reference rows, loaded once per import."""

    administrations: dict[str, int]
    administration_codes: dict[int, str]
    languages: dict[str, int]
    language_codes: dict[int, str]
    areas: dict[str, int]
    area_codes: dict[int, str]

    @classmethod
    def load(cls):
        administrations, administration_codes = _lookup(
            MemberAdministration.objects.filter(is_active=True), "iso_code"
        )
        languages, language_codes = _lookup(Language.objects.all(), "code")
        areas, area_codes = _lookup(ThematicArea.objects.filter(is_active=True), "code")
        return cls(
            administrations, administration_codes, languages, language_codes, areas, area_codes
        )


def _lookup(queryset, code_field: str) -> tuple[dict[str, int], dict[int, str]]:
    """(folded code or English or French name -> pk, pk -> code) of reference rows."""
    by_text, codes = {}, {}
    for pk, code, en, fr in queryset.values_list("pk", code_field, "name_en", "name_fr"):
        codes[pk] = code
        for text in (code, en, fr):
            by_text.setdefault(fold(text), pk)
    return by_text, codes


LEVELS = {level.name.casefold(): level.value for level in Proficiency} | {
    "native": Proficiency.NATIVE,
    "mother tongue": Proficiency.NATIVE,
    "langue maternelle": Proficiency.NATIVE,
}


def _choice(value: str, choices) -> str:
    """A choice by its code or its English label, whatever the case."""
    folded = value.casefold()
    for code, label in choices.choices:
        if folded in (code.casefold(), str(label).casefold()):
            return code
    raise forms.ValidationError(
        _("%(value)s is not one of: %(choices)s.")
        % {"value": value, "choices": ", ".join(code for code, _label in choices.choices)}
    )


def _items(value: str) -> list[tuple[str, str]]:
    """ "en:C1; fr B2" -> [("en", "C1"), ("fr", "B2")]: a list with an optional second part."""
    items = []
    for part in value.replace(",", ";").replace("|", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if ":" in part:
            name, _sep, extra = part.partition(":")
        elif " " in part:
            name, _sep, extra = part.rpartition(" ")
        else:
            name, extra = part, ""
        items.append((name.strip(), extra.strip()))
    return items


class ImportRowForm(forms.Form):
    """The checks of one row; its messages are what the preview shows."""

    email = forms.EmailField(label=gettext_lazy("email"), max_length=254)
    given_names = forms.CharField(label=gettext_lazy("given names"), max_length=150)
    family_name = forms.CharField(label=gettext_lazy("family name"), max_length=150)
    administration = forms.CharField(label=gettext_lazy("administration"))
    date_of_birth = forms.DateField(
        label=gettext_lazy("date of birth"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"],
    )
    gender = forms.CharField(label=gettext_lazy("gender"), required=False)
    nationality = forms.CharField(label=gettext_lazy("nationality"), required=False)
    work_email = forms.EmailField(label=gettext_lazy("work email"), required=False, max_length=254)
    phone = PhoneNumberField(label=gettext_lazy("phone"), required=False)
    position = forms.CharField(label=gettext_lazy("position"), required=False, max_length=200)
    unit = forms.CharField(label=gettext_lazy("unit"), required=False, max_length=200)
    years_in_customs = forms.IntegerField(
        label=gettext_lazy("years in Customs"), required=False, min_value=0, max_value=60
    )
    employment_status = forms.CharField(label=gettext_lazy("employment status"), required=False)
    languages = forms.CharField(label=gettext_lazy("languages"), required=False)
    areas = forms.CharField(label=gettext_lazy("areas"), required=False)
    biography = forms.CharField(label=gettext_lazy("biography"), required=False, max_length=5000)
    preferred_language = forms.CharField(label=gettext_lazy("preferred language"), required=False)

    def __init__(self, *args, reference: Reference, **kwargs):
        super().__init__(*args, **kwargs)
        self.reference = reference

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_administration(self):
        value = self.cleaned_data["administration"]
        pk = self.reference.administrations.get(fold(value))
        if pk is None:
            raise forms.ValidationError(
                _("unknown Member administration “%(value)s” (use its ISO code or name).")
                % {"value": value}
            )
        return pk

    def clean_gender(self):
        value = self.cleaned_data["gender"]
        return _choice(value, Gender) if value else ""

    def clean_employment_status(self):
        value = self.cleaned_data["employment_status"]
        return _choice(value, EmploymentStatus) if value else ""

    def clean_nationality(self):
        value = self.cleaned_data["nationality"]
        if not value:
            return ""
        code = countries.alpha2(value) or countries.by_name(value)
        if not code:
            raise forms.ValidationError(
                _("unknown country “%(value)s” (use its two-letter ISO code).") % {"value": value}
            )
        return code

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return phone.as_e164 if phone else ""

    def clean_languages(self):
        result, problems = {}, []
        for code, level in _items(self.cleaned_data["languages"]):
            language = self.reference.languages.get(fold(code))
            proficiency = LEVELS.get(level.casefold())
            if language is None:
                problems.append(_("unknown language code “%(code)s”") % {"code": code})
            elif proficiency is None:
                problems.append(
                    _("%(code)s needs a level A1-C2 or native, e.g. %(code)s:B2") % {"code": code}
                )
            else:
                result[language] = max(result.get(language, 0), int(proficiency))
        if problems:
            raise forms.ValidationError("; ".join(problems) + ".")
        return sorted(result.items())

    def clean_areas(self):
        result, problems = {}, []
        for name, years in _items(self.cleaned_data["areas"]):
            area = self.reference.areas.get(fold(name))
            if area is None:
                # "Risk management" is a name with a space, not "Risk" with "management" years.
                area = self.reference.areas.get(fold(f"{name} {years}".strip()))
                years = "" if area else years
            if area is None:
                problems.append(_("unknown thematic area “%(name)s”") % {"name": name})
            elif years and not (years.isascii() and years.isdigit() and int(years) <= 60):
                problems.append(
                    _("years for %(name)s must be a number from 0 to 60") % {"name": name}
                )
            else:
                result[area] = int(years or 0)
        if problems:
            raise forms.ValidationError("; ".join(problems) + ".")
        return sorted(result.items())

    def clean_date_of_birth(self):
        return check_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean_preferred_language(self):
        value = self.cleaned_data["preferred_language"].casefold()
        codes = {code for code, _name in settings.LANGUAGES}
        if value and value not in codes:
            raise forms.ValidationError(
                _("must be one of: %(codes)s.") % {"codes": ", ".join(sorted(codes))}
            )
        return value

    def clean(self):
        for name, value in self.data.items():
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                self.add_error(
                    name if name in self.fields else None,
                    _("looks like a spreadsheet formula; enter the value itself."),
                )
        return super().clean()


def row_values(form: ImportRowForm, cells: dict) -> dict:
    """What the row sets, JSON-ready; columns left empty set nothing (an update keeps them)."""
    data = form.cleaned_data
    values = {"email": data["email"], "home_administration_id": data["administration"]}
    for name in EXPERT_FIELDS:
        if name in data and cells.get(name) and data[name] not in ("", None, []):
            value = data[name]
            values[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for name in ("given_names", "family_name"):
        values[name] = data[name]
    if data.get("languages"):
        values["languages"] = data["languages"]
    if data.get("areas"):
        values["areas"] = data["areas"]
    values["preferred_language"] = data.get("preferred_language") or settings.LANGUAGE_CODE
    return values


def row_problems(form: ImportRowForm) -> list[str]:
    problems = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            problems.append(f"{label}: {error}" if label else error)
    return problems
