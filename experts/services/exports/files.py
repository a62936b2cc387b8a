"""Lists of experts taken out of the portal, as CSV or XLSX, in the order the directory showed
them. Cells that a spreadsheet would run as a formula are neutralised (CSV injection): in CSV
with a leading apostrophe, in XLSX by writing them as text cells with Excel's hidden quote
prefix, so that nothing shows.

Row production is the hot loop of an export of the whole roster (100 000 rows), so it reads
plain tuples (``values_list``), never model objects: one query, sorted as the directory sorts,
read a chunk at a time (a server-side cursor on PostgreSQL), then three queries a chunk for the
chunk's languages, areas of expertise and accreditations (summaries.py). Keyset chunks by id no
longer fit: the rows come in the officer's order, not by id. Everything that repeats from row
to row (administration names, translated labels, reference names) is resolved once per export
from small in-memory maps; phone numbers are the one value still formatted per row (as the
profile shows them).
"""

import csv
import io
import tempfile
from itertools import batched

from django.db.models import CharField, DateField, ExpressionWrapper, F
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from phonenumber_field.phonenumber import PhoneNumber

from experts.enums import EmploymentStatus, Gender
from experts.models import MemberAdministration
from experts.services.exports.summaries import IdSet, Summaries

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched per query: large enough that the per-query cost vanishes (20 chunks for the
# whole roster), small enough that a chunk of tuples stays a few megabytes.
CHUNK = 5000
BOM = "\ufeff"  # so that spreadsheet programs read UTF-8 names correctly
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
DATE_FORMAT = "yyyy-mm-dd"


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


_FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)


def _csv_text(value: str) -> str:
    """``neutralise`` for the text columns of a row (never None): the hot loop's version."""
    return "'" + value if value and value[0] in _FORMULA_FIRST else value


def _raw(name):
    """A column as the database holds it: PhoneNumberField and CountryField would otherwise
    build a PhoneNumber / Country object for every row (their from_db_value)."""
    return ExpressionWrapper(F(name), output_field=CharField())


# What each export reads from the database, in column order of the values tuple.
FIELDS = (
    "pk",
    "family_name",
    "given_names",
    "user__email",
    "work_email",
    _raw("phone"),
    "gender",
    _raw("nationality"),
    "home_administration_id",
    "position",
    "unit",
    "years_in_customs",
    "employment_status",
    "remote_only",
    "completeness",
    # The date of the last update in UTC, the connections' time zone. A cast rather than
    # TruncDate, whose converter would cost a call per row.
    Cast("updated_at", DateField()),
)
SENSITIVE_FIELDS = ("date_of_birth", "passport_number", "passport_expiry")


def columns(*, sensitive: bool) -> list[tuple[str, int]]:
    """(header, width in characters in the XLSX) of each column. Never passwords or MFA data;
    passport and date of birth only when the officer asks."""
    names = [
        (_("ID"), 8),
        (_("Family name"), 20),
        (_("Given names"), 20),
        (_("Login email"), 30),
        (_("Work email"), 30),
        (_("Phone"), 18),
        (_("Gender"), 14),
        (_("Nationality"), 8),
        (_("Home administration"), 28),
        (_("Region"), 8),
        (_("Position"), 28),
        (_("Unit"), 24),
        (_("Years in Customs"), 8),
        (_("Employment status"), 16),
        (_("Remote only"), 8),
        (_("Completeness (%)"), 8),
        (_("Last updated"), 12),
        (_("Languages"), 32),
        (_("Areas of expertise"), 44),
        (_("Accreditations"), 60),
    ]
    if sensitive:
        names += [(_("Date of birth"), 12), (_("Passport number"), 16), (_("Passport expiry"), 12)]
    return names


def headers(*, sensitive: bool) -> list[str]:
    return [name for name, _width in columns(sensitive=sensitive)]


def _phone(raw: str) -> str:
    # As str(expert.phone): the international format, or what was stored when it is not valid.
    return str(PhoneNumber.from_string(raw)) if raw else ""


class _Maps:
    """Everything that repeats from row to row, looked up or translated once per export;
    ``text`` makes a cell of a text (neutralised for CSV, a text cell for XLSX)."""

    def __init__(self, text):
        self.administrations = {
            pk: (text(name), text(region))
            for pk, name, region in MemberAdministration.objects.values_list(
                "pk", "name_en", "region__code"
            )
        }
        self.empty = text("")
        self.genders = {"": self.empty} | {value: str(label) for value, label in Gender.choices}
        self.statuses = {value: str(label) for value, label in EmploymentStatus.choices}
        self.yes_no = {True: _("yes"), False: _("no")}
        self.summaries = Summaries()


