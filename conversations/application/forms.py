"""Several questions answered at once, for channels that have forms (e.g. a Slack modal).

A form is a reference or a section marked ``form`` in the flow; it holds the questions of that
group that apply, except files, which are always asked in the chat. The answers go through the
same validators and checks as typed ones, and are stored all together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conversations.application.fields import Kind, Step
from conversations.application.flow import Flow
from conversations.application.policy import Policy
from conversations.application.validators import Option


@dataclass(frozen=True)
class FormField:
    key: str
    kind: Kind
    label: str
    prompt: str
    example: str
    optional: bool
    options: tuple[Option, ...]
    value: Any  # the saved answer, or None


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FormResult:
    """``errors`` maps a field key to what is wrong with it; empty when everything was saved."""

    errors: dict[str, str]
    replies: list


def form_steps(flow: Flow, key: str, answers: Mapping[str, Any], *, today: dt.date, policy: Policy) -> list[Step]:
    return [step for step in flow.applicable(answers, today=today, policy=policy) if step.form == key]


def build_form(key: str, steps: list[Step], answers: Mapping[str, Any]) -> Form:
    fields = tuple(
        FormField(
            step.key,
            step.field.kind,
            step.field.label,
            step.field.prompt,
            step.field.example,
            step.field.optional,
            step.field.options,
            answers.get(step.key),
        )
        for step in steps
    )
    return Form(key, steps[0].group, fields)
