"""The terminal side of staff work: staff commands, the outbox listing, and the delivery that
runs beside the terminal channel."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

from bot.app import build_desk, outbox_dispatcher
from bot.delivery.dispatcher import Dispatcher, Sender
from bot.delivery.senders import ConsoleApplicantSender
from bot.settings import Settings
from conversations.notices import applicant_destination
from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk
from conversations.support import relay as support
from storage.private_files import make_private_folder, write_private_file
from storage.unit_of_work import Storage


def run_staff_command(desk: StaffDesk, text: str, *, out: Path) -> int:
    reply = staff_commands.run(desk, text or "help", actor=f"terminal:{getpass.getuser()}")
    print(reply.text)
    for name, content in reply.files:
        make_private_folder(out)
        write_private_file(out / name, content)
        print(f"  wrote {out / name}")
    return 0


def list_outbox(storage: Storage) -> int:
    with storage.transaction() as tx:
        pending = tx.outbox.undelivered()
    if not pending:
        print("Everything has been delivered.")
    for message in pending:
        state = (
            f"failed {message.attempts}×, next try {message.next_attempt_at:%Y-%m-%d %H:%M:%S}"
            if message.attempts
            else "pending"
        )
        print(
            f"{message.id}\t{message.topic}\t{message.destination}\t{message.created_at:%Y-%m-%d %H:%M}\t{state}"
            + (f"\t{message.last_error}" if message.last_error else "")
        )
    return 0


def console_dispatcher(settings: Settings, storage: Storage, *, echo: Callable[[str], None]) -> Dispatcher:
    """In the terminal setup, dossiers go to the staff folder and notices to the terminal."""
    senders: dict[str, Sender] = {applicant_destination("console"): ConsoleApplicantSender(echo)}
    return outbox_dispatcher(settings, storage, build_desk(settings, storage), senders, echo)


def print_faq_report(storage: Storage) -> int:
    lines = support.report(storage)
    if not lines:
        print("No unanswered questions.")
    for line in lines:
        print(f"{line.times}×\t{line.question}" + (f"\t(closest: {line.closest})" if line.closest else ""))
    return 0


def run_support_command(storage: Storage, words: list[str]) -> int:
    """``list``, ``answer N text``, ``faq-add question -- answer``, from the terminal."""
    by = f"terminal:{getpass.getuser()}"
    name, rest = (words[0], " ".join(words[1:])) if words else ("list", "")
    try:
        with storage.transaction() as tx:
            if name == "list":
                for question in tx.questions.unanswered():
                    if question.outcome == "escalated" and not question.answer:
                        print(f"{question.id}\t{question.asked_at:%Y-%m-%d %H:%M}\t{question.text}")
            elif name == "answer":
                number, _, text = rest.partition(" ")
                if not number.isdigit() or not text.strip():
                    raise support.SupportError("Use: support answer N your answer")
                support.answer_question(tx, int(number), text.strip(), by=by)
                print(f"Answer to question {number} queued for the applicant.")
            elif name == "faq-add":
                entry = support.add_entry(tx, rest, by=by, command="support faq-add")
                print(f"Added entry added-{entry.id}; the bot uses it from now on.")
            else:
                raise support.SupportError(
                    "Use: support list | support answer N text | support faq-add question -- answer"
                )
    except support.SupportError as error:
        print(error)
        return 1
    return 0
