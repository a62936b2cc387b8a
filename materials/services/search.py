"""Full-text search over the library: the stored body text and weighted search vector of each
material, and the query for them.

A material is searched by its title (weight A), its tags, description and the names of its
area (B), and the text of one version (C): the published version's when it has one, else the
newest's. Never the text of a draft of a published material: the experts of the area see only
the approved version, and must not find it by a word that is only in a draft.

On PostgreSQL the vector is kept in SQL like the experts' (experts/services/search.py): the
'simple' configuration over unaccented text (an English and French mix does not stem well),
queried through the GIN index of migration 0002. On SQLite (the local run) a substring search
over the same fields stands in.
"""

import logging
import re

from django.contrib.postgres.search import SearchRank
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, FloatField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from experts.services.search import is_postgresql, prefix_query, text_query
from materials.models import Material, MaterialVersion

logger = logging.getLogger(__name__)

VECTOR_SQL = """
UPDATE materials_material AS m SET search_vector =
    setweight(to_tsvector('simple', search_unaccent(m.title)), 'A')
 || setweight(to_tsvector('simple', search_unaccent(concat_ws(' ', m.tags, {description},
        a.name_en, a.name_fr))), 'B')
 || setweight(to_tsvector('simple', search_unaccent({body})), 'C')
FROM experts_thematicarea AS a
WHERE a.id = m.area_id
"""
# A tsvector holds at most 1 MB of words and positions. A text of a million characters of
# prose stays far below; a million characters of distinct codes (a spreadsheet of invoice
# numbers) does not. Such a material is indexed on the start of its text: at most 4 bytes a
# character even for single-character words, so these always fit.
SAFE_BODY_CHARS = 200_000
SAFE_DESCRIPTION_CHARS = 20_000
MAX_QUERY_CHARS = 200
# Quotes, "or" or a leading minus: the person wrote a web-search query, taken as such.
_OPERATORS = re.compile(r'"|(?:^|\s)-\w|\sor\s', re.IGNORECASE)


def refresh_material(pk: int) -> None:
    """Recompute the body text and search vector of one material: after its text was read,
    its published version changed, or its title, tags or description were edited."""
    refresh_search_vectors([pk])


def refresh_area(sender=None, instance=None, **kwargs) -> None:
    """A thematic area was saved (renamed in the admin, perhaps): once committed, recompute
    the search entries of its materials, which hold its English and French names. Connected
    to the area's post_save in apps.py; an area has at most a few hundred materials."""
    if instance is None or kwargs.get("raw"):  # loading a fixture: nothing indexed yet
        return
    area_pk = instance.pk
    transaction.on_commit(
        lambda: refresh_search_vectors(
            Material.objects.filter(area_id=area_pk).values_list("pk", flat=True)
        )
    )


def refresh_search_vectors(pks=None) -> None:
    """Recompute the body text and search vector of the given materials (all when ``pks`` is
    None), in two UPDATE statements whatever their number. Side effects: ``body_text`` and
    ``search_vector`` written; ``updated_at`` left alone (nothing a person changed)."""
    pks = None if pks is None else list(pks)
    if pks == []:
        return
    materials = Material.objects.all() if pks is None else Material.objects.filter(pk__in=pks)
    with transaction.atomic():
        materials.update(body_text=_searched_text())
        if is_postgresql():
            _update_vectors(pks)


def _searched_text():
    """The text of the published version when there is one (even an empty one: a scanned
    PDF), else of the newest version. Both read off the row being updated, so an approval
    committed while this statement waited for the row is seen."""
    # order_by(): the default ordering (by material) would join materials_material inside the
    # subquery, and the outer row's published_version_id would then name the joined row.
    published = (
        MaterialVersion.objects.filter(pk=OuterRef("published_version")).order_by().values("text")
    )
    newest = (
        MaterialVersion.objects.filter(material=OuterRef("pk")).order_by("-number").values("text")
    )
    return Coalesce(Subquery(published[:1]), Subquery(newest[:1]), Value(""))


def _update_vectors(pks: list[int] | None) -> None:
    try:
        with transaction.atomic():  # a savepoint: the statement may fail on one material
            _execute_vector_sql(pks, safe=False)
    except OperationalError as error:
        if not _too_long_for_tsvector(error):
            raise
        # One of them has too many distinct words: one by one, so the others keep all theirs.
        for pk in Material.objects.values_list("pk", flat=True) if pks is None else pks:
            try:
                with transaction.atomic():
                    _execute_vector_sql([pk], safe=False)
            except OperationalError as error:
                if not _too_long_for_tsvector(error):
                    raise
                logger.info("Material %s has too many distinct words: indexed in part.", pk)
                _execute_vector_sql([pk], safe=True)


def _too_long_for_tsvector(error) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == "54000"  # program_limit_exceeded


def _execute_vector_sql(pks: list[int] | None, *, safe: bool) -> None:
    if safe:
        sql = VECTOR_SQL.format(
            description=f"left(m.description, {SAFE_DESCRIPTION_CHARS})",
            body=f"left(m.body_text, {SAFE_BODY_CHARS})",
        )
    else:
        sql = VECTOR_SQL.format(description="m.description", body="m.body_text")
    with connection.cursor() as cursor:
        if pks is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql + " AND m.id = ANY(%s)", [pks])


def search(queryset, text: str):
    """The materials of ``queryset`` matching what a person typed, best first, annotated
    with ``rank`` (a title match before a description match before a match in the text).

    Each word matches the start of a word ("indic" finds "indicators"); a query with quotes,
    "or" or "-word" is read as a web search ("risk indicators" -transit). No text: the
    queryset unchanged.
    """
    text = (text or "").strip()[:MAX_QUERY_CHARS]
    if not text:
        return queryset
    if not re.search(r"\w", text):
        return queryset.none()
    if not is_postgresql():
        return _substring_search(queryset, text)
    query = text_query(text) if _OPERATORS.search(text) else prefix_query(text)
    return (
        queryset.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-updated_at", "-pk")
    )


def _substring_search(queryset, text: str):
    """SQLite: every word somewhere in the fields the vector holds, ranked by where."""
    match, rank = Q(), Value(0.0)
    for word in re.findall(r"\w+", text)[:8]:
        described = (
            Q(tags__icontains=word)
            | Q(description__icontains=word)
            | Q(area__name_en__icontains=word)
            | Q(area__name_fr__icontains=word)
        )
        match &= Q(title__icontains=word) | described | Q(body_text__icontains=word)
        rank += Case(
            When(title__icontains=word, then=Value(1.0)),
            When(described, then=Value(0.4)),
            default=Value(0.1),
            output_field=FloatField(),
        )
    return queryset.filter(match).annotate(rank=rank).order_by("-rank", "-updated_at", "-pk")
