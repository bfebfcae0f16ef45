"""Support from the terminal: the questions waiting for a person, answering one, adding an FAQ
entry (``python -m bot support ...``), and what applicants asked that went unanswered
(``python -m bot faq-report``)."""

from __future__ import annotations

import argparse
import getpass

from bot.app import build_storage
from bot.channels.console.listing import print_listing
from bot.settings import Settings
from conversations.support import relay as support
from storage.unit_of_work import Storage


def print_faq_report(storage: Storage) -> int:
    print_listing(
        (
            (f"{line.times}×", line.question, f"(closest: {line.closest})" if line.closest else "")
            for line in support.report(storage)
        ),
        header=("times", "question", "closest entry"),
        empty="No unanswered questions.",
    )
    return 0


def run_support_command(storage: Storage, words: list[str]) -> int:
    """``list``, ``answer N text``, ``faq-add question -- answer``, from the terminal."""
    by = f"terminal:{getpass.getuser()}"
    name, rest = (words[0], " ".join(words[1:])) if words else ("list", "")
    try:
        with storage.transaction() as tx:
            if name == "list":
                print_listing(
                    (
                        (question.id, f"{question.asked_at:%Y-%m-%d %H:%M}", question.text)
                        for question in tx.questions.unanswered()
                        if support.waits_for_a_person(question)
                    ),
                    header=("N", "asked (UTC)", "question"),
                    empty="No question is waiting for a person.",
                )
            elif name == "answer":
                number, _, text = rest.partition(" ")
                if not number.isdigit() or not text.strip():
                    raise support.SupportError("Use: support answer N your answer")
                support.answer_question(tx, int(number), text.strip())
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


def run_faq_report(args: argparse.Namespace, settings: Settings) -> int:
    return print_faq_report(build_storage(settings))


def run_support(args: argparse.Namespace, settings: Settings) -> int:
    return run_support_command(build_storage(settings), args.words)
