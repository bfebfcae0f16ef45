"""The send rate to Telegram: counted per bot across processes through Redis, per process without
it, and still sending (on its own count) when Redis is away; a 429 is waited out and sent again.

Redis is looked for at ``TEST_REDIS_URL``; its tests are skipped when it is unreachable, except
with CI=true, where they fail (as PostgreSQL's do)."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
import warnings
from urllib.parse import urlparse

import pytest
from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.channels.telegram import pacing
from bot.channels.telegram.pacing import LOCAL, DeliveryLimiter, per_chat, storage_uri

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHAT = 4242


@pytest.fixture
def redis_url() -> str:
    address = urlparse(REDIS_URL)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 6379), timeout=1).close()
    except OSError as error:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is required in CI and unreachable at {REDIS_URL}: {error}")
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    return REDIS_URL


async def send(limiter: DeliveryLimiter, sent: list[float], chat: int = CHAT) -> None:
    async def call() -> bool:
        sent.append(time.monotonic())
        return True

    await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)


def test_rates_in_whole_seconds():
    assert str(per_chat(1.0)) == str(per_chat(1)) == "1 per 1 second"
    assert str(per_chat(0.5)) == "1 per 2 second"
    assert str(per_chat(50)) == "50 per 1 second"
    assert storage_uri(None) == LOCAL
    assert storage_uri("redis://cache:6379/0") == "async+redis://cache:6379/0"


async def test_two_processes_share_a_chats_rate_through_redis(redis_url: str):
    """Two limiters (as two workers would hold) on one Redis: the second message to a chat waits
    for the first's second to pass, whichever process sends it."""
    namespace = uuid.uuid4().hex
    first, second = (
        DeliveryLimiter(storage=storage_uri(redis_url), namespace=namespace, per_chat_rate=1.0) for _ in range(2)
    )
    sent: list[float] = []
    started = time.monotonic()  # before the first message is counted: the second waits a second from it
    await send(first, sent)
    await send(second, sent)
    assert sent[1] - started >= 0.95


async def test_other_bots_and_other_chats_do_not_wait(redis_url: str):
    sent: list[float] = []
    uri = storage_uri(redis_url)
    await send(DeliveryLimiter(storage=uri, namespace=uuid.uuid4().hex), sent)
    await send(DeliveryLimiter(storage=uri, namespace=uuid.uuid4().hex), sent)  # another bot, same chat
    limiter = DeliveryLimiter(storage=uri, namespace=uuid.uuid4().hex)
    await asyncio.gather(*(send(limiter, sent, chat) for chat in range(1, 11)))  # ten chats at once
    assert len(sent) == 12
    assert sent[-1] - sent[0] < 0.9  # none waited a chat's second


async def test_without_redis_one_process_keeps_the_rate():
    limiter = DeliveryLimiter(per_chat_rate=1.0)
    sent: list[float] = []
    started = time.monotonic()
    await send(limiter, sent)
    await send(limiter, sent)
    assert sent[1] - started >= 0.95


async def test_redis_away_the_process_counts_on_its_own(caplog: pytest.LogCaptureFixture):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limiter = DeliveryLimiter(storage=storage_uri(f"redis://127.0.0.1:{port}/0"), per_chat_rate=1.0)
    sent: list[float] = []
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        await send(limiter, sent)
        await send(limiter, sent)
    assert len(sent) == 2 and sent[1] - started >= 0.95  # sent, and still paced
    assert [record.message for record in caplog.records].count(caplog.records[0].message) == 1
    assert "Redis is unreachable" in caplog.records[0].message


async def test_a_429_is_waited_out_and_sent_again():
    limiter = DeliveryLimiter()
    calls: list[float] = []

    async def call() -> bool:
        calls.append(time.monotonic())
        if len(calls) == 1:
            with warnings.catch_warnings():  # the library's own use of its deprecated int form
                warnings.simplefilter("ignore", PTBDeprecationWarning)
                raise RetryAfter(1)
        return True

    assert await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": CHAT}, None) is True
    assert len(calls) == 2 and calls[1] - calls[0] >= 1.0


async def test_in_process_windows_move_and_forget_idle_chats(monkeypatch: pytest.MonkeyPatch):
    """Without Redis: a window counts the calls of its last second (a moving window, not one that
    restarts on the second), says when the next may go, and a chat written to long ago is
    forgotten, however many chats there were."""
    now = [1000.0]
    monkeypatch.setattr(pacing.time, "time", lambda: now[0])
    windows = pacing._InProcess()
    per_second = per_chat(2.0)
    assert [await windows.hit(per_second, "chat", "1") for _ in range(3)] == [True, True, False]
    now[0] += 0.6  # the two calls are still within the last second
    assert not await windows.hit(per_second, "chat", "1")
    assert (await windows.get_window_stats(per_second, "chat", "1")).reset_time == pytest.approx(1001.0)
    now[0] += 0.5  # the first two left the window
    assert await windows.hit(per_second, "chat", "1")
    for chat in range(1000):
        await windows.hit(per_second, "chat", str(chat + 2))
    now[0] += 5
    await windows.hit(per_second, "chat", "other")
    assert list(windows._windows) == [per_second.key_for("chat", "other")]
