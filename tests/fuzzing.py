"""The properties the answer readers must have, whatever is typed, and the Hypothesis strategies
that type it; checked briefly by the tests (``tests/unit/test_fuzz_validators.py``) and at
length by ``bench/fuzz.py``.

For every kind of question (one field of each in the flow):
- its reader, given any text at all (all of Unicode, lone surrogates, control characters),
  raises nothing but ``Invalid``;
- what the engine accepts (the text checked at the edge, ``text_hygiene.clean_inbound``, then
  read) is fit to store: clean text (NFC, no control or direction characters) within the
  field's length, a date from 1900 to 2100, a number within its bounds, one of the options.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hypothesis import strategies as st

from conversations.application.fields import Field, Kind
from conversations.application.flow import Flow
from conversations.application.parsing import parse
from conversations.application.policy import Policy
from conversations.application.validators import EARLIEST_YEAR, LATEST_YEAR, Invalid
from conversations.messages import Inbound, IncomingFile
from conversations.text_hygiene import MAX_FILE_NAME_LENGTH, clean_inbound, is_clean
from tests.conftest import JPEG, PDF, PNG

POLICY = Policy()
Answer = str | IncomingFile


def _kind_of(field: Field) -> str:
    """A field's kind, told apart by its reader where it has its own (a person's name)."""
    return field.validator.__name__.replace("_", " ") if field.validator else field.kind.value


def _first_field_of_each_kind() -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for step in Flow().steps:
        fields.setdefault(_kind_of(step.field), step.field)
    return fields


FIELDS = _first_field_of_each_kind()
KINDS = tuple(FIELDS)

# Answers each kind accepts (or nearly: a year 1, a 64-character local part), for the strategies
# to start from, so that junk also arrives inside answers that would otherwise pass.
_TYPICAL: dict[str, tuple[str, ...]] = {
    "yes/no": ("yes", "No", "2", "y", "i agree"),
    "person name": ("Maria Gonzalez", "Zoë O'Brien-Núñez", "Dr. Amal Haddad", "مريم"),
    "email": ("maria@example.org", "Maria@EXAMPLE.ORG", "zoë@exämple.org", "m" * 64 + "@example.org"),
    "postal address": ("12 Harbour Road, Dublin D02 X285, Ireland", "Hauptstraße 5\n10115 Berlin\nGermany"),
    "title": ("Global Mentoring Academy", "Foundations of Professional Mentoring", "Level 2 – Mentoring", "Zoe\u0308"),
    "text": ("Global Mentoring Academy", "12 Harbour Road, Dublin D02 X285, Ireland", "IMC-104233", "Zoe\u0308"),
    "choice": ("1", "4", "hybrid", "self paced", "In person", "Online (live)"),
    "number": ("52.5", "50", "1,200", "52,5", "40 hours", "2000"),
    "date": ("2024-03-01", "1 March 2024", "March 1 2024", "03/04/2024", "31 December 2100", "0001-01-01"),
    "whole number": ("12", "1,200", "10000", "0"),
}
_TEXT_LENGTHS = {"person name": 120, "postal address": 500, "title": 500, "text": 500, "email": 254}


def _anything(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(), max_size=max_size)  # surrogates and control characters included


def _spliced(answer: str, junk: str, at: int) -> str:
    at %= len(answer) + 1
    return answer[:at] + junk + answer[at:]


def _texts(kind: str) -> st.SearchStrategy[str]:
    typical = st.sampled_from(_TYPICAL[kind])
    return st.one_of(
        _anything(60),
        typical,
        st.builds(_spliced, typical, _anything(3), st.integers(0, 80)),
        st.builds(lambda answer, times: answer * times, typical, st.integers(2, 5000)),
    )


def _files() -> st.SearchStrategy[IncomingFile]:
    names = st.one_of(_anything(150), st.sampled_from(("certificate.pdf", "../../etc/passwd", "scan\u202egpj.exe")))
    contents = st.one_of(
        st.binary(max_size=64),
        st.builds(lambda start, rest: start + rest, st.sampled_from((PDF, PNG, JPEG)), st.binary(max_size=16)),
    )
    return st.builds(IncomingFile, names, contents)


def answers(kind: str) -> st.SearchStrategy[Answer]:
    """What an applicant may send at a question of ``kind``: typed text or, for a file, a file."""
    return _files() if kind == Kind.FILE.value else _texts(kind)


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REFUSED = "refused"
    CRASHED = "crashed"  # raised something other than Invalid
    JUNK_ACCEPTED = "junk accepted"  # accepted a value unfit to store


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    detail: str = ""


def judge(kind: str, answer: Answer) -> Verdict:
    """How the reader of ``kind`` takes ``answer``: on its own, then after the engine's edge."""
    field = FIELDS[kind]
    if isinstance(answer, IncomingFile):
        sent = Inbound("fuzz", "applicant", "e", file=answer)
    else:
        sent = Inbound("fuzz", "applicant", "e", text=answer)
    try:
        parse(field, sent, POLICY)
    except Invalid:
        pass
    except Exception as error:
        return Verdict(Outcome.CRASHED, f"{kind}: {error!r} on {answer!r}")
    try:
        cleaned = clean_inbound(sent)
        if cleaned.unsupported:
            return Verdict(Outcome.REFUSED)
        value = parse(field, cleaned, POLICY).value
    except Invalid:
        return Verdict(Outcome.REFUSED)
    except Exception as error:
        return Verdict(Outcome.CRASHED, f"{kind}, after the edge: {error!r} on {answer!r}")
    if fault := _fault(kind, field, value):
        return Verdict(Outcome.JUNK_ACCEPTED, f"{kind}: {fault}: {value!r} from {answer!r}")
    return Verdict(Outcome.ACCEPTED)


def _fault(kind: str, field: Field, value: Any) -> str:
    """What makes an accepted value unfit to store; empty when nothing does."""
    checks: dict[Kind, Callable[[Any], str]] = {
        Kind.TEXT: lambda text: _text_fault(text, _TEXT_LENGTHS[kind]),
        Kind.EMAIL: _email_fault,
        Kind.DATE: _date_fault,
        Kind.NUMBER: lambda number: (
            "" if math.isfinite(number) and 0 <= number <= POLICY.max_training_hours else "out of bounds"
        ),
        Kind.WHOLE_NUMBER: lambda number: "" if 0 <= number <= POLICY.max_engagements else "out of bounds",
        Kind.CHOICE: lambda chosen: "" if chosen in {option.value for option in field.options} else "not an option",
        Kind.FILE: lambda saved: _text_fault(saved["name"], MAX_FILE_NAME_LENGTH) or _path_fault(saved["name"]),
    }
    checks[Kind.YES_NO] = checks[Kind.CHOICE]
    return checks[field.kind](value)


def _text_fault(text: str, limit: int) -> str:
    if not is_clean(text) or any(character in text for character in "\n\t"):
        return "not clean"
    return "" if 0 < len(text) <= limit else f"length {len(text)}"


def _email_fault(address: str) -> str:
    local = address.rpartition("@")[0]
    return _text_fault(address, _TEXT_LENGTHS["email"]) or ("" if len(local) <= 64 else "local part over 64")


def _date_fault(iso: str) -> str:
    return "" if EARLIEST_YEAR <= dt.date.fromisoformat(iso).year <= LATEST_YEAR else "year out of range"


def _path_fault(name: str) -> str:
    return "a path" if "/" in name or "\\" in name else ""
