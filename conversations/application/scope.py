"""What a rule may look at: the answers so far, today's date and the policy."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from conversations.application.policy import Policy


def reference_key(number: int, field_key: str) -> str:
    """The answer key of one field of the ``number``-th reference, e.g. ``ref2_mentee_email``."""
    return f"ref{number}_{field_key}"


@dataclass(frozen=True)
class Scope:
    answers: Mapping[str, Any]
    today: dt.date
    policy: Policy
    reference: int | None = None  # the reference a step belongs to, if any

    def answer(self, key: str) -> Any:
        return self.answers.get(key)

    def sibling(self, field_key: str) -> Any:
        """Another field of the same reference."""
        assert self.reference is not None, "sibling() is for reference fields"
        return self.answers.get(reference_key(self.reference, field_key))

    def other_references(self, field_key: str) -> list[tuple[int, Any]]:
        """``(number, value)`` of this field in every other reference that has it answered."""
        pattern = re.compile(rf"ref(\d+)_{re.escape(field_key)}")
        found = []
        for key, value in self.answers.items():
            match = pattern.fullmatch(key)
            if match and int(match.group(1)) != self.reference and value is not None:
                found.append((int(match.group(1)), value))
        return sorted(found)


def as_date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def saved_date(value: str) -> dt.date:
    """A date answer known to be given (a rule's value, an answer being shown), saved as ISO text."""
    return dt.date.fromisoformat(value)
