"""The library's search: what a material is found by, in which order, and never by a word
that only an unpublished draft holds."""

import hashlib
import logging

import pytest
from django.db import connection

from materials.enums import VersionReview
from materials.models import Material, MaterialVersion
from materials.services import search
from tests.materials.extraction_documents import add_version, make_material, pdf_bytes, publish

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the local SQLite run searches by substring"
)


def found(text: str, queryset=None) -> list[int]:
    queryset = Material.objects.all() if queryset is None else queryset
    return [material.pk for material in search.search(queryset, text)]


def with_text(material, text: str, *, by, publish_it=False, **fields):
    """A version of ``material`` whose text was read (as the extraction task leaves it)."""
    version = add_version(material, pdf_bytes("unused"), ".pdf", by=by, **fields)
    MaterialVersion.objects.filter(pk=version.pk).update(text=text, extraction="done")
    if publish_it:
        publish(material, version)
    search.refresh_material(material.pk)
    return version


@pytest.fixture
def material(ecommerce, officer):
    return make_material(
        ecommerce,
        by=officer,
        title="Risk indicators for postal traffic",
        description="A handbook for the selection of consignments.",
        tags="undervaluation, counterfeits",
    )


def test_search_finds_by_title_description_tags_and_text(material, officer):
    with_text(material, "The zephyrine method of profiling.", by=officer)

    for word in ("postal", "consignments", "counterfeits", "zephyrine"):
        assert found(word) == [material.pk], word


def test_search_word_prefix_finds_the_whole_word(material, officer):
    with_text(material, "Indicators of zephyrine shipments.", by=officer)

    assert found("zephyr") == [material.pk]
    assert found("indic postal") == [material.pk]  # every word, each by its start


def test_search_every_word_must_match(material, officer):
    with_text(material, "zephyrine", by=officer)

    assert found("zephyrine counterfeits") == [material.pk]
    assert found("zephyrine transshipment") == []


def test_search_by_the_area_name(material, transit, officer):
    make_material(transit, by=officer, title="Transit guarantees")

    assert found(material.area.name_en) == [material.pk]


def test_renaming_the_area_reindexes_its_materials(
    material, transit, officer, django_capture_on_commit_callbacks
):
    # post_save: whatever saves the area (its admin page, a shell, a data migration).
    other = make_material(transit, by=officer, title="Transit guarantees")
    area = material.area
    area.name_en, area.name_fr = "Cross-border zephyrine commerce", "Commerce zéphyrin"
    with django_capture_on_commit_callbacks(execute=True):
        area.save()

    assert found("zephyrine") == [material.pk]
    assert found("zephyrin") == [material.pk]  # the French name too
    assert found(transit.name_en) == [other.pk]


def test_search_no_text_returns_the_queryset_and_punctuation_nothing(material):
    queryset = Material.objects.all()

    assert search.search(queryset, "  ") is queryset
    assert found("?!") == []


def test_search_title_match_ranks_before_text_match(ecommerce, officer):
    in_text = make_material(ecommerce, by=officer, title="Postal handbook")
    with_text(in_text, "zephyrine " * 50, by=officer)
    described = make_material(ecommerce, by=officer, title="Case study", description="zephyrine")
    in_title = make_material(ecommerce, by=officer, title="The zephyrine exercise")

    assert found("zephyrine") == [in_title.pk, described.pk, in_text.pk]


def test_search_published_material_not_found_by_a_word_only_in_its_draft(material, officer, carol):
    published = with_text(material, "The approved method.", by=officer, publish_it=True)
    with_text(material, "The zephyrine method, still in review.", by=officer)
    seen_by_carol = Material.objects.visible_to(carol.user)

    material.refresh_from_db()
    assert material.body_text == "The approved method."
    assert found("approved", seen_by_carol) == [material.pk]
    assert found("zephyrine", seen_by_carol) == []
    assert found("zephyrine") == []  # nor by the Secretariat: one text a material

    # Approved: the approval service refreshes the material, and the word is found.
    publish(material, material.versions.get(number=published.number + 1))
    search.refresh_material(material.pk)
    assert found("zephyrine", seen_by_carol) == [material.pk]
    assert found("approved", seen_by_carol) == []


def test_search_material_never_published_is_found_by_its_newest_version(material, officer):
    with_text(material, "first draft boreal", by=officer, review=VersionReview.RETURNED)
    with_text(material, "second draft zephyrine", by=officer)

    assert found("zephyrine") == [material.pk]
    assert found("boreal") == []


def test_search_published_version_without_text_hides_the_draft_text(material, officer):
    with_text(material, "", by=officer, publish_it=True)  # a scanned PDF
    with_text(material, "zephyrine", by=officer)

    assert found("zephyrine") == []


def test_search_edited_title_is_found_after_refresh(material):
    Material.objects.filter(pk=material.pk).update(title="Guidelines on zephyrine storage")
    if connection.vendor == "postgresql":  # the stored vector: stale until refreshed
        assert found("zephyrine") == []

    search.refresh_material(material.pk)

    assert found("zephyrine") == [material.pk]
    assert found("postal") == []


def test_search_refresh_all_in_as_many_queries_for_any_number(
    ecommerce, officer, django_assert_num_queries
):
    def refresh_counted(count: int) -> int:
        for number in range(count):
            make_material(ecommerce, by=officer, title=f"zephyrine {number}")
        # The UPDATEs of the text and of the vector, in savepoints.
        with django_assert_num_queries(6 if connection.vendor == "postgresql" else 3) as ctx:
            search.refresh_search_vectors()
        return len(ctx.captured_queries)

    assert refresh_counted(1) == refresh_counted(10)
    assert len(found("zephyrine")) == 11


@postgresql_only
def test_search_accents_are_ignored(material, officer):
    with_text(material, "Sécurité du réseau postal.", by=officer)

    assert found("reseau") == [material.pk]
    assert found("sécu") == [material.pk]
    assert found("RÉSEAU") == [material.pk]


@postgresql_only
def test_search_web_search_syntax(ecommerce, officer):
    both = make_material(ecommerce, by=officer, title="Risk indicators")
    with_text(both, "postal traffic zephyrine", by=officer)
    only_risk = make_material(ecommerce, by=officer, title="Risk management")

    assert found('"risk indicators"') == [both.pk]
    assert found("risk -zephyrine") == [only_risk.pk]
    assert set(found("zephyrine or management")) == {both.pk, only_risk.pk}


@postgresql_only
def test_search_text_too_varied_for_one_vector_is_indexed_in_part(ecommerce, officer, caplog):
    # About a million characters of distinct codes: more than a tsvector holds (1 MB).
    codes = " ".join(hashlib.md5(str(n).encode()).hexdigest() for n in range(31_000))
    huge = make_material(ecommerce, by=officer, title="Seizure register")
    with_text(huge, "zephyrine " + codes, by=officer)
    other = make_material(ecommerce, by=officer, title="Register of zephyrine seizures")

    caplog.clear()
    with caplog.at_level(logging.INFO, logger="materials"):
        search.refresh_search_vectors()  # the batch fails on one, and falls back for it alone

    assert [record.getMessage() for record in caplog.records] == [
        f"Material {huge.pk} has too many distinct words: indexed in part."
    ]

    assert set(found("zephyrine")) == {huge.pk, other.pk}
    assert found(codes.split()[1000]) == [huge.pk]
    huge.refresh_from_db()
    assert huge.body_text.endswith(codes[-32:])  # the searched text itself is kept whole
