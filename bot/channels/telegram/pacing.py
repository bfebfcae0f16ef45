"""Telegram's limits on what the bot sends, counted across every process of the bot.

Telegram counts per bot, not per process: about 30 messages a second overall (more for a bot with
paid broadcasts: ``TELEGRAM_MESSAGES_PER_SECOND``), 20 a minute in a group, and (a courtesy it
asks for) about one a second in a private chat. Several workers (webhook mode behind a load
balancer) would each allow the whole rate on their own, so the counts are kept in Redis when
``REDIS_URL`` is set, through the ``limits`` library (moving windows, each taken in one atomic
step on the server); without it they are kept in the process, which is right for one process. If
Redis cannot be reached, the process counts on its own until it can (and says so in the log)
rather than stop replying.

In the process the windows are kept here (``_InProcess``), not in ``limits``' memory storages:
its asyncio one drops old entries after every hit by handing each window to a thread in turn (a
tenth of this bot's CPU per message under load, ``docs/performance.md``), and its synchronous
one starts a thread to do so and never forgets a window, so every chat ever written to is looked
at again and again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import warnings
from collections import deque
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any, Protocol

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond, WindowStats
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from conversations.keyed_lock import AsyncKeyedLocks

log = logging.getLogger(__name__)

PER_GROUP = RateLimitItemPerMinute(20)
# How long a wait for a window lasts at least (a window that reopens "now" is polled, not spun).
_SHORTEST_WAIT = 0.005
# After Redis failed, how long the process counts on its own before it tries Redis again.
LOCAL_FOR_SECONDS = 30.0

LOCAL = "async+memory://"

# What a Bot API call returns, as ``BaseRateLimiter.process_request`` declares it.
_ApiResult = bool | dict[str, Any] | list[dict[str, Any]]


def per_chat(rate: float) -> RateLimitItem:
    """``rate`` messages a second in one chat, in whole seconds as ``limits`` counts: 1.0 is one
    in any second, 0.5 one in any two seconds, 50 fifty in any second."""
    if rate >= 1:
        return RateLimitItemPerSecond(round(rate))
    return RateLimitItemPerSecond(1, round(1 / rate))


class _Windows(Protocol):
    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool: ...

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats: ...


class _InProcess:
    """Moving windows in this process, on the event loop: the times of the calls in each window's
    last ``expiry`` seconds; a window with none is forgotten (looked over once per longest expiry)."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, deque[float]]] = {}  # key -> (expiry, call times)
        self._longest = 0.0
        self._looked_over = time.time()

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        now = time.time()
        calls = self._recent(item, identifiers, now)
        if len(calls) >= item.amount:
            return False
        calls.append(now)
        return True

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        now = time.time()
        calls = self._recent(item, identifiers, now)
        room = item.amount - len(calls)
        return WindowStats(now if room > 0 else calls[0] + item.get_expiry(), max(room, 0))

    def _recent(self, item: RateLimitItem, identifiers: tuple[str, ...], now: float) -> deque[float]:
        expiry = item.get_expiry()
        if now - self._looked_over > self._longest:
            self._forget_idle(now)
        key = item.key_for(*identifiers)
        _, calls = self._windows.setdefault(key, (expiry, deque()))
        while calls and calls[0] <= now - expiry:
            calls.popleft()
        self._longest = max(self._longest, expiry)
        return calls

    def _forget_idle(self, now: float) -> None:
        self._windows = {
            key: (expiry, calls) for key, (expiry, calls) in self._windows.items() if calls and calls[-1] > now - expiry
        }
        self._looked_over = now


def storage_uri(redis_url: str | None) -> str:
    """The ``limits`` storage for ``REDIS_URL`` (``redis://`` or ``rediss://``), else memory."""
    if not redis_url:
        return LOCAL
    return f"async+{redis_url}"


