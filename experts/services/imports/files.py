"""Reading an uploaded spreadsheet of experts (CSV or XLSX) into named columns of text.

Everything a person can get wrong about the file as a whole is an ``ImportFileError`` whose
message says what to do; row-level problems are left to ``experts.services.imports``.
"""

import csv
import io
import math
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The columns the import understands, in the order of the template file. The first four are
# required; other names a spreadsheet commonly uses are accepted as aliases.
COLUMNS = [
    "email",
    "given_names",
    "family_name",
    "administration",
    "date_of_birth",
    "gender",
    "nationality",
    "work_email",
    "phone",
    "position",
    "unit",
    "years_in_customs",
    "employment_status",
    "languages",
    "areas",
    "biography",
    "preferred_language",
]
REQUIRED_COLUMNS = ["email", "given_names", "family_name", "administration"]
ALIASES = {
    "e_mail": "email",
    "login_email": "email",
    "first_name": "given_names",
    "first_names": "given_names",
    "given_name": "given_names",
    "last_name": "family_name",
    "surname": "family_name",
    "member_administration": "administration",
    "home_administration": "administration",
    "birth_date": "date_of_birth",
    "dob": "date_of_birth",
    "sex": "gender",
    "telephone": "phone",
    "phone_number": "phone",
    "areas_of_expertise": "areas",
    "thematic_areas": "areas",
    "bio": "biography",
    "language": "preferred_language",
}


# Far more than the columns the import knows; beyond this a row is not a list of experts.
MAX_COLUMNS = 200
# Blank rows a sheet may have between and below its experts. Rows are counted as they are read,
# blank or not, so a sheet whose one cell sits at row 100 000 000 is refused at once instead of
# being walked row by empty row for minutes.
MAX_BLANK_ROWS = 1000


class ImportFileError(Exception):
    """The file cannot be imported at all; ``str(error)`` is the message for the officer."""


@dataclass
class Table:
    columns: list[str]  # our column names, in file order (None for ignored columns)
    ignored: list[str]  # the headers we do not know, as written in the file
    rows: list[tuple[int, dict[str, str]]]  # (line number in the file, column -> text)


