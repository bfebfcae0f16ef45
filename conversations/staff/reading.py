"""A dossier as staff read it, whatever shows it (the PDF, the web desk): each section's answered
questions as label and value, its references as a table, and the consent.

Which questions applied is judged as submitted ("today" is the submission date), so a dossier
reads the same whenever it is opened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conversations.application.fields import Field, Repeated
from conversations.application.flow import CONSENT, Flow
from conversations.application.parsing import show
from conversations.application.policy import Policy
from conversations.application.scope import reference_key
from conversations.application.summary import flatten

NOT_APPLICABLE = "—"


@dataclass(frozen=True)
class Answer:
    field: Field
    value: Any

    @property
    def label(self) -> str:
        return self.field.label

    @property
    def shown(self) -> str:
        return show(self.field, self.value)


@dataclass(frozen=True)
class Reference:
    number: int
    shown: Mapping[str, str]  # every answer key of the reference: the answer shown, or NOT_APPLICABLE
    has_letter: bool

    @property
    def email(self) -> str:
        return self.shown["mentee_email"]

    @property
    def letter(self) -> str:
        return self.shown["letter"] if self.has_letter else "none"


@dataclass(frozen=True)
class References:
    title: str  # of one: "Reference"
    references: list[Reference]


Part = list[Answer] | References


@dataclass(frozen=True)
class SectionReading:
    title: str
    parts: list[Part]  # answers, and the references table where the section has it
    consent: str | None  # "given" or "not given", in the section that asks for it


def read(flow: Flow, content: Mapping, *, submitted_at: dt.datetime, policy: Policy) -> list[SectionReading]:
    """The sections of the dossier ``content`` (from ``review.dossier_content``), in flow order."""
    answers = flatten(flow, content)
    applicable = {step.key for step in flow.applicable(answers, today=submitted_at.date(), policy=policy)}
    sections = []
    for section in flow.sections:
        parts: list[Part] = []
        rows: list[Answer] = []
        consent = None
        for item in section.items:
            if isinstance(item, Repeated):
                parts += [rows] if rows else []
                rows = []
                parts.append(_references(item, answers, applicable))
            elif item.key == CONSENT:
                consent = "given" if answers.get(CONSENT) == "yes" else "not given"
            elif item.key in answers and item.key in applicable:
                rows.append(Answer(item, answers[item.key]))
        parts += [rows] if rows else []
        sections.append(SectionReading(section.title, parts, consent))
    return sections


def _references(repeated: Repeated, answers: Mapping[str, Any], applicable: set[str]) -> References:
    def shown(number: int, field: Field) -> str:
        key = reference_key(number, field.key)
        return show(field, answers[key]) if key in applicable and key in answers else NOT_APPLICABLE

    return References(
        repeated.title,
        [
            Reference(
                number,
                {field.key: shown(number, field) for field in repeated.fields},
                answers.get(reference_key(number, "letter")) is not None,
            )
            for number in range(1, repeated.count + 1)
        ],
    )
