"""The Secretariat's expert directory: filters in the URL, one queryset, keyset pages.

A page costs a fixed number of queries whatever its size or depth: a capped count, the page's
rows, and one query each for the page's areas and languages.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import search
from .choices import reference_choices
from .enums import AccreditationState, EmploymentStatus, Gender, Proficiency
from .forms import DateInput
from .models import Accreditation, Expert, Expertise, ExpertLanguage, UnavailablePeriod

COUNT_CAP = 1000
PAGE_SIZES = (10, 25, 50, 100)
LANGUAGE_ROWS = 3


class Sort:
    NAME = "name"
    UPDATED = "updated"
    COMPLETENESS = "completeness"
    RELEVANCE = "relevance"
    CHOICES = [
        (NAME, _("Name")),
        (UPDATED, _("Last update")),
        (COMPLETENESS, _("Completeness")),
        (RELEVANCE, _("Relevance (with a text search)")),
    ]


def options_html(choices, chosen) -> str:
    """<option> elements for flat ``choices``, those whose value is in ``chosen`` selected."""
    # The standard library's escape: Django's (lazy-aware) costs ~8 us a call, 1 600 calls here.
    return mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"{" selected" if str(value) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for value, label in choices
        )
    )


class LeanSelectMixin:
    """Renders the options in Python. Django's widget templates cost ~20 us per <option> and
    the filter form has ~250 of them (188 Member administrations alone): ~15 ms a page."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        chosen = set(self.format_value(value))
        options = options_html(self.choices, chosen)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')


class LeanSelect(LeanSelectMixin, forms.Select):
    pass


class LeanSelectMultiple(LeanSelectMixin, forms.SelectMultiple):
    pass


def field_group(bound) -> str:
    """The markup of includes/field.html for one field, built in Python: the filter form's 13
    includes (each rendering a label template) cost ~2.5 ms a page."""
    widget = bound.field.widget
    checkbox = getattr(widget, "input_type", None) == "checkbox"
    errors = bound.errors
    auto_id = bound.auto_id
    label = str(bound.label)
    suffix = bound.form.label_suffix
    if suffix and label and label[-1] not in ":?.!" and not checkbox:
        label += suffix
    target = widget.id_for_label(auto_id) if auto_id else ""
    label = (
        f'<label for="{escape(target)}">{escape(label)}</label>'
        if target
        else (f"<label>{escape(label)}</label>")
    )
    classes = "field" + (" field-error" if errors else "") + (" field-checkbox" if checkbox else "")
    parts = [f'<div class="{classes}">']
    parts += [str(bound), " ", label] if checkbox else [label, str(bound)]
    if bound.help_text:
        parts.append(f'<p class="help" id="{auto_id}_helptext">{bound.help_text}</p>')
    parts += [f'<p class="error" id="{auto_id}_error">{escape(str(e))}</p>' for e in errors]
    parts.append("</div>")
    return mark_safe("".join(parts))