def max_bytes() -> int:
    return settings.ACE_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_bytes():
        # Rounded up: a file just over the limit must not read as "20.0 MB" against "20 MB".
        megabytes = math.ceil(size / 1024 / 1024 * 10) / 10
        raise ImportFileError(
            _("The file is %(size)s MB; the largest file accepted is %(limit)s MB.")
            % {"size": megabytes, "limit": max_bytes() // 1024 // 1024}
        )


def read_table(content: bytes) -> Table:
    """Parse ``content`` as XLSX (by its signature) or as CSV text, into a Table."""
    check_size(len(content))
    if content.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(content)
    else:
        raw_rows = _csv_rows(_decode(content))
    return _table(raw_rows)


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            text = content.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(_("The file says it is UTF-16 text but is not.")) from None
        if "\x00" in text:
            line = text[: text.index("\x00")].count("\n") + 1
            raise ImportFileError(
                _("Line %(line)s holds a character that text files cannot contain (NUL).")
                % {"line": line}
            )
        return text
    if b"\x00" in content[:4096]:
        raise ImportFileError(
            _("This is not a CSV or Excel (.xlsx) file. Upload a spreadsheet saved as CSV or XLSX.")
        )
    if b"\x00" in content:
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        raise ImportFileError(
            _("Line %(line)s holds a character that text files cannot contain (NUL).")
            % {"line": line}
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (line %(line)s has a character in another "
                "encoding). In Excel, save it as “CSV UTF-8”, or upload the .xlsx file."
            )
            % {"line": line}
        ) from None


def _delimiter(text: str) -> str:
    """European spreadsheets separate with ';', "Unicode text" with tabs. The header row names
    at least four columns, so the separator is the one it uses most. (csv.Sniffer guesses from
    the data instead: a ';' or doubled quotes inside a quoted cell make it give up or turn
    Excel's doubled quotes off, and the file then loses its columns.)"""
    header = next((line for line in io.StringIO(text[:20000]) if line.strip()), "")
    return max(",;\t", key=header.count)


def _csv_rows(text: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file cannot be read: %(problem)s.") % {"problem": error}
        ) from None


def _check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook whose parts unpack to more than ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES.

    A 20 MB upload of zeros unpacks to gigabytes. Python's zipfile never inflates a part beyond
    the size its header declares (it stops there and checks the CRC), so the declared sizes,
    checked before anything is read, bound what reading can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError(
            _("This file is not a readable Excel (.xlsx) workbook. Save it again as XLSX or CSV.")
        ) from None
    limit = settings.ACE_IMPORT_MAX_XLSX_UNPACKED_BYTES
    if unpacked > limit:
        raise ImportFileError(
            _(
                "This workbook unpacks to more than %(limit)s MB, far more than a list of "
                "experts. Save only the sheet of experts, as XLSX or CSV."
            )
            % {"limit": limit // 1024 // 1024}
        )


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_unpacked_size(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ImportFileError(
            _("This file is not a readable Excel (.xlsx) workbook. Save it again as XLSX or CSV.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        # A read-only sheet pads every row to the dimension the file records; one formatted
        # cell in column XFD would make 16 384 cells a row. Rows are read as they are instead,
        # and no import has more than MAX_COLUMNS columns.
        sheet.reset_dimensions()
        rows, filled = [], 0
        most_rows = settings.ACE_IMPORT_MAX_ROWS + 1 + MAX_BLANK_ROWS  # + 1: the header
        for row in sheet.iter_rows(values_only=True):
            cells = [_cell_text(value) for value in row[:MAX_COLUMNS]]
            rows.append(cells)
            # Stopping at the row limit without counting the filled rows would drop the last
            # experts silently: too many filled rows are refused as too long by _table.
            filled += any(cell.strip() for cell in cells)
            if filled > settings.ACE_IMPORT_MAX_ROWS + 1:
                break
            if len(rows) > most_rows:
                raise _SheetTooLong
        return rows
    except _SheetTooLong:
        raise ImportFileError(
            _(
                "The sheet goes on below row %(row)s with blank rows or stray cells. Delete the "
                "rows below your list of experts and upload it again."
            )
            % {"row": most_rows}
        ) from None
    except Exception as error:  # openpyxl raises many kinds on a damaged sheet's XML
        raise ImportFileError(
            _("This file is not a readable Excel (.xlsx) workbook. Save it again as XLSX or CSV.")
        ) from error
    finally:
        workbook.close()


class _SheetTooLong(Exception):
    pass


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and callable(value.date):  # datetime: Excel keeps dates so
        return value.date().isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalise_header(header: str) -> str:
    name = header.strip().strip("*").strip().lower()
    for char in " -./":
        name = name.replace(char, "_")
    name = "_".join(part for part in name.split("_") if part)
    return ALIASES.get(name, name)


def _table(raw_rows: list[list[str]]) -> Table:
    # Spreadsheet row numbers (1-based) are kept so that the preview points at the right row.
    numbered = [
        (number, row) for number, row in enumerate(raw_rows, 1) if any(c.strip() for c in row)
    ]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    _header_number, headers = numbered[0]
    columns, ignored, seen = [], [], set()
    for header in headers:
        name = normalise_header(header)
        if name in COLUMNS and name not in seen:
            columns.append(name)
            seen.add(name)
        else:
            columns.append(None)
            if header.strip():
                ignored.append(header.strip())
    missing = [name for name in REQUIRED_COLUMNS if name not in seen]
    if missing:
        raise ImportFileError(
            ngettext(
                "The first row must name the columns; this one is missing: %(columns)s.",
                "The first row must name the columns; these are missing: %(columns)s.",
                len(missing),
            )
            % {"columns": ", ".join(missing)}
        )
    data = [
        (
            number,
            {
                name: cells[index].strip() if index < len(cells) else ""
                for index, name in enumerate(columns)
                if name is not None
            },
        )
        for number, cells in numbered[1:]
    ]
    if not data:
        raise ImportFileError(_("The file names its columns but has no rows of experts."))
    if len(data) > settings.ACE_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("The file has more than %(limit)s rows; split it into smaller files.")
            % {"limit": settings.ACE_IMPORT_MAX_ROWS}
        )
    return Table(columns=columns, ignored=ignored, rows=data)
