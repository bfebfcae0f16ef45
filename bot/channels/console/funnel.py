"""The application funnel in the terminal (``python -m bot funnel``): the tables the web desk
shows beside its charts."""

from __future__ import annotations

import argparse

from bot.app import build_storage
from bot.channels.console.listing import print_listing
from bot.settings import Settings
from conversations.staff.desk import waited
from conversations.staff.funnel import Funnel, FunnelReport


def print_funnel(report: FunnelReport) -> None:
    if report.empty:
        print("No one has written to the assistant yet.")
        return
    _titled("Where applicants are")
    print_listing(((stage.label, stage.count) for stage in report.stages), header=("stage", "people"), empty="")
    print(f"Consent declined (times; no one is known before consent): {report.declined}")
    median = "none submitted yet" if report.median_to_submit is None else waited(report.median_to_submit)
    print(f"Median time from consent to the first submission: {median} ({report.submissions_timed} submitted)")
    _titled("How far they got (waiting: not submitted, next question there)")
    print_listing(
        ((part.part, part.reached, part.waiting) for part in report.parts),
        header=("part", "reached", "waiting"),
        empty="",
    )
    _titled("Each question")
    print_listing(
        ((question.part, question.label, question.reached, question.waiting) for question in report.questions),
        header=("part", "question", "reached", "waiting"),
        empty="",
    )
    _titled(f"Questions with the most refused answers ({report.refusals_count} refused in all)")
    print_listing(
        (
            (row.part, row.label, row.refused, f"{row.error} ({row.error_times} of {row.refused})")
            for row in report.refusals
        ),
        header=("part", "question", "refused", "most common error"),
        empty="No answer has been refused.",
    )
    answered = report.faq_answered
    _titled(f"FAQ answers most given ({answered} question{'s' if answered != 1 else ''} answered)")
    print_listing(
        ((topic.count, topic.label) for topic in report.faq_topics),
        header=("times", "FAQ question"),
        empty="The FAQ has answered no question yet.",
    )
    before_consent = report.faq_unsure_before_consent
    print(
        f"Not answered by the FAQ nor passed on to a person: {report.faq_unsure}"
        + (f" ({before_consent} asked before consent, counted without their words)" if before_consent else "")
        + "; see python -m bot faq-report"
    )
    _titled(f"Questions passed to a person ({report.escalated_count} in all, the newest first)")
    print_listing(
        ((f"{question.asked_at:%Y-%m-%d %H:%M}", question.text) for question in report.escalated),
        header=("asked (UTC)", "question"),
        empty="No question has gone to a person.",
    )


def _titled(title: str) -> None:
    print(f"\n== {title}")


def run_funnel(args: argparse.Namespace, settings: Settings) -> int:
    print_funnel(Funnel(build_storage(settings), policy=settings.policy()).report())
    return 0
