"""The files an officer downloads to fill in for an import: a CSV with an example row, and an
XLSX whose first sheet holds only the header (the importer reads the first sheet: an example
there would be imported as an expert) and whose "Help" sheet says, column by column, what each
may hold, with an example.
"""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from experts.services.imports.files import COLUMNS, REQUIRED_COLUMNS

# An example of each column, in the order of COLUMNS.
EXAMPLE = {
    "email": "a.officer@customs.example",
    "given_names": "Amina",
    "family_name": "Example",
    "administration": "KE",
    "date_of_birth": "1980-04-30",
    "gender": "female",
    "nationality": "KE",
    "work_email": "amina.example@customs.example",
    "phone": "+254 20 123 4567",
    "position": "Senior Customs Officer",
    "unit": "Risk Management",
    "years_in_customs": "12",
    "employment_status": "serving",
    "languages": "en:C1; fr:B1; sw:native",
    "areas": "risk-management; post-clearance-audit",
    "biography": "",
    "preferred_language": "en",
}
# Width of each column in the XLSX, in characters (the header's at least).
WIDTHS = {
    "email": 30,
    "work_email": 30,
    "administration": 16,
    "date_of_birth": 14,
    "phone": 20,
    "position": 28,
    "unit": 24,
    "languages": 28,
    "areas": 40,
    "biography": 50,
}
# Kept as text when typed in Excel: "+254201234567" would become the number 254201234567.
TEXT_COLUMNS = {"phone", "nationality"}


def descriptions() -> dict[str, str]:
    """What each column may hold, as the import page says it."""
    return {
        "email": _(
            "The expert's login email; it must not be registered yet, unless you update "
            "existing experts."
        ),
        "given_names": _("Given names."),
        "family_name": _("Family name."),
        "administration": _(
            "The Member administration: its two-letter ISO code or its name in English or French."
        ),
        "date_of_birth": _("YYYY-MM-DD or DD/MM/YYYY (or a date cell)."),
        "gender": _("female, male, other or undisclosed."),
        "nationality": _("The two-letter ISO code of the country."),
        "work_email": _("A work email, if it differs from the login email."),
        "phone": _("In international format, starting with + and the country code."),
        "position": _("Current position."),
        "unit": _("Unit or department."),
        "years_in_customs": _("Years in Customs: a whole number from 0 to 60."),
        "employment_status": _("serving, retired or left."),
        "languages": _(
            "ISO 639-1 codes with a level (A1 to C2, or native), separated by semicolons."
        ),
        "areas": _(
            "Thematic area codes or names, optionally with years (risk-management:5), "
            "separated by semicolons."
        ),
        "biography": _("A short biography, up to 5 000 characters."),
        "preferred_language": _("The language of the portal's emails to the expert: en or fr."),
    }


def template_csv() -> str:
    """An example file with every column, for the officer to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE[name] for name in COLUMNS])
    return buffer.getvalue()


def template_xlsx() -> bytes:
    """A workbook to fill in: the header alone on the first sheet (frozen, in bold, the
    required columns marked in the Help sheet), then the Help sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Experts")
    bold = Font(bold=True)
    sheet.append(COLUMNS)
    for index, name in enumerate(COLUMNS, 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(WIDTHS.get(name, 14), len(name) + 2)
        if name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=1, column=index).font = bold
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(_("Help"))
    help_sheet.append([_("Column"), _("Required"), _("What it holds"), _("Example")])
    texts = descriptions()
    yes, no = _("yes"), _("no")
    for name in COLUMNS:
        required = yes if name in REQUIRED_COLUMNS else no
        help_sheet.append([name, required, texts[name], EXAMPLE[name] or None])
    for letter, width in zip("ABCD", (20, 10, 70, 40), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for cell in help_sheet[1]:
        cell.font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in help_sheet.iter_rows(min_row=2, min_col=3, max_col=3):
        row[0].alignment = wrap
    help_sheet.freeze_panes = "A2"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