class DeliveryLimiter(BaseRateLimiter[int]):
    """Every Bot API call that goes to a chat waits for its turn in the bot's overall window, in
    its group's window, and (a message sent to a private chat) in that chat's window; a 429's
    ``retry_after`` holds every call of this process that long, then the call is made again (at
    most ``retries`` times), and failed connections and timeouts are retried with backoff.

    ``namespace`` keeps one bot's counts apart from another's in a shared Redis (the bot's id)."""

    def __init__(
        self,
        *,
        storage: str = LOCAL,
        namespace: str = "bot",
        overall_rate: int = 30,
        per_chat_rate: float = 1.0,
        retries: int = 3,
    ) -> None:
        self._local: _Windows = _InProcess()
        self._storage_shared = storage != LOCAL
        self._shared: _Windows = (
            MovingWindowRateLimiter(storage_from_string(storage)) if self._storage_shared else self._local
        )
        self._namespace = namespace
        self._overall = RateLimitItemPerSecond(overall_rate)
        self._per_chat = per_chat(per_chat_rate)
        self._retries = retries
        self._resume_at = 0.0  # time.monotonic() before which no call goes out (after a 429)
        self._local_until = 0.0  # time.monotonic() until which the counts are kept here (Redis away)
        self._turns = AsyncKeyedLocks()

    async def initialize(self) -> None:
        """Nothing to open: the storage connects on its first use."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, _ApiResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> _ApiResult:
        retrying = AsyncRetrying(
            retry=retry_if_exception(
                lambda error: isinstance(error, NetworkError) and not isinstance(error, BadRequest)
            ),
            stop=stop_after_attempt(self._retries + 1),
            wait=wait_exponential(multiplier=0.5, max=8),
            reraise=True,
        )
        call = partial(callback, *args, **kwargs)
        async for attempt in retrying:
            with attempt:
                return await self._paced(call, endpoint, data.get("chat_id"), rate_limit_args or self._retries)
        raise AssertionError("unreachable: tenacity reraises")

    async def _paced(
        self, call: Callable[[], Coroutine[Any, Any, _ApiResult]], endpoint: str, chat_id: object, retries: int
    ) -> _ApiResult:
        for attempt in range(retries + 1):
            await self._wait_turn(endpoint, chat_id)
            try:
                return await call()
            except RetryAfter as error:
                if attempt == retries:
                    raise
                pause = _seconds(error)
                log.info("Telegram asked to wait %.1f s; every call waits", pause)
                self._resume_at = max(self._resume_at, time.monotonic() + pause + 0.1)
        raise AssertionError("unreachable: the last attempt raises")

    async def _wait_turn(self, endpoint: str, chat_id: object) -> None:
        wait = self._resume_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if chat_id is None:  # getUpdates, getFile, answerCallbackQuery: no chat, no limit
            return
        try:
            chat = int(str(chat_id))
        except ValueError:
            chat = None  # "@channel": a channel or supergroup
        if chat is not None and chat > 0 and endpoint.startswith("send"):
            await self._take(self._per_chat, "chat", str(chat))
        elif chat is None or chat < 0:
            await self._take(PER_GROUP, "group", str(chat_id))
        await self._take(self._overall, "overall")

    async def _take(self, item: RateLimitItem, *identifiers: str) -> None:
        """Wait until ``item`` has room for one more call under ``identifiers``, and count it.
        This process's callers wait in turn (first come, first served), one asking at a time: a
        window that reopens would otherwise go to whichever sleeper woke first."""
        keys = ("telegram", self._namespace, *identifiers)
        async with self._turns.hold(keys):
            await self._take_in_turn(item, keys)

    async def _take_in_turn(self, item: RateLimitItem, keys: tuple[str, ...]) -> None:
        while True:
            windows = self._local if time.monotonic() < self._local_until else self._shared
            try:
                if await windows.hit(item, *keys):
                    reset_at = None
                else:
                    reset_at = (await windows.get_window_stats(item, *keys)).reset_time
            except Exception as error:  # Redis away: count here until it is back
                self._count_here(error)
                continue
            if windows is self._shared and self._local_until:
                self._local_until = 0.0
                log.warning("the send rate is counted in Redis again")
            if reset_at is None:
                return
            await asyncio.sleep(max(reset_at - time.time(), _SHORTEST_WAIT))

    def _count_here(self, error: Exception) -> None:
        if not self._storage_shared:
            raise error
        if not self._local_until:
            log.warning("Redis is unreachable (%s): this process counts its own send rate until it is back", error)
        self._local_until = time.monotonic() + LOCAL_FOR_SECONDS


def _seconds(error: RetryAfter) -> float:
    """A 429's wait: seconds in python-telegram-bot 22, a timedelta from its next major version."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
