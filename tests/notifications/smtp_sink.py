"""A local SMTP server for tests and the benchmark: enough of RFC 5321 for smtplib (and so
Django's SMTP backend) to deliver a message, on a thread, on a free port of 127.0.0.1.

aiosmtpd is not in the locked dev dependencies; this speaks the few commands a client sends
(EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT). ``refuse`` makes it answer every connection
with ``421`` (service not available, a transient error), as a mail server that is down does.
"""

from __future__ import annotations

import email
import email.policy
import socket
import socketserver
import threading
import time
from contextlib import contextmanager


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def setup(self) -> None:
        super().setup()
        # Replies go out at once (no Nagle delay waiting for the client's ACK).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, *lines: str) -> None:
        self.wfile.write(b"".join(line.encode() + b"\r\n" for line in lines))
        self.wfile.flush()

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        with sink.lock:
            sink.connections += 1
        if sink.refuse:
            self._send("421 127.0.0.1 Service not available, try again later")
            return
        self._send("220 127.0.0.1 test sink ESMTP")
        recipients: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._send("250-127.0.0.1", "250-8BITMIME", "250 SMTPUTF8")
            elif verb == "HELO":
                self._send("250 127.0.0.1")
            elif verb == "MAIL":
                recipients = []
                self._send("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self._send("250 OK")
            elif verb == "DATA":
                self._send("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                sink.deliver(recipients, b"".join(lines))
                self._send("250 OK queued")
            elif verb in ("RSET", "NOOP"):
                self._send("250 OK")
            elif verb == "QUIT":
                self._send("221 Bye")
                return
            else:
                self._send("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class SmtpSink:
    def __init__(self, *, refuse: bool = False, on_message=None):
        self.refuse = refuse
        # Called with the count after each message (the benchmark's sink process reports it);
        # then the message itself is not parsed or kept.
        self.on_message = on_message
        self.messages: list[email.message.EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.connections = 0
        self.lock = threading.Condition()
        self.last_accepted_at: float | None = None
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def deliver(self, recipients: list[str], data: bytes) -> None:
        if self.on_message is not None:
            with self.lock:
                self.count = getattr(self, "count", 0) + 1
                self.on_message(self.count)
            return
        message = email.message_from_bytes(data, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.recipients.append(recipients)
            self.last_accepted_at = time.monotonic()
            self.lock.notify_all()

    def wait_for(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` messages have arrived (True) or ``timeout`` seconds passed."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.lock.wait(left)
        return True

    def mailer(self) -> dict:
        """A MAILERS setting that delivers here."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": self.port,
                    "use_tls": False,
                    "timeout": 10,
                },
            }
        }

    def start(self) -> SmtpSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def smtp_sink(*, refuse: bool = False):
    sink = SmtpSink(refuse=refuse).start()
    try:
        yield sink
    finally:
        sink.stop()
