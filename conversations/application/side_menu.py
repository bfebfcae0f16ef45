"""A list shown besides the current question: the /faq topics, a topic's questions, the closest
topics and a person when the bot is not sure of an answer.

The list is kept in the draft's context until the next message, which is read against it first:
its button (``Inbound.choice_for`` naming the list), its number or its words pick from it;
anything else dismisses it and is handled as usual. So a number typed under the FAQ topics
picks a topic, never an answer to the question asked before them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from conversations.application.validators import Invalid, Option, choice
from conversations.messages import Inbound, Outbound

_PREFIX = "menu-"


def list_name(prefix: str, event_id: str) -> str:
    """A name for a list of choices, after the message that led to it: a new name for each list,
    the same one if that message is handled again."""
    return prefix + hashlib.sha256(event_id.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class SideMenu:
    """``key`` names the list (sent with its buttons); ``options`` are its choices."""

    key: str
    options: tuple[Option, ...]

    @classmethod
    def of(cls, outbound: Outbound, event_id: str) -> SideMenu:
        """The list in ``outbound``, named after the message that asked for it (``list_name``)."""
        return cls(list_name(_PREFIX, event_id), tuple(Option(item.value, item.label) for item in outbound.choices))

    def pick(self, inbound: Inbound) -> str | None:
        """The value of the choice the message picks, or None when it does not answer this list."""
        text = inbound.text.strip()
        if inbound.choice_for is not None:
            bound = inbound.choice_for == self.key and any(option.value == text for option in self.options)
            return text if bound else None
        if inbound.file is not None or not text or text.startswith("/"):
            return None
        try:
            return choice(text, self.options, in_a_sentence=False)  # a sentence is for the question
        except Invalid:
            return None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "choices": [[option.value, option.label] for option in self.options]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SideMenu:
        return cls(data["key"], tuple(Option(value, label) for value, label in data["choices"]))
