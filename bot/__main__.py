"""``python -m bot <command>``: run a channel, apply migrations, or do staff and support work in
the terminal.

Every package under ``bot/channels/`` is a channel, started by ``python -m bot <its folder name>``:
its ``__init__`` says what it is (``SUMMARY``, optional ``add_arguments``) and its ``main`` module
runs it (``run(args, settings)``). A command's module is imported only when that command runs, so
``python -m bot staff queue`` does not load Telegram, Slack or the FAQ model.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from bot import channels
from bot.app import StartupError
from bot.logs import configure_logging
from bot.settings import Settings

Runner = Callable[[argparse.Namespace, Settings], int]


# Staff and support write `request 1 training hours -- note` and `faq-add question -- answer` as
# they would in chat: the words are taken as typed, `--` included (argparse would drop it), so
# options go before them.
def _staff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=Path("."), help="where `export` writes its files (before the command)"
    )
    parser.add_argument(
        "words", nargs=argparse.REMAINDER, help="the command, e.g. `queue` or `request 1 training hours -- note`"
    )


def _support_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("words", nargs=argparse.REMAINDER, help="e.g. `answer 3 Yes, it can.`")


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", help="the dossier number, e.g. CMM-000001 or 1 (see `dossiers`)")
    parser.add_argument("--version", type=int, help="a version other than the newest")
    parser.add_argument("--format", choices=("json", "text"), default="json")


# name: (help, where it runs as "module:function", its arguments, whether it logs what it does)
_COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None] | None, bool]] = {
    "migrate": ("bring the database schema up to date", "bot.maintenance:migrate", None, True),
    "faq-index": (
        "learn the FAQ index into FAQ_CACHE_DIR (`make install` does it)",
        "bot.maintenance:make_faq_index",
        None,
        False,
    ),
    "staff": (
        "staff commands: queue, show N, export N, review N, request N ..., approve N, reject N, paid N",
        "bot.channels.console.staff:run_staff",
        _staff_arguments,
        False,
    ),
    "outbox": (
        "list notifications not delivered yet, with their errors",
        "bot.channels.console.staff:run_outbox",
        None,
        False,
    ),
    "faq-report": (
        "questions the bot could not answer, most frequent first",
        "bot.channels.console.support:run_faq_report",
        None,
        False,
    ),
    "support": (
        "answer applicants' questions: list | answer N text | faq-add question -- answer",
        "bot.channels.console.support:run_support",
        _support_arguments,
        False,
    ),
    "funnel": (
        "where applicants are and where they stop: stages, parts reached, refused answers, FAQ",
        "bot.channels.console.funnel:run_funnel",
        None,
        False,
    ),
    "dossiers": ("list submitted dossiers", "bot.channels.console.staff:run_dossiers", None, False),
    "export": ("print one submitted dossier", "bot.channels.console.staff:run_export", _export_arguments, False),
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The IMC CMM applicant assistant.")
    commands = parser.add_subparsers(dest="command", required=True)
    for found in pkgutil.iter_modules(channels.__path__):
        if not found.ispkg:
            continue
        channel = importlib.import_module(f"{channels.__name__}.{found.name}")
        command = commands.add_parser(found.name, help=channel.SUMMARY)
        if hasattr(channel, "add_arguments"):
            channel.add_arguments(command)
        command.set_defaults(runner=f"{channel.__name__}.main:run", logs=getattr(channel, "LONG_RUNNING", False))
    for name, (summary, runner, add_arguments, logs) in _COMMANDS.items():
        command = commands.add_parser(name, help=summary)
        if add_arguments is not None:
            add_arguments(command)
        command.set_defaults(runner=runner, logs=logs)
    return parser


def _runner(where: str) -> Runner:
    module, function = where.split(":")
    runner: Runner = getattr(importlib.import_module(module), function)
    return runner


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Configuration error (see the README's Configuration section):\n{error}", file=sys.stderr)
        return 2
    # The long-running bots log what they do; the terminal and the one-off commands keep quiet.
    configure_logging(settings.log_level or ("INFO" if args.logs else "WARNING"), secrets=settings.secrets())
    try:
        return _runner(args.runner)(args, settings)
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, as other command-line tools do; what
        # was answered is saved. Output still buffered goes nowhere instead of failing again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
