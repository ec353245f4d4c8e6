"""Real SMTP servers on 127.0.0.1 for the outbox tests, each on a free port.

refusing(): a port nothing listens on (the connection is refused). hanging(): a socket server
that accepts connections and never says a word (no SMTP greeting). accepting(): a minimal SMTP
server (the standard library's socketserver) that keeps every message it receives.
"""

import contextlib
import email
import email.policy
import socket
import socketserver
import threading

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def refusing():
    """A port with nothing behind it: every connection is refused at once."""
    yield free_port()


@contextlib.contextmanager
def hanging():
    """A server that accepts every connection and then stays silent until it is stopped."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, 0))
    server.listen()
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def serve():
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in held:
            connection.close()
        server.close()


class Inbox:
    """What the accepting server received: one parsed message per DATA command."""

    def __init__(self):
        self.messages: list[dict] = []

    def keep(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> None:
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        self.messages.append(
            {
                "from": mail_from,
                "to": rcpt_tos,
                "subject": str(parsed["subject"]),
                "body": parsed.get_body(("plain",)).get_content(),
            }
        )


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 kiks-test ESMTP")
        mail_from, rcpt_tos = "", []
        while line := self.rfile.readline():
            verb, _, argument = line.decode().strip().partition(" ")
            verb = verb.upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 kiks-test")
            elif verb == "MAIL":
                mail_from, rcpt_tos = argument.split(":", 1)[1].strip(" <>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_tos.append(argument.split(":", 1)[1].strip(" <>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                self.server.inbox.keep(mail_from, rcpt_tos, self.read_data())
                self.reply("250 Message accepted for delivery")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")

    def read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def accepting(port: int | None = None):
    """An SMTP server on `port` (a free one if None) that accepts every message;
    yields (port, inbox)."""
    server = _Server((HOST, port or 0), _Session)
    server.inbox = Inbox()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.inbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=2)
