"""Staff's view of a submitted dossier: does it pass the rules, and what is worth a closer look.

``problems`` are what still fails the rules (normally none: the engine refuses to submit a draft
with problems, but a policy can change after submission). ``warnings`` are facts that pass the
rules and still deserve a look: missing reference letters, confidential letters, a slower review.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from conversations.application.flow import CENTER_TYPES, Flow
from conversations.application.policy import NON_ACCREDITED, Policy
from conversations.application.scope import reference_key
from conversations.application.summary import flatten, issues

SELF_PACED = "self_paced"


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    problems: list[str]  # what still fails the rules (normally empty for a submitted dossier)
    warnings: list[str]  # what staff should look at, though the rules pass


def verdict(flow: Flow, content: Mapping, *, today: dt.date, policy: Policy) -> Verdict:
    """Judge a dossier's ``content`` (as made by ``review.dossier_content``) as of ``today``."""
    answers = flatten(flow, content)
    problems = [
        f"{issue.step.group} · {issue.step.field.label}: {issue.message}"
        for issue in issues(flow, answers, today=today, policy=policy)
    ]
    return Verdict(eligible=not problems, problems=problems, warnings=_warnings(flow, answers, policy))


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
