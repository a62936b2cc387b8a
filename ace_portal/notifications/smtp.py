"""Django's SMTP backend, told apart when a message may already have been delivered.

Once DATA and its final dot are sent, the server holds the message; if its reply is then lost
(a timeout, a dropped connection), smtplib reports a disconnection like any other, and a sender
that reconnects and sends again at once doubles the email. This backend raises
DeliveryUncertain instead, so the caller waits long before trying again (RFC 5321 §4.5.3.2
allows a server 10 minutes for that reply).
"""

import smtplib

from django.core.mail.backends import smtp


class DeliveryUncertain(Exception):  # noqa: N818 - a state of the message, not a fault of ours
    """The message was handed over in full, but the server's reply to it never came."""


class _TracksFinalDot:
    final_dot_sent = False

    def data(self, msg):
        self.final_dot_sent = False
        return super().data(msg)

    def send(self, s):
        super().send(s)
        # smtplib.SMTP.data sends the message and its terminating "CRLF . CRLF" in one piece.
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.final_dot_sent = True


class _SMTP(_TracksFinalDot, smtplib.SMTP):
    pass


class _SMTP_SSL(_TracksFinalDot, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's own name
    pass


class EmailBackend(smtp.EmailBackend):
    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        try:
            return super()._send(email_message)
        except Exception as error:
            # A reply that came (250, 4xx, 5xx) is certain; only a reply that never came is not.
            replied = isinstance(error, smtplib.SMTPResponseException)
            if getattr(self.connection, "final_dot_sent", False) and not replied:
                raise DeliveryUncertain(f"no reply after the message was sent: {error}") from error
            raise
