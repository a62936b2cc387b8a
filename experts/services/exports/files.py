"""Lists of experts taken out of the portal, as CSV or XLSX. Cells that a spreadsheet would run
as a formula are neutralised (CSV injection).

Row production is the hot loop of an export of the whole roster (100 000 rows), so it reads
plain tuples (``values_list``) in keyset chunks, never model objects, and resolves everything
that repeats from rows (administration names, regions, translated labels) once per export from
small in-memory maps. Phone numbers are the one value still formatted per row (as the profile
shows them); nothing else costs more than a dictionary lookup.
"""

import csv
import io
import tempfile
from datetime import UTC

from django.db.models import CharField, ExpressionWrapper, F
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from phonenumber_field.phonenumber import PhoneNumber

from experts.enums import EmploymentStatus, Gender
from experts.models import MemberAdministration

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Rows fetched per query: large enough that the per-query cost vanishes (20 queries for the
# whole roster), small enough that a chunk of tuples stays a few megabytes.
CHUNK = 5000
BOM = "\ufeff"  # so that spreadsheet programs read UTF-8 names correctly
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


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
    # As before: the date of the last update in UTC, the time zone the database returns.
    TruncDate("updated_at", tzinfo=UTC),
)
SENSITIVE_FIELDS = ("date_of_birth", "passport_number", "passport_expiry")


def headers(*, sensitive: bool) -> list[str]:
    """Never passwords or MFA data; passport and date of birth only when the officer asks."""
    names = [
        _("ID"),
        _("Family name"),
        _("Given names"),
        _("Login email"),
        _("Work email"),
        _("Phone"),
        _("Gender"),
        _("Nationality"),
        _("Home administration"),
        _("Region"),
        _("Position"),
        _("Unit"),
        _("Years in Customs"),
        _("Employment status"),
        _("Remote only"),
        _("Completeness (%)"),
        _("Last updated"),
    ]
    if sensitive:
        names += [_("Date of birth"), _("Passport number"), _("Passport expiry")]
    return names


def _phone(raw: str) -> str:
    # As str(expert.phone): the international format, or what was stored when it is not valid.
    return str(PhoneNumber.from_string(raw)) if raw else ""


def _iso(value) -> str:
    return value.isoformat() if value else ""


class _Maps:
    """Everything that repeats from row to row, looked up or translated once per export."""

    def __init__(self):
        self.administrations = {
            pk: (neutralise(name), neutralise(region))
            for pk, name, region in MemberAdministration.objects.values_list(
                "pk", "name_en", "region__code"
            )
        }
        self.genders = {"": ""} | {value: str(label) for value, label in Gender.choices}
        self.statuses = {value: str(label) for value, label in EmploymentStatus.choices}
        self.yes_no = {True: _("yes"), False: _("no")}


def _value_chunks(queryset, *, sensitive: bool, size: int = CHUNK):
    """Lists of value tuples in primary key order: keyset chunks (``pk > last``), so each query
    is an index range scan however deep the export is, and no cursor stays open between them."""
    values = queryset.order_by("pk").values_list(*FIELDS, *(SENSITIVE_FIELDS if sensitive else ()))
    last = None
    while True:
        chunk = list((values.filter(pk__gt=last) if last is not None else values)[:size])
        if chunk:
            yield chunk
        if len(chunk) < size:
            return
        last = chunk[-1][0]


def _cells(chunk, maps: _Maps, sensitive: bool):
    """The cells of each row of a chunk, as text, in the order of ``headers``."""
    administrations, genders, statuses = maps.administrations, maps.genders, maps.statuses
    yes_no, n = maps.yes_no, neutralise
    no_administration = ("", "")
    for row in chunk:
        (pk, family, given, login, work, phone, gender, country, administration) = row[:9]
        (position, unit, years, status, remote, completeness, updated) = row[9:16]
        name, region = administrations.get(administration, no_administration)
        cells = [
            str(pk),
            n(family),
            n(given),
            n(login),
            n(work),
            n(_phone(phone)),
            genders[gender],
            country or "",
            name,
            region,
            n(position),
            n(unit),
            "" if years is None else str(years),
            statuses[status],
            yes_no[remote],
            str(completeness),
            updated.isoformat(),
        ]
        if sensitive:
            birth, passport, expiry = row[16:]
            cells += [_iso(birth), n(passport), _iso(expiry)]
        yield cells


def row_chunks(queryset, *, sensitive: bool, size: int = CHUNK):
    """Lists of rows (lists of text cells) of the experts in ``queryset``, by id."""
    maps = _Maps()
    for chunk in _value_chunks(queryset, sensitive=sensitive, size=size):
        yield list(_cells(chunk, maps, sensitive))


def count_at_most(queryset, limit: int) -> int:
    """How many experts the export would hold, counting no further than ``limit`` + 1: cheap
    on the whole roster, and enough to tell a small export from a large one."""
    return queryset.order_by()[: limit + 1].count()


def csv_chunks(queryset, *, sensitive: bool, progress=None):
    """CSV text, one piece per chunk of rows (not one per row: a streamed response pays for
    every piece). ``progress(rows_done)`` is called after each chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(sensitive=sensitive))
    yield BOM + buffer.getvalue()
    done = 0
    for rows in row_chunks(queryset, sensitive=sensitive):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue()
        done += len(rows)
        if progress:
            progress(done)


def write_csv(queryset, handle, *, sensitive: bool, progress=None) -> None:
    """Write the CSV, UTF-8 encoded, to a binary file."""
    for piece in csv_chunks(queryset, sensitive=sensitive, progress=progress):
        handle.write(piece.encode("utf-8"))


def write_xlsx(queryset, handle, *, sensitive: bool, progress=None) -> None:
    """Write an XLSX workbook to a binary file (openpyxl's write-only mode keeps memory flat).
    Control characters XML cannot hold (a vertical tab pasted from a word processor) are
    dropped: openpyxl would refuse the whole file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Experts"))
    sheet.append(headers(sensitive=sensitive))
    clean, append, done = ILLEGAL_CHARACTERS_RE.sub, sheet.append, 0
    for rows in row_chunks(queryset, sensitive=sensitive):
        for cells in rows:
            append([clean("", cell) for cell in cells])
        done += len(rows)
        if progress:
            progress(done)
    workbook.save(handle)


def xlsx_file(queryset, *, sensitive: bool):
    """An XLSX workbook in a temporary file, positioned at its start."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse streaming it
    write_xlsx(queryset, handle, sensitive=sensitive)
    handle.seek(0)
    return handle
