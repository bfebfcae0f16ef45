"""``python -m bot console``: apply in this terminal, with notices and dossiers delivered beside it."""

from __future__ import annotations

import argparse
import asyncio
import io
import sys

from bot.app import build_desk, build_engine, build_storage, outbox_dispatcher
from bot.channels.console.applicant import CHANNEL, ConsoleApplicantSender, ConsoleChannel
from bot.delivery.applicant_notices import ApplicantNotices
from bot.delivery.dispatcher import Sender
from bot.settings import Settings
from conversations.notices import applicant_destination


def run(args: argparse.Namespace, settings: Settings) -> int:
    if isinstance(sys.stdin, io.TextIOWrapper):
        # Bytes that are not UTF-8 would stop the loop at readline(); read this way they reach
        # the engine, which refuses them with the question again, and a path keeps its bytes.
        sys.stdin.reconfigure(errors="surrogateescape")
    storage = build_storage(settings)
    channel = ConsoleChannel(build_engine(settings, storage), stdin=sys.stdin, stdout=sys.stdout, user_id=args.user)
    # Notices go to this terminal (the applicant's copies to a folder beside the evidence files),
    # and dossiers to the staff folder (the terminal setup's default).
    desk = build_desk(settings, storage)
    copies = ConsoleApplicantSender(channel.notice, ApplicantNotices(desk), settings.files_dir.parent / "copies")
    senders: dict[str, Sender] = {applicant_destination(CHANNEL): copies}
    dispatcher = outbox_dispatcher(settings, storage, desk, senders, echo=channel.notice)
    with asyncio.Runner() as loop:  # one event loop for every round, run on the thread that prints
        return channel.run(deliver=lambda: loop.run(dispatcher.deliver_round()), every=settings.outbox_poll_seconds)
