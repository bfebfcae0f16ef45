"""The per-applicant lock: the same key waits, other keys don't, and nothing is kept after."""

from __future__ import annotations

import asyncio
import threading

from conversations.keyed_lock import AsyncKeyedLocks, KeyedLocks


def test_same_key_waits_other_keys_do_not():
    locks = KeyedLocks()
    entered = []

    def enter(key: str) -> None:
        with locks.hold(key):
            entered.append(key)

    with locks.hold("maria"):
        same = threading.Thread(target=enter, args=("maria",))
        other = threading.Thread(target=enter, args=("jordan",))
        same.start()
        other.start()
        other.join(2)
        same.join(0.2)
        assert entered == ["jordan"]  # another applicant is not held up
        assert same.is_alive()  # the same applicant waits
    same.join(2)
    assert entered == ["jordan", "maria"]


def test_no_lock_is_kept_once_released():
    locks = KeyedLocks()
    for number in range(100):
        with locks.hold(f"applicant-{number}"):
            assert len(locks) == 1
    assert len(locks) == 0


async def test_async_locks_keep_arrival_order_per_key_and_are_dropped():
    locks = AsyncKeyedLocks()
    order = []
    release = asyncio.Event()

    async def work(key: str, label: str, wait: bool = False) -> None:
        async with locks.hold(key):
            if wait:
                await release.wait()
            order.append(label)

    first = asyncio.create_task(work("chat-1", "first", wait=True))
    await asyncio.sleep(0)
    later = [asyncio.create_task(work("chat-1", f"then-{n}")) for n in range(3)]
    other = asyncio.create_task(work("chat-2", "other chat"))
    await other
    assert order == ["other chat"]  # another chat is not held up
    release.set()
    await asyncio.gather(first, *later)
    assert order == ["other chat", "first", "then-0", "then-1", "then-2"]
    assert len(locks) == 0
