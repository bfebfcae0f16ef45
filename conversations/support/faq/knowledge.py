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
from typing import Any

import yaml

KNOWLEDGE = Path(__file__).with_name("knowledge.yaml")
# Questions the knowledge base does not answer: a class of their own, so near-misses ("is there a
# student discount?") are recognised as not covered instead of landing on the closest entry.
NOT_COVERED = Path(__file__).with_name("out_of_scope.yaml")
# How other people ask: one file per writer, each in a voice of their own (typed on a phone,
# non-native, long with context, terse, everyday words), written from IMC's page and each entry's
# question and answer, never from the variants or the test sets: questions each entry answers
# (``in_scope``, by entry id) and near-misses none answers (``out_of_scope``). The index learns
# them beside ``knowledge.yaml`` and ``out_of_scope.yaml``.
TRAINING_WRITERS = Path(__file__).with_name("writers")
# Contractions without their apostrophe and texting abbreviations, with the words they stand for.
CHAT_WORDS = Path(__file__).with_name("chat_words.yaml")
# The openings and phrases that make a free-text answer read as a question too (``may_be_question``).
QUESTION_CUES = Path(__file__).with_name("question_cues.yaml")
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

    def to_dict(self) -> dict[str, Any]:
        """The result by the entries' ids, to keep with a draft (``from_dict`` reads it back)."""
        return {
            "answer": self.answer.id if self.answer else None,
            "closest": [[match.entry.id if match.entry else None, match.score] for match in self.closest],
        }

    def to_json(self) -> dict[str, Any]:
        """The result with its entries whole, for another process (the FAQ process's answer to a
        worker): read back by ``from_json`` without looking an entry up by its id, which another
        database or version of the knowledge base could give to another entry."""
        return {
            "answer": _entry_json(self.answer),
            "closest": [[_entry_json(match.entry), match.score] for match in self.closest],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        return cls(
            _entry_from_json(data["answer"]),
            [Match(_entry_from_json(entry), float(score)) for entry, score in data["closest"]],
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any], entries: Sequence[Entry]) -> Result:
        """The result kept by ``to_dict``, with ``entries`` as they are now: an entry removed
        since is left out (an answer removed makes the result unsure)."""
        answer = find(entries, data["answer"]) if data["answer"] else None
        closest = [
            Match(find(entries, entry_id) if entry_id else None, score)
            for entry_id, score in data["closest"]
            if not entry_id or find(entries, entry_id)
        ]
        return cls(answer, closest)


def _entry_json(entry: Entry | None) -> dict[str, str] | None:
    return None if entry is None else {name: getattr(entry, name) for name in ("id", "topic", "question", "answer")}


def _entry_from_json(data: dict[str, str] | None) -> Entry | None:
    return None if data is None else Entry(data["id"], data["topic"], data["question"], data["answer"])


@functools.cache
def load(path: Path = KNOWLEDGE, writers: Path = TRAINING_WRITERS) -> tuple[Entry, ...]:
    """The entries, each with its own variants followed by the writers' questions for it."""
    written: dict[str, list[str]] = {}
    for writer in _writers(writers):
        for entry_id, questions in writer["in_scope"].items():
            written.setdefault(entry_id, []).extend(questions)
    return tuple(
        Entry(
            item["id"],
            item["topic"],
            item["question"],
            item["answer"].strip(),
            (*(item.get("variants") or ()), *written.get(item["id"], ())),
        )
        for item in _read(path)
    )


@functools.cache
def load_not_covered(path: Path = NOT_COVERED, writers: Path = TRAINING_WRITERS) -> tuple[str, ...]:
    return (*_read(path), *(question for writer in _writers(writers) for question in writer["out_of_scope"]))


def _writers(folder: Path) -> list[dict[str, Any]]:
    return [_read(path) for path in sorted(folder.glob("*.yaml"))]


def _read(path: Path) -> Any:
    with path.open(encoding="utf-8") as source:
        return yaml.load(source, Loader=_LOADER)


@dataclass(frozen=True)
class QuestionCues:
    """``openers``: how a message that may be a question opens; ``context``: how it may open with
    context before asking; ``phrases``: what asks anywhere in it, ``asks_for`` too (what a terse
    question names: "fee", "policy"). All normalised (``normalize``), as whole words."""

    openers: tuple[str, ...]
    context: tuple[str, ...]
    phrases: tuple[str, ...]


@functools.cache
def load_question_cues(path: Path = QUESTION_CUES) -> QuestionCues:
    cues = _read(path)
    return QuestionCues(
        tuple(normalize(opener) for opener in cues["openers"]),
        tuple(normalize(opener) for opener in cues["context"]),
        tuple(normalize(phrase) for phrase in (*cues["phrases"], *cues["asks_for"])),
    )


def topics(entries: Sequence[Entry]) -> list[str]:
    return list(dict.fromkeys(entry.topic for entry in entries))


def in_topic(entries: Sequence[Entry], topic: str) -> list[Entry]:
    return [entry for entry in entries if entry.topic == topic]


def find(entries: Sequence[Entry], entry_id: str) -> Entry | None:
    return next((entry for entry in entries if entry.id == entry_id), None)


def normalize(text: str) -> str:
    """Lower case, punctuation as spaces, and chat words written out ("hw many hrs" -> "how many hours")."""
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("'", "")).split()
    chat_words = _chat_words()
    return " ".join(chat_words.get(word, word) for word in words)


@functools.cache
def _chat_words() -> dict[str, str]:
    return {str(typed): str(meant) for typed, meant in _read(CHAT_WORDS).items()}


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


# Where a sentence ends and the next begins ("… by mistake. Will the form accept that"); not after
# an abbreviation ("Dr. Will Smith").
_SENTENCE_END = re.compile(r"(?<=\w{3}[.!;])\s+")


def asks(text: str) -> bool:
    """Whether a message asks by words wherever they stand: a "?", a sentence worded as a question
    ("… by mistake. Will the form accept that"), a phrase that asks ("can I", "how much", "is
    there") or what a terse question names ("refund policy")."""
    stripped = text.strip()
    if "?" in stripped or any(looks_like_question(sentence) for sentence in _SENTENCE_END.split(stripped)):
        return True
    words = f" {normalize(stripped)} "
    return any(f" {phrase} " in words for phrase in load_question_cues().phrases)


def may_be_question(text: str, *, context: bool = True) -> bool:
    """Whether a message given as an answer may be a question all the same: it asks (``asks``),
    or it opens with a question word typed in a hurry or misspelt ("hw much", "wat is"), a
    greeting ("Hello, I would like to know") or, with ``context``, context ("I got my CPM", "My
    supervisor"). A message written like a title or a name ("My Mentoring Program", "How To
    Mentor Well") is taken for an answer, unless it has a "?"."""
    stripped = text.strip()
    if "?" in stripped:
        return True
    if looks_like_a_title(stripped):
        return False
    if asks(stripped):
        return True
    words = f" {normalize(stripped)} "
    cues = load_question_cues()
    openers = (*cues.openers, *cues.context) if context else cues.openers
    return any(words.startswith(f" {opener} ") for opener in openers)


def letter_words(text: str) -> list[str]:
    """The words of two letters or more: "Mentee 1" and "CPM-2019-0457" have one each."""
    return re.findall(r"[^\W\d_]{2,}", text)


def looks_like_a_name(text: str) -> bool:
    """Every word capitalised, short ones too ("Mentee One", "Li Wen"): a name, as applicants
    write one, where ``looks_like_a_title`` counts only words of four letters or more."""
    words = letter_words(text)
    return bool(words) and all(word[0].isupper() for word in words)
