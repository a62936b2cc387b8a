"""The one email helper: renders templates/emails/<name>-subject.txt, -body.txt and -body.html
in the recipient's language."""

import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_subject(name: str, context: dict, language: str) -> str:
    with translation.override(language):
        subject = render_to_string(
            f"emails/{name}-subject.txt", {**context, "LANGUAGE_CODE": language}
        )
    # A subject must be one line; templates may wrap. Only ASCII whitespace is folded: str.split()
    # would also eat the no-break spaces of French typography ("Rappel : …").
    return re.sub(r"[ \t\r\n]+", " ", subject).strip()


def render_email(name: str, context: dict, *, language: str) -> tuple[str, str, str]:
    context = {**context, "LANGUAGE_CODE": language}
    with translation.override(language):
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    subject = render_subject(name, context, language)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, html
