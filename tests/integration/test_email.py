"""Emails to applicants, through a real SMTP server on this machine: the receipt of a submission
(with the dossier's PDF) and each status change reach the address the applicant gave; a mail
server that is down leaves the email in the outbox for later; and without SMTP nothing is queued
for email and no message promises one."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.mail import MailSender, SmtpServer
from conversations.application.asking import Asking
from conversations.application.policy import Policy
from conversations.notices import EMAIL, EMAIL_FOOTER
from conversations.staff.desk import StaffDesk
from storage.models import OutboxMessage, saved_id
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, ManualClock, applicant_notices, make_engine_on
from tests.conftest import Applicant as Talker
from tests.mail_server import Inbox

# The server below wants a login over plain SMTP, which it warns of: it is on this machine.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

SENDER = "IMC Credentialing <credentialing@example.org>"
LOGIN, PASSWORD = "bot@example.org", "s:cret"


def _logs_in(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object) -> AuthResult:
    return AuthResult(
        success=isinstance(data, LoginPassword) and (data.login, data.password) == (b"bot@example.org", b"s:cret")
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox(port: int) -> Iterator[Inbox]:
    """A mail server on loopback that wants a login (over plain SMTP: it is this machine)."""
    received = Inbox()
    server = Controller(
        received, hostname="127.0.0.1", port=port, authenticator=_logs_in, auth_required=True, auth_require_tls=False
    )
    server.start()
    yield received
    server.stop()


def dispatcher(storage: Storage, port: int) -> Dispatcher:
    url = f"smtp://bot%40example.org:s%3Acret@127.0.0.1:{port}"
    sender = MailSender(SmtpServer.from_url(url), SENDER, StaffDesk(storage, policy=Policy(sends_email=True)))
    return Dispatcher(storage, {EMAIL: sender})


def submitted(storage: Storage, asking: Asking, policy: Policy) -> tuple[Talker, str]:
    talker = Talker(make_engine_on(storage, policy, asking))
    talker.answer_all(FULL_APPLICATION)
    return talker, talker.submit()


def emails_queued(storage: Storage) -> list[OutboxMessage]:
    with storage.transaction() as tx:
        return [message for message in tx.outbox.undelivered() if message.destination == EMAIL]


async def test_the_receipt_and_each_status_change_are_emailed(
    sqlite_storage: Storage, asking: Asking, inbox: Inbox, port: int
):
    policy = Policy(sends_email=True, payment_url="https://pay.example.org/cmm")
    talker, reply = submitted(sqlite_storage, asking, policy)
    assert "This receipt is also emailed to maria@example.org." in reply
    assert "you hear the result here and by email to maria@example.org" in reply

    assert await dispatcher(sqlite_storage, port).deliver_due() == 1
    [receipt] = inbox.emails
    assert inbox.recipients == [["maria@example.org"]]
    assert (receipt["From"], receipt["To"], receipt["Subject"]) == (
        SENDER,
        "maria@example.org",
        "CMM application CMM-000001: received",
    )
    body = receipt.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert "✓ Submitted. Your dossier CMM-000001 (version 1) was received" in text
    assert "Application fee: 598 USD is due. Pay online: https://pay.example.org/cmm" in text
    assert "Your copy of the dossier as submitted is attached." in text
    assert "follows" not in text and "also emailed" not in text  # the chat's words, not the email's
    assert " here" not in text and "by email and in your chat with IMC's application assistant" in text
    assert text.rstrip().endswith(EMAIL_FOOTER)
    assert receipt["Message-ID"].endswith("@example.org>")
    [pdf] = list(receipt.iter_attachments())
    assert pdf.get_filename() == "CMM-000001-v1.pdf"
    assert pdf.get_content().startswith(b"%PDF")

    StaffDesk(sqlite_storage, policy=policy).start_review("CMM-000001", actor="staff")
    assert await dispatcher(sqlite_storage, port).deliver_due() == 1
    review = inbox.emails[1]
    assert review["Subject"] == "CMM application CMM-000001: review started"
    told = applicant_notices(sqlite_storage)[-1]
    body = review.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == f"{told}\n\n--\n{EMAIL_FOOTER}\n"
    assert emails_queued(sqlite_storage) == []

    desk = StaffDesk(sqlite_storage, policy=policy)
    desk.request_information("1", ["training hours"], actor="staff")
    talker.answer_all(["60", "Resubmit", "submit now"])
    desk.mark_paid("1", actor="staff")
    desk.approve("1", actor="staff")
    assert await dispatcher(sqlite_storage, port).deliver_due() == 4
    assert [message["Subject"].rpartition(": ")[2] for message in inbox.emails[2:]] == [
        "information requested",
        "resubmission received",
        "fee received",
        "approved",
    ]
    asked = inbox.emails[2].get_body(("plain",))
    assert asked is not None and "answer them in your chat with IMC's application assistant" in asked.get_content()
    assert "Answer below" not in asked.get_content()
    [version_2] = list(inbox.emails[3].iter_attachments())
    with sqlite_storage.transaction() as tx:
        latest = tx.dossiers.latest(1)
    assert latest is not None
    copy = desk.applicant_copy(saved_id(latest), ["Training · Training hours: 52.5 → 60"])
    assert (version_2.get_filename(), version_2.get_content()) == ("CMM-000001-v2.pdf", copy.content)


async def test_a_mail_server_that_is_down_leaves_the_email_for_later(
    sqlite_storage: Storage, asking: Asking, clock: ManualClock, port: int
):
    submitted(sqlite_storage, asking, Policy(sends_email=True))
    assert await dispatcher(sqlite_storage, port).deliver_due() == 0  # nothing listens on the port
    [waiting] = emails_queued(sqlite_storage)
    assert waiting.attempts == 1
    assert waiting.last_error is not None and waiting.last_error.startswith("ConnectionRefusedError")

    received = Inbox()
    server = Controller(received, hostname="127.0.0.1", port=port)  # back, and wanting no login
    server.start()
    try:
        clock.advance(seconds=5)
        sender = MailSender(
            SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), SENDER, StaffDesk(sqlite_storage, policy=Policy())
        )
        assert await Dispatcher(sqlite_storage, {EMAIL: sender}).deliver_due() == 1
    finally:
        server.stop()
    assert [message["Subject"] for message in received.emails] == ["CMM application CMM-000001: received"]
    assert emails_queued(sqlite_storage) == []


async def test_a_password_is_not_sent_to_a_server_elsewhere_without_tls(
    sqlite_storage: Storage, asking: Asking, inbox: Inbox, port: int, monkeypatch: pytest.MonkeyPatch
):
    submitted(sqlite_storage, asking, Policy(sends_email=True))
    monkeypatch.setattr(SmtpServer, "on_this_machine", property(lambda server: False))  # as if across a network
    assert await dispatcher(sqlite_storage, port).deliver_due() == 0
    [waiting] = emails_queued(sqlite_storage)
    assert waiting.last_error is not None and "offers no TLS, so the password is not sent" in waiting.last_error
    assert inbox.emails == []


def test_without_smtp_nothing_is_emailed_nor_promised(sqlite_storage: Storage, asking: Asking):
    talker, reply = submitted(sqlite_storage, asking, Policy())
    desk = StaffDesk(sqlite_storage, policy=Policy())
    desk.start_review("1", actor="staff")
    desk.mark_paid("1", actor="staff")
    desk.approve("1", actor="staff")
    said = [reply, talker.say("/status"), *applicant_notices(sqlite_storage)]
    assert all("email" not in text.casefold() for text in said), said
    with sqlite_storage.transaction() as tx:
        assert [message for message in tx.outbox.undelivered() if message.destination == EMAIL] == []
