"""The FAQ knowledge base (``knowledge.yaml``) and what can be said of a message without
the learned index: whether it is worded as a question, and how texts are normalised.

Matching a question to an entry (``index.py``) needs scikit-learn and a sentence encoder,
which take seconds to load; this module needs neither, so that every command starts quickly.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KNOWLEDGE = Path(__file__).with_name("knowledge.yaml")
# Questions the knowledge base does not answer: a class of their own, so near-misses ("is there a
# student discount?") are recognised as not covered instead of landing on the closest entry.
NOT_COVERED = Path(__file__).with_name("out_of_scope.yaml")
ADDED_TOPIC = "Added by support"  # the topic of the entries support adds (``/faq_add``)
# The fast YAML parser (libyaml) where PyYAML has it; the two read these files alike.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.variants)


@dataclass(frozen=True)
class Match:
    entry: Entry | None  # None: "not covered by the knowledge base"
    score: float


@dataclass(frozen=True)
class Result:
    """``answer`` is the entry to answer with, or None; ``closest`` are the best matches."""

    answer: Entry | None
    closest: list[Match] = field(default_factory=list)

    @property
    def score(self) -> float:
        return self.closest[0].score if self.closest else 0.0


@functools.cache
def load(path: Path = KNOWLEDGE) -> tuple[Entry, ...]:
    with path.open(encoding="utf-8") as source:
        return tuple(
            Entry(
                item["id"],
                item["topic"],
                item["question"],
                item["answer"].strip(),
                tuple(item.get("variants") or ()),
            )
            for item in yaml.load(source, Loader=_LOADER)
        )


@functools.cache
def load_not_covered(path: Path = NOT_COVERED) -> tuple[str, ...]:
    with path.open(encoding="utf-8") as source:
        return tuple(yaml.load(source, Loader=_LOADER))


def topics(entries: Sequence[Entry]) -> list[str]:
    return list(dict.fromkeys(entry.topic for entry in entries))


def in_topic(entries: Sequence[Entry], topic: str) -> list[Entry]:
    return [entry for entry in entries if entry.topic == topic]


def find(entries: Sequence[Entry], entry_id: str) -> Entry | None:
    return next((entry for entry in entries if entry.id == entry_id), None)


_CONTRACTIONS = {
    "whats": "what is",
    "hows": "how is",
    "im": "i am",
    "cant": "can not",
    "dont": "do not",
    "doesnt": "does not",
    "isnt": "is not",
    "ive": "i have",
    "wont": "will not",
    "didnt": "did not",
}


def normalize(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("'", "")).split()
    return " ".join(_CONTRACTIONS.get(word, word) for word in words)


_QUESTION_START = re.compile(
    r"^(what|whats|what's|how|when|where|why|who|whom|which|can|could|do|does|did|is|are|am|should|will|would|"
    r"may|might|must|shall|have|has|any|tell me|i want to know|i wonder)\b",
    re.IGNORECASE,
)


def looks_like_question(text: str) -> bool:
    """Worded as a question: it ends with "?", or starts like one ("how much", "can I", ...)."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def looks_like_a_title(text: str) -> bool:
    """Written like a name or title ("What Mentors Need?"): most words capitalised."""
    words = [word for word in re.findall(r"[^\W\d_]+", text) if len(word) > 3]
    return len(words) >= 2 and sum(word[0].isupper() for word in words) / len(words) >= 0.6
