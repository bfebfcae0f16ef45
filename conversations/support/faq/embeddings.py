"""Sentence embeddings of the FAQ texts, precomputed so that the bot starts in a second.

Encoding the few thousand phrasings of the knowledge base takes about half a minute on one
core, so their vectors are kept in ``embeddings.npz`` next to the knowledge base. A text
not in that file (an entry support added, a question, a phrasing edited since) is encoded when
it is first needed and remembered for the life of the process, so a stale file makes start-up
slower, never answers wrong. After editing the knowledge base, refresh the file with
``make faq-embeddings`` (``encode.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from conversations.support.faq.sentence_encoder import DIMENSIONS, default_encoder

STORED = Path(__file__).with_name("embeddings.npz")


class EmbeddingStore:
    def __init__(self, path: Path = STORED) -> None:
        self._known: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as stored:
                self._known = dict(zip(stored["texts"].tolist(), stored["vectors"].astype(np.float32), strict=True))

    def __contains__(self, text: str) -> bool:
        return text in self._known

    def vectors(self, texts: Sequence[str], *, remember: bool = True) -> np.ndarray:
        """One unit-length row per text. Texts not seen before are encoded, and remembered if
        ``remember`` (training texts; not the questions, which would grow without end)."""
        missing = list(dict.fromkeys(text for text in texts if text not in self._known))
        found = dict(zip(missing, default_encoder().encode(missing), strict=True)) if missing else {}
        if remember:
            self._known.update(found)
        rows = [self._known[text] if text in self._known else found[text] for text in texts]
        return np.array(rows, dtype=np.float32) if rows else np.zeros((0, DIMENSIONS), dtype=np.float32)


@functools.cache
def default_store() -> EmbeddingStore:
    return EmbeddingStore()


def write(texts: Iterable[str], path: Path = STORED) -> int:
    """Encode ``texts`` and store them (as float16, which loses nothing that matters here)."""
    unique = sorted(set(texts))
    vectors = default_encoder().encode(unique).astype(np.float16)
    np.savez_compressed(path, texts=np.array(unique), vectors=vectors)
    return len(unique)
