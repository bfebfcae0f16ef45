"""One person's messages applied and answered in the platform's order, when several processes
receive them.

Several workers behind a load balancer may each receive a message of the same person at the same
moment; each turn locks the applicant, but whichever locks first would go first. So a message
with a place in the platform's order (``Inbound.sequence``: Telegram numbers its updates) is
recorded as arrived before anything else is done with it (``record_arrival``; the channel waits
``SETTLE_SECONDS`` then, without holding a thread, so that an earlier message received elsewhere
at the same moment is recorded too), and its turn does not begin while an earlier message of the
same person has arrived and is not applied yet: it lets go of the lock and tries again a moment
later (``EarlierFirst``). Nor does it begin while a number before its own has not arrived at
all, when the channel numbers all its messages one after another, as Telegram does (the channel
records every update, whoever it is for): a process too busy to record an earlier message within
``SETTLE_SECONDS`` then holds the later one back all the same. Its replies, likewise, go out once
the earlier message's have (``answered_before`` and ``record_answered``, which the channel calls).

Each wait lasts at most ``ORDER_WAIT``: an earlier message whose process stopped half way is then
passed over (the platform hands it out again later, and it is applied then, as it would be
without this). An earlier message can still come second when it opens a burst after a quiet
spell (nothing numbered before it arrived lately) and is recorded more than ``SETTLE_SECONDS``
after the later one.

Telegram itself sends one chat's updates to a webhook one after another, waiting for each
answer; this covers what it does not promise (a load balancer trying another worker, a retry
that overtakes), at the cost of a few statements and ``SETTLE_SECONDS`` of latency per message.
One process that polls gets a chat's updates in order and needs none of it (the Telegram channel
gives a sequence in webhook mode only).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from sqlalchemy.exc import IntegrityError

from conversations.messages import Inbound
from storage.unit_of_work import Storage, Transaction

ORDER_WAIT = dt.timedelta(seconds=5)
# How long a channel waits, once it has recorded a message's arrival, before the message's turn: an
# earlier message received by another process at the same moment is recorded by then.
SETTLE_SECONDS = 0.05
# How long a message that waits for an earlier one sleeps before it looks again.
LOOK_AGAIN_SECONDS = 0.02


def record_arrival(storage: Storage, inbound: Inbound) -> None:
    """Record that ``inbound`` (with a sequence) is here; a channel may do it as soon as the
    message comes in, before work of its own (answering a button, a download)."""
    if inbound.sequence is None:
        return
    try:
        with storage.transaction() as tx:
            tx.arrivals.add(inbound.channel, inbound.user_id, inbound.event_id, inbound.sequence)
    except IntegrityError:
        pass  # the same message, received twice at once: recorded by the other


def answered_before(storage: Storage, inbound: Inbound) -> bool:
    """Whether the replies to ``inbound`` may go now: no earlier message of the same person that
    arrived is waiting to be applied or answered (for a while: see ``ORDER_WAIT``)."""
    if inbound.sequence is None:
        return True
    with storage.transaction() as tx:
        return not tx.arrivals.earlier_waiting(
            inbound.channel, inbound.user_id, inbound.sequence, since=tx.now - ORDER_WAIT, answered=True
        )


def record_answered(storage: Storage, inbound: Inbound) -> None:
    """The replies to ``inbound`` went out: later messages no longer wait for it."""
    if inbound.sequence is not None:
        with storage.transaction() as tx:
            tx.arrivals.answered(inbound.channel, inbound.event_id)


class EarlierFirst(Exception):
    """An earlier message of the same person is not applied yet, or one numbered earlier has not
    arrived."""


class Patience:
    """How long one message still waits for earlier ones (from its arrival, ``ORDER_WAIT``)."""

    def __init__(self, storage: Storage, inbound: Inbound, *, recorded: bool = False) -> None:
        """``recorded``: the message's arrival is recorded already (by the channel, as it came in)."""
        self._inbound = inbound
        self._until = time.monotonic() + ORDER_WAIT.total_seconds()
        self._pause = threading.Event()  # never set: only waited on, for LOOK_AGAIN_SECONDS
        if not recorded:
            record_arrival(storage, inbound)

    def check(self, tx: Transaction) -> None:
        """Raise ``EarlierFirst`` if this turn should let an earlier message go first."""
        inbound = self._inbound
        if inbound.sequence is None or time.monotonic() >= self._until:
            return
        since = tx.now - ORDER_WAIT
        if tx.arrivals.missing_before(inbound.channel, inbound.sequence, since=since) or tx.arrivals.earlier_waiting(
            inbound.channel, inbound.user_id, inbound.sequence, since=since
        ):
            raise EarlierFirst

    def applied(self, tx: Transaction) -> None:
        """In the turn's transaction: this message no longer holds later ones back."""
        if self._inbound.sequence is not None:
            tx.arrivals.applied(self._inbound.channel, self._inbound.event_id)

    def wait(self) -> None:
        # A timed wait on an event, not time.sleep: the latter's absolute deadline is refused
        # (EINVAL) when the clock is moved with faketime, as `make test-any-day` does.
        self._pause.wait(LOOK_AGAIN_SECONDS)
