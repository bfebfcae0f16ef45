"""Answering applicants' questions from the knowledge base (``faq_knowledge.yaml``).

Each entry's question, variants and answer are turned into features (TF-IDF on words and word
pairs, and on character n-grams within words, which forgives typos such as "certifcate"), and a
logistic-regression classifier learns which entry each phrasing belongs to, with one more class
for questions the knowledge base does not cover (``faq_out_of_scope.yaml``). A question is
answered with the most probable entry only when that is an entry and its probability is high
enough; otherwise the closest topics are offered, with a person. This was chosen by measurement
on the labelled questions in ``tests/data`` (``bench/faq.py``, see the README); it is still
short of the targets.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

KNOWLEDGE = Path(__file__).with_name("faq_knowledge.yaml")
# Questions the knowledge base does not answer: a class of their own, so near-misses ("is there a
# student discount?") are recognised as not covered instead of landing on the closest entry.
NOT_COVERED = Path(__file__).with_name("faq_out_of_scope.yaml")
_NONE = -1
# A probability at or above this answers; below it the bot offers topics and a person instead.
ANSWER_THRESHOLD = 0.2
_SUGGESTION_THRESHOLD = 0.08


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


def load(path: Path = KNOWLEDGE) -> list[Entry]:
    with path.open(encoding="utf-8") as source:
        return [Entry(item["id"], item["topic"], item["question"], item["answer"].strip(),
                      tuple(item.get("variants") or ())) for item in yaml.safe_load(source)]


_CONTRACTIONS = {"whats": "what is", "hows": "how is", "im": "i am", "cant": "can not", "dont": "do not",
                 "doesnt": "does not", "isnt": "is not", "ive": "i have", "wont": "will not", "didnt": "did not"}


def normalize(text: str) -> str:
    words = re.sub(r"[^\w\s]", " ", text.casefold().replace("'", "")).split()
    return " ".join(_CONTRACTIONS.get(word, word) for word in words)


def load_not_covered(path: Path = NOT_COVERED) -> list[str]:
    with path.open(encoding="utf-8") as source:
        return list(yaml.safe_load(source))


@functools.cache
def default_index() -> FaqIndex:
    """The index of the knowledge base file, learned once per process (it takes seconds)."""
    return FaqIndex(load())


class FaqIndex:
    def __init__(self, entries: Iterable[Entry], not_covered: Sequence[str] | None = None) -> None:
        """Learn ``entries`` (a new index is made when support adds one)."""
        self.not_covered = load_not_covered() if not_covered is None else list(not_covered)
        self.entries = list(entries)
        texts, owners = [], []
        for number, entry in enumerate(self.entries):
            for text in (*entry.phrasings, entry.answer):
                texts.append(normalize(text))
                owners.append(number)
        texts += [normalize(text) for text in self.not_covered]
        owners += [_NONE] * len(self.not_covered)
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit(texts)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True).fit(texts)
        self._model = LogisticRegression(C=20, max_iter=3000).fit(self._features(texts), owners)

    def _features(self, texts: list[str]):
        return hstack([self._words.transform(texts), self._chars.transform(texts)]).tocsr()

    def search(self, question: str, *, limit: int = 4) -> list[Match]:
        """The ``limit`` most probable classes, best first; ``entry`` None stands for "not covered"."""
        text = normalize(question)
        if not text:
            return []
        probabilities = self._model.predict_proba(self._features([text]))[0]
        classes = self._model.classes_
        return [Match(self.entries[classes[i]] if classes[i] != _NONE else None, float(probabilities[i]))
                for i in np.argsort(-probabilities)[:limit]]

    def ask(self, question: str) -> Result:
        ranked = self.search(question)
        closest = [match for match in ranked if match.entry is not None][:3]
        if ranked and ranked[0].entry is not None and ranked[0].score >= ANSWER_THRESHOLD:
            return Result(ranked[0].entry, closest)
        return Result(None, [match for match in closest if match.score >= _SUGGESTION_THRESHOLD])

    def topics(self) -> list[str]:
        return list(dict.fromkeys(entry.topic for entry in self.entries))

    def in_topic(self, topic: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.topic == topic]

    def entry(self, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)


_QUESTION_START = re.compile(
    r"^(what|whats|what's|how|when|where|why|who|whom|which|can|could|do|does|did|is|are|am|should|will|would|"
    r"may|might|must|shall|have|has|any|tell me|i want to know|i wonder)\b", re.IGNORECASE)


def looks_like_question(text: str) -> bool:
    """Worded as a question: it ends with "?", or starts like one ("how much", "can I", ...)."""
    stripped = text.strip()
    return stripped.endswith("?") or bool(_QUESTION_START.match(stripped))


def looks_like_a_title(text: str) -> bool:
    """Written like a name or title ("What Mentors Need?"): most words capitalised."""
    words = [word for word in re.findall(r"[^\W\d_]+", text) if len(word) > 3]
    return len(words) >= 2 and sum(word[0].isupper() for word in words) / len(words) >= 0.6

