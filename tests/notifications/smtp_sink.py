"""A local SMTP server for tests and benchmarks (aiosmtpd in a background thread).

It records a message only when it answers ``250``: a message that was refused, or held and never
acknowledged, was not delivered (SMTP semantics). It can be told to refuse messages with a
transient (451) or permanent (550) reply, a number of times or always, and to hold the Nth
message it receives until the test releases it, which lets a test kill a worker mid-delivery.

    with SmtpSink() as sink:
        ...  # send to 127.0.0.1:sink.port
        sink.wait_for(10)
        assert len(sink.messages) == 10

Run alone (``python -m tests.notifications.smtp_sink --port 1025``) it serves until interrupted.
"""

import asyncio
import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

REPLIES = {
    451: "451 4.3.0 Try again later (test sink)",
    550: "550 5.7.1 Refused for good (test sink)",
}
UNACKNOWLEDGED_REPLY = "451 4.3.0 Held by the test sink and released without delivery"


@dataclass(frozen=True)
class Received:
    """One message the sink acknowledged with 250."""

    mail_from: str
    recipients: tuple[str, ...]
    subject: str
    message_id: str
    content: bytes


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        action = self.sink._next_action()
        if action == "hold":
            self.sink.holding.set()
            # Only this session waits; others go on. If the client dies meanwhile, aiosmtpd
            # cancels this coroutine: either way the message is never acknowledged.
            while not self.sink._released.is_set():
                await asyncio.sleep(0.01)
            return UNACKNOWLEDGED_REPLY
        if action is not None:
            return REPLIES[action]
        headers = BytesHeaderParser(policy=default_policy).parsebytes(envelope.content)
        self.sink._record(
            Received(
                mail_from=envelope.mail_from,
                recipients=tuple(envelope.rcpt_tos),
                subject=str(headers.get("Subject", "")),
                message_id=str(headers.get("Message-ID", "")),
                content=envelope.content,
            )
        )
        # A slow server: it keeps the message (recorded above) and answers late.
        if delay := self.sink._take_late_reply():
            await asyncio.sleep(delay)
        return "250 2.0.0 OK"


class SmtpSink:
    """An SMTP server on ``host``:``port`` (a free port unless given) that remembers messages."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host = host
        self.port = port or free_port(host)
        self.holding = threading.Event()  # set when the held message has arrived
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._controller = Controller(
            _Handler(self), hostname=host, port=self.port, server_hostname="sink.test"
        )
        self.reset()

    # Life cycle ---------------------------------------------------------------------------

    def start(self) -> "SmtpSink":
        self._controller.start()
        return self

    def stop(self) -> None:
        self.release()
        self._controller.stop()

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # Behaviour ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the messages and accept everything again."""
        self.release()
        with self._lock:
            self._messages: list[Received] = []
            self._received = 0  # DATA commands seen, whatever the answer
            self._refused = 0
            self._refuse_code: int | None = None
            self._late_reply, self._late_replies_left = 0.0, 0
            self._refusals_left: int | None = None  # None: refuse always
            self._hold_number: int | None = None
        self.holding.clear()
        self._released.clear()

    def refuse(self, code: int, times: int | None = None) -> None:
        """Answer ``code`` (451 transient, 550 permanent) to the next ``times`` messages, or to
        every message when ``times`` is None."""
        if code not in REPLIES:
            raise ValueError(f"The sink answers 451 or 550, not {code}.")
        with self._lock:
            self._refuse_code, self._refusals_left = code, times

    def reply_late(self, seconds: float, times: int = 1) -> None:
        """Keep the next ``times`` messages but answer 250 only ``seconds`` later."""
        with self._lock:
            self._late_reply, self._late_replies_left = seconds, times

    def _take_late_reply(self) -> float:
        with self._lock:
            if getattr(self, "_late_replies_left", 0) <= 0:
                return 0.0
            self._late_replies_left -= 1
            return self._late_reply

    def accept(self) -> None:
        with self._lock:
            self._refuse_code = self._refusals_left = None

    def hold(self, number: int) -> None:
        """Hold the ``number``-th message received from now on (1-based) until release()."""
        with self._lock:
            self._hold_number = self._received + number
        self.holding.clear()
        self._released.clear()

    def release(self) -> None:
        """Let a held message go: it is answered without being acknowledged (not delivered)."""
        self._released.set()

    # What it saw ----------------------------------------------------------------------------

    @property
    def messages(self) -> list[Received]:
        with self._lock:
            return list(self._messages)

    @property
    def count(self) -> int:
        with self._lock:
            return len(self._messages)

    @property
    def received(self) -> int:
        """Messages offered to the sink (DATA commands), accepted or not."""
        with self._lock:
            return self._received

    @property
    def refused(self) -> int:
        with self._lock:
            return self._refused

    def wait_for(self, count: int, timeout: float = 30.0) -> list[Received]:
        """Wait until at least ``count`` messages were accepted; raise TimeoutError if not."""
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"The SMTP sink got {self.count} of {count} messages.")
            time.sleep(0.01)
        return self.messages

    # Called from the server's thread --------------------------------------------------------

    def _next_action(self) -> int | str | None:
        """What to do with the message just received: "hold", a refusal code, or None (accept)."""
        with self._lock:
            self._received += 1
            if self._received == self._hold_number:
                return "hold"
            if self._refuse_code is None:
                return None
            code = self._refuse_code
            if self._refusals_left is not None:
                self._refusals_left -= 1
                if self._refusals_left <= 0:
                    self._refuse_code = self._refusals_left = None
            self._refused += 1
            return code

    def _record(self, message: Received) -> None:
        with self._lock:
            self._messages.append(message)


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Run the test SMTP sink until interrupted.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    args = parser.parse_args()
    with SmtpSink(args.host, args.port) as sink:
        print(f"SMTP sink on {sink.host}:{sink.port}; Ctrl-C to stop.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
        print(f"{sink.count} messages accepted, {sink.refused} refused.")


if __name__ == "__main__":
    main()
