"""Staff's view of a submitted dossier: does it pass the rules, and what is worth a closer look.

``problems`` are what still fails the rules (normally none: the engine refuses to submit a draft
with problems, but a policy can change after submission). ``warnings`` are facts that pass the
rules and still deserve a look: missing reference letters, confidential letters, a slower review.
``checks`` give every eligibility rule of the flow with the answer it judged and what it needs
(from ``Policy``), e.g. "Training hours: 42 — needs at least 50 ✗".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta

from conversations.application.fields import Step
from conversations.application.flow import CENTER_TYPES, Flow
from conversations.application.parsing import show
from conversations.application.policy import NON_ACCREDITED, Policy
from conversations.application.scope import reference_key, saved_date
from conversations.application.summary import flatten, issues
from conversations.application.validators import format_number

SELF_PACED = "self_paced"


@dataclass(frozen=True)
class RuleCheck:
    """One eligibility rule as judged: its name, the answer it read, what it needs, and whether it passes."""

    rule: str
    value: str
    needs: str
    passed: bool

    def __str__(self) -> str:
        return f"{self.rule}: {self.value} — needs {self.needs} {'✓' if self.passed else '✗'}"


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    problems: list[str]  # what still fails the rules (normally empty for a submitted dossier)
    warnings: list[str]  # what staff should look at, though the rules pass
    checks: list[RuleCheck]  # every eligibility rule, in question order

    def lines(self) -> list[str]:
        """The verdict as text staff read (the notification, ``show``): the outcome, each rule with
        its value and what it needs, then the warnings."""
        return [
            "Eligibility: " + ("all rules pass" if self.eligible else "; ".join(self.problems)),
            *(f"  {check}" for check in self.checks),
            *(f"⚠ {warning}" for warning in self.warnings),
        ]


def verdict(flow: Flow, content: Mapping, *, today: dt.date, policy: Policy) -> Verdict:
    """Judge a dossier's ``content`` (as made by ``review.dossier_content``) as of ``today``."""
    answers = flatten(flow, content)
    found = issues(flow, answers, today=today, policy=policy)
    problems = [f"{issue.step.group} · {issue.step.field.label}: {issue.message}" for issue in found]
    failing = {issue.step.key for issue in found}
    checks = [_check(step, answers, failing, today=today, policy=policy) for step in flow.steps if step.field.rules]
    return Verdict(eligible=not problems, problems=problems, warnings=_warnings(flow, answers, policy), checks=checks)


def _years_since(value: str, today: dt.date) -> str:
    years = relativedelta(today, saved_date(value)).years
    return f"{years} year{'' if years == 1 else 's'} since issue"


@dataclass(frozen=True)
class _Reading:
    """How a rule of the flow reads to staff: what it needs (from ``Policy``), its name when not the
    question's label, and its value when not the answer as the question shows it."""

    needs: Callable[[Policy], str]
    name: str = ""
    value: Callable[[str, dt.date], str] | None = None


_AGREED = _Reading(lambda policy: "Yes")
# The rules themselves live in ``application.eligibility``; whether one passes is the issues'
# word, never judged again here.
_READINGS = {
    "training_hours": _Reading(lambda policy: f"at least {format_number(policy.min_training_hours)}"),
    "holds_cpm": _AGREED,
    "cpm_issue_date": _Reading(lambda policy: f"at least {policy.cpm_cycle_years}", "CPM cycle", _years_since),
    "engagements": _Reading(lambda policy: f"at least {policy.min_engagements}"),
    "supervisor_fit": _AGREED,
    "supervision_commitment": _AGREED,
    "continuous_learning": _AGREED,
}


def _check(step: Step, answers: Mapping[str, Any], failing: set[str], *, today: dt.date, policy: Policy) -> RuleCheck:
    reading = _READINGS[step.field.key]
    name, needs, value = reading.name or step.field.label, reading.needs(policy), answers.get(step.key)
    if value is None:
        return RuleCheck(name, "not answered", needs, passed=False)
    shown = reading.value(value, today) if reading.value else show(step.field, value)
    return RuleCheck(name, shown, needs, passed=step.key not in failing)


def _warnings(flow: Flow, answers: Mapping[str, Any], policy: Policy) -> list[str]:
    warnings = []
    # The letter question of each reference, by the reference's number.
    letters = {step.number: step for step in flow.steps if step.number is not None and step.field.key == "letter"}
    without_letter = [number for number, step in letters.items() if answers.get(step.key) is None]
    if without_letter:
        if len(without_letter) == 1:
            warnings.append(
                f"No reference letter for reference {without_letter[0]}: IMC may contact that mentee to verify."
            )
        else:
            warnings.append(
                f"No reference letter for references {_listed(without_letter)}: "
                "IMC may contact those mentees to verify."
            )
    for number, step in letters.items():
        confidential = reference_key(number, "confidentiality")
        if answers.get(step.key) is not None and answers.get(confidential) == "yes":
            warnings.append(
                f"The letter for reference {number} is under a confidentiality agreement and may leave details out."
            )
    if answers.get("center_type") == NON_ACCREDITED:
        label = next(option.label for option in CENTER_TYPES if option.value == NON_ACCREDITED)
        low, high = policy.review_weeks[NON_ACCREDITED]
        warnings.append(f"Training from a {label}: the review takes about {low}–{high} weeks.")
    if answers.get("training_mode") == SELF_PACED:
        warnings.append("The training was self-paced online; check that it counts as delivered mentoring training.")
    return warnings


def _listed(numbers: Sequence[int]) -> str:
    """[2, 3, 4] -> "2, 3 and 4"."""
    *head, last = [str(number) for number in numbers]
    return f"{', '.join(head)} and {last}" if head else last
