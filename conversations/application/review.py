"""The review before submission: short enough to read in a chat.

What stops submission comes first, then one line per section (its main answers; /summary has
every answer), the fee and review time, and the choice. After a side action at the review (/help,
/status, /summary, a question for the FAQ) only the short choice is asked again. While IMC has
reopened some answers, the review lists just those.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.application import prompts
from conversations.application.fields import Kind, Repeated, Section, Step
from conversations.application.machine import Conversation
from conversations.application.parsing import show
from conversations.application.summary import Issue, issues, quote
from conversations.application.validators import Option
from conversations.messages import Outbound

REVIEW_OPTIONS = (
    Option("submit", "Submit the application", ("submit", "send", "send it", "submit it", "resubmit")),
    Option("edit", "Edit an answer", ("edit", "change")),
)
RESUBMIT = Option("submit", "Resubmit the application", ("resubmit", "submit", "send"))
HEADING = "Please review your application."
DETAILS = "Every answer: /summary (or one section, e.g. /summary Training)."
SHOW_AGAIN = "(/start shows the review again)"
# Blockers listed in the review; /status lists them all.
_MOST_BLOCKERS = 8


def _options(conversation: Conversation, blockers: Sequence[Issue]) -> tuple[Option, ...]:
    if blockers:
        return (REVIEW_OPTIONS[1],)
    return (RESUBMIT, REVIEW_OPTIONS[1]) if conversation.reopened else REVIEW_OPTIONS


def _blockers(conversation: Conversation) -> list[Issue]:
    return issues(conversation.flow, conversation.answers, today=conversation.today, policy=conversation.policy)


def _must_change(blockers: Sequence[Issue]) -> str:
    things = "1 thing" if len(blockers) == 1 else f"{len(blockers)} things"
    return f"{things} must change before you can submit"


def _blocker_lines(blockers: Sequence[Issue]) -> list[str]:
    lines = [prompts.issue_line(issue) for issue in blockers]
    if len(lines) > _MOST_BLOCKERS:
        lines = [*lines[:_MOST_BLOCKERS], f"• and {len(lines) - _MOST_BLOCKERS} more (/status lists them all)"]
    return lines


def _headline(step: Step, value: Any) -> str:
    """A main answer in a section's line: names and addresses alone, anything else with its label."""
    shown = show(step.field, value)
    return shown if step.field.kind in (Kind.TEXT, Kind.EMAIL) else f"{step.field.label}: {shown}"


def section_line(section: Section, steps: Sequence[Step], answers: Mapping[str, Any], blockers: Sequence[Issue]) -> str:
    """E.g. "✓ Training — Global Mentoring Academy, Training hours: 52.5"; ⚠ and how many to fix
    when something in the section stops submission."""
    mine = [step for step in steps if step.section is section]
    parts = [
        _headline(step, answers[step.key])
        for step in mine
        if step.repeat is None and step.field.headline and answers.get(step.key) is not None
    ]
    for item in section.items:
        if isinstance(item, Repeated):
            complete = sum(
                1
                for number in range(1, item.count + 1)
                if all(
                    step.key in answers or step.field.optional
                    for step in mine
                    if step.repeat is item and step.number == number
                )
            )
            parts.append(f"{item.plural}: {complete} of {item.count} complete")
    to_fix = sum(1 for issue in blockers if issue.step.section is section)
    mark = f"⚠ {section.title} ({to_fix} to fix)" if to_fix else f"✓ {section.title}"
    return f"{mark} — {', '.join(parts)}" if parts else mark


def review(conversation: Conversation) -> Outbound:
    """The whole review: blockers first, a line per section, the fee and review time, the choice."""
    blockers = _blockers(conversation)
    if conversation.reopened:
        return _reopened_review(conversation, blockers)
    flow, answers = conversation.flow, conversation.answers
    lines = (
        [f"{HEADING} {_must_change(blockers)} (use /edit):", *_blocker_lines(blockers), ""]
        if blockers
        else [f"{HEADING} It is complete: check it, then submit.", ""]
    )
    steps = flow.applicable(answers, today=conversation.today, policy=conversation.policy)
    lines += [section_line(section, steps, answers, blockers) for section in flow.sections]
    lines += [DETAILS, "", *quote(answers, conversation.policy).lines(), ""]
    lines.append("Edit an answer to submit." if blockers else "Submit, or edit an answer first.")
    return prompts.choose("\n".join(lines), _options(conversation, blockers))


def _reopened_review(conversation: Conversation, blockers: Sequence[Issue]) -> Outbound:
    """While IMC asks for information: only the answers it reopened."""
    flow, answers = conversation.flow, conversation.answers
    lines = [f"{_must_change(blockers)} (use /edit):", *_blocker_lines(blockers), ""] if blockers else []
    lines.append("IMC asked about these answers:")
    for key in conversation.reopened:
        step = flow.step(key)
        lines.append(f"  {step.group} · {step.field.label}: {show(step.field, answers.get(key))}")
    lines += ["", "Change one of them first." if blockers else "Resubmit, or change one of them first."]
    return prompts.choose("\n".join(lines), _options(conversation, blockers))


def review_again(conversation: Conversation) -> Outbound:
    """The review's choice alone, after a side action at the review."""
    blockers = _blockers(conversation)
    if blockers:
        text = f"{_must_change(blockers)}: use /edit {SHOW_AGAIN}."
    elif conversation.reopened:
        text = f"Resubmit, or change one of the answers IMC asked about {SHOW_AGAIN}."
    else:
        text = f"Your application is ready: submit it, or edit an answer first {SHOW_AGAIN}."
    return prompts.choose(text, _options(conversation, blockers))
