"""One lock per key (an applicant, a chat), created on demand and dropped when nobody holds it,
so memory does not grow with the number of applicants ever seen."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Generic, TypeVar

LockType = TypeVar("LockType", threading.Lock, asyncio.Lock)


class _Registry(Generic[LockType]):
    def __init__(self, factory: Callable[[], LockType]) -> None:
        self._factory: Callable[[], LockType] = factory
        self._guard = threading.Lock()
        self._locks: dict[Hashable, tuple[LockType, int]] = {}

    def _check_out(self, key: Hashable) -> LockType:
        with self._guard:
            lock, users = self._locks.get(key) or (self._factory(), 0)
            self._locks[key] = (lock, users + 1)
            return lock

    def _check_in(self, key: Hashable) -> None:
        with self._guard:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


class KeyedLocks(_Registry[threading.Lock]):
    """For threads: ``with locks.hold(key): ...``."""

    def __init__(self) -> None:
        super().__init__(threading.Lock)

    @contextmanager
    def hold(self, key: Hashable) -> Iterator[None]:
        lock = self._check_out(key)
        try:
            with lock:
                yield
        finally:
            self._check_in(key)


class AsyncKeyedLocks(_Registry[asyncio.Lock]):
    """For one event loop: ``async with locks.hold(key): ...``; waiters go in arrival order."""

    def __init__(self) -> None:
        super().__init__(asyncio.Lock)

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock = self._check_out(key)
        try:
            async with lock:
                yield
        finally:
            self._check_in(key)
