"""Small real documents for the text extraction and search tests, built with the libraries
that write each format, and the library rows that hold them (made with the ORM, so these
tests depend on no library service)."""

import io

import docx
import openpyxl
import pptx
from django.core.files.base import ContentFile
from fpdf import FPDF
from pptx.util import Inches

from materials.enums import MaterialKind, MaterialState, VersionReview
from materials.models import Material, MaterialVersion
from materials.services import search


def pdf_bytes(*pages: str) -> bytes:
    document = FPDF()
    document.set_font("helvetica", size=11)  # a core font: Latin-1 text ("réseau") only
    for text in pages:
        document.add_page()
        document.multi_cell(0, 6, text=text)
    return bytes(document.output())


def docx_bytes(*, body: str = "", cell: str = "", header: str = "", footer: str = "") -> bytes:
    document = docx.Document()
    document.add_paragraph(body)
    table = document.add_table(rows=2, cols=2)
    table.cell(1, 1).text = cell
    section = document.sections[0]
    section.header.paragraphs[0].text = header
    section.footer.paragraphs[0].text = footer
    return _saved(document)


def pptx_bytes(*, title: str = "", cell: str = "", notes: str = "", slides: int = 1) -> bytes:
    """``slides`` slides, each with a title and a text box; the first also with a table and
    speaker notes."""
    presentation = pptx.Presentation()
    for number in range(slides):
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])  # title only
        slide.shapes.title.text = title
        box = slide.shapes.add_textbox(Inches(1), Inches(2), Inches(8), Inches(1))
        box.text_frame.text = f"Slide {number + 1}: customs risk management in e-commerce."
        if number == 0:
            shape = slide.shapes.add_table(2, 2, Inches(1), Inches(4), Inches(6), Inches(1))
            shape.table.cell(1, 0).text = cell
            slide.notes_slide.notes_text_frame.text = notes
    return _saved(presentation)


def xlsx_bytes(*rows, second_sheet=()) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    if second_sheet:
        extra = workbook.create_sheet("Indicators")
        for row in second_sheet:
            extra.append(row)
    return _saved(workbook)


def png_bytes() -> bytes:
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(output, format="PNG")
    return output.getvalue()


def _saved(document) -> bytes:
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def make_material(area, *, by, title="Training material", description="", tags="", **fields):
    """A material, indexed as the library service leaves a new one."""
    material = Material.objects.create(
        area=area,
        title=title,
        description=description,
        tags=tags,
        kind=fields.pop("kind", MaterialKind.PRESENTATION),
        created_by=by,
        **fields,
    )
    search.refresh_material(material.pk)
    return material


def add_version(material, content: bytes, suffix: str, *, by, number=None, **fields):
    """A version of ``material`` holding ``content``, stored through its FileField under the
    suffix the upload checks would have given it."""
    if number is None:
        number = material.versions.count() + 1
    version = MaterialVersion(
        material=material,
        number=number,
        review=fields.pop("review", VersionReview.IN_REVIEW),
        original_name=f"material{suffix}",
        content_type="application/octet-stream",
        size=len(content),
        uploaded_by=by,
        **fields,
    )
    version.file.save(f"material{suffix}", ContentFile(content), save=False)
    version.save()
    return version


def publish(material, version) -> None:
    """What an approval does to the rows (the library service's job), without the service."""
    MaterialVersion.objects.filter(pk=version.pk).update(review=VersionReview.APPROVED)
    material.state = MaterialState.PUBLISHED
    material.published_version = version
    material.save(update_fields=["state", "published_version"])
