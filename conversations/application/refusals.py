"""What the funnel keeps of a refused answer (``FunnelEvent``): the kind of error, as the first
clause of what the applicant was told, without their words or numbers, so that the same mistake
by different applicants counts as one error and nothing of what they typed is kept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_CLAUSE_END = re.compile(r"[.;:?!](?:\s|$)")
_DIGITS = re.compile(r"\d+")
# A date as the messages write it (3 March 2024, 2024-03-03): said as "a date", not as "# March #".
_DATES = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_HIDDEN = "…"
_SHORTEST_WORDS = 2  # a single letter typed is hidden by its clause anyway


def error_kind(message: str, typed: str, answers: Mapping[str, Any]) -> str:
    """The first clause of ``message`` with the text typed, every saved answer (a message may
    quote another answer: the mentee a reference already has), every date and every number
    hidden."""
    clause = _DATES.sub("a date", _CLAUSE_END.split(message.strip(), maxsplit=1)[0])  # however it was typed
    for words in sorted(set(_said(typed, answers)), key=len, reverse=True):
        clause = re.sub(re.escape(words), _HIDDEN, clause, flags=re.IGNORECASE)
    return _DIGITS.sub("#", clause).strip()


def _said(typed: str, answers: Mapping[str, Any]) -> Iterable[str]:
    for value in (typed, *answers.values(), *(v for a in answers.values() if isinstance(a, dict) for v in a.values())):
        if isinstance(value, str) and len(value.strip()) >= _SHORTEST_WORDS:
            yield value.strip()
