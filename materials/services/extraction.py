"""The text of a material's version, read from its file for the library's search.

Run by the task ``materials.extract_text`` after each upload. Reading is bounded: at most
``settings.MATERIAL_MAX_TEXT_CHARS`` characters are kept, and at most ``PDF_MAX_PAGES`` pages,
``PPTX_MAX_SLIDES`` slides, ``XLSX_MAX_SHEETS`` sheets of ``XLSX_MAX_ROWS`` rows each are read
(a Word document has no pages to count: the character budget stops it). A file that cannot be
read (an image, a scanned PDF without text, a damaged or missing file) leaves the version
FAILED ("No text found"): it is still found by its title, tags and description.
"""

import io
import logging
import re
import zipfile
from datetime import timedelta
from itertools import islice
from pathlib import Path

import docx
import openpyxl
import pptx
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml
from pypdf import PdfReader

from ace_portal.celery import registered_task
from experts.services.uploads import OFFICE_MAX_PARTS, OFFICE_MAX_UNPACKED_BYTES
from materials.enums import TextExtraction
from materials.models import MaterialVersion
from materials.services import search

logger = logging.getLogger(__name__)

PDF_MAX_PAGES = 1000
PPTX_MAX_SLIDES = 1000
XLSX_MAX_SHEETS = 50
XLSX_MAX_ROWS = 20_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
# The parts of a Word document whose text is searched besides its body.
_DOCX_PARTS = (RT.HEADER, RT.FOOTER, RT.FOOTNOTES, RT.ENDNOTES)
# PostgreSQL refuses NUL in text; the other control characters are noise (a form feed, a tab
# or a newline is whitespace, collapsed with the rest).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")


def extract(version_pk: int) -> str:
    """Read the text of the version ``version_pk`` and refresh its material's search entry.

    Returns the resulting TextExtraction value. Side effects: the version's ``text`` and
    ``extraction`` are written (DONE with its text, or FAILED with none); the material's body
    text and search vector are recomputed. Never raises for a bad file (it is logged); running
    it again reads the file again and writes the same.
    """
    versions = MaterialVersion.objects.filter(pk=version_pk)
    # Counted before reading, in its own commit: a reading that kills its worker still counts.
    versions.update(extraction_attempts=F("extraction_attempts") + 1)
    version = versions.only("pk", "file", "material", "extraction", "extraction_attempts").first()
    if version is None:
        logger.info("Material version %s is gone: no text to read.", version_pk)
        return TextExtraction.FAILED
    if (
        version.extraction == TextExtraction.PENDING
        and version.extraction_attempts > settings.MATERIAL_EXTRACTION_MAX_ATTEMPTS
    ):
        # Redelivered after its worker was lost, again and again: the file is not read again.
        logger.warning("Gave up reading material version %s: it never finished.", version_pk)
        versions.update(extraction=TextExtraction.FAILED)
        return TextExtraction.FAILED
    text = read_text(version.file)
    state = TextExtraction.DONE if text else TextExtraction.FAILED
    with transaction.atomic():
        MaterialVersion.objects.filter(pk=version.pk).update(text=text, extraction=state)
        search.refresh_material(version.material_id)
    return state


