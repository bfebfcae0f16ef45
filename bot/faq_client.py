"""Asking the FAQ process (``bot/channels/faq``) instead of holding the index in this process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import httpx

from conversations.support.faq.knowledge import Entry, Result
from conversations.support.faq.matcher import added_entries
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)

# A lookup that nobody waits for (a sentence that may be a question) gives up soon; a question
# waits for an index still being made (10-30 s when nothing was cached), the applicant told so.
QUICK_SECONDS = 2.0
WAIT_SECONDS = 60.0


class RemoteMatcher:
    def __init__(self, url: str, knowledge: Sequence[Entry]) -> None:
        self._url = url
        self._knowledge = {entry.id: entry for entry in knowledge}
        self._client = httpx.Client(base_url=url, timeout=QUICK_SECONDS)
        self._reached = threading.Event()  # the last call was answered (for one warning per outage)
        self._reached.set()

    def start(self) -> None:
        """Nothing to make here: the FAQ process makes the index."""

    def ask(self, question: str, storage: Storage, *, wait: bool) -> Result | None:
        try:
            response = self._client.post(
                "/ask", json={"question": question, "wait": wait}, timeout=WAIT_SECONDS if wait else QUICK_SECONDS
            )
            response.raise_for_status()
            found = response.json()["result"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            if self._reached.is_set():
                log.warning("the FAQ process at %s did not answer (%s); questions go to a person", self._url, error)
            self._reached.clear()
            return Result(None) if wait else None
        if not self._reached.is_set():
            log.info("the FAQ process at %s answers again", self._url)
            self._reached.set()
        if found is None:
            return None
        return Result.from_dict(found, self._entries(found, storage))

    def _entries(self, found: dict, storage: Storage) -> list[Entry]:
        """The entries the result names: the knowledge base, and those support added if it names one."""
        named = {found["answer"], *(entry_id for entry_id, _ in found["closest"])} - {None}
        entries = list(self._knowledge.values())
        if named - self._knowledge.keys():
            with storage.transaction() as tx:
                entries += added_entries(tx)
        return entries
