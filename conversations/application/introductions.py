"""What the applicant is told before a part of the form: the welcome, with how long applying
takes and what to have ready, and the introduction of a repeated sub-form (the references).

Both are read from the flow (how many questions there are, each field's ``ready``), so they
follow the form when a question is added or dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from conversations.application.fields import Field, Repeated, Step
from conversations.application.flow import CONSENT, Flow

# Reading a question and typing or choosing the answer, with now and then a file to find and send.
SECONDS_PER_QUESTION = (30, 45)
_ROUND_MINUTES = 5


def question_range(flow: Flow) -> tuple[int, int]:
    """How many questions an applicant answers at least and at most, consent aside: a question
    asked only of some applicants (``when``) counts only in the most."""
    asked = [step for step in flow.steps if step.key != CONSENT]
    return sum(1 for step in asked if step.field.when is None), len(asked)


def minutes(flow: Flow) -> tuple[int, int]:
    """How long answering takes, in minutes rounded out to fives: the fewest questions at the
    quicker pace, the most at the slower."""
    fewest, most = question_range(flow)
    quick, slow = SECONDS_PER_QUESTION
    low = fewest * quick // 60 // _ROUND_MINUTES * _ROUND_MINUTES
    high = -(-most * slow // 60 // _ROUND_MINUTES) * _ROUND_MINUTES
    return low, high


def _listed(phrases: Sequence[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def _ready(fields: Sequence[Field]) -> list[str]:
    return [field.ready for field in fields if field.ready]


def _plural(repeated: Repeated) -> str:
    return f"{repeated.count} {repeated.title.lower()}s"


def have_ready(flow: Flow) -> list[str]:
    """What to gather before starting, in the order it is asked for."""
    items = []
    for section in flow.sections:
        for item in section.items:
            if isinstance(item, Repeated):
                items.append(f"for each of the {_plural(item)}, {_listed(_ready(item.fields))}")
            elif item.ready:
                items.append(item.ready)
    return items


def welcome(flow: Flow) -> str:
    fewest, most = question_range(flow)
    low, high = minutes(flow)
    return (
        "Welcome to the IMC Certified Master Mentor (CMM) application.\n"
        f"I will ask for your details, training, mentoring experience and supervision, one question at a time: "
        f"{fewest} to {most} questions, about {low}–{high} minutes in all. "
        "Everything is saved as you go, so you can stop and come back any time.\n"
        f"Have ready: {'; '.join(have_ready(flow))}."
    )


def sub_form(repeated: Repeated) -> str:
    return f"Now the {_plural(repeated)}. For each one, have ready {_listed(_ready(repeated.fields))}."


def introduction(flow: Flow, step: Step, answers: Mapping[str, Any]) -> str | None:
    """What to say before asking ``step``: the welcome before the first question, and a sub-form's
    introduction before its first question, while that is unanswered."""
    if step.key == flow.steps[0].key:
        return welcome(flow)
    repeated = step.repeat
    if repeated is not None and step.number == 1 and step.field is repeated.fields[0] and step.key not in answers:
        return sub_form(repeated)
    return None