def retry_lost(*, now=None, limit: int = 500) -> int:
    """Every quarter of an hour: queue again the readings that were lost, so that no material
    stays unsearchable for ever. A version still PENDING
    ``MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES`` after it was queued was never read: the broker
    was down or hung at the upload, or its worker died (or was killed at the hard time limit)
    in the middle. After ``MATERIAL_EXTRACTION_MAX_ATTEMPTS`` readings begun and never finished
    the file is given up as FAILED (still found by its title, tags and description).

    Returns how many were queued again. Side effects: given-up versions FAILED; the others'
    ``extraction_queued_at`` set when the broker took them. A broker that is still down loses
    nothing: they wait for the next sweep, and an outage does not count as an attempt.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.MATERIAL_EXTRACTION_RETRY_AFTER_MINUTES)
    lost = MaterialVersion.objects.filter(
        extraction=TextExtraction.PENDING, extraction_queued_at__lt=cutoff
    )
    attempts = settings.MATERIAL_EXTRACTION_MAX_ATTEMPTS
    given_up = lost.filter(extraction_attempts__gte=attempts).update(
        extraction=TextExtraction.FAILED
    )
    if given_up:
        logger.warning("Gave up reading %d material versions: they never finished.", given_up)
    task = registered_task("materials.extract_text")
    queued: list[int] = []
    for pk in lost.order_by("pk").values_list("pk", flat=True)[:limit]:
        try:
            task.delay(pk)
        except Exception:  # kombu raises several kinds; any of them means "not queued"
            logger.warning("Could not queue the reading of material version %s; will retry.", pk)
            break
        queued.append(pk)
    MaterialVersion.objects.filter(pk__in=queued).update(extraction_queued_at=now)
    return len(queued)


def read_text(field_file) -> str:
    """The searchable text of a stored file, by the suffix the upload checks gave it; empty
    when it has none or cannot be read."""
    suffix = Path(field_file.name or "").suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:  # a picture (or no file at all): nothing to read
        return ""
    collected = _Collected(settings.MATERIAL_MAX_TEXT_CHARS)
    try:
        reader(io.BytesIO(_load(field_file)), collected)
    except Exception:
        # A damaged file, a file gone from the storage, or the task's soft time limit
        # (SoftTimeLimitExceeded is raised wherever the reader was): the version is FAILED
        # instead of the job failing, and the material stays found by its title.
        logger.warning("Could not read the text of %s.", field_file.name, exc_info=True)
        return ""
    return collected.text()


class _Collected:
    """The text read so far, cleaned piece by piece, full at ``limit`` characters."""

    def __init__(self, limit: int):
        self.limit = limit
        self.pieces: list[str] = []
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= self.limit

    def add(self, piece) -> None:
        if not piece or self.full:
            return
        # Lone surrogates (from a broken PDF font map) cannot be sent to the database.
        piece = str(piece).encode("utf-8", "ignore").decode("utf-8")
        piece = _WHITESPACE.sub(" ", _CONTROL.sub("", piece)).strip()
        if piece:
            self.pieces.append(piece)
            self.size += len(piece) + 1

    def text(self) -> str:
        text = " ".join(self.pieces)
        if len(text) <= self.limit:
            return text
        cut = text[: self.limit]
        # Do not keep the first half of a word: it would be found by a prefix it never had.
        return cut.rsplit(" ", 1)[0] if " " in cut else cut


def _load(field_file) -> bytes:
    with field_file.open("rb") as handle:
        data = handle.read(settings.MATERIAL_MAX_BYTES + 1)
    if len(data) > settings.MATERIAL_MAX_BYTES:
        raise ValueError(f"{field_file.name} is larger than MATERIAL_MAX_BYTES")
    return data


def _check_archive(stream) -> None:
    """The upload checks bound an Office document's parts and unpacked size; checked again
    here because the readers inflate every part they parse into memory."""
    with zipfile.ZipFile(stream) as archive:
        parts = archive.infolist()
    if len(parts) > OFFICE_MAX_PARTS:
        raise ValueError(f"{len(parts)} parts in the archive")
    if sum(part.file_size for part in parts) > OFFICE_MAX_UNPACKED_BYTES:
        raise ValueError("the archive unpacks beyond OFFICE_MAX_UNPACKED_BYTES")
    stream.seek(0)


def _add_xml_text(element, collected, *, text_tag: str, breaks: tuple[str, ...]) -> None:
    """The text of an Office XML tree, in document order: every run of text, with a space
    for every paragraph, tab and line break. Runs are joined without a space (Word splits a
    word into runs at every change of format or spelling mark)."""
    words: list[str] = []
    for node in element.iter(text_tag, *breaks):
        if node.tag == text_tag:
            words.append(node.text or "")
            continue
        words.append(" ")
        if len(words) > 1000:
            collected.add("".join(words))
            words = []
            if collected.full:
                return
    collected.add("".join(words))


def _read_pdf(stream, collected) -> None:
    reader = PdfReader(stream)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("the PDF is protected by a password")
    for page in islice(reader.pages, PDF_MAX_PAGES):
        collected.add(page.extract_text())
        if collected.full:
            return


def _read_docx(stream, collected) -> None:
    """Body (paragraphs, tables, text boxes), then headers, footers, foot- and endnotes."""
    _check_archive(stream)
    document = docx.Document(stream)
    elements = [document.element]
    for rel in document.part.rels.values():
        if rel.reltype in _DOCX_PARTS and not rel.is_external:
            part = rel.target_part
            # Headers and footers are parsed parts; python-docx keeps the notes as bytes.
            elements.append(part.element if isinstance(part, XmlPart) else parse_xml(part.blob))
    breaks = (f"{_W}p", f"{_W}tab", f"{_W}br", f"{_W}cr")
    for element in elements:
        _add_xml_text(element, collected, text_tag=f"{_W}t", breaks=breaks)


def _read_pptx(stream, collected) -> None:
    """Each slide's shapes (text frames, tables, groups) and its speaker notes."""
    _check_archive(stream)
    presentation = pptx.Presentation(stream)
    breaks = (f"{_A}p", f"{_A}br")
    for slide in islice(presentation.slides, PPTX_MAX_SLIDES):
        _add_xml_text(slide.element, collected, text_tag=f"{_A}t", breaks=breaks)
        if slide.has_notes_slide:  # reading notes_slide otherwise would create one
            notes = slide.notes_slide.element
            _add_xml_text(notes, collected, text_tag=f"{_A}t", breaks=breaks)
        if collected.full:
            return


def _read_xlsx(stream, collected) -> None:
    """The cell values (as last computed by the spreadsheet, not formulas) of each sheet."""
    _check_archive(stream)
    workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    try:
        for sheet in islice(workbook.worksheets, XLSX_MAX_SHEETS):
            collected.add(sheet.title)
            for row in sheet.iter_rows(max_row=XLSX_MAX_ROWS, values_only=True):
                collected.add(" ".join(str(value) for value in row if value is not None))
                if collected.full:
                    return
    finally:
        workbook.close()


_READERS = {".pdf": _read_pdf, ".docx": _read_docx, ".pptx": _read_pptx, ".xlsx": _read_xlsx}
