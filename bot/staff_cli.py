"""The terminal side of staff work: staff commands, the outbox listing, and the delivery that
runs beside the terminal channel."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from pathlib import Path

from bot.app import build_desk, outbox_dispatcher
from bot.dispatch import Dispatcher
from bot.senders import ConsoleApplicantSender
from bot.settings import Settings
from conversations import staff_commands
from conversations.staff import StaffDesk
from storage.repository import Storage


def run_staff_command(desk: StaffDesk, text: str, *, out: Path) -> int:
    reply = staff_commands.run(desk, text or "help", actor=f"terminal:{getpass.getuser()}")
    print(reply.text)
    for name, content in reply.files:
        out.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
        print(f"  wrote {out / name}")
    return 0


def list_outbox(storage: Storage) -> int:
    with storage.transaction() as tx:
        pending = tx.undelivered()
    if not pending:
        print("Everything has been delivered.")
    for message in pending:
        state = f"failed {message.attempts}×, next try {message.next_attempt_at:%Y-%m-%d %H:%M:%S}" \
            if message.attempts else "pending"
        print(f"{message.id}\t{message.topic}\t{message.destination}\t{message.created_at:%Y-%m-%d %H:%M}\t{state}"
              + (f"\t{message.last_error}" if message.last_error else ""))
    return 0


def console_dispatcher(settings: Settings, storage: Storage, *, echo: Callable[[str], None]) -> Dispatcher:
    """In the terminal setup, dossiers go to the staff folder and notices to the terminal."""
    senders = {"applicant:console": ConsoleApplicantSender(echo)}
    return outbox_dispatcher(settings, storage, build_desk(settings, storage), senders, echo)
