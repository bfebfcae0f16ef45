"""Emails to applicants (the ``email`` destination): the receipt of a submission and each status
change, sent through the SMTP server of ``SMTP_URL``.

The standard library's ``smtplib`` does it, in a worker thread: an email goes out now and then,
so a blocking client kept off the event loop is all it takes, with no dependency to keep.
``smtp://`` speaks plain SMTP and switches to TLS when the server offers STARTTLS (refusing a
certificate it can't verify); ``smtps://`` is TLS from the start. A password is sent only over
TLS, or to a server on this machine. A failure raises, and the
outbox tries again later.
"""

from __future__ import annotations

import asyncio
import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import unquote, urlsplit

from conversations.staff.desk import StaffDesk
from storage.models import OutboxMessage, saved_id

PORTS = {"smtp": 587, "smtps": 465}  # submission, and submission over TLS


@dataclass(frozen=True)
class SmtpServer:
    """Where emails go, read from ``SMTP_URL``: ``smtp[s]://[user:password@]host[:port]``."""

    host: str
    port: int
    tls: bool  # TLS from the start (smtps), else STARTTLS when offered
    user: str | None = None
    password: str | None = None

    @property
    def on_this_machine(self) -> bool:
        """A server on loopback, where a login without TLS crosses no network."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:  # a host name
            return False

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        return cls(
            host=parts.hostname or "",
            port=parts.port or PORTS[parts.scheme],
            tls=parts.scheme == "smtps",
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class MailSender:
    """The outbox sender for ``email``: one plain-text email per message, from ``sender``; the
    receipt of a submission has the dossier's PDF attached (made now, as staff get it)."""

    def __init__(self, server: SmtpServer, sender: str, desk: StaffDesk, *, timeout: float = 30) -> None:
        self.server = server
        self.sender = sender
        self.desk = desk
        self.timeout = timeout

    async def deliver(self, message: OutboxMessage) -> None:
        email = await asyncio.to_thread(self.compose, message)
        await asyncio.to_thread(self._send, email)

    def compose(self, message: OutboxMessage) -> EmailMessage:
        payload = message.payload
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = payload["to"]
        email["Subject"] = payload["subject"]
        email["Date"] = format_datetime(message.created_at)
        # The same id each time this message is sent: a mail client shows a repeat (a retry after
        # a send whose reply was lost) once.
        domain = parseaddr(self.sender)[1].rpartition("@")[2]
        email["Message-ID"] = f"<cmm-outbox-{saved_id(message)}.{message.created_at:%Y%m%d%H%M%S}@{domain}>"
        email.set_content(payload["text"])
        attach = payload.get("attach")
        if attach is not None:
            copy = self.desk.applicant_copy(attach["dossier_id"], attach["changes"])
            email.add_attachment(copy.content, maintype="application", subtype="pdf", filename=copy.name)
        return email

    def _send(self, email: EmailMessage) -> None:
        server = self.server
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if server.tls:
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=self.timeout, context=context)
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=self.timeout)
        with client:
            client.ehlo()
            encrypted = server.tls
            if not server.tls and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
                encrypted = True
            if server.user is not None:
                if not (encrypted or server.on_this_machine):
                    raise smtplib.SMTPException(
                        f"{server.host} offers no TLS, so the password is not sent; "
                        "use smtps:// or a server with STARTTLS"
                    )
                client.login(server.user, server.password or "")
            client.send_message(email)
