"""What a whole application costs the applicant, and whether its end keeps its promises.

    .venv/bin/python bench/application.py [--no-realistic] [--json FILE]

A new applicant applies through ``ConversationEngine.handle`` on a new SQLite database: ``/start``,
the consent, every answer of ``tests.conftest.FULL_APPLICATION``, the review, then "submit" and
the confirmation (``SUBMIT``): the plain walk. With ``--realistic`` (the default) a second
applicant, on a database of their own, also does what real applicants do on the way: ``/faq``
and a topic's number before answering the program's name, ``/back`` after the training hours and
the same answer again, an impossible date before the right start date, ``/status`` half way, and
``/summary`` at the review.

Figures per walk, each with its target: applicant messages, fields answered (the answers the
submitted dossier holds; a skipped letter is none), messages and bot characters per field (targets
for the plain walk: the side actions cost more on purpose), the longest review message in lines,
how often the review was shown and its share of all bot characters, and what happens at the end:
"submit" at the review asks for a confirmation first; a bare "1" at the review and at the
confirmation, and the review's button pressed at the confirmation, submit nothing; the payment
link shows in the reply to the submission and in ``/status`` while the fee is due; and once the
outbox is delivered (as a bot process does it), the applicant's chat gets the copy of the dossier
(a PDF document) and a mail server on loopback (``aiosmtpd``) receives the email receipt. Those
checks are sent beside the walk and are not counted in its messages or characters.

The exit status is 0 whatever the figures: this is a measurement; a target missed says FAIL.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import socket
import sys
import tempfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.delivery.applicant_notices import ApplicantNotices
from bot.delivery.dispatcher import Dispatcher, Sender
from bot.delivery.mail import MailSender, SmtpServer
from conversations.application.engine import ConversationEngine
from conversations.application.flow import Flow
from conversations.application.machine import NavigationState
from conversations.application.policy import Policy
from conversations.application.review import HEADING
from conversations.messages import Inbound, IncomingFile, Outbound
from conversations.notices import EMAIL, Notice, applicant_destination
from conversations.staff.desk import StaffDesk
from storage.database import make_engine
from storage.files import FileStore
from storage.migrate import upgrade
from storage.models import OutboxMessage
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, SUBMIT, ManualClock

CHANNEL = "bench"
PAYMENT_URL = "https://pay.example.org/cmm"
MAIL_FROM = "IMC Credentialing <credentialing@example.org>"

MAX_MESSAGES_PER_FIELD = 1.2
MAX_CHARACTERS_PER_FIELD = 400
MAX_REVIEW_LINES = 40

# Where the realistic walk's side actions go: before the answer at that position of
# FULL_APPLICATION (whose training answers follow the applicant's: center, center type, program,
# hours, mode, start date, ...).
_TRAINING = len(APPLICANT_ANSWERS)
_PROGRAM, _HOURS, _START_DATE = _TRAINING + 2, _TRAINING + 3, _TRAINING + 5
SIDE_ACTIONS: dict[int, list[str]] = {
    _PROGRAM: ["/faq", "1"],  # the topics, then the first topic's questions; the answer puts them away
    _HOURS + 1: ["/back", str(FULL_APPLICATION[_HOURS])],  # back to the hours, and the same answer again
    _START_DATE: ["2024-02-30"],  # a day February does not have, then the right date
    len(FULL_APPLICATION) // 2: ["/status"],
}


@dataclass
class Figures:
    """One walk's measurements; the checks are None until the walk gets to them."""

    walk: str
    messages: int = 0
    fields: int = 0
    bot_characters: int = 0
    review_shown: int = 0
    review_characters: int = 0
    review_lines: int = 0
    submit_confirmed_first: bool | None = None
    number_at_review_submitted: bool | None = None
    number_at_confirmation_submitted: bool | None = None
    stale_button_submitted: bool | None = None
    payment_in_submission: bool | None = None
    payment_in_status: bool | None = None
    applicant_pdf_delivered: bool | None = None
    email_receipt_delivered: bool | None = None
    delivered_to_applicant: dict[str, int] = field(default_factory=dict)  # "destination topic" -> how many

    @property
    def messages_per_field(self) -> float:
        return self.messages / self.fields if self.fields else float("inf")

    @property
    def characters_per_field(self) -> float:
        return self.bot_characters / self.fields if self.fields else float("inf")

    @property
    def review_share(self) -> float:
        return self.review_characters / self.bot_characters if self.bot_characters else 0.0

    def as_json(self) -> dict[str, Any]:
        return asdict(self) | {
            "messages_per_field": round(self.messages_per_field, 3),
            "characters_per_field": round(self.characters_per_field, 1),
            "review_share": round(self.review_share, 3),
        }


