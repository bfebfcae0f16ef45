"""What a mail server on loopback (``aiosmtpd``) received, for the tests of email to applicants."""

from __future__ import annotations

import email
import email.policy
import threading
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session


class Inbox:
    """What the SMTP server received, each email as read by a mail client."""

    def __init__(self) -> None:
        self.emails: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._arrived:
            self.emails.append(parsed)
            self.recipients.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> bool:
        """Whether ``count`` emails have arrived, waiting at most a minute for them (for a bot in
        another process, which sends when it will)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self.emails) >= count, timeout=60)
