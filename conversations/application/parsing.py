"""Reading an answer for a step (by the field's kind) and showing a saved answer back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversations.application import validators as v
from conversations.application.fields import Field, Kind
from conversations.application.policy import Policy
from conversations.application.scope import saved_date
from conversations.messages import Inbound


@dataclass(frozen=True)
class Parsed:
    """A read answer: ``value`` is what is saved (JSON-friendly), ``note`` how it was read."""

    value: Any
    note: str = ""
    file: v.CheckedFile | None = None


def parse(field: Field, inbound: Inbound, policy: Policy) -> Parsed:
    """Read the applicant's message as an answer to ``field``; raises ``validators.Invalid``."""
    if field.kind is Kind.FILE:
        if inbound.file is None:
            raise v.Invalid(
                "This question needs a file: please send a PDF, JPEG or PNG (e.g. certificate.pdf)"
                + (", or /skip." if field.optional else ".")
            )
        checked = v.evidence_file(inbound.file, max_bytes=policy.max_file_bytes)
        return Parsed({"name": checked.name, "size": len(checked.content), "mime": checked.mime}, file=checked)
    if inbound.file is not None:
        raise v.Invalid("This question needs a typed answer, not a file.")
    raw = inbound.text
    match field.kind:
        case Kind.TEXT:
            validator = field.validator or v.text
            return Parsed(validator(raw, example=field.example))
        case Kind.EMAIL:
            return Parsed(v.email(raw, example=field.example))
        case Kind.DATE:
            read = v.date(raw)
            note = ""
            if read.ambiguous:  # say which other date it could have been, and how to write that one
                other = read.value.replace(day=read.value.month, month=read.value.day)
                note = f"(read day first; if you meant {v.human_date(other)}, send /back, then {other.isoformat()})"
            return Parsed(read.value.isoformat(), note)
        case Kind.NUMBER:
            return Parsed(v.number(raw, maximum=policy.max_training_hours, example=field.example))
        case Kind.WHOLE_NUMBER:
            return Parsed(v.whole_number(raw, maximum=policy.max_engagements, example=field.example))
        case Kind.CHOICE | Kind.YES_NO:
            return Parsed(v.choice(raw, field.options))
    raise AssertionError(f"no parser for {field.kind}")


def show(field: Field, value: Any) -> str:
    """A saved answer as the applicant reads it."""
    if value is None:
        return "(skipped)"
    match field.kind:
        case Kind.DATE:
            return v.human_date(saved_date(value))
        case Kind.NUMBER:
            return v.format_number(value)
        case Kind.CHOICE | Kind.YES_NO:
            return next((option.label for option in field.options if option.value == value), str(value))
        case Kind.FILE:
            return f"{value['name']} ({_size(value['size'])})"
    return str(value)


def _size(size: int) -> str:
    if size < v.MEGABYTE:
        return f"{max(1, round(size / 1000))} KB"
    return v.megabytes(size)


def expectation(field: Field, policy: Policy) -> str:
    """What a question wants, for /help."""
    match field.kind:
        case Kind.TEXT:
            return f"A typed answer, e.g. {field.example}." if field.example else "A typed answer."
        case Kind.EMAIL:
            return f"An email address, e.g. {field.example}."
        case Kind.DATE:
            return (
                "A date, e.g. 2024-03-01, 1 March 2024 or March 1 2024. "
                "Numbers only, like 03/04/2024, are read day first."
            )
        case Kind.NUMBER:
            return f"A number; decimals are fine, e.g. {field.example}."
        case Kind.WHOLE_NUMBER:
            return f"A whole number, e.g. {field.example}."
        case Kind.CHOICE | Kind.YES_NO:
            return (
                "One of the answers below: choose it (its button, or its number in the terminal), "
                "or type the answer in your words."
            )
        case Kind.FILE:
            return f"A PDF, JPEG or PNG file of at most {v.megabytes(policy.max_file_bytes)}."
    raise AssertionError(f"no expectation for {field.kind}")
