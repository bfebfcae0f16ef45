"""Asking the FAQ process (``bot/channels/faq``) instead of holding the index in this process."""

from __future__ import annotations

import logging
import threading
import time

import httpx

from conversations.support.faq.knowledge import Result
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)

# A lookup that nobody waits for (a sentence that may be a question) gives up soon; a question
# waits for an index still being made (10-30 s when nothing was cached), the applicant told so.
QUICK_SECONDS = 2.0
WAIT_SECONDS = 30.0
# After the FAQ process failed to answer, it is not asked again for this long: a process that
# hangs would otherwise cost every question its whole timeout.
AWAY_SECONDS = 30.0


class RemoteMatcher:
    def __init__(self, url: str) -> None:
        self._url = url
        self._client = httpx.Client(base_url=url, timeout=QUICK_SECONDS)
        self._guard = threading.Lock()
        self._away_until: float | None = None  # set while the FAQ process is taken for away

    def start(self) -> None:
        """Nothing to make here: the FAQ process makes the index."""

    def ask(self, question: str, storage: Storage, *, wait: bool) -> Result | None:
        """The FAQ process's answer; ``Result(None)`` (a person is offered) while it is away."""
        if self._away():
            return Result(None)
        try:
            response = self._client.post(
                "/ask", json={"question": question, "wait": wait}, timeout=WAIT_SECONDS if wait else QUICK_SECONDS
            )
            response.raise_for_status()
            found = response.json()["result"]
            result = Result.from_json(found) if found is not None else None
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as error:
            with self._guard:
                if self._away_until is None:
                    log.warning(
                        "the FAQ process at %s did not answer (%s); questions go to a person, and it is asked "
                        "again in %.0f s",
                        self._url,
                        error,
                        AWAY_SECONDS,
                    )
                self._away_until = time.monotonic() + AWAY_SECONDS
            return Result(None)
        with self._guard:
            if self._away_until is not None:
                log.info("the FAQ process at %s answers again", self._url)
                self._away_until = None
        return result

    def _away(self) -> bool:
        with self._guard:
            return self._away_until is not None and time.monotonic() < self._away_until
