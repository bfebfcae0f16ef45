"""What the funnel keeps of a refused answer (``FunnelCount``): the kind of error, as the first
clause of what the applicant was told with whatever came from them hidden, so that the same
mistake by different applicants counts as one error and nothing of what they typed is kept."""

from __future__ import annotations

import re
from collections.abc import Iterable

_CLAUSE_END = re.compile(r"[.;:?!](?:\s|$)")
# A date as the messages write it (3 March 2024, 2024-03-03): said as "a date".
_DATES = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}\b"
)
_HIDDEN = "…"
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_SHORTEST_HIDDEN = 4  # shorter words typed ("no", "the") are words of the messages too


def error_kind(message: str, typed: str, answers: Iterable[str]) -> str:
    """The first clause of ``message`` with every date, every number, the text typed and the
    applicant's ``answers`` written in their own words (a message may quote one: the mentee a
    reference already has), each as a whole word, hidden."""
    clause = _DATES.sub("a date", _CLAUSE_END.split(message.strip(), maxsplit=1)[0])
    said = {words.strip() for words in (typed, *answers) if len(words.strip()) >= _SHORTEST_HIDDEN}
    for words in sorted(said, key=len, reverse=True):
        clause = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", _HIDDEN, clause, flags=re.IGNORECASE)
    return _NUMBERS.sub(_HIDDEN, clause).strip()
