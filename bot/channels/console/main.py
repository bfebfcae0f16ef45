"""``python -m bot console``: apply in this terminal, with notices and dossiers delivered beside it."""

from __future__ import annotations

import argparse
import io
import sys

from bot.app import build_engine, build_storage, console_dispatcher
from bot.channels.console.applicant import ConsoleChannel
from bot.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    if isinstance(sys.stdin, io.TextIOWrapper):
        # Bytes that are not UTF-8 would stop the loop at readline(); read this way they reach
        # the engine, which refuses them with the question again, and a path keeps its bytes.
        sys.stdin.reconfigure(errors="surrogateescape")
    storage = build_storage(settings)
    channel = ConsoleChannel(build_engine(settings, storage), stdin=sys.stdin, stdout=sys.stdout, user_id=args.user)
    dispatcher = console_dispatcher(settings, storage, echo=channel.notice)
    return channel.run(deliver=dispatcher.deliver_due)
