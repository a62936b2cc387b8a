"""The import template as XLSX (issue 12, item 3): the header alone on the sheet that is
imported, frozen, with widths; a Help sheet with one line per column; and the importer accepts
its own template once rows are filled in."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from experts.enums import ImportRowAction, ImportState
from experts.models import Expert
from experts.services.imports import check as imports
from experts.services.imports import files as import_files
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def officer_client(client, officer):
    return sign_in(client, officer)


@pytest.fixture
def template(officer_client) -> bytes:
    response = officer_client.get(reverse("secretariat:import_template_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="experts-import-template.xlsx"'
    )
    return response.content


def test_xlsx_template_has_the_header_alone_then_a_help_sheet(template):
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    assert workbook.sheetnames == ["Experts", "Help"]
    sheet = workbook["Experts"]
    assert [cell.value for cell in sheet[1]] == import_files.COLUMNS
    assert sheet.max_row == 1  # no example in the data area: it would be imported
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["A"].width == 30  # email
    phone = import_files.COLUMNS.index("phone") + 1
    letter = openpyxl.utils.get_column_letter(phone)
    assert sheet.column_dimensions[letter].number_format == "@"  # "+254..." stays text

    help_rows = list(workbook["Help"].iter_rows(values_only=True))
    assert help_rows[0] == ("Column", "Required", "What it holds", "Example")
    assert [row[0] for row in help_rows[1:]] == import_files.COLUMNS
    lines = {row[0]: row for row in help_rows[1:]}
    assert lines["email"][1] == "yes" and lines["phone"][1] == "no"
    assert [name for name, required, *_ in help_rows[1:] if required == "yes"] == (
        import_files.REQUIRED_COLUMNS
    )
    assert lines["languages"][3] == "en:C1; fr:B1; sw:native"
    assert "semicolons" in lines["languages"][2]
    assert all(row[2] for row in help_rows[1:])  # every column explained


def test_the_empty_template_imports_nothing(template):
    with pytest.raises(import_files.ImportFileError, match="has no rows"):
        import_files.read_table(template)


def test_the_importer_accepts_its_template_filled_in(
    officer, template, django_capture_on_commit_callbacks
):
    workbook = openpyxl.load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    column = {name: index for index, name in enumerate(import_files.COLUMNS)}

    def row(**cells):
        values = [None] * len(column)
        for name, value in cells.items():
            values[column[name]] = value
        return values

    # As an officer types them in Excel: a date cell, a number, the rest as text.
    sheet.append(
        row(
            email="amina@customs.example",
            given_names="Amina",
            family_name="Example",
            administration="KE",
            date_of_birth=date(1980, 4, 30),
            gender="female",
            phone="+254 20 123 4567",
            years_in_customs=12,
            employment_status="serving",
            languages="en:C1; fr:B1",
            areas="risk-management:5",
        )
    )
    sheet.append(
        row(
            email="omar@customs.example",
            given_names="Omar",
            family_name="Sample",
            administration="France",
        )
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    with django_capture_on_commit_callbacks(execute=True):
        expert_import = imports.upload(
            content=buffer.getvalue(), name="filled.xlsx", update_existing=False, by=officer
        )
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.READY, expert_import.error
    assert expert_import.ignored_columns == []
    assert list(expert_import.rows.order_by("line").values_list("line", "action", "problems")) == [
        (2, ImportRowAction.CREATE, []),
        (3, ImportRowAction.CREATE, []),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert imports.start_applying(
            expert_import,
            by=officer,
            send_invitations=False,
            create_duplicates=False,
            base_url="http://testserver/",
        )
    expert_import.refresh_from_db()
    assert expert_import.state == ImportState.APPLIED
    amina = Expert.objects.get(user__email="amina@customs.example")
    assert amina.date_of_birth == date(1980, 4, 30)
    assert (amina.years_in_customs, amina.employment_status) == (12, "serving")
    assert amina.phone.as_e164 == "+254201234567"
    assert sorted(amina.languages.values_list("language__code", "proficiency")) == [
        ("en", 5),
        ("fr", 3),
    ]
    assert Expert.objects.get(user__email="omar@customs.example").home_administration.iso_code == (
        "FR"
    )


def test_import_page_offers_both_templates(officer_client):
    page = officer_client.get(reverse("secretariat:import_start")).content.decode()
    assert f'href="{reverse("secretariat:import_template_xlsx")}"' in page
    assert f'href="{reverse("secretariat:import_template")}"' in page


def test_xlsx_template_is_for_the_secretariat_only(client, alice):
    url = reverse("secretariat:import_template_xlsx")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    sign_in(client, alice.user)
    assert client.get(url).status_code == 404
