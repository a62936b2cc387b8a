"""Lists of experts taken out of the portal: CSV streamed row by row, XLSX written in constant
memory. Cells that a spreadsheet would run as a formula are neutralised (CSV injection)."""

import csv
import tempfile

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .enums import EmploymentStatus, Gender

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def columns(*, sensitive: bool):
    """(header, value getter) per column. Never passwords or MFA data; passport and date of
    birth only when the officer asks for them."""
    cols = [
        (_("ID"), lambda e: e.pk),
        (_("Family name"), lambda e: e.family_name),
        (_("Given names"), lambda e: e.given_names),
        (_("Login email"), lambda e: e.user.email),
        (_("Work email"), lambda e: e.work_email),
        (_("Phone"), lambda e: e.phone),
        (_("Gender"), lambda e: Gender(e.gender).label if e.gender else ""),
        (_("Nationality"), lambda e: e.nationality.code if e.nationality else ""),
        (
            _("Home administration"),
            lambda e: e.home_administration.name_en if e.home_administration else "",
        ),
        (_("Region"), lambda e: e.home_administration.region.code if e.home_administration else ""),
        (_("Position"), lambda e: e.position),
        (_("Unit"), lambda e: e.unit),
        (_("Years in Customs"), lambda e: e.years_in_customs),
        (_("Employment status"), lambda e: EmploymentStatus(e.employment_status).label),
        (_("Remote only"), lambda e: _("yes") if e.remote_only else _("no")),
        (_("Completeness (%)"), lambda e: e.completeness),
        (_("Last updated"), lambda e: e.updated_at.date().isoformat()),
    ]
    if sensitive:
        cols += [
            (_("Date of birth"), lambda e: e.date_of_birth.isoformat() if e.date_of_birth else ""),
            (_("Passport number"), lambda e: e.passport_number),
            (
                _("Passport expiry"),
                lambda e: e.passport_expiry.isoformat() if e.passport_expiry else "",
            ),
        ]
    return cols


def _experts(queryset):
    return (
        queryset.select_related("user", "home_administration__region")
        .order_by("pk")
        .iterator(chunk_size=CHUNK)
    )


class _Echo:
    def write(self, value):
        return value


def csv_rows(queryset, *, sensitive: bool):
    """Yield CSV lines one at a time: memory stays flat however many experts are exported."""
    cols = columns(sensitive=sensitive)
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM, so that spreadsheet programs read UTF-8 names correctly
    yield writer.writerow([str(header) for header, _getter in cols])
    for expert in _experts(queryset):
        yield writer.writerow([neutralise(getter(expert)) for _header, getter in cols])


def xlsx_file(queryset, *, sensitive: bool):
    """An XLSX workbook in a temporary file (openpyxl's write-only mode keeps memory flat).
    Control characters XML cannot hold (a vertical tab pasted from a word processor) are
    dropped: openpyxl would refuse the whole file."""
    cols = columns(sensitive=sensitive)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Experts"))
    sheet.append([str(header) for header, _getter in cols])
    for expert in _experts(queryset):
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", neutralise(getter(expert))) for _header, getter in cols]
        )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the FileResponse streaming it
    workbook.save(handle)
    handle.seek(0)
    return handle
