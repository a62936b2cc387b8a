"""Fake mail servers for the notification tests: the only mocks, at the SMTP boundary."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    """An SMTP server that answers every message with ``code`` (the first ``failures`` messages
    only, when that is set) and records how often it was asked."""

    code = 451
    failures = None
    calls = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.calls += 1
        if cls.failures is None or cls.calls <= cls.failures:
            raise smtplib.SMTPResponseException(cls.code, b"try later")
        return super().send_messages(messages)


class DroppedSessionBackend(EmailBackend):
    """A server that dropped an idle session: the first message finds the connection closed."""

    calls = 0

    def send_messages(self, messages):
        cls = type(self)
        cls.calls += 1
        if cls.calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def install_failing_backend(settings, monkeypatch, code=451, *, failures=None):
    """Make this test's email go to a FailingBackend answering ``code``."""
    monkeypatch.setattr(FailingBackend, "code", code)
    monkeypatch.setattr(FailingBackend, "failures", failures)
    monkeypatch.setattr(FailingBackend, "calls", 0)
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    return FailingBackend
