"""Judging a whole draft, and laying it out: the summary, the fee quote and the dossier."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.application.fields import Repeated, Rule, Step
from conversations.application.flow import CONSENT, Flow
from conversations.application.parsing import show
from conversations.application.policy import Policy
from conversations.application.scope import reference_key

DOSSIER_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Issue:
    """Something that stops submission: an unanswered question, a contradiction, or ineligibility."""

    step: Step
    message: str
    missing: bool = False  # not answered yet, rather than answered in a way that stops submission


def refusal(
    flow: Flow, step: Step, value: Any, answers: Mapping[str, Any], *, today: dt.date, policy: Policy
) -> str | None:
    """Why ``value`` can't be saved for ``step`` given the other answers, or None."""
    scope = flow.scope(step, {**answers, step.key: value}, today=today, policy=policy)
    return next((message for check in step.field.checks if (message := check(value, scope))), None)


def broken_rules(
    flow: Flow, step: Step, value: Any, answers: Mapping[str, Any], *, today: dt.date, policy: Policy
) -> list[tuple[Rule, str]]:
    """The eligibility rules ``value`` breaks, each with the problem it raises (the answer is
    kept all the same)."""
    if value is None:
        return []
    scope = flow.scope(step, {**answers, step.key: value}, today=today, policy=policy)
    return [(rule, message) for rule in step.field.rules if (message := rule(value, scope))]


def ineligibility(
    flow: Flow, step: Step, value: Any, answers: Mapping[str, Any], *, today: dt.date, policy: Policy
) -> list[str]:
    """The eligibility problems ``value`` raises (the answer is kept all the same)."""
    return [message for _, message in broken_rules(flow, step, value, answers, today=today, policy=policy)]


