"""The one email helper: renders templates/emails/<name>-subject.txt, -body.txt and -body.html
in the recipient's language and sends them through Django's email backend."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_email(name: str, context: dict, *, language: str) -> tuple[str, str, str]:
    context = {**context, "LANGUAGE_CODE": language}
    with translation.override(language):
        subject = render_to_string(f"emails/{name}-subject.txt", context).strip()
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    # A subject must be one line; templates may wrap.
    subject = " ".join(subject.split())
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, text, html


def send_email(name: str, *, to: str, context: dict, language: str) -> None:
    subject, text, html = render_email(name, context, language=language)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
