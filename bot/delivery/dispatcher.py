"""Delivering the outbox: staff notifications and applicant notices, written in the same
transaction as the change they report, are sent here, later, until each gets through.

Each process runs a dispatcher for the destinations it can reach (the Telegram process for
``staff:telegram`` and ``applicant:telegram``, ...). A message is taken under a lease, sent, then
marked delivered; a failure is retried with exponential backoff; a message that is delivered is
never sent again. (If a process dies between sending and marking, the lease runs out and the
message is sent once more: delivery is at least once. The window is the whole delivery: a staff
hand-off is several messages, the notification, the PDF and the evidence, all sent again; and a
hand-off that fails half way, e.g. the destination goes away after the notification, is sent
again whole too.)
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Protocol

from storage.models import OutboxMessage, saved_id
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)


class Sender(Protocol):
    async def deliver(self, message: OutboxMessage) -> None:
        """Send ``message``; raise to have it retried later."""


class Dispatcher:
    def __init__(
        self,
        storage: Storage,
        senders: dict[str, Sender],
        *,
        lease: dt.timedelta = dt.timedelta(minutes=2),
        first_retry: dt.timedelta = dt.timedelta(seconds=5),
        longest_wait: dt.timedelta = dt.timedelta(minutes=30),
        schedule: Callable[[], int] | None = None,
        schedule_every: dt.timedelta = dt.timedelta(minutes=1),
    ) -> None:
        """``schedule`` (e.g. queueing reminders that are due) runs before a round, at most once
        every ``schedule_every``."""
        self.storage = storage
        self.senders = senders
        self.lease = lease
        self.first_retry = first_retry
        self.longest_wait = longest_wait
        self.schedule = schedule
        self.schedule_every = schedule_every
        self._scheduled_at: dt.datetime | None = None

    def backoff(self, attempts: int) -> dt.timedelta:
        return min(self.first_retry * 2 ** (attempts - 1), self.longest_wait)

    async def deliver_due(self) -> int:
        """Send what is due now; return how many got through."""
        now = self.storage.clock()
        if self.schedule and (self._scheduled_at is None or now - self._scheduled_at >= self.schedule_every):
            self._scheduled_at = now
            await asyncio.to_thread(self.schedule)
        if not self.senders:
            return 0
        messages = await asyncio.to_thread(self._claim)
        delivered = 0
        held_up: set[str] = set()  # order keys whose earlier message failed in this round
        for message in messages:
            message_id = saved_id(message)
            if message.order_key in held_up:
                await asyncio.to_thread(self._release, message_id)
                continue
            try:
                await self.senders[message.destination].deliver(message)
            except Exception as error:  # any failure: keep it, and try again later
                log.warning(
                    "outbox %s to %s failed (attempt %s): %s",
                    message_id,
                    message.destination,
                    message.attempts + 1,
                    error,
                )
                if message.order_key:
                    held_up.add(message.order_key)
                retry_after = self.backoff(message.attempts + 1)
                await asyncio.to_thread(self._settle, message_id, f"{type(error).__name__}: {error}", retry_after)
            else:
                await asyncio.to_thread(self._settle, message_id, None, dt.timedelta(0))
                delivered += 1
        return delivered

    async def deliver_round(self) -> int:
        """``deliver_due`` for a caller that goes on delivering: a failure is logged, not raised
        (the database may be away for a moment; the next round tries again)."""
        try:
            return await self.deliver_due()
        except Exception:
            log.exception("outbox delivery round failed")
            return 0

    async def run(self, *, every: float = 1.0) -> None:
        """Deliver forever (until cancelled)."""
        while True:
            await self.deliver_round()
            await asyncio.sleep(every)

    def _claim(self) -> list[OutboxMessage]:
        with self.storage.transaction() as tx:
            return tx.outbox.claim(list(self.senders), lease=self.lease)

    def _release(self, message_id: int) -> None:
        with self.storage.transaction() as tx:
            tx.outbox.release([message_id])

    def _settle(self, message_id: int, error: str | None, retry_after: dt.timedelta) -> None:
        with self.storage.transaction() as tx:
            tx.outbox.settle(message_id, error=error, retry_after=retry_after)