class FieldGroups:
    """``form.groups.<name>`` in a template: the field's group, rendered by field_group."""

    def __init__(self, form):
        self.form = form

    def __getitem__(self, name):
        return field_group(self.form[name])


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    area = forms.MultipleChoiceField(
        label=_("Areas of expertise"), required=False, widget=LeanSelectMultiple
    )
    area_mode = forms.ChoiceField(
        label=_("Match"),
        required=False,
        choices=[("all", _("has all of these")), ("any", _("has any of these"))],
        initial="all",
        widget=forms.RadioSelect,
    )
    profile = forms.MultipleChoiceField(
        label=_("Accredited as (profile)"), required=False, widget=LeanSelectMultiple
    )
    accreditation_state = forms.MultipleChoiceField(
        label=_("Accreditation status"),
        required=False,
        choices=AccreditationState.choices,
        widget=LeanSelectMultiple,
    )
    region = forms.MultipleChoiceField(label=_("Region"), required=False, widget=LeanSelectMultiple)
    administration = forms.MultipleChoiceField(
        label=_("Member administration"), required=False, widget=LeanSelectMultiple
    )
    language = forms.MultipleChoiceField(label=_("Language"), required=False)
    level = forms.MultipleChoiceField(
        label=_("At least"),
        required=False,
        choices=[("", "-")] + [(str(v), label) for v, label in Proficiency.choices],
    )
    available_from = forms.DateField(label=_("Available from"), required=False, widget=DateInput)
    available_to = forms.DateField(label=_("Available to"), required=False, widget=DateInput)
    employment_status = forms.MultipleChoiceField(
        label=_("Employment status"),
        required=False,
        choices=EmploymentStatus.choices,
        widget=LeanSelectMultiple,
    )
    gender = forms.MultipleChoiceField(
        label=_("Gender"), required=False, choices=Gender.choices, widget=LeanSelectMultiple
    )
    remote_only = forms.ChoiceField(
        label=_("Remote missions only"),
        required=False,
        choices=[("", _("Either")), ("yes", _("Yes")), ("no", _("No"))],
        widget=LeanSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=Sort.CHOICES, widget=LeanSelect
    )
    size = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        empty_value=25,
        choices=[(str(n), str(n)) for n in PAGE_SIZES],
        widget=LeanSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("area_mode"):
            # A bound form ignores initial values: show the "all" the search applies.
            self.data = self.data.copy()
            self.data["area_mode"] = "all"
        choices = reference_choices()
        self.fields["area"].choices = choices["areas"]
        self.fields["profile"].choices = choices["profiles"]
        self.fields["region"].choices = choices["regions"]
        self.fields["administration"].choices = choices["members"]
        self.fields["language"].choices = [("", "-")] + choices["languages"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("available_from"), cleaned.get("available_to")
        if start and end and end < start:
            self.add_error("available_to", _("The end date cannot be before the start date."))
        if (start is None) != (end is None) and not self.has_error("available_to"):
            # One date means that single day.
            cleaned["available_from"] = cleaned["available_to"] = start or end
        # Languages come as aligned lists (one select for the language, one for the level).
        # Read the validated lists (they keep order and empty rows), never the raw data: an
        # unknown level is then a field error, not a crash.
        languages = cleaned.get("language") or []
        levels = cleaned.get("level") or []
        cleaned["languages"] = [
            (code, int(level) if level else Proficiency.A1)
            for code, level in zip(languages, levels + [""] * len(languages), strict=False)
            if code
        ]
        return cleaned

    @property
    def groups(self):
        return FieldGroups(self)

    def language_rows(self):
        """(language options, level options) per row to show: the chosen pairs, then empty
        rows; the <option> elements are rendered here (184 languages per row)."""
        chosen = self.cleaned_data.get("languages", []) if self.is_bound and self.is_valid() else []
        rows = [(str(code), str(level)) for code, level in chosen]
        rows += [("", "")] * max(LANGUAGE_ROWS - len(rows), 1)
        languages, levels = self.fields["language"].choices, self.fields["level"].choices
        return [
            (options_html(languages, {code}), options_html(levels, {level})) for code, level in rows
        ]


def filter_experts(criteria: dict):
    """The experts matching the cleaned criteria of a DirectoryForm (a lazy queryset)."""
    experts = Expert.objects.all()
    text = (criteria.get("q") or "").strip()
    sort = criteria.get("sort") or (Sort.RELEVANCE if text else Sort.NAME)
    if sort == Sort.RELEVANCE and not text:
        sort = Sort.NAME  # nothing to rank by
    experts = search.search(experts, criteria.get("q") or "", rank=sort == Sort.RELEVANCE)
    areas = [int(pk) for pk in criteria.get("area") or []]
    if areas and criteria.get("area_mode") == "any":
        experts = experts.filter(
            Exists(Expertise.objects.filter(expert=OuterRef("pk"), area__in=areas))
        )
    else:
        for area in areas:
            experts = experts.filter(
                Exists(Expertise.objects.filter(expert=OuterRef("pk"), area=area))
            )
    states, profiles = criteria.get("accreditation_state"), criteria.get("profile")
    if states or profiles:
        held = Accreditation.objects.filter(expert=OuterRef("pk"))
        held = held.filter(state__in=states) if states else held.live()
        if profiles:
            held = held.filter(profile_type__in=profiles)
        if areas:
            held = held.filter(area__in=areas)
        experts = experts.filter(Exists(held))
    if criteria.get("region"):
        experts = experts.filter(home_administration__region__in=criteria["region"])
    if criteria.get("administration"):
        experts = experts.filter(home_administration__in=criteria["administration"])
    for code, level in criteria.get("languages") or []:
        experts = experts.filter(
            Exists(
                ExpertLanguage.objects.filter(
                    expert=OuterRef("pk"), language=code, proficiency__gte=level
                )
            )
        )
    start, end = criteria.get("available_from"), criteria.get("available_to")
    if start and end:
        # Inclusive dates: a period that ends on the first day (or starts on the last) clashes.
        clash = UnavailablePeriod.objects.filter(
            expert=OuterRef("pk"), start_date__lte=end, end_date__gte=start
        )
        experts = experts.filter(~Exists(clash))
    if criteria.get("employment_status"):
        experts = experts.filter(employment_status__in=criteria["employment_status"])
    if criteria.get("gender"):
        experts = experts.filter(gender__in=criteria["gender"])
    if criteria.get("remote_only") in ("yes", "no"):
        experts = experts.filter(remote_only=criteria["remote_only"] == "yes")
    return experts, sort


# --- Pages ----------------------------------------------------------------------------------------

# Each sort's key: (field, descending). Keyset pages cost the same at any depth; relevance needs
# every match ranked anyway, so it pages by offset.
KEYSETS = {
    Sort.NAME: [("family_name", False), ("given_names", False), ("id", False)],
    Sort.UPDATED: [("updated_at", True), ("id", True)],
    Sort.COMPLETENESS: [
        ("completeness", True),
        ("family_name", False),
        ("given_names", False),
        ("id", False),
    ],
}
ORDERINGS = {
    Sort.NAME: ["family_name", "given_names", "id"],
    Sort.UPDATED: ["-updated_at", "-id"],
    Sort.COMPLETENESS: ["-completeness", "family_name", "given_names", "id"],
    Sort.RELEVANCE: ["-rank", "id"],
}
ROW_FIELDS = [
    "id",
    "given_names",
    "family_name",
    "position",
    "completeness",
    "updated_at",
    "remote_only",
    "employment_status",
    "home_administration__name_en",
    "home_administration__name_fr",
    "home_administration__region__code",
]


def encode_cursor(values) -> str:
    raw = json.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def after_key(keyset, values) -> Q:
    """Rows after ``values`` (field values, see decode_cursor) in the keyset's order, written
    so that the database can start an index range at the first column (the redundant bound)
    instead of scanning from the top."""
    (first, descending), first_value = keyset[0], values[0]
    bound = Q(**{f"{first}__{'lte' if descending else 'gte'}": first_value})
    after = Q()
    for i, (name, desc) in enumerate(keyset):
        equal = {f"{n}": v for (n, _), v in zip(keyset[:i], values[:i], strict=True)}
        after |= Q(**equal, **{f"{name}__{'lt' if desc else 'gt'}": values[i]})
    return bound & after


def decode_cursor(token: str, keyset):
    """The keyset's field values after which a page starts, or None for a bad, foreign or
    tampered token (the page then starts at the top: a cursor never causes an error)."""
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(keyset):
        return None
    if not all(isinstance(v, str | int | float) for v in values):
        return None
    try:
        values = [
            Expert._meta.get_field(name).to_python(v)
            for (name, _), v in zip(keyset, values, strict=True)
        ]
    except (ValidationError, ValueError, TypeError, OverflowError):
        return None  # e.g. an id that is no number, an infinite float, a date that is no date
    for value in values:
        if value is None or (isinstance(value, str) and "\x00" in value):
            return None  # PostgreSQL text cannot hold NUL
        if isinstance(value, datetime) and timezone.is_naive(value):
            return None  # the portal's own cursors carry their offset
    return values


@dataclass
class Page:
    rows: list
    total: int
    total_capped: bool
    next_cursor: str | None
    next_page: int | None
    previous_page: int | None
    number: int


def page_of(experts, sort: str, *, size: int, after: str = "", number: int = 1) -> Page:
    """One page of rows (dicts) plus a capped total; rows carry their areas and languages."""
    ordered = experts.order_by(*ORDERINGS[sort])
    keyset = KEYSETS.get(sort)
    if keyset:
        # Counted without the page's ORDER BY and rank: with them PostgreSQL walks the sort
        # order (or ranks) row by row instead of stopping after COUNT_CAP matches.
        total = experts.order_by().values("pk")[: COUNT_CAP + 1].count()
        columns = [name for name, _ in keyset]
        values = decode_cursor(after, keyset) if after else None
        if values:
            ordered = ordered.filter(after_key(keyset, values))
        rows = list(ordered.values(*ROW_FIELDS)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        next_cursor = encode_cursor([rows[-1][c] for c in columns]) if more and rows else None
        page = Page(rows, min(total, COUNT_CAP), total > COUNT_CAP, next_cursor, None, None, 1)
    else:
        number = max(1, min(number, COUNT_CAP // size + 1))
        start = (number - 1) * size
        # Relevance ranks every match whatever the page, so one query ranks them and returns the
        # ids of the first COUNT_CAP + 1 (the capped total and this page), and a second reads
        # the page's rows by id: the filters run once instead of twice (count, then page).
        limit = max(COUNT_CAP + 1, start + size + 1)
        ranked = list(ordered.values_list("pk", flat=True)[:limit])
        total = min(len(ranked), COUNT_CAP + 1)
        ids = ranked[start : start + size + 1]
        more = len(ids) > size
        ids = ids[:size]
        found = Expert.objects.filter(pk__in=ids).order_by().values(*ROW_FIELDS)
        by_pk = {row["id"]: row for row in found}
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
        page = Page(
            rows,
            min(total, COUNT_CAP),
            total > COUNT_CAP,
            None,
            number + 1 if more else None,
            number - 1 if number > 1 else None,
            number,
        )
    _attach_profile_summaries(page.rows)
    return page


def _attach_profile_summaries(rows: list) -> None:
    """Two queries for the whole page: each row's areas of expertise and languages. Each row
    also gets its texts ready to print (link, administration, areas, languages): the template
    loops and lookups cost more than the queries."""
    by_pk = {row["id"]: row for row in rows}
    if not by_pk:
        return
    french = (get_language() or "en")[:2] == "fr"
    # One reverse() for the page: the id is put in by string replacement.
    detail = reverse("secretariat:expert_detail", args=[987654321])
    for row in rows:
        row["areas"], row["languages"] = [], []
        row["url"] = detail.replace("987654321", str(row["id"]))
        en, fr = row["home_administration__name_en"], row["home_administration__name_fr"]
        row["home"] = (fr if french else en) or "-"
    for expert_id, en, fr, years in Expertise.objects.filter(expert__in=by_pk).values_list(
        "expert_id", "area__name_en", "area__name_fr", "years"
    ):
        by_pk[expert_id]["areas"].append({"name_en": en, "name_fr": fr, "years": years})
    levels = {value: str(label).split(" ")[0] for value, label in Proficiency.choices}
    for expert_id, code, level in ExpertLanguage.objects.filter(expert__in=by_pk).values_list(
        "expert_id", "language__code", "proficiency"
    ):
        by_pk[expert_id]["languages"].append({"code": code, "level": levels[level]})
    for row in rows:
        row["areas_text"] = "; ".join(
            f"{(a['name_fr'] if french else a['name_en'])} ({a['years']})" for a in row["areas"]
        )
        row["languages_text"] = ", ".join(
            f"{lang['code'].upper()} {lang['level']}" for lang in row["languages"]
        )
