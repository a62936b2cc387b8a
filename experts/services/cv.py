"""The standard expert CV as a PDF, which the Secretariat sends to a beneficiary administration.

What such a CV may say is decided here and nowhere else: never the passport, the date of birth or
the gender; contact details only when the officer asks for them.
"""

import io
import logging
from pathlib import Path

from django.db.models import Prefetch, Q
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos
from PIL import Image

from experts.models import Accreditation, Expert
from experts.services import profile as services

logger = logging.getLogger(__name__)
# fontTools reports every table of every font it subsets at INFO: some thirty lines per CV.
logging.getLogger("fontTools").setLevel(logging.WARNING)

# The PDF core fonts are Latin-1 only; DejaVu Sans covers the Latin, Greek and Cyrillic names of
# the roster (vendored with its licence, so the output does not depend on the host's fonts).
FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"

CV_SECTIONS = [
    ("summary", gettext_lazy("Summary")),
    ("accreditations", gettext_lazy("Accreditations")),
    ("expertise", gettext_lazy("Areas of expertise")),
    ("languages", gettext_lazy("Languages")),
    ("work_history", gettext_lazy("Work history")),
    ("education", gettext_lazy("Education")),
    ("biography", gettext_lazy("Biography")),
    ("photo", gettext_lazy("Photo")),
]
CV_SECTION_KEYS = [key for key, _label in CV_SECTIONS]

HEADING_COLOUR = (31, 58, 95)
MUTED_COLOUR = (90, 90, 90)
LINE = 5  # mm, for 10 pt text
LABEL = FontFace(emphasis="BOLD")
PHOTO_WIDTH, PHOTO_HEIGHT = 30, 40  # mm, the box a photo is fitted into


def expert_for_cv():
    """Experts with all a CV shows, in a constant number of queries: the profile, and the
    accreditations the expert holds today (pre-accredited, accredited or recognized)."""
    current = (
        Accreditation.objects.holding()
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=timezone.localdate()))
        .select_related("profile_type", "area")
    )
    return services.expert_with_profile().prefetch_related(
        Prefetch("accreditations", current, to_attr="cv_accreditations")
    )


class PortalPDF(FPDF):
    """An A4 page in the portal's font with a footer: the CV's, and the release letter's."""

    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        for style, file_name in (
            ("", "DejaVuSans.ttf"),
            ("B", "DejaVuSans-Bold.ttf"),
            ("I", "DejaVuSans-Oblique.ttf"),
        ):
            self.add_font(FONT, style, FONTS / file_name)
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED_COLOUR)
        # "{nb}" is fpdf2's alias for the page count, filled in when the document is closed.
        text = _("%(name)s, page %(page)s of %(pages)s") % {
            "name": self.footer_text,
            "page": self.page_no(),
            "pages": "{nb}",
        }
        self.cell(0, 5, text, align="C")


def render_cv(expert: Expert, *, sections: set[str], include_contact: bool) -> bytes:
    """The CV of ``expert`` as PDF bytes, in the active language, with the chosen ``sections``
    (keys of CV_SECTIONS). Load the expert with expert_for_cv(). No side effects."""
    pdf = PortalPDF(footer_text=expert.full_name)
    pdf.set_title(_("Curriculum vitae: %(name)s") % {"name": expert.full_name})
    pdf.set_creator("ACE Portal")
    pdf.set_lang(get_language() or "en")
    pdf.add_page()
    photo = _photo(expert) if "photo" in sections else None
    _header(pdf, expert, photo)
    _contact(pdf, expert, include_contact)
    for key, label in CV_SECTIONS:
        if key in sections and key in WRITERS:
            WRITERS[key](pdf, expert, str(label))
    return bytes(pdf.output())


def _photo(expert: Expert) -> Image.Image | None:
    """The expert's photo, or None: a missing or damaged file costs the CV its picture, not the
    whole download."""
    if not expert.photo:
        return None
    try:
        with expert.photo.open("rb") as handle:
            image = Image.open(io.BytesIO(handle.read()))
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError):
        logger.warning("CV of expert %s: photo unreadable, left out", expert.pk, exc_info=True)
        return None
    # A camera's full resolution would only make the PDF heavy: 30 mm needs ~350 pixels.
    image.thumbnail((600, 800))
    return image


