"""What the platform stand-ins share: an aiohttp server on 127.0.0.1 that records each call the
bot makes and lets a test wait until the calls show what it expects."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from conversations.application.asking import ONE_MOMENT


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass(kw_only=True)
class RecordingServer:
    calls: list[Call] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def add_routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self, port: int = 0) -> str:
        """Serve on ``port`` (by default a free one); a stand-in stopped for a while starts again
        on the port it had, as the platform would come back at its address."""
        app = web.Application()
        self.add_routes(app)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _record(self, call: Call) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    def calls_to(self, method: str) -> list[Call]:
        """The calls of ``method`` that succeeded."""
        return [call for call in self.calls if call.method == method and call.status == 200]

    async def wait_until(self, condition, timeout: float = 20) -> None:  # noqa: ASYNC109 (a test helper)
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)


def answered(texts: list[str]) -> list[str]:
    """The bot's messages without the "one moment" that a question asked while the FAQ index is
    still being made gets before its answer (whether it comes depends on how fast the bot starts)."""
    return [text for text in texts if text != ONE_MOMENT]