class _Applicant:
    """Talks to the engine and counts: what the walk sends is measured, a check is not."""

    def __init__(self, engine: ConversationEngine, storage: Storage, figures: Figures) -> None:
        self.engine, self.storage, self.figures = engine, storage, figures
        self._events = count(1)
        self.last = Outbound("")

    def send(self, answer: object) -> list[Outbound]:
        replies = self._deliver(answer, None)
        self.figures.messages += 1
        for reply in replies:
            self.figures.bot_characters += len(reply.text)
            if reply.question == NavigationState.REVIEW and HEADING in reply.text:
                shown = reply.text[reply.text.index(HEADING) :]  # the notes before it are not the review
                self.figures.review_shown += 1
                self.figures.review_characters += len(shown)
                self.figures.review_lines = max(self.figures.review_lines, len(shown.splitlines()))
        return replies

    def check(self, answer: str, *, button_for: str | None = None) -> list[Outbound]:
        return self._deliver(answer, button_for)

    def _deliver(self, answer: object, button_for: str | None) -> list[Outbound]:
        content: dict[str, Any] = (
            {"file": IncomingFile("certificate.pdf", answer)}
            if isinstance(answer, bytes)
            else {"text": str(answer), "choice_for": button_for}
        )
        event_id = f"{self.figures.walk}-{next(self._events)}"
        replies = self.engine.handle(Inbound(CHANNEL, self.figures.walk, event_id, **content))
        if replies:
            self.last = replies[-1]
        return replies

    def submitted(self) -> bool:
        with self.storage.transaction() as tx:
            return bool(tx.dossiers.all())


def _texts(replies: list[Outbound]) -> str:
    return "\n".join(reply.text for reply in replies)


def saved_answers(content: Mapping[str, Any], flow: Flow) -> int:
    """The answers a dossier's content holds: every field with a value, each reference's included."""
    found = 0
    for section in flow.sections:
        for value in content.get(section.key, {}).values():
            items = value if isinstance(value, list) else [{"answer": value}]  # a list: the references
            found += sum(answer is not None for item in items for answer in item.values())
    return found


def walk(storage: Storage, *, realistic: bool) -> Figures:
    """A whole application by one new applicant, with the checks at its end; the figures."""
    engine = ConversationEngine(storage, policy=Policy(payment_url=PAYMENT_URL, sends_email=True))
    figures = Figures("realistic" if realistic else "plain")
    applicant = _Applicant(engine, storage, figures)

    applicant.send("/start")
    for position, answer in enumerate(FULL_APPLICATION):
        for side_action in SIDE_ACTIONS.get(position, []) if realistic else []:
            applicant.send(side_action)
        applicant.send(answer)
    if realistic:
        applicant.send("/summary")

    review = applicant.last.question
    applicant.check("1")
    figures.number_at_review_submitted = applicant.submitted()
    applicant.send(SUBMIT[0])
    figures.submit_confirmed_first = (
        applicant.last.question == NavigationState.CONFIRM_SUBMIT and not applicant.submitted()
    )
    applicant.check(SUBMIT[0], button_for=review)
    figures.stale_button_submitted = applicant.submitted()
    applicant.check("1")
    figures.number_at_confirmation_submitted = applicant.submitted()
    submission = applicant.send(SUBMIT[1])
    figures.payment_in_submission = PAYMENT_URL in _texts(submission)
    figures.payment_in_status = PAYMENT_URL in _texts(applicant.check("/status"))

    with storage.transaction() as tx:
        dossiers = tx.dossiers.all()
        figures.fields = saved_answers(dossiers[-1].content, engine.flow) if dossiers else 0
    chat, mailbox = asyncio.run(deliver(storage, engine.policy))
    figures.delivered_to_applicant = dict(Counter(f"{row.destination} {row.topic}" for row in chat.rows + mailbox.sent))
    figures.applicant_pdf_delivered = any(
        notice.outbound.document is not None and notice.outbound.document.content.startswith(b"%PDF")
        for notice in chat.notices
    )
    figures.email_receipt_delivered = any(": received" in str(received["Subject"]) for received in mailbox.received)
    return figures


class _Chat:
    """The applicant's chat as the outbox reaches it: each notice as their channel would send it."""

    def __init__(self, notices: ApplicantNotices) -> None:
        self.reader = notices
        self.rows: list[OutboxMessage] = []
        self.notices: list[Notice] = []

    async def deliver(self, message: OutboxMessage) -> None:
        self.rows.append(message)
        self.notices.append(await self.reader.read(message))