def _header(pdf: FPDF, expert: Expert, photo: Image.Image | None):
    top = pdf.get_y()
    text_width = pdf.epw - (PHOTO_WIDTH + 6 if photo else 0)
    if photo:
        x = pdf.l_margin + pdf.epw - PHOTO_WIDTH
        pdf.image(photo, x=x, y=top, w=PHOTO_WIDTH, h=PHOTO_HEIGHT, keep_aspect_ratio=True)
    pdf.set_font(FONT, "B", 20)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.multi_cell(text_width, 9, expert.full_name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 12)
    pdf.set_text_color(0, 0, 0)
    pdf.cell(text_width, 7, _("Curriculum vitae"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 9)
    pdf.set_text_color(*MUTED_COLOUR)
    generated = formats.date_format(timezone.localdate(), "DATE_FORMAT")
    pdf.cell(
        text_width,
        LINE,
        _("Generated on %(date)s by the WCO Secretariat") % {"date": generated},
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    if photo:
        pdf.set_y(max(pdf.get_y(), top + PHOTO_HEIGHT + 3))


def _contact(pdf: FPDF, expert: Expert, include_contact: bool):
    if not include_contact:
        pdf.set_font(FONT, "I", 10)
        pdf.multi_cell(
            0,
            LINE,
            _("Contact details are withheld. They are available from the WCO Secretariat."),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        return
    write_heading(pdf, _("Contact"))
    write_facts(
        pdf,
        [
            (_("Work email"), expert.work_email),
            (_("Login email"), expert.user.email),
            (_("Phone"), expert.phone.as_international if expert.phone else ""),
        ],
    )


def write_heading(pdf: FPDF, text: str):
    pdf.ln(4)
    # Keep a heading with at least a couple of lines of its section.
    if pdf.will_page_break(7 + 3 * LINE):
        pdf.add_page()
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*HEADING_COLOUR)
    pdf.cell(0, 7, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*HEADING_COLOUR)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)


def write_facts(pdf: FPDF, rows: list[tuple[str, str]]):
    """Label and value side by side, both wrapping (French labels run long); rows without a
    value are left out."""
    pdf.set_font(FONT, "", 10)
    with pdf.table(
        col_widths=(1, 2),
        borders_layout="NONE",
        first_row_as_headings=False,
        text_align="LEFT",
        v_align="TOP",
        line_height=LINE,
        padding=(0.5, 3, 0.5, 0),
    ) as table:
        for label, value in rows:
            if value not in ("", None):
                row = table.row()
                row.cell(label, style=LABEL)
                row.cell(str(value))


def _entries(pdf: FPDF, entries: list[tuple[str, list[str]]]):
    """A bold title per entry, then its detail lines (empty ones left out)."""
    for title, details in entries:
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(0, LINE, title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT, "", 10)
        for detail in details:
            if detail:
                pdf.multi_cell(0, LINE, detail, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(1.5)


def _years(count: int) -> str:
    # The same message as the profile pages' "{{ years }} year", so one translation serves both.
    return ngettext("%(years)s year", "%(years)s years", count) % {"years": count}


def _month(value) -> str:
    return formats.date_format(value, "YEAR_MONTH_FORMAT")


# Each writer prints one section, or nothing at all when the expert has nothing to show in it:
# an empty heading tells a beneficiary administration nothing.


def _write_summary(pdf, expert, title):
    administration = expert.home_administration
    rows = [
        (_("Nationality"), expert.nationality.name if expert.nationality else ""),
        (_("Position"), expert.position),
        (_("Unit or department"), expert.unit),
        (
            _("Home administration"),
            f"{administration.name} ({administration.region.name})" if administration else "",
        ),
        (
            _("Years in Customs"),
            _years(expert.years_in_customs) if expert.years_in_customs is not None else "",
        ),
        (_("Employment status"), expert.get_employment_status_display()),
    ]
    write_heading(pdf, title)
    write_facts(pdf, rows)


def _write_accreditations(pdf, expert, title):
    entries = []
    for accreditation in expert.cv_accreditations:
        state = accreditation.get_state_display()
        if accreditation.valid_until:
            valid = formats.date_format(accreditation.valid_until, "DATE_FORMAT")
            state = _("%(state)s, valid until %(date)s") % {"state": state, "date": valid}
        profile = accreditation.profile_type
        entries.append(
            (f"{profile.name} ({profile.code}): {accreditation.area.name}", [str(state)])
        )
    if entries:
        write_heading(pdf, title)
        _entries(pdf, entries)


def _write_expertise(pdf, expert, title):
    entries = [
        (f"{item.area.name}, {_years(item.years)}", [item.description])
        for item in expert.expertise.all()
    ]
    if entries:
        write_heading(pdf, title)
        _entries(pdf, entries)


def _write_languages(pdf, expert, title):
    rows = [(item.language.name, item.get_proficiency_display()) for item in expert.languages.all()]
    if rows:
        write_heading(pdf, title)
        write_facts(pdf, rows)


def _write_work_history(pdf, expert, title):
    entries = []
    for item in expert.work_history.all():
        end = _month(item.end_date) if item.end_date else _("present")
        period = f"{_month(item.start_date)} – {end}"
        entries.append((f"{item.position}, {item.organisation}", [period, item.description]))
    if entries:
        write_heading(pdf, title)
        _entries(pdf, entries)


def _write_education(pdf, expert, title):
    entries = []
    for item in expert.education.all():
        degree = f"{item.degree} ({item.field_of_study})" if item.field_of_study else item.degree
        detail = item.institution
        if item.year_completed:
            detail = f"{detail}, {item.year_completed}"
        entries.append((degree, [detail]))
    if entries:
        write_heading(pdf, title)
        _entries(pdf, entries)


def _write_biography(pdf, expert, title):
    if expert.biography.strip():
        write_heading(pdf, title)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(
            0, LINE, expert.biography.strip(), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )


# The photo is not a section of its own: the header places it.
WRITERS = {
    "summary": _write_summary,
    "accreditations": _write_accreditations,
    "expertise": _write_expertise,
    "languages": _write_languages,
    "work_history": _write_work_history,
    "education": _write_education,
    "biography": _write_biography,
}