def issues(flow: Flow, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> list[Issue]:
    """Everything that must change before the draft can be submitted, in question order."""
    found = []
    for step in flow.applicable(answers, today=today, policy=policy):
        if step.key not in answers:
            if not step.field.optional:
                found.append(Issue(step, "not answered yet", missing=True))
            continue
        value = answers[step.key]
        if value is None:
            continue
        if message := refusal(flow, step, value, answers, today=today, policy=policy):
            found.append(Issue(step, message))
        found.extend(
            Issue(step, message) for message in ineligibility(flow, step, value, answers, today=today, policy=policy)
        )
    return found


@dataclass(frozen=True)
class Completion:
    """How far a draft has come, in whole percents (rounded down): overall and per section."""

    done: int
    sections: tuple[tuple[str, int], ...]  # (section title, percent done)


def completion(flow: Flow, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> Completion:
    """The share of the flow's steps behind the applicant: every step before the first question
    that applies and waits for an answer, and every answered one.

    Counting over all the steps that could apply, rather than those known to apply so far, keeps
    the whole fixed: a question that does not apply counts once it is passed over. Answering the
    waiting question therefore never lowers the share, /back does not either, and it is 100 once
    nothing waits (at the review)."""
    steps = flow.steps
    first = flow.first_waiting(answers, today=today, policy=policy)
    waiting = flow.index(first.key) if first is not None else len(steps)
    behind = {step.key for index, step in enumerate(steps) if index < waiting or step.key in answers}

    def percent(part: Sequence[Step]) -> int:
        return 100 * sum(1 for step in part if step.key in behind) // len(part)

    sections = tuple(
        (section.title, percent([step for step in steps if step.section is section])) for section in flow.sections
    )
    return Completion(percent(steps), sections)


@dataclass(frozen=True)
class Quote:
    fee_usd: int | None  # None until membership is known
    review_weeks: tuple[int, int] | None  # None until the center type is known

    def lines(self) -> list[str]:
        lines = []
        if self.fee_usd is not None:
            lines.append(f"Application fee: {self.fee_usd} USD")
        if self.review_weeks is not None:
            low, high = self.review_weeks
            lines.append(f"Review time: about {low}–{high} weeks after submission")
        return lines


def quote(answers: Mapping[str, Any], policy: Policy) -> Quote:
    member = answers.get("is_member")
    center = answers.get("center_type")
    return Quote(
        fee_usd=policy.fee_usd(member=member == "yes") if member else None,
        review_weeks=policy.review_weeks.get(center) if center else None,
    )


def kept_ineligible(label: str, shown: str, problems: Sequence[str], note: str = "") -> str:
    """The line for a saved answer that breaks eligibility rules: ⚠, and why."""
    return f"⚠ {label}: {shown}" + (f" {note}" if note else "") + f" — {' '.join(problems)}"


def section_steps(flow: Flow, answers: Mapping[str, Any], within: str, *, today: dt.date, policy: Policy) -> list[Step]:
    """The questions that apply in the sections or references whose title starts with ``within``
    ("training", "reference 2")."""
    wanted = within.strip().casefold()
    return [
        step
        for step in flow.applicable(answers, today=today, policy=policy)
        if step.section.title.casefold().startswith(wanted) or step.group.casefold().startswith(wanted)
    ]


def summary(
    flow: Flow,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    policy: Policy,
    steps: Sequence[Step] | None = None,
    flag_ineligible: bool = False,
) -> str:
    """Every answer given so far (to ``steps`` if given), grouped by section and reference; with
    ``flag_ineligible``, an answer kept though it breaks an eligibility rule is marked ⚠, with why."""
    chosen = flow.applicable(answers, today=today, policy=policy) if steps is None else steps
    lines: list[str] = []
    group = None
    for step in chosen:
        if step.key == CONSENT or step.key not in answers:
            continue
        if step.group != group:
            group = step.group
            heading = f"{step.section.title} · {group}" if step.repeat else group
            lines.append(f"\n{heading}")
        label, shown = step.field.label, show(step.field, answers[step.key])
        problems = (
            ineligibility(flow, step, answers[step.key], answers, today=today, policy=policy) if flag_ineligible else []
        )
        lines.append(f"  {kept_ineligible(label, shown, problems)}" if problems else f"  {label}: {shown}")
    return "\n".join(lines).strip() or "Nothing answered yet."


def dossier_content(flow: Flow, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> dict[str, Any]:
    """The dossier as structured JSON: sections of fields, the references as a list."""
    applicable = {step.key for step in flow.applicable(answers, today=today, policy=policy)}
    content: dict[str, Any] = {"schema_version": DOSSIER_SCHEMA_VERSION}
    for section in flow.sections:
        part: dict[str, Any] = {}
        for item in section.items:
            if isinstance(item, Repeated):
                part[item.key] = [
                    {
                        f.key: answers.get(reference_key(n, f.key))
                        for f in item.fields
                        if reference_key(n, f.key) in applicable
                    }
                    for n in range(1, item.count + 1)
                ]
            elif item.key in applicable:
                part[item.key] = answers.get(item.key)
        content[section.key] = part
    fee = quote(answers, policy)
    content["fee"] = {"amount": fee.fee_usd, "currency": "USD"}
    content["review_weeks"] = list(fee.review_weeks) if fee.review_weeks else None
    return content


def frozen_quote(content: Mapping[str, Any]) -> Quote:
    """The fee and review time a submitted dossier's ``content`` was quoted with (``dossier_content``)."""
    weeks = content.get("review_weeks")
    return Quote(fee_usd=(content.get("fee") or {}).get("amount"), review_weeks=tuple(weeks) if weeks else None)


def flatten(flow: Flow, content: Mapping[str, Any]) -> dict[str, Any]:
    """The flat answers behind a dossier's content (the inverse of ``dossier_content``)."""
    answers: dict[str, Any] = {}
    for section in flow.sections:
        part = content.get(section.key, {})
        for item in section.items:
            if isinstance(item, Repeated):
                for n, entry in enumerate(part.get(item.key, []), start=1):
                    answers.update({reference_key(n, key): value for key, value in entry.items()})
            elif item.key in part:
                answers[item.key] = part[item.key]
    return answers
