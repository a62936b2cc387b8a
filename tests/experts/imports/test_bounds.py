"""Spreadsheets that would make the import check work for minutes are refused at once.

An XLSX that unpacks to a gigabyte, or whose one cell sits at row 100 000 000, ran the check for
minutes and grew its memory to 2 GB.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from experts.services.imports.files import MAX_BLANK_ROWS, ImportFileError, read_table

HEADER = ["email", "given_names", "family_name", "administration"]


def workbook_bytes(fill) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    fill(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function, *args):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        return function(*args)
    finally:
        timed.seconds = time.perf_counter() - started
        timed.peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()


def with_far_cell(content: bytes, row: int) -> bytes:
    """The workbook with one more cell, at `row` (beyond what Excel or openpyxl would write)."""
    far = f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for member in old.infolist():
            data = old.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", far.encode())
            new.writestr(member, data)
    return target.getvalue()


def test_a_cell_at_row_100_million_is_refused_at_once():
    content = with_far_cell(workbook_bytes(lambda sheet: None), 100_000_000)
    with pytest.raises(ImportFileError, match="The sheet goes on below row"):
        timed(read_table, content)
    assert timed.seconds < 3, timed.seconds  # it took minutes
    assert timed.peak_mb < 100, timed.peak_mb


def test_blank_rows_between_experts_are_still_read(settings):
    def fill(sheet):
        sheet.append(["a@customs.example", "Ada", "Sample", "FR"])
        sheet.cell(row=2 + MAX_BLANK_ROWS // 2, column=1, value="b@customs.example")
        sheet.cell(row=2 + MAX_BLANK_ROWS // 2, column=4, value="FR")

    table = read_table(workbook_bytes(fill))
    assert [cells["email"] for _, cells in table.rows] == ["a@customs.example", "b@customs.example"]


def test_too_many_filled_rows_still_says_so(settings):
    settings.ACE_IMPORT_MAX_ROWS = 5

    def fill(sheet):
        for number in range(7):
            sheet.append([f"p{number}@customs.example", "Pat", "Sample", "FR"])

    with pytest.raises(ImportFileError, match="more than 5"):
        read_table(workbook_bytes(fill))


def with_extra_part(content: bytes, name: str, size: int) -> bytes:
    """The workbook plus one part of `size` zero bytes (it compresses a thousandfold)."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"\0" * size)
    return buffer.getvalue()


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_before_reading(settings):
    settings.ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES = 4 * 1024 * 1024
    content = with_extra_part(workbook_bytes(lambda sheet: None), "xl/media/zeros.bin", 8 << 20)
    assert len(content) < 100_000  # small to upload...
    with pytest.raises(ImportFileError, match="unpacks to more than 4 MB"):
        timed(read_table, content)  # ...refused before anything is inflated
    assert timed.peak_mb < 20, timed.peak_mb


def test_a_workbook_under_the_limit_is_read(settings):
    settings.ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES = 4 * 1024 * 1024
    content = with_extra_part(
        workbook_bytes(lambda sheet: sheet.append(["a@customs.example", "Ada", "Sample", "FR"])),
        "xl/media/zeros.bin",
        1 << 20,
    )
    assert len(read_table(content).rows) == 1


def test_the_default_unpacked_limit_refuses_a_gigabyte(settings):
    assert settings.ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES < 1024**3
