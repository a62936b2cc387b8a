"""What an export holds (issue 12, item 3): the languages with levels, the areas of expertise
with years and the accreditations the Secretariat filters on; the rows in the order the
directory showed them (the sort the officer chose); XLSX cells typed, under a frozen header with
filters, and formulas neutralised without an apostrophe showing."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import openpyxl
import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from experts.enums import AccreditationPhase, AccreditationState, Proficiency
from experts.models import (
    Accreditation,
    Expert,
    ExpertExport,
    Expertise,
    ExpertLanguage,
    MemberAdministration,
    ProfileType,
)
from experts.services.exports import files as export
from experts.services.exports import jobs as exports
from experts.services.search import refresh_search_vectors
from tests.conftest import sign_in
from tests.factories import ExpertFactory, area, language

pytestmark = pytest.mark.django_db

URL = "/secretariat/experts/export/"
BOM = "\ufeff"
NEW_COLUMNS = ["Languages", "Areas of expertise", "Accreditations"]
COMMAND = "=cmd|' /C calc'!A0"


@pytest.fixture
def officer_client(client, officer):
    return sign_in(client, officer)


def accredit(expert, profile, area_code, state, valid_until=None):
    return Accreditation.objects.create(
        expert=expert,
        profile_type=ProfileType.objects.get(code=profile),
        area=area(area_code),
        state=state,
        phase=AccreditationPhase.COMPLETE,
        valid_until=valid_until,
    )


@pytest.fixture
def pool(db):
    """Three experts whose orders differ by name, last update and completeness."""
    now = timezone.now()
    lefevre = ExpertFactory(
        given_names="Élodie",
        family_name="Lefèvre",
        home_administration=MemberAdministration.objects.get(iso_code="FR"),
        position=COMMAND,
        years_in_customs=21,
        remote_only=True,
        date_of_birth=date(1975, 2, 14),
        passport_number="FR9876543",
        passport_expiry=date(2033, 6, 30),
        phone="+33 1 40 00 00 00",
    )
    for code, level in (("en", Proficiency.B2), ("fr", Proficiency.C1), ("es", Proficiency.B2)):
        ExpertLanguage.objects.create(expert=lefevre, language=language(code), proficiency=level)
    for code, years in (("transit", 3), ("risk-management", 8), ("hs-classification", 1)):
        Expertise.objects.create(expert=lefevre, area=area(code), years=years)
    accredit(lefevre, "TOA", "risk-management", AccreditationState.ACCREDITED, date(2028, 5, 1))
    accredit(lefevre, "DF", "transit", AccreditationState.NOMINATED)
    dupont = ExpertFactory(given_names="Jean", family_name="Dupont", position="Audit risk")
    abara = ExpertFactory(given_names="Kofi", family_name="Abara", position="Risk analyst")
    ExpertLanguage.objects.create(expert=abara, language=language("ar"), proficiency=7)
    for expert, completeness, days_ago in ((lefevre, 40, 3), (dupont, 90, 1), (abara, 60, 2)):
        # A queryset update: save() would set updated_at to now.
        Expert.objects.filter(pk=expert.pk).update(
            completeness=completeness, updated_at=now - timedelta(days=days_ago)
        )
    refresh_search_vectors()
    return {"lefevre": lefevre, "dupont": dupont, "abara": abara}


def csv_table(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def workbook(response):
    assert isinstance(response, FileResponse)
    return openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))


def row_of(table, family_name) -> dict:
    index = table[0].index("Family name")
    return dict(zip(table[0], next(r for r in table if r[index] == family_name), strict=True))


def family_names(table) -> list[str]:
    index = table[0].index("Family name")
    return [row[index] for row in table[1:]]


# --- The three new columns ------------------------------------------------------------------


def test_csv_has_languages_areas_and_accreditations(officer_client, pool):
    table = csv_table(officer_client.get(URL))
    assert table[0][-3:] == NEW_COLUMNS
    lefevre = row_of(table, "Lefèvre")
    # Best level first, then by name (as the directory lists them); display names, CEFR levels.
    assert lefevre["Languages"] == "French (C1); English (B2); Spanish (B2)"
    assert lefevre["Areas of expertise"] == (
        "Risk management (8 years); Transit (3 years); Harmonized System classification (1 year)"
    )
    assert lefevre["Accreditations"] == (
        "TOA · Risk management · Accredited · until 2028-05-01; DF · Transit · Nominated"
    )
    abara = row_of(table, "Abara")
    assert abara["Languages"] == "Arabic (Native)"
    assert (abara["Areas of expertise"], abara["Accreditations"]) == ("", "")
    dupont = row_of(table, "Dupont")
    assert [dupont[name] for name in NEW_COLUMNS] == ["", "", ""]
    assert dupont["Years in Customs"] == ""
    assert len({len(row) for row in table}) == 1  # every row as wide as the header


def test_sensitive_columns_stay_last(officer_client, pool):
    table = csv_table(officer_client.get(URL, {"sensitive": "1"}))
    assert table[0][-6:] == [*NEW_COLUMNS, "Date of birth", "Passport number", "Passport expiry"]
    assert row_of(table, "Lefèvre")["Passport expiry"] == "2033-06-30"


def test_names_follow_the_language_of_the_export(client, pool):
    from ace_portal.accounts.roles import Role
    from tests.conftest import _with_totp
    from tests.factories import UserFactory

    french = UserFactory(
        email="agent@wco.example", roles=[Role.SECRETARIAT], preferred_language="fr"
    )
    sign_in(client, _with_totp(french))
    table = csv_table(client.get(URL))
    assert table[0][1] == "Nom de famille"
    lefevre = next(row for row in table if row[1] == "Lefèvre")
    languages, areas, accreditations = lefevre[17:20]
    assert languages == "Français (C1); Anglais (B2); Espagnol (B2)"
    assert areas.startswith("Gestion des risques (8 ")
    assert accreditations.startswith("TOA · Gestion des risques · Accrédité(e) · ")


# --- The order on screen --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Abara", "Dupont", "Lefèvre"]),  # the directory's default: by name
        ({"sort": "name"}, ["Abara", "Dupont", "Lefèvre"]),
        ({"sort": "updated"}, ["Dupont", "Abara", "Lefèvre"]),  # the latest first
        ({"sort": "completeness"}, ["Dupont", "Abara", "Lefèvre"]),  # the most complete first
        ({"sort": "completeness", "region": "EUR"}, ["Lefèvre"]),
    ],
)
def test_rows_come_in_the_order_the_officer_chose(officer_client, pool, params, expected):
    from experts.models import Region

    if "region" in params:
        params = {**params, "region": str(Region.objects.get(code=params["region"]).pk)}
    assert family_names(csv_table(officer_client.get(URL, params))) == expected
    sheet = workbook(officer_client.get(URL, {**params, "format": "xlsx"})).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == expected


def test_relevance_order_follows_the_ranking(officer_client, pool):
    params = {"q": "risk", "sort": "relevance"}
    ranked = list(
        exports.filtered_experts("q=risk&sort=relevance").values_list("family_name", flat=True)
    )
    assert {"Abara", "Dupont"} <= set(ranked)  # "risk" in their position
    assert ranked != sorted(ranked)  # not the order by name
    assert family_names(csv_table(officer_client.get(URL, params))) == ranked


def test_a_job_keeps_the_sort(officer_client, pool, settings, django_capture_on_commit_callbacks):
    settings.ACE_EXPORT_STREAM_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.get(URL, {"sort": "updated"})
    job = ExpertExport.objects.get()
    assert job.query == "sort=updated"
    with job.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert names == ["Dupont", "Abara", "Lefèvre"]


def test_order_holds_across_chunks(pool):
    ExpertFactory.create_batch(7)  # Expert<n>: after the three by name
    experts = exports.filtered_experts("sort=completeness")
    expected = list(experts.values_list("pk", flat=True))
    chunks = list(export.row_chunks(experts, sensitive=False, size=3))
    assert [len(rows) for rows in chunks] == [3, 3, 3, 1]
    assert [row[0] for rows in chunks for row in rows] == expected
    assert expected[:3] == [pool["dupont"].pk, pool["abara"].pk, pool["lefevre"].pk]


# --- XLSX -----------------------------------------------------------------------------------


def test_xlsx_cells_are_typed(officer_client, pool):
    sheet = workbook(officer_client.get(URL, {"format": "xlsx", "sensitive": "1"})).active
    header = [cell.value for cell in sheet[1]]
    cells = {name: cell for name, cell in zip(header, sheet[2 + 2], strict=True)}  # Lefèvre
    assert cells["Family name"].value == "Lefèvre"
    assert cells["ID"].value == pool["lefevre"].pk and cells["ID"].data_type == "n"
    assert cells["Years in Customs"].value == 21
    assert cells["Completeness (%)"].value == 40
    assert cells["Remote only"].value == "yes"
    updated = Expert.objects.get(pk=pool["lefevre"].pk).updated_at.astimezone(UTC)
    for name, expected in [
        ("Last updated", updated.date()),
        ("Date of birth", date(1975, 2, 14)),
        ("Passport expiry", date(2033, 6, 30)),
    ]:
        assert cells[name].is_date and cells[name].number_format == "yyyy-mm-dd"
        assert cells[name].value == datetime.combine(expected, datetime.min.time())
    assert cells["Phone"].value == "+33 1 40 00 00 00"  # text, no apostrophe
    assert cells["Phone"].data_type == "s"
    assert cells["Languages"].value == "French (C1); English (B2); Spanish (B2)"
    dupont = {name: cell.value for name, cell in zip(header, sheet[3], strict=True)}
    assert dupont["Family name"] == "Dupont"
    assert dupont["Years in Customs"] is None and dupont["Languages"] is None


def test_xlsx_header_is_frozen_with_filters_and_widths(officer_client, pool):
    sheet = workbook(officer_client.get(URL, {"format": "xlsx"})).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:T4"  # 20 columns, the header and 3 rows
    assert all(cell.font.bold for cell in sheet[1])
    widths = {letter: sheet.column_dimensions[letter].width for letter in ("A", "D", "S", "T")}
    assert widths == {"A": 8, "D": 30, "S": 44, "T": 60}
    # Never narrower than its header (with room for the filter button).
    assert sheet.column_dimensions["M"].width == len("Years in Customs") + 4


def test_a_formula_is_text_in_xlsx_and_neutralised_in_csv(officer_client, pool):
    sheet = workbook(officer_client.get(URL, {"format": "xlsx"})).active
    position = sheet.cell(row=4, column=11)  # Lefèvre's
    assert position.value == COMMAND  # exactly what was typed: no apostrophe
    assert position.data_type == "s" and position.quotePrefix
    for row in sheet.iter_rows():
        assert all(cell.data_type != "f" for cell in row)
    assert row_of(csv_table(officer_client.get(URL)), "Lefèvre")["Position"] == "'" + COMMAND


# --- Queries --------------------------------------------------------------------------------


def test_queries_per_export_do_not_grow_with_rows(django_assert_num_queries, pool):
    # Reference maps (administrations, languages, areas, profiles), the rows (one query read in
    # chunks), then per chunk: their languages, areas and accreditations.
    with django_assert_num_queries(4 + 1 + 3):
        list(export.row_chunks(Expert.objects.all(), sensitive=True))
    for expert in ExpertFactory.create_batch(20):
        ExpertLanguage.objects.create(expert=expert, language=language("en"), proficiency=3)
        Expertise.objects.create(expert=expert, area=area("transit"), years=2)
        accredit(expert, "ET", "transit", AccreditationState.SHORTLISTED)
    with django_assert_num_queries(4 + 1 + 3):
        list(export.row_chunks(Expert.objects.all(), sensitive=True))
    with django_assert_num_queries(4 + 1 + 3 * 3):  # chunks of 10, 10 and 3
        list(export.row_chunks(Expert.objects.all(), sensitive=True, size=10))


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_streamed_export_costs_the_same_queries_at_two_sizes(officer_client, pool, file_format):
    def export_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = officer_client.get(URL, {"format": file_format, "sort": "updated"})
            b"".join(response.streaming_content)
        return len(queries)

    export_queries()  # the first request also reads the reference data the filters cache
    small = export_queries()
    for expert in ExpertFactory.create_batch(15):
        Expertise.objects.create(expert=expert, area=area("transit"), years=2)
    assert export_queries() == small
