"""The Secretariat's standard expert CV: an options page, and the PDF it downloads."""

import re
import unicodedata

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import content_disposition_header

from experts.forms.cv import CVOptionsForm
from experts.permissions import get_expert_for_user, secretariat_required
from experts.services.cv import expert_for_cv, render_cv

# Letters that Unicode does not decompose into an ASCII base letter.
_ASCII_LETTERS = str.maketrans(
    {"Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "ß": "ss"}
)


@secretariat_required
def expert_cv(request, pk):
    expert = get_expert_for_user(request.user, pk)
    current = translation.get_supported_language_variant(translation.get_language())
    form = CVOptionsForm(initial={"language": current})
    return _options_page(request, expert, form)


@secretariat_required
def expert_cv_pdf(request, pk):
    expert = get_expert_for_user(request.user, pk, expert_for_cv())
    form = CVOptionsForm(request.GET)
    if not form.is_valid():
        return _options_page(request, expert, form, status=400)
    options = form.cleaned_data
    with translation.override(options["language"]):
        pdf = render_cv(
            expert,
            sections=set(options["sections"]),
            include_contact=options["include_contact"],
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=cv_file_name(expert)
    )
    # The CV carries personal data: no shared cache may keep it, nor the browser's history.
    response["Cache-Control"] = "private, no-store"
    return response


def cv_file_name(expert) -> str:
    """``CV-Family-Given.pdf`` in plain ASCII, which every mail client and file system takes."""
    parts = []
    for name in (expert.family_name, expert.given_names):
        ascii_name = unicodedata.normalize("NFKD", name.translate(_ASCII_LETTERS))
        ascii_name = ascii_name.encode("ascii", "ignore").decode()
        parts.append(re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-"))
    stem = "-".join(part for part in parts if part)
    return f"CV-{stem or expert.pk}.pdf"


def _options_page(request, expert, form, status=200):
    return render(
        request,
        "experts/cv/expert_cv.html",
        {"expert": expert, "form": form},
        status=status,
    )
