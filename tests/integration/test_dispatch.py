"""Delivering the outbox: nothing lost while a destination is down, each message delivered once,
one applicant's notices in order, and a restart picks up what was left."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.delivery.dispatcher import Dispatcher
from storage.models import OutboxMessage
from storage.unit_of_work import Storage
from tests.conftest import START, ManualClock


class Destination:
    """A staff channel or chat that can be down."""

    def __init__(self) -> None:
        self.down = False
        self.received: list[dict] = []

    async def deliver(self, message: OutboxMessage) -> None:
        if self.down:
            raise ConnectionRefusedError("connection refused")
        self.received.append(message.payload)


def write(storage: Storage, *payloads: dict, destination: str = "staff:slack", order_key: str | None = None) -> None:
    with storage.transaction() as tx:
        for payload in payloads:
            tx.outbox.enqueue("dossier.submitted", destination, payload, order_key=order_key)


def pending(storage: Storage) -> list[OutboxMessage]:
    with storage.transaction() as tx:
        return tx.outbox.undelivered()


async def test_a_destination_down_loses_nothing_and_gets_it_once_when_back(storage: Storage, clock: ManualClock):
    slack = Destination()
    dispatcher = Dispatcher(storage, {"staff:slack": slack})
    write(storage, {"dossier_id": 1})
    slack.down = True
    assert await dispatcher.deliver_due() == 0
    [waiting] = pending(storage)
    assert (waiting.attempts, waiting.last_error) == (1, "ConnectionRefusedError: connection refused")
    assert waiting.next_attempt_at == START + dt.timedelta(seconds=5)
    slack.down = False
    assert await dispatcher.deliver_due() == 0  # not due yet: backing off
    clock.advance(seconds=5)
    assert await dispatcher.deliver_due() == 1
    assert await dispatcher.deliver_due() == 0
    assert slack.received == [{"dossier_id": 1}]
    assert pending(storage) == []


def test_backoff_doubles_up_to_a_limit(storage: Storage):
    dispatcher = Dispatcher(storage, {})
    assert [dispatcher.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert dispatcher.backoff(30) == dt.timedelta(minutes=30)


async def test_written_before_a_crash_is_delivered_once_after_restart(storage: Storage):
    write(storage, {"dossier_id": 1}, {"dossier_id": 2})  # the process died before delivering
    slack = Destination()
    restarted = Dispatcher(storage, {"staff:slack": slack})
    assert await restarted.deliver_due() == 2
    assert await Dispatcher(storage, {"staff:slack": slack}).deliver_due() == 0
    assert slack.received == [{"dossier_id": 1}, {"dossier_id": 2}]


async def test_a_message_being_sent_is_not_taken_by_another_process_until_its_lease_ends(
    storage: Storage, clock: ManualClock
):
    write(storage, {"dossier_id": 1})
    first, second = Destination(), Destination()
    with storage.transaction() as tx:  # the first process has taken it, then died while sending
        [_taken] = tx.outbox.claim(["staff:slack"], lease=dt.timedelta(minutes=2))
    assert await Dispatcher(storage, {"staff:slack": second}).deliver_due() == 0
    clock.advance(minutes=3)
    assert await Dispatcher(storage, {"staff:slack": second}).deliver_due() == 1
    assert (first.received, second.received) == ([], [{"dossier_id": 1}])


async def test_two_dispatchers_at_once_deliver_each_message_once(storage: Storage):
    write(storage, *({"dossier_id": n} for n in range(10)))
    slack = Destination()
    dispatchers = [Dispatcher(storage, {"staff:slack": slack}) for _ in range(2)]
    await asyncio.gather(*(dispatcher.deliver_due() for dispatcher in dispatchers))
    assert sorted(payload["dossier_id"] for payload in slack.received) == list(range(10))


async def test_one_applicants_notices_keep_their_order_when_one_fails(storage: Storage, clock: ManualClock):
    telegram = Destination()
    write(
        storage, {"text": "in review"}, {"text": "approved"}, destination="applicant:telegram", order_key="applicant:1"
    )
    write(storage, {"text": "someone else"}, destination="applicant:telegram", order_key="applicant:2")
    telegram.down = True
    dispatcher = Dispatcher(storage, {"applicant:telegram": telegram})
    await dispatcher.deliver_due()
    telegram.down = False
    await dispatcher.deliver_due()  # "in review" is backing off; "approved" must wait for it
    assert telegram.received == []
    clock.advance(minutes=1)
    await dispatcher.deliver_due()
    assert [payload["text"] for payload in telegram.received] == ["in review", "approved", "someone else"]


@pytest.mark.parametrize("destination", ["staff:telegram", "applicant:slack"])
async def test_a_dispatcher_leaves_destinations_it_cannot_reach(storage: Storage, destination: str):
    write(storage, {"dossier_id": 1}, destination=destination)
    assert await Dispatcher(storage, {"staff:slack": Destination()}).deliver_due() == 0
    assert len(pending(storage)) == 1


async def test_a_failed_notice_holds_back_the_next_one_of_the_same_applicant_in_the_same_round(storage: Storage):
    write(
        storage, {"text": "in review"}, {"text": "approved"}, destination="applicant:telegram", order_key="applicant:1"
    )

    class FailsOnce(Destination):
        failed = False

        async def deliver(self, message: OutboxMessage) -> None:
            if not self.failed:
                self.failed = True
                raise ConnectionResetError("connection reset")
            await super().deliver(message)

    telegram = FailsOnce()
    await Dispatcher(storage, {"applicant:telegram": telegram}).deliver_due()
    assert telegram.received == []
    assert [message.attempts for message in pending(storage)] == [1, 0]  # the second was not tried
