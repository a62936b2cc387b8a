"""The languages, areas of expertise and accreditations of the experts in a chunk of an export,
one text each: "French (C1); English (B2)", "Risk management (8 years); Transit (3 years)",
"TOA · Risk management · Accredited · until 2028-05-01".

One grouped query per kind and chunk returns, per expert, the ids and levels of their rows as
a short code ("47:5,37:4"); the texts are made here from reference names and labels read and
translated once per export, each item's text once ("47:5" is "French (C1)" for every expert).
Building the texts in SQL instead (joined names, ordered aggregates) measured no faster: the
cost is PostgreSQL's reading ~5 rows an expert, either way.
"""

from django.db import connection
from django.db.models import BooleanField, CharField, Q, StringAgg, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from experts.enums import AccreditationState, Proficiency
from experts.models import (
    Accreditation,
    Expertise,
    ExpertLanguage,
    Language,
    ProfileType,
    ThematicArea,
)
from experts.services import search

# Item texts kept per kind before the cache starts again (there are ~1 300 languages at a
# level and ~1 700 areas with years).
CACHE_SIZE = 20_000


class IdSet:
    """A chunk of expert ids as a query condition: on PostgreSQL one array parameter, built
    once for the chunk's queries (Django's ``__in`` binds one parameter per id, ~20 ms for a
    chunk of 5 000)."""

    def __init__(self, pks: list):
        self.pks = pks
        self.array = "{" + ",".join(str(int(pk)) for pk in pks) + "}"

    def condition(self, model, field: str):
        if not search.is_postgresql():
            return Q(**{f"{field}__in": self.pks})
        quote = connection.ops.quote_name
        column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
        return RawSQL(f"{column} = ANY(%s::bigint[])", (self.array,), output_field=BooleanField())


def _names(model, french: bool) -> dict:
    """pk -> (name in the active language, English name to sort by), as BilingualName.name
    says it (English when the French one is empty)."""
    return {
        pk: (fr if french and fr else en, en)
        for pk, en, fr in model.objects.values_list("pk", "name_en", "name_fr")
    }


def _years(n: int) -> str:
    return ngettext("%(years)s year", "%(years)s years", n) % {"years": n}


def _codes(model, ids: IdSet, *fields) -> dict:
    """expert id -> "a:b,a:b", the ``fields`` of each of ``model``'s rows of those experts (in
    no order: the texts are sorted here)."""
    parts = []
    for field in fields:
        parts += [Cast(field, CharField()), Value(":")]
    return dict(
        model.objects.filter(ids.condition(model, "expert"))
        .order_by()  # no model ordering: it would join and group by the reference names
        .values("expert_id")
        .annotate(codes=StringAgg(Concat(*parts[:-1]), delimiter=Value(",")))
        .values_list("expert_id", "codes")
    )


class _Entries(dict):
    """item code -> (sort key, text), each made once (``make``) on first use."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, item):
        entry = self[item] = self.make(item)
        return entry


class Summaries:
    """Reference names and translated labels, read once per export (three queries)."""

    def __init__(self):
        french = (get_language() or "en").startswith("fr")
        # "C1" of "C1 - Advanced"; "Native" whole.
        self.levels = {
            str(value): str(label).split(" - ")[0] for value, label in Proficiency.choices
        }
        self.language_names = {str(pk): names for pk, names in _names(Language, french).items()}
        self.area_names = {str(pk): names for pk, names in _names(ThematicArea, french).items()}
        self.years = {str(n): _years(n) for n in range(61)}  # what a profile may say
        self.profiles = {
            str(pk): code for pk, code in ProfileType.objects.values_list("pk", "code")
        }
        self.states = {value: str(label) for value, label in AccreditationState.choices}
        self.until = _("until %(date)s")
        self.held = _Entries(self._held)
        self.languages = _Entries(self._language)
        self.areas = _Entries(self._area)

    def of(self, ids: IdSet) -> tuple[dict, dict, dict]:
        """expert id -> text of their languages, areas and accreditations: three queries."""
        for entries in (self.languages, self.areas, self.held):
            if len(entries) > CACHE_SIZE:  # bounded memory on any reference data
                entries.clear()
        languages = _codes(ExpertLanguage, ids, "language_id", "proficiency")
        areas = _codes(Expertise, ids, "area_id", "years")
        held = _codes(Accreditation, ids, "profile_type_id", "area_id", "state", "valid_until")
        return (
            _texts(languages, self.languages.__getitem__),
            _texts(areas, self.areas.__getitem__),
            # Not kept: the end dates make nearly every accreditation's text its own.
            _texts(held, self._accreditation),
        )

    # Each item's (sort key, text): the sort keys order an expert's items as the profile does.

    def _language(self, item: str):
        """The best level first, then by English name (as the directory lists them)."""
        language, _sep, level = item.partition(":")
        name, english = self.language_names[language]
        return (-int(level), english), f"{name} ({self.levels[level]})"

    def _area(self, item: str):
        """The most years first, then by English name."""
        area, _sep, years = item.partition(":")
        name, english = self.area_names[area]
        text = f"{name} ({self.years.get(years) or _years(int(years))})"
        return (-int(years), english), text

    def _held(self, item: str):
        """By area (English name), then profile."""
        profile, area, state = item.split(":")
        name, english = self.area_names[area]
        code = self.profiles[profile]
        return (english, code), f"{code} · {name} · {self.states[state]}"

    def _accreditation(self, item: str):
        held, _sep, valid_until = item.rpartition(":")
        key, text = self.held[held]
        if valid_until:
            return key, text + " · " + self.until % {"date": valid_until}
        return key, text


def _texts(codes: dict, entry) -> dict:
    """expert id -> "text; text" of their items (``entry(item)`` is its sort key and text), in
    the order of the items' sort keys."""
    texts = {}
    for expert, code in codes.items():
        if "," in code:
            entries = sorted(map(entry, code.split(",")))
            texts[expert] = "; ".join(text for _key, text in entries)
        else:
            texts[expert] = entry(code)[1]
    return texts
