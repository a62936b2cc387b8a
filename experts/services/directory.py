# Over 500 lines: filters, keyset pages and row SQL share one query-count budget.
"""The Secretariat's expert directory: filters in the URL, one queryset, keyset pages.

A page costs a fixed number of queries whatever its size or depth: the ids of the matches (at
most COUNT_CAP + 1: the capped total) and the page's rows with their areas and languages (see
page_of). The filter form renders its ~900 options once per version of the reference data.
"""

import base64
import functools
import json
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, TextField
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ace_portal.widgets import (
    FieldGroups,
    FixedChoices,
    LeanDateInput,
    LeanRadioSelect,
    LeanSelect,
    LeanSelectMultiple,
    LeanTextInput,
    OptionList,
    escape_text,
)
from experts.enums import AccreditationState, EmploymentStatus, Gender, Proficiency
from experts.models import (
    Accreditation,
    Expert,
    Expertise,
    ExpertLanguage,
    Language,
    ThematicArea,
    UnavailablePeriod,
)
from experts.services import choices as reference
from experts.services import search

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


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, widget=LeanTextInput)
    area = forms.MultipleChoiceField(
        label=_("Areas of expertise"), required=False, widget=LeanSelectMultiple
    )
    area_mode = forms.ChoiceField(
        label=_("Match"),
        required=False,
        choices=FixedChoices([("all", _("has all of these")), ("any", _("has any of these"))]),
        initial="all",
        widget=LeanRadioSelect,
    )
    profile = forms.MultipleChoiceField(
        label=_("Accredited as (profile)"), required=False, widget=LeanSelectMultiple
    )
    accreditation_state = forms.MultipleChoiceField(
        label=_("Accreditation status"),
        required=False,
        choices=FixedChoices(AccreditationState.choices),
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
        choices=FixedChoices([("", "-")] + [(str(v), label) for v, label in Proficiency.choices]),
    )
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=LeanDateInput
    )
    available_to = forms.DateField(label=_("Available to"), required=False, widget=LeanDateInput)
    employment_status = forms.MultipleChoiceField(
        label=_("Employment status"),
        required=False,
        choices=FixedChoices(EmploymentStatus.choices),
        widget=LeanSelectMultiple,
    )
    gender = forms.MultipleChoiceField(
        label=_("Gender"),
        required=False,
        choices=FixedChoices(Gender.choices),
        widget=LeanSelectMultiple,
    )
    remote_only = forms.ChoiceField(
        label=_("Remote missions only"),
        required=False,
        choices=FixedChoices([("", _("Either")), ("yes", _("Yes")), ("no", _("No"))]),
        widget=LeanSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=FixedChoices(Sort.CHOICES), widget=LeanSelect
    )
    size = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        empty_value=25,
        choices=FixedChoices([(str(n), str(n)) for n in PAGE_SIZES]),
        widget=LeanSelect,
    )

    # Field -> (key in experts.services.choices' lists, with an empty choice first).
    REFERENCE_LISTS = {
        "area": ("areas", False),
        "profile": ("profiles", False),
        "region": ("regions", False),
        "administration": ("members", False),
        "language": ("languages", True),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and not self.data.get("area_mode"):
            # A bound form ignores initial values: show the "all" the search applies.
            self.data = self.data.copy()
            self.data["area_mode"] = "all"
        # Every choice field gets an OptionList kept for the version of the reference data (and
        # the language: labels are translated), so that its options are rendered once.
        snapshot = reference.snapshot()
        language = (get_language() or "en")[:2]
        lists = snapshot.lists(language)
        for name, field in self.fields.items():
            if name in self.REFERENCE_LISTS:
                key, blank = self.REFERENCE_LISTS[name]
                choices = [("", "-")] + lists[key] if blank else lists[key]
            elif isinstance(field, forms.ChoiceField):
                choices = field.choices
            else:
                continue
            # An OptionList is a BaseChoiceIterator: Django takes it as it is, without
            # normalising ~900 choices twice (field and widget) each request.
            field.choices = snapshot.derived((name, language), lambda c=choices: OptionList(c))

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
        return [(languages.render({code}), levels.render({level})) for code, level in rows]


def filter_experts(criteria: dict):
    """The experts matching the cleaned criteria of a DirectoryForm (a lazy queryset)."""
    experts = Expert.objects.all()
    text = (criteria.get("q") or "").strip()
    sort = criteria.get("sort") or (Sort.RELEVANCE if text else Sort.NAME)
    if sort == Sort.RELEVANCE and not text:
        sort = Sort.NAME  # nothing to rank by
    experts = search.search(experts, criteria.get("q") or "", rank=sort == Sort.RELEVANCE)
    # The conditions go to one filter() call: each call copies the whole query (~0.2 ms for a
    # search with four filters). Every condition is a subquery or on a single-valued relation,
    # so one call means the same as one call each.
    conditions = []
    areas = [int(pk) for pk in criteria.get("area") or []]
    if areas and criteria.get("area_mode") == "any":
        conditions.append(Exists(Expertise.objects.filter(expert=OuterRef("pk"), area__in=areas)))
    else:
        conditions += [
            Exists(Expertise.objects.filter(expert=OuterRef("pk"), area=area)) for area in areas
        ]
    states, profiles = criteria.get("accreditation_state"), criteria.get("profile")
    if states or profiles:
        held = Accreditation.objects.filter(expert=OuterRef("pk"))
        held = held.filter(state__in=states) if states else held.live()
        if profiles:
            held = held.filter(profile_type__in=profiles)
        if areas:
            held = held.filter(area__in=areas)
        conditions.append(Exists(held))
    if criteria.get("region"):
        conditions.append(Q(home_administration__region__in=criteria["region"]))
    if criteria.get("administration"):
        conditions.append(Q(home_administration__in=criteria["administration"]))
    conditions += [
        Exists(
            ExpertLanguage.objects.filter(
                expert=OuterRef("pk"), language=code, proficiency__gte=level
            )
        )
        for code, level in criteria.get("languages") or []
    ]
    start, end = criteria.get("available_from"), criteria.get("available_to")
    if start and end:
        # Inclusive dates: a period that ends on the first day (or starts on the last) clashes.
        clash = UnavailablePeriod.objects.filter(
            expert=OuterRef("pk"), start_date__lte=end, end_date__gte=start
        )
        conditions.append(~Exists(clash))
    if criteria.get("employment_status"):
        conditions.append(Q(employment_status__in=criteria["employment_status"]))
    if criteria.get("gender"):
        conditions.append(Q(gender__in=criteria["gender"]))
    if criteria.get("remote_only") in ("yes", "no"):
        conditions.append(Q(remote_only=criteria["remote_only"] == "yes"))
    return (experts.filter(*conditions) if conditions else experts), sort


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


def after_key(keyset, values):
    """Rows after ``values`` (field values, see decode_cursor) in the keyset's order, written
    so that the database starts an index range at the cursor instead of scanning from the top.

    On PostgreSQL, a keyset in one direction is a row comparison, which is the index range
    itself. Otherwise the disjunction gets a redundant bound on the first column, where the
    range starts; rows sharing the cursor's first value are then filtered one by one (198 for a
    common family name at 100 000 experts)."""
    directions = {descending for _name, descending in keyset}
    if len(directions) == 1 and search.is_postgresql():
        quote = connection.ops.quote_name
        table = quote(Expert._meta.db_table)
        columns = ", ".join(
            f"{table}.{quote(Expert._meta.get_field(name).column)}" for name, _desc in keyset
        )
        placeholders = ", ".join(["%s"] * len(values))
        operator = "<" if directions.pop() else ">"
        return RawSQL(
            f"({columns}) {operator} ({placeholders})", list(values), output_field=BooleanField()
        )
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
    """One page of rows (dicts) plus a capped total; rows carry their areas and languages.

    Two queries whatever the size, depth or sort. The first reads the ids of the matches: up to
    COUNT_CAP + 1 of them, in no order for a keyset sort (the capped total; without an ORDER BY
    PostgreSQL stops after COUNT_CAP + 1 matches), ranked for relevance (which ranks every
    match whatever the page). The second reads the page's rows with their areas and languages.
    When the first query saw every match, the second picks the page among their ids: the
    filters run once.
    """
    keyset = KEYSETS.get(sort)
    if keyset:
        ids = _ids(experts.order_by()[: COUNT_CAP + 1])
        total = len(ids)
        # More matches than the cap: the page comes from the filters again, written so that an
        # index range starts at the cursor (after_key) rather than at the top.
        source = experts if total > COUNT_CAP else _with_ids(ids)
        ordered = source.order_by(*ORDERINGS[sort])
        values = decode_cursor(after, keyset) if after else None
        if values:
            ordered = ordered.filter(after_key(keyset, values))
        rows = _rows(ordered, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        columns = [name for name, _ in keyset]
        next_cursor = encode_cursor([rows[-1][c] for c in columns]) if more and rows else None
        return Page(rows, min(total, COUNT_CAP), total > COUNT_CAP, next_cursor, None, None, 1)
    number = max(1, min(number, COUNT_CAP // size + 1))
    start = (number - 1) * size
    limit = max(COUNT_CAP + 1, start + size + 1)
    ranked = _ids(experts.order_by(*ORDERINGS[sort])[:limit])
    total = min(len(ranked), COUNT_CAP + 1)
    ids = ranked[start : start + size + 1]
    more = len(ids) > size
    ids = ids[:size]
    by_pk = {row["id"]: row for row in _rows(_with_ids(ids).order_by())}
    rows = [by_pk[pk] for pk in ids if pk in by_pk]
    return Page(
        rows,
        min(total, COUNT_CAP),
        total > COUNT_CAP,
        None,
        number + 1 if more else None,
        number - 1 if number > 1 else None,
        number,
    )


def _ids(experts) -> list:
    """The ids of ``experts`` (sliced), read with a plain cursor: Django's iterator costs
    ~0.3 us a row, 0.3 ms for the thousand ids of a capped total."""
    try:
        sql, params = experts.values_list("pk").query.sql_with_params()
    except EmptyResultSet:  # a condition that nothing can meet: Django runs no query either
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _with_ids(ids):
    """The experts whose ids are in ``ids`` (up to COUNT_CAP + 1 of them). On PostgreSQL as one
    array parameter: Django's pk__in binds one parameter per id, ~4 ms for a thousand."""
    if not search.is_postgresql():
        return Expert.objects.filter(pk__in=ids)
    column = connection.ops.quote_name(Expert._meta.pk.column)
    array = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
    return Expert.objects.filter(
        RawSQL(
            f"{connection.ops.quote_name(Expert._meta.db_table)}.{column} = ANY(%s::bigint[])",
            (array,),
            output_field=BooleanField(),
        )
    )


def _rows(experts, limit: int | None = None) -> list:
    """The rows of ``experts`` (the first ``limit``) as dicts, each with its texts ready to
    print (link, administration, areas, languages): the template's loops and lookups would cost
    more than the queries. On PostgreSQL one query: the areas and languages are correlated
    subqueries, which PostgreSQL evaluates for the returned rows only (after the sort and
    limit); elsewhere (the local run on SQLite) two more queries for the page."""
    french = (get_language() or "en")[:2] == "fr"
    inline = search.is_postgresql()
    if inline:
        areas_sql, languages_sql = _summary_sql(french)
        experts = experts.annotate(
            areas_agg=RawSQL(areas_sql, (), output_field=TextField()),
            languages_agg=RawSQL(languages_sql, (), output_field=TextField()),
        )
        rows = list(experts.values(*ROW_FIELDS, "areas_agg", "languages_agg")[:limit])
    else:
        rows = list(experts.values(*ROW_FIELDS)[:limit])
        _attach_summaries(rows, french)
    levels = _level_names()
    # One reverse() for the page: the id is put in by string replacement.
    detail = reverse("secretariat:expert_detail", args=[987654321])
    for row in rows:
        row["url"] = detail.replace("987654321", str(row["id"]))
        en, fr = row["home_administration__name_en"], row["home_administration__name_fr"]
        row["home"] = (fr if french else en) or "-"
        if inline:
            row["areas_text"] = row.pop("areas_agg") or ""
            pairs = row.pop("languages_agg")
            row["languages_text"] = (
                ", ".join(
                    f"{code.upper()} {levels[int(level)]}"
                    for code, _sep, level in (pair.rpartition(":") for pair in pairs.split(","))
                )
                if pairs
                else ""
            )
        row["html"] = row_html(row)
    return rows


def row_html(row) -> str:
    """One row of the results table, built here rather than in the template: its ten lookups
    and escapes a row cost ~0.7 ms a page of 25."""
    position = row["position"]
    region = row["home_administration__region__code"]
    return mark_safe(
        "<tr>\n"
        f'        <td><a href="{escape_text(row["url"])}">{escape_text(row["family_name"])},'
        f" {escape_text(row['given_names'])}</a>"
        + (f'<br><span class="help">{escape_text(position)}</span>' if position else "")
        + "</td>\n"
        f"        <td>{escape_text(row['home'])}"
        + (f' <span class="badge">{escape_text(region)}</span>' if region else "")
        + "</td>\n"
        f"        <td>{escape_text(row['areas_text'])}</td>\n"
        f"        <td>{escape_text(row['languages_text'])}</td>\n"
        f"        <td>{escape_text(row['completeness'])}%</td>\n"
        "      </tr>"
    )


@functools.cache
def _summary_sql(french: bool) -> tuple[str, str]:
    """The SQL of the page rows' areas ("Name (years); ...", most years first) and languages
    ("code:proficiency,...", best first, then by English name), correlated to the outer
    experts_expert row. Written out rather than built with Subquery(StringAgg(Concat(...))),
    whose compilation cost ~1.5 ms a page."""

    def table(model):
        return connection.ops.quote_name(model._meta.db_table)

    def column(model, name):
        return connection.ops.quote_name(model._meta.get_field(name).column)

    outer = f"{table(Expert)}.{column(Expert, 'id')}"
    # The names by scalar subqueries (an index lookup each): joined, PostgreSQL hashes the whole
    # reference table once per row of the page.
    name = column(ThematicArea, "name_fr" if french else "name_en")
    area = (
        f"(SELECT t.{name} FROM {table(ThematicArea)} t"
        f" WHERE t.{column(ThematicArea, 'id')} = x.{column(Expertise, 'area')})"
    )
    years = f"x.{column(Expertise, 'years')}"
    areas = (
        f"(SELECT string_agg(concat({area}, ' (', {years}, ')'), '; '"
        f" ORDER BY {years} DESC, x.{column(Expertise, 'id')})"
        f" FROM {table(Expertise)} x WHERE x.{column(Expertise, 'expert')} = {outer})"
    )

    def language(field):
        return (
            f"(SELECT l.{column(Language, field)} FROM {table(Language)} l"
            f" WHERE l.{column(Language, 'id')} = x.{column(ExpertLanguage, 'language')})"
        )

    proficiency = f"x.{column(ExpertLanguage, 'proficiency')}"
    languages = (
        f"(SELECT string_agg(concat({language('code')}, ':', {proficiency}), ','"
        f" ORDER BY {proficiency} DESC, {language('name_en')}, x.{column(ExpertLanguage, 'id')})"
        f" FROM {table(ExpertLanguage)} x WHERE x.{column(ExpertLanguage, 'expert')} = {outer})"
    )
    return areas, languages


def _level_names() -> dict:
    """Proficiency -> its short name in the active language ("C1" of "C1 - Advanced"; a name
    without a level code, such as "Native" or "Langue maternelle", whole)."""
    return {value: str(label).split(" - ")[0] for value, label in Proficiency.choices}


def _attach_summaries(rows: list, french: bool) -> None:
    """The local run's (SQLite) areas and languages: two queries for the whole page, in the
    same order as _summary_sql's."""
    by_pk = {row["id"]: row for row in rows}
    for row in rows:
        row["areas"], row["languages"] = [], []
    if by_pk:
        areas = Expertise.objects.filter(expert__in=by_pk).order_by("-years", "id")
        for expert_id, en, fr, years in areas.values_list(
            "expert_id", "area__name_en", "area__name_fr", "years"
        ):
            by_pk[expert_id]["areas"].append((fr if french else en, years))
        languages = ExpertLanguage.objects.filter(expert__in=by_pk).order_by(
            "-proficiency", "language__name_en", "id"
        )
        for expert_id, code, level in languages.values_list(
            "expert_id", "language__code", "proficiency"
        ):
            by_pk[expert_id]["languages"].append((code, level))
    levels = _level_names()
    for row in rows:
        row["areas_text"] = "; ".join(f"{name} ({years})" for name, years in row.pop("areas"))
        row["languages_text"] = ", ".join(
            f"{code.upper()} {levels[level]}" for code, level in row.pop("languages")
        )
