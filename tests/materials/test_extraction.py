"""Text extraction of the library's files, through the task the upload queues (run inline
here): each format's text reaches the version and the material's search."""

import io
import logging
import zipfile

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from pypdf import PageObject

from ace_portal.celery import registered_task
from materials.enums import TextExtraction
from materials.models import Material, MaterialVersion
from materials.services import extraction, search
from tests.materials.extraction_documents import (
    add_version,
    docx_bytes,
    make_material,
    pdf_bytes,
    png_bytes,
    pptx_bytes,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def material(ecommerce, officer):
    return make_material(ecommerce, by=officer, title="Risk indicators")


def run_extraction(version) -> str:
    state = registered_task("materials.extract_text").delay(version.pk).get()
    version.refresh_from_db()
    return state


def found(word: str) -> list[int]:
    return [material.pk for material in search.search(Material.objects.all(), word)]


def test_extract_text_pdf_reaches_the_version_and_the_search(material, officer):
    version = add_version(
        material, pdf_bytes("Customs risk.", "The zephyrine indicator."), ".pdf", by=officer
    )

    state = run_extraction(version)

    assert state == version.extraction == TextExtraction.DONE
    assert "zephyrine indicator" in version.text
    assert found("zephyrine") == [material.pk]


def test_extract_text_docx_reads_body_table_header_and_footer(material, officer):
    content = docx_bytes(body="boreal", cell="cirrus", header="zephyrine", footer="mistral")
    version = add_version(material, content, ".docx", by=officer)

    assert run_extraction(version) == TextExtraction.DONE
    assert {"boreal", "cirrus", "zephyrine", "mistral"} <= set(version.text.split())
    assert found("zephyrine") == found("cirrus") == [material.pk]


def test_extract_text_pptx_word_only_in_the_notes_is_found(material, officer):
    content = pptx_bytes(title="Postal traffic", cell="cirrus", notes="zephyrine")
    version = add_version(material, content, ".pptx", by=officer)

    assert run_extraction(version) == TextExtraction.DONE
    assert found("zephyrine") == [material.pk]
    assert found("cirrus") == [material.pk]  # a table cell
    assert found("traffic") == [material.pk]  # a slide title
    assert "Slide 1: customs risk management" in version.text  # a text box


def test_extract_text_xlsx_reads_the_values_of_every_sheet(material, officer):
    content = xlsx_bytes(
        ["Indicator", "Weight"], ["undervaluation", 0.75], second_sheet=[["zephyrine", 12]]
    )
    version = add_version(material, content, ".xlsx", by=officer)

    assert run_extraction(version) == TextExtraction.DONE
    assert "undervaluation 0.75" in version.text
    assert "zephyrine 12" in version.text
    assert found("zephyrine") == [material.pk]


def test_extract_text_image_has_no_text_quietly(material, officer, caplog):
    version = add_version(material, png_bytes(), ".png", by=officer)

    with caplog.at_level(logging.WARNING, logger="materials"):
        assert run_extraction(version) == TextExtraction.FAILED

    assert version.text == ""
    assert caplog.records == []  # a picture is not an error


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".pptx", ".xlsx"])
def test_extract_text_damaged_file_fails_without_raising(material, officer, caplog, suffix):
    good = pdf_bytes("zephyrine") if suffix == ".pdf" else docx_bytes(body="zephyrine")
    version = add_version(material, good[: len(good) // 2], suffix, by=officer)

    with caplog.at_level(logging.WARNING, logger="materials"):
        assert run_extraction(version) == TextExtraction.FAILED

    assert version.text == ""
    assert "Could not read the text" in caplog.text
    assert found("risk") == [material.pk]  # still found by its title


def test_extract_text_docx_disguised_as_a_presentation_fails(material, officer):
    version = add_version(material, docx_bytes(body="zephyrine"), ".pptx", by=officer)

    assert run_extraction(version) == TextExtraction.FAILED
    assert found("zephyrine") == []


def test_extract_text_archive_unpacking_too_large_is_not_read(material, officer, monkeypatch):
    monkeypatch.setattr(extraction, "OFFICE_MAX_UNPACKED_BYTES", 1000)
    version = add_version(material, pptx_bytes(notes="zephyrine"), ".pptx", by=officer)

    assert run_extraction(version) == TextExtraction.FAILED
    assert version.text == ""


def test_extract_text_file_gone_fails(material, officer):
    version = add_version(material, pdf_bytes("zephyrine"), ".pdf", by=officer)
    version.file.storage.delete(version.file.name)

    assert run_extraction(version) == TextExtraction.FAILED
    assert version.text == ""


def test_extract_text_version_gone_is_harmless(material):
    assert extraction.extract(987654) == TextExtraction.FAILED


def test_extract_text_run_twice_gives_the_same(material, officer):
    version = add_version(material, pptx_bytes(notes="zephyrine"), ".pptx", by=officer)

    assert run_extraction(version) == TextExtraction.DONE
    first = version.text
    assert run_extraction(version) == TextExtraction.DONE

    assert version.text == first
    material.refresh_from_db()
    assert material.body_text == first
    assert found("zephyrine") == [material.pk]


def test_extract_text_is_cut_at_the_setting(material, officer, settings):
    settings.MATERIAL_MAX_TEXT_CHARS = 500
    words = " ".join(f"word{number}" for number in range(2000))
    version = add_version(material, docx_bytes(body=words, footer="zephyrine"), ".docx", by=officer)

    assert run_extraction(version) == TextExtraction.DONE

    assert 480 <= len(version.text) <= 500
    assert version.text.startswith("word0 word1 word2")
    assert version.text.split()[-1] in words.split()  # no word cut in half
    assert version.text == words[: len(version.text)]
    assert found("zephyrine") == []  # the footer came after the budget


def test_extract_text_stops_at_the_page_cap(material, officer, monkeypatch):
    monkeypatch.setattr(extraction, "PDF_MAX_PAGES", 2)
    content = pdf_bytes("first page", "second page", "zephyrine on the third")
    version = add_version(material, content, ".pdf", by=officer)

    assert run_extraction(version) == TextExtraction.DONE
    assert "second page" in version.text
    assert "zephyrine" not in version.text


def test_extract_text_removes_nul_and_collapses_whitespace(material, officer):
    content = pdf_bytes("alpha zeph\x00yrine\n\n\n   beta\t\tgamma")
    version = add_version(material, content, ".pdf", by=officer)

    assert run_extraction(version) == TextExtraction.DONE

    assert "\x00" not in version.text
    assert "alpha zephyrine beta gamma" in version.text
    assert found("zephyrine") == [material.pk]


def test_extract_text_soft_time_limit_ends_failed(material, officer, monkeypatch):
    # What Celery does at the soft limit: raise inside whatever the task is running.
    def interrupted(page, *args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(PageObject, "extract_text", interrupted)
    version = add_version(material, pdf_bytes("zephyrine"), ".pdf", by=officer)

    assert run_extraction(version) == TextExtraction.FAILED
    assert version.text == ""


def test_extract_text_scanned_pdf_without_text_fails(material, officer):
    version = add_version(material, pdf_bytes(""), ".pdf", by=officer)

    assert run_extraction(version) == TextExtraction.FAILED


def test_extract_text_task_is_bounded_in_time():
    task = registered_task("materials.extract_text")
    assert (task.soft_time_limit, task.time_limit) == (120, 150)


def test_extract_text_zip_that_is_no_office_document_fails(material, officer):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        archive.writestr("hello.txt", "zephyrine")
    version = add_version(material, output.getvalue(), ".xlsx", by=officer)

    assert run_extraction(version) == TextExtraction.FAILED
    assert MaterialVersion.objects.get(pk=version.pk).text == ""
