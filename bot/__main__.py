"""``python -m bot <command>``: run a channel, apply migrations, or export a dossier."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from bot.app import StartupError, build_desk, build_engine, build_storage, console_dispatcher, open_database
from bot.channels.console.staff import run_staff_command
from bot.channels.console.support import print_faq_report, run_support_command
from bot.delivery.outbox_listing import list_outbox
from bot.logs import configure_logging
from bot.settings import Settings
from conversations.application.flow import Flow
from conversations.dossier.numbers import dossier_number
from conversations.staff.export import to_json, to_text
from storage.unit_of_work import Storage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The IMC CMM applicant assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    console = commands.add_parser("console", help="apply in this terminal (reads a pipe too)")
    console.add_argument("--user", default="local", help="who is applying (one draft per user; default: local)")
    commands.add_parser("telegram", help="run the Telegram bot (TELEGRAM_BOT_TOKEN)")
    commands.add_parser("slack", help="run the Slack app (SLACK_BOT_TOKEN; Socket Mode with SLACK_APP_TOKEN)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("faq-index", help="learn the FAQ index into FAQ_CACHE_DIR (`make install` does it)")
    staff = commands.add_parser(
        "staff", help="staff commands: queue, show N, export N, review N, request N ..., approve N, reject N, paid N"
    )
    staff.add_argument("words", nargs="*", help="the command, e.g. `queue` or `approve 1 Well documented`")
    staff.add_argument("--out", type=Path, default=Path("."), help="where `export` writes its files")
    commands.add_parser("outbox", help="list notifications not delivered yet, with their errors")
    commands.add_parser("faq-report", help="questions the bot could not answer, most frequent first")
    support = commands.add_parser(
        "support", help="answer applicants' questions: list | answer N text | faq-add question -- answer"
    )
    support.add_argument("words", nargs="*")
    commands.add_parser("dossiers", help="list submitted dossiers")
    export = commands.add_parser("export", help="print one submitted dossier")
    export.add_argument("dossier_id", type=int, help="the dossier's id (see `dossiers`)")
    export.add_argument("--format", choices=("json", "text"), default="json")
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Configuration error (see the README's Configuration section):\n{error}", file=sys.stderr)
        return 2
    # The long-running bots log what they do; the terminal and the one-off commands keep quiet.
    default_level = "INFO" if args.command in ("telegram", "slack", "migrate") else "WARNING"
    configure_logging(settings.log_level or default_level, secrets=settings.secrets())
    try:
        return _run(args, settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other command-line tools do; what
        # was answered is saved. Output still buffered goes nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "migrate":
        open_database(settings.model_copy(update={"auto_migrate": True}))
        print("The database schema is up to date.")
        return 0
    if args.command == "faq-index":
        return _make_faq_index(settings.faq_cache_dir)
    if args.command == "console":
        from bot.channels.console.applicant import ConsoleChannel

        if isinstance(sys.stdin, io.TextIOWrapper):
            # Bytes that are not UTF-8 would stop the loop at readline(); read this way they reach
            # the engine, which refuses them with the question again, and a path keeps its bytes.
            sys.stdin.reconfigure(errors="surrogateescape")
        storage = build_storage(settings)
        channel = ConsoleChannel(build_engine(settings, storage), stdin=sys.stdin, stdout=sys.stdout, user_id=args.user)
        dispatcher = console_dispatcher(settings, storage, echo=channel.notice)
        return channel.run(deliver=dispatcher.deliver_due)
    if args.command == "telegram":
        from bot.channels.telegram.main import run_telegram

        return run_telegram(settings)
    if args.command == "slack":
        from bot.channels.slack.main import run_slack

        return run_slack(settings)
    storage = build_storage(settings)
    if args.command == "staff":
        return run_staff_command(build_desk(settings, storage), " ".join(args.words), out=args.out)
    if args.command == "outbox":
        return list_outbox(storage)
    if args.command == "faq-report":
        return print_faq_report(storage)
    if args.command == "support":
        return run_support_command(storage, args.words)
    if args.command == "dossiers":
        return _list_dossiers(storage)
    return _export_dossier(storage, args.dossier_id, args.format, settings)


def _list_dossiers(storage: Storage) -> int:
    with storage.transaction() as tx:
        dossiers = tx.dossiers.all()
    for dossier in dossiers:
        print(
            f"{dossier.id}\t{dossier_number(dossier)}\tv{dossier.version}\t{dossier.status}\t"
            f"{dossier.submitted_at:%Y-%m-%d %H:%M}"
        )
    return 0


def _export_dossier(storage: Storage, dossier_id: int, output_format: str, settings: Settings) -> int:
    with storage.transaction() as tx:
        dossier = tx.dossiers.by_id(dossier_id)
    if dossier is None:
        print(f"There is no dossier {dossier_id}; `python -m bot dossiers` lists them.", file=sys.stderr)
        return 1
    if output_format == "json":
        print(json.dumps(to_json(dossier), indent=2, ensure_ascii=False))
    else:
        print(to_text(dossier, flow=Flow(), policy=settings.policy()), end="")
    return 0


def _make_faq_index(cache: Path) -> int:
    """Learn the index once, ahead of time, so that no bot process waits for it (about 10 s and
    600 MB; nothing to do when the cache already holds it for today's knowledge base)."""
    from conversations.support.faq.index import FaqIndex
    from conversations.support.faq.knowledge import load

    print(f"Making the FAQ index: learned once (10-30 s), then read from {cache}...", flush=True)
    started = time.perf_counter()
    FaqIndex(load(), cache=cache)
    print(f"The FAQ index is ready in {cache} ({time.perf_counter() - started:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
