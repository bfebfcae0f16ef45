"""The building blocks of the flow: field kinds, fields, sections and the repeated sub-form."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from conversations.application.policy import Policy
from conversations.application.scope import Scope
from conversations.application.validators import Option

Check = Callable[[Any, Scope], str | None]


@dataclass(frozen=True)
class Rule:
    """An eligibility rule. Called like a check, it says why an answer fails it and what would
    make the applicant eligible (None when it passes); ``met`` says what an answer that passes
    meets, to confirm a problem the applicant has just fixed ("meets the 50 hours needed")."""

    broken: Check
    met: Callable[[Policy], str]

    def __call__(self, value: Any, scope: Scope) -> str | None:
        return self.broken(value, scope)


class Kind(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    DATE = "date"
    NUMBER = "number"
    WHOLE_NUMBER = "whole number"
    CHOICE = "choice"
    YES_NO = "yes/no"
    FILE = "file"


@dataclass(frozen=True)
class Field:
    """One question, declared once: everything the engine needs to ask, read and judge it.

    ``validator`` overrides the kind's default parser for text (e.g. a person's name).
    ``checks`` refuse an answer that contradicts saved ones; ``rules`` keep the answer and say
    why it makes the applicant ineligible. ``when`` limits the question to some applicants.
    ``ready`` names what to have at hand for it, for the lists of what to gather (the welcome,
    the introduction of a repeated sub-form). ``headline`` answers stand for their section in the
    review's one line per section.
    """

    key: str
    kind: Kind
    label: str
    prompt: str
    example: str = ""
    optional: bool = False
    options: tuple[Option, ...] = ()
    validator: Callable[..., Any] | None = None
    when: Callable[[Scope], bool] | None = None
    checks: tuple[Check, ...] = ()
    rules: tuple[Rule, ...] = ()
    skip_note: str = ""  # said when the applicant skips this optional field
    revisable: bool = True  # False for consent: withdrawing it is /cancel, not an edit
    ready: str = ""
    headline: bool = False


@dataclass(frozen=True)
class Repeated:
    """A sub-form asked ``count`` times, e.g. the 5 references."""

    key: str
    title: str
    plural: str  # "References": how the review counts the complete ones
    fields: tuple[Field, ...]
    count: int
    form: bool = False  # each repeat can also be filled in one form, where the channel has forms


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Field | Repeated, ...]
    form: bool = False  # the section can also be filled in one form, where the channel has forms


@dataclass(frozen=True)
class Step:
    """One question as asked: a field, in a section, maybe for the n-th repeat of a sub-form."""

    key: str
    field: Field
    section: Section
    section_number: int
    repeat: Repeated | None = None
    number: int | None = None  # which repeat, from 1

    @property
    def form(self) -> str | None:
        """The form this question can also be answered in (files are always asked in the chat)."""
        if self.field.kind is Kind.FILE:
            return None
        if self.repeat is not None:
            return f"{self.repeat.key}{self.number}" if self.repeat.form else None
        return self.section.key if self.section.form else None

    @property
    def group(self) -> str:
        """The title the step is listed under in summaries and the edit menu."""
        if self.repeat is not None:
            return f"{self.repeat.title} {self.number}"
        return self.section.title