class _Mailbox:
    """A mail server on loopback: what it received, and the outbox messages that went to it."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []
        self.sent: list[OutboxMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.content or b""
        self.received.append(email.message_from_bytes(content if isinstance(content, bytes) else content.encode()))
        return "250 OK"


class _Recorded:
    """An outbox sender that also keeps what it sent."""

    def __init__(self, sender: MailSender, sent: list[OutboxMessage]) -> None:
        self.sender, self.sent = sender, sent

    async def deliver(self, message: OutboxMessage) -> None:
        await self.sender.deliver(message)
        self.sent.append(message)


async def deliver(storage: Storage, policy: Policy) -> tuple[_Chat, _Mailbox]:
    """Deliver the outbox to the applicant's chat and to a mail server on loopback."""
    desk = StaffDesk(storage, policy=policy)
    chat, mailbox = _Chat(ApplicantNotices(desk)), _Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = Controller(mailbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        mail = MailSender(SmtpServer.from_url(f"smtp://127.0.0.1:{port}"), MAIL_FROM, desk)
        senders: dict[str, Sender] = {applicant_destination(CHANNEL): chat, EMAIL: _Recorded(mail, mailbox.sent)}
        await Dispatcher(storage, senders).deliver_due()
    finally:
        server.stop()
    return chat, mailbox


def _verdict(passed: bool | None) -> str:
    return "—" if passed is None else "PASS" if passed else "FAIL"


def _no(value: bool | None) -> str:
    return "not reached" if value is None else "yes" if value else "no"


def rows(figures: Figures) -> list[tuple[str, str, str, str]]:
    """(figure, value, target, verdict); the per-field targets are judged on the plain walk only."""
    plain = figures.walk == "plain"
    return [
        ("applicant messages", str(figures.messages), "", ""),
        ("fields answered", str(figures.fields), "", ""),
        (
            "messages per field",
            f"{figures.messages_per_field:.2f}",
            f"≤ {MAX_MESSAGES_PER_FIELD} (plain walk)",
            _verdict(figures.messages_per_field <= MAX_MESSAGES_PER_FIELD if plain else None),
        ),
        ("bot characters", f"{figures.bot_characters:,}", "", ""),
        (
            "bot characters per field",
            f"{figures.characters_per_field:.0f}",
            f"≤ {MAX_CHARACTERS_PER_FIELD} (plain walk)",
            _verdict(figures.characters_per_field <= MAX_CHARACTERS_PER_FIELD if plain else None),
        ),
        (
            "longest review message, lines",
            str(figures.review_lines),
            f"≤ {MAX_REVIEW_LINES}",
            _verdict(figures.review_lines <= MAX_REVIEW_LINES),
        ),
        ("review shown, times", str(figures.review_shown), "", ""),
        ("review's share of bot characters", f"{figures.review_share:.0%}", "", ""),
        (
            "submit asks to confirm first",
            _no(figures.submit_confirmed_first),
            "yes",
            _verdict(figures.submit_confirmed_first),
        ),
        *(
            (what, _no(value), "no", _verdict(None if value is None else not value))
            for what, value in (
                ('"1" at the review submitted', figures.number_at_review_submitted),
                ('"1" at the confirmation submitted', figures.number_at_confirmation_submitted),
                ("the review's button at the confirmation submitted", figures.stale_button_submitted),
            )
        ),
        (
            "payment link in the submission reply",
            _no(figures.payment_in_submission),
            "yes",
            _verdict(figures.payment_in_submission),
        ),
        (
            "payment link in /status, fee due",
            _no(figures.payment_in_status),
            "yes",
            _verdict(figures.payment_in_status),
        ),
        (
            "dossier PDF delivered to the applicant",
            _no(figures.applicant_pdf_delivered),
            "yes",
            _verdict(figures.applicant_pdf_delivered),
        ),
        (
            "email receipt received over SMTP",
            _no(figures.email_receipt_delivered),
            "yes",
            _verdict(figures.email_receipt_delivered),
        ),
    ]


def report(figures: Figures) -> str:
    table = rows(figures)
    width = max(len(name) for name, *_ in table)
    lines = [f"{figures.walk} walk"]
    lines += [
        f"  {name:<{width}}  {value:>11}  {target:<20} {verdict}".rstrip() for name, value, target, verdict in table
    ]
    sent = ", ".join(f"{what} ×{times}" for what, times in figures.delivered_to_applicant.items()) or "nothing"
    lines.append(f"  delivered to the applicant after submission: {sent}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--realistic",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also walk with the side actions of a real applicant (default: on)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cmm-bench-"))

    measured = []
    for realistic in (False, True) if args.realistic else (False,):
        name = "realistic" if realistic else "plain"
        database = make_engine(f"sqlite:///{workdir / f'{name}.sqlite3'}")
        upgrade(database)
        storage = Storage(database, FileStore(workdir / f"{name}-files"), ManualClock())
        measured.append(walk(storage, realistic=realistic))
        database.dispose()
    print("\n\n".join(report(figures) for figures in measured))
    if args.json:
        args.json.write_text(json.dumps({figures.walk: figures.as_json() for figures in measured}, indent=2) + "\n")


if __name__ == "__main__":
    main()
