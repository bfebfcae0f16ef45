"""What the funnel keeps of a refused answer (``FunnelEvent``): the kind of error, as the first
clause of what the applicant was told, without their words or numbers, so that the same mistake
by different applicants counts as one error and nothing of what they typed is kept."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_CLAUSE_END = re.compile(r"[.;:?!](?:\s|$)")
_DIGITS = re.compile(r"\d+")
_HIDDEN = "…"
_SHORTEST_WORDS = 2  # a single letter typed is hidden by its clause anyway


def error_kind(message: str, typed: str, answers: Mapping[str, Any]) -> str:
    """The first clause of ``message`` with the text typed, every saved answer (a message may
    quote another answer: the mentee a reference already has) and every number hidden."""
    clause = _CLAUSE_END.split(message.strip(), maxsplit=1)[0]
    for words in sorted(set(_said(typed, answers)), key=len, reverse=True):
        clause = re.sub(re.escape(words), _HIDDEN, clause, flags=re.IGNORECASE)
    return _DIGITS.sub("#", clause).strip()


def _said(typed: str, answers: Mapping[str, Any]) -> Iterable[str]:
    for value in (typed, *answers.values(), *(v for a in answers.values() if isinstance(a, dict) for v in a.values())):
        if isinstance(value, str) and len(value.strip()) >= _SHORTEST_WORDS:
            yield value.strip()
