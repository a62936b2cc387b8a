"""Small real files for the demo library, made in memory: a PDF (fpdf2), a Word
document (python-docx), a PowerPoint presentation (python-pptx) and an Excel workbook
(openpyxl). Each holds the text of a ``Doc``, so the library's text extraction and search find
the words inside, and passes the upload checks (experts.services.uploads) as a real upload
would. The suffix of each format is the one the checks give it.

The PDFs use a core font (Helvetica, Latin-1 text): loading and subsetting the CV's embedded
font took ~0.7 s a file, the seed's whole budget for the library."""

import io
from dataclasses import dataclass, field

import docx
import openpyxl
import pptx
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from openpyxl.styles import Font

FOOTER = "ACE Portal demo: fictitious training material"


@dataclass
class Doc:
    """What a demo file says: a title, sections of lines (a line starting with "- " is a bullet
    point) and, for a workbook, a table (header row first)."""

    title: str
    sections: list[tuple[str, list[str]]]
    table: list[list[str]] = field(default_factory=list)

    def lines(self):
        for heading, lines in self.sections:
            yield heading, [line.removeprefix("- ") for line in lines]


class _DemoPDF(FPDF):
    def footer(self):
        self.set_y(-12)
        self.set_font("helvetica", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"{FOOTER}, page {self.page_no()}", align="C")


def _latin1(text: str) -> str:
    # What a core font can show; the demo's texts are written within it.
    return text.encode("latin-1", "replace").decode("latin-1")


def _pdf_line(pdf, text: str, *, height: float = 5) -> None:
    pdf.multi_cell(0, height, _latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _pdf_heading(pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 13)
    pdf.set_text_color(20, 70, 120)
    _pdf_line(pdf, text, height=7)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("helvetica", "", 10)


def render_pdf(doc: Doc) -> bytes:
    pdf = _DemoPDF(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_title(_latin1(doc.title))
    pdf.set_creator("ACE Portal demo")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    _pdf_line(pdf, doc.title, height=9)
    for heading, lines in doc.sections:
        _pdf_heading(pdf, heading)
        for line in lines:
            _pdf_line(pdf, f"-  {line[2:]}" if line.startswith("- ") else line)
            pdf.ln(1)
    if doc.table:
        _pdf_heading(pdf, " / ".join(doc.table[0]))
        for row in doc.table[1:]:
            _pdf_line(pdf, " | ".join(row))
    return bytes(pdf.output())


def render_docx(doc: Doc) -> bytes:
    document = docx.Document()
    document.core_properties.title = doc.title
    document.core_properties.author = "ACE Portal demo"
    document.add_heading(doc.title, level=0)
    for heading, lines in doc.sections:
        document.add_heading(heading, level=1)
        for line in lines:
            if line.startswith("- "):
                document.add_paragraph(line[2:], style="List Bullet")
            else:
                document.add_paragraph(line)
    if doc.table:
        table = document.add_table(rows=0, cols=len(doc.table[0]))
        table.style = "Table Grid"
        for row in doc.table:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pptx(doc: Doc) -> bytes:
    deck = pptx.Presentation()
    deck.core_properties.title = doc.title
    deck.core_properties.author = "ACE Portal demo"
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = doc.title
    cover.placeholders[1].text = FOOTER
    for heading, lines in doc.lines():
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        body = slide.placeholders[1].text_frame
        body.text = lines[0] if lines else ""
        for line in lines[1:]:
            body.add_paragraph().text = line
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def render_xlsx(doc: Doc) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.properties.title = doc.title
    workbook.properties.creator = "ACE Portal demo"
    sheet = workbook.active
    sheet.title = "Table"
    sheet.append([doc.title])
    sheet["A1"].font = Font(bold=True, size=14)
    for index, row in enumerate(doc.table):
        sheet.append(row)
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for column, width in zip("ABCDE", (34, 60, 18, 18, 18), strict=False):
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("How to use")
    for heading, lines in doc.lines():
        notes.append([heading])
        notes[f"A{notes.max_row}"].font = Font(bold=True)
        for line in lines:
            notes.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The suffix each format is stored with, and what makes it.
RENDERERS = {
    ".pdf": render_pdf,
    ".docx": render_docx,
    ".pptx": render_pptx,
    ".xlsx": render_xlsx,
}


def render(suffix: str, doc: Doc) -> bytes:
    return RENDERERS[suffix](doc)
