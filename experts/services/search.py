"""Full-text search over experts: the stored, weighted search vector and the query for it.

The vector is kept in SQL (one UPDATE for any number of experts) because it draws on three
tables: the expert (name A; position, unit B; biography C), their Member administration (B) and
their areas of expertise with descriptions (B). Text is unaccented and indexed with the 'simple'
configuration: names and an English/French mix do not stem well.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import CharField, F, FloatField, Func, Q, Value

REFRESH_SQL = """
UPDATE experts_expert AS e SET search_vector =
    setweight(to_tsvector('simple', unaccent(e.given_names || ' ' || e.family_name)), 'A')
 || setweight(to_tsvector('simple', unaccent(concat_ws(' ', e.position, e.unit,
        m.name_en, m.name_fr, areas.text))), 'B')
 || setweight(to_tsvector('simple', unaccent(e.biography)), 'C')
FROM experts_expert AS source
LEFT JOIN experts_memberadministration AS m ON m.id = source.home_administration_id
LEFT JOIN LATERAL (
    SELECT string_agg(concat_ws(' ', t.name_en, t.name_fr, x.description), ' ') AS text
    FROM experts_expertise AS x JOIN experts_thematicarea AS t ON t.id = x.area_id
    WHERE x.expert_id = source.id
) AS areas ON true
WHERE e.id = source.id
"""


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def refresh_search_vectors(pks=None) -> None:
    """Recompute the search vector of the given experts (all when ``pks`` is None)."""
    if not is_postgresql():
        return
    with connection.cursor() as cursor:
        if pks is None:
            cursor.execute(REFRESH_SQL)
        else:
            cursor.execute(REFRESH_SQL + " AND e.id = ANY(%s)", [list(pks)])


def text_query(text: str):
    """The tsquery for what a person typed: web-search syntax ("quoted phrase", -not, or)."""
    # search_unaccent (migration 0011) is unaccent declared IMMUTABLE, so that PostgreSQL builds
    # the tsquery once when planning instead of once per row it filters or ranks.
    unaccented = Func(Value(text), function="search_unaccent", output_field=CharField())
    return SearchQuery(unaccented, search_type="websearch", config="simple")


def prefix_query(text: str):
    """Every word of ``text`` as the start of a word of the profile: "ris audit" finds "Risk
    management" and "auditor". What a substring search found, through the index."""
    words = re.findall(r"\w+", text)[:8]
    raw = " & ".join(f"{word}:*" for word in words)
    unaccented = Func(Value(raw), function="search_unaccent", output_field=CharField())
    return SearchQuery(unaccented, search_type="raw", config="simple")


def admin_search(queryset, text: str):
    """The admin's expert search: the directory's index by word prefixes, or the login email.

    The admin used to search 11 fields by substring (two seconds at 100 000 experts, and a
    DISTINCT over the joins); the search vector holds the same fields but the email, so a
    search with an "@" looks at the login email (by its start) instead.
    """
    text = text.strip()[:200]
    if not text:
        return queryset
    if "@" in text:
        return queryset.filter(user__email__istartswith=text)
    if not is_postgresql() or not re.search(r"\w", text):
        return search(queryset, text, rank=False)
    return queryset.filter(search_vector=prefix_query(text))


def search(queryset, text: str, *, rank: bool):
    """Experts matching ``text``; on PostgreSQL with a ``rank`` annotation when asked."""
    text = text.strip()[:200]
    if not text:
        return queryset
    if not is_postgresql():  # the local run: a plain substring search is enough
        words = Q()
        for word in text.split()[:8]:
            words &= (
                Q(family_name__icontains=word)
                | Q(given_names__icontains=word)
                | Q(position__icontains=word)
                | Q(biography__icontains=word)
            )
        queryset = queryset.filter(words)
        # No ranking here, but the relevance sort still needs a rank to order by.
        return queryset.annotate(rank=Value(0.0, output_field=FloatField())) if rank else queryset
    query = text_query(text)
    queryset = queryset.filter(search_vector=query)
    if rank:
        queryset = queryset.annotate(rank=SearchRank(F("search_vector"), query))
    return queryset