def _cells(rows, summaries, maps: _Maps, sensitive: bool, text):
    """The cells of each row, typed (ints, dates, texts), in the order of ``columns``."""
    administrations, genders, statuses = maps.administrations, maps.genders, maps.statuses
    yes_no, empty = maps.yes_no, maps.empty
    none = (empty, empty)
    languages, areas, accreditations = summaries
    for row in rows:
        (pk, family, given, login, work, phone, gender, country, administration) = row[:9]
        (position, unit, years, status, remote, completeness, updated) = row[9:16]
        name, region = administrations.get(administration, none)
        cells = [
            pk,
            text(family),
            text(given),
            text(login),
            text(work),
            text(_phone(phone)),
            genders[gender],
            country or empty,
            name,
            region,
            text(position),
            text(unit),
            years,
            statuses[status],
            yes_no[remote],
            completeness,
            updated,
            text(languages.get(pk, "")),
            text(areas.get(pk, "")),
            text(accreditations.get(pk, "")),
        ]
        if sensitive:
            birth, passport, expiry = row[16:]
            cells += [birth, text(passport), expiry]
        yield cells


def row_chunks(queryset, *, sensitive: bool, size: int = CHUNK, text=_csv_text):
    """Lists of rows (lists of typed cells) of the experts in ``queryset``, in its order (by id
    when it has none). The rows come from one query read in chunks (a server-side cursor on
    PostgreSQL: the filters and the sort run once, and only a chunk is held here); each chunk
    then costs three queries for its experts' languages, areas and accreditations."""
    maps = _Maps(text)
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    values = queryset.values_list(*FIELDS, *(SENSITIVE_FIELDS if sensitive else ()))
    for rows in batched(values.iterator(chunk_size=size), size):
        summaries = maps.summaries.of(IdSet([row[0] for row in rows]))
        cells = list(_cells(rows, summaries, maps, sensitive, text))
        del rows, summaries  # one chunk held at a time: not this one while the next is read
        yield cells
        del cells


def count_at_most(queryset, limit: int) -> int:
    """How many experts the export would hold, counting no further than ``limit`` + 1: cheap
    on the whole roster, and enough to tell a small export from a large one."""
    return queryset.order_by()[: limit + 1].count()


def csv_chunks(queryset, *, sensitive: bool, progress=None):
    """CSV text, one piece per chunk of rows (not one per row: a streamed response pays for
    every piece). ``progress(rows_done)`` is called after each chunk. Numbers and dates are
    written as the csv module does (``str``: ISO dates), None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(sensitive=sensitive))
    header = BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    yield header
    done = 0
    for rows in row_chunks(queryset, sensitive=sensitive):
        writer.writerows(rows)
        done += len(rows)
        del rows
        piece = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield piece
        del piece
        if progress:
            progress(done)


def write_csv(queryset, handle, *, sensitive: bool, progress=None) -> None:
    """Write the CSV, UTF-8 encoded, to a binary file."""
    for piece in csv_chunks(queryset, sensitive=sensitive, progress=progress):
        handle.write(piece.encode("utf-8"))


def xlsx_text(sheet):
    """A function making an XLSX cell of a text. Control characters XML cannot hold (a
    vertical tab pasted from a word processor) are dropped: openpyxl would refuse the whole
    file. openpyxl takes a text starting with "=" for a formula and "#N/A" for an error: such
    texts (and those a spreadsheet would read as a formula once edited: "+", "-", "@") become
    text cells with the quote prefix, which Excel and LibreOffice show without an apostrophe."""
    clean = ILLEGAL_CHARACTERS_RE.sub

    def text(value):
        if not value:
            return None
        value = clean("", value)
        if value.startswith(FORMULA_STARTS) or value in ERROR_CODES:
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value or None

    return text


def start_sheet(sheet, names: list[tuple[str, int]]) -> None:
    """A header row in bold, frozen, over columns of the given widths (at least the header's,
    with room for the filter button). Widths must be set before the first row is written."""
    for index, (name, width) in enumerate(names, 1):
        sheet.column_dimensions[get_column_letter(index)].width = max(width, len(name) + 4)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name, _width in names:
        cell = WriteOnlyCell(sheet, name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)


def write_xlsx(queryset, handle, *, sensitive: bool, progress=None) -> None:
    """Write an XLSX workbook to a binary file (openpyxl's write-only mode keeps memory flat):
    ids, years and completeness as numbers, dates as dates, a frozen header with filters."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Experts"))
    names = columns(sensitive=sensitive)
    start_sheet(sheet, names)
    append, done = sheet.append, 0
    for rows in row_chunks(queryset, sensitive=sensitive, text=xlsx_text(sheet)):
        for cells in rows:
            append(cells)
        done += len(rows)
        if progress:
            progress(done)
    # Written after the rows (openpyxl puts the filter at the end of the sheet's XML).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{done + 1}"
    workbook.save(handle)


def xlsx_file(queryset, *, sensitive: bool):
    """An XLSX workbook in a temporary file, positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse streaming it
    write_xlsx(queryset, handle, sensitive=sensitive)
    handle.seek(0)
    return handle
