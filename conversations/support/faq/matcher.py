"""Who answers a question from the knowledge base: the learned index in this process, or (through
the same ``Matcher`` interface) an FAQ process that every worker shares (``bot/channels/faq``).

The index takes seconds and a few hundred megabytes to make, so a process that only takes
applications' answers need not hold it: with ``FAQ_URL`` set, the bot asks the FAQ process.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from conversations.support.faq.knowledge import ADDED_TOPIC, Entry, Result
from storage.unit_of_work import Storage, Transaction

if TYPE_CHECKING:  # imported when the index is made: scikit-learn and the encoder take seconds to load
    from conversations.support.faq.index import FaqIndex

log = logging.getLogger(__name__)


class Matcher(Protocol):
    def start(self) -> None:
        """Get ready in the background (make the index, or nothing)."""

    def ask(self, question: str, storage: Storage, *, wait: bool) -> Result | None:
        """The knowledge base's answer to ``question``, with the entries support added. Without
        ``wait``, None when the answers are not ready yet; with it, wait for them (an index that
        could not be made, or an FAQ process out of reach, answers nothing: ``Result(None)``)."""
        ...


def added_entries(tx: Transaction) -> list[Entry]:
    """The entries support added from the chat, as entries of the knowledge base."""
    return [Entry(f"added-{row.id}", ADDED_TOPIC, row.question, row.answer) for row in tx.faq_entries.all()]


class LocalMatcher:
    """The learned index, made (or loaded from the cache) once, on a thread of its own."""

    def __init__(self, knowledge: Sequence[Entry], *, cache: Path | None = None, index: FaqIndex | None = None) -> None:
        """``cache``: the folder where the learned index is kept between runs (``FAQ_CACHE_DIR``);
        ``index``: one already made (tests share one)."""
        self._knowledge = tuple(knowledge)
        self._cache = cache
        self._index = index
        self._ready = threading.Event()
        if index is not None:
            self._ready.set()
        self._guard = threading.Lock()
        self._making: threading.Thread | None = None
        self._extended: tuple[int, FaqIndex] | None = None  # (newest added entry, the index with them)

    def start(self) -> None:
        with self._guard:
            if self._making is None and not self._ready.is_set():
                self._making = threading.Thread(target=self._make, name="faq-index", daemon=True)
                self._making.start()

    def _make(self) -> None:
        try:
            from conversations.support.faq.index import FaqIndex

            index = FaqIndex(self._knowledge, cache=self._cache)
            index.warm_up()
            self._index = index
            log.info("the FAQ index is ready")
        except Exception:
            log.exception("The FAQ index could not be made; questions are offered to a person instead")
        finally:
            self._ready.set()

    def ready(self) -> bool:
        """Whether the index is made (or could not be)."""
        return self._ready.is_set()

    def ask(self, question: str, storage: Storage, *, wait: bool) -> Result | None:
        if not self._ready.is_set():
            if not wait:  # nobody waits for it: the index is made only once someone asks
                return None
            self.start()
            self._ready.wait()
        matcher = self._matcher(storage)
        return matcher.ask(question) if matcher is not None else Result(None)

    def _matcher(self, storage: Storage) -> FaqIndex | None:
        """The index, with the entries support added (from any process) since it was made."""
        if self._index is None:
            return None
        with storage.transaction() as tx:  # a short read of its own, not the turn's
            newest = tx.faq_entries.newest_id()
            extended = self._extended
            stale = extended is None or extended[0] != newest
            added = added_entries(tx) if newest and stale else []
        if not newest:
            return self._index
        if extended is None or stale:  # encoding the added questions: outside the transaction
            extended = (newest, self._index.with_added(added))
            self._extended = extended
        return extended[1]
