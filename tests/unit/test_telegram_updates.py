"""Telegram's offset moves past an update only once it is handled, and an update comes in once
however often Telegram hands it out meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update

from bot.channels.telegram_updates import ConfirmingPoller


class FakeApplication:
    """What ConfirmingPoller uses of an Application: its bot's getUpdates and its processing."""

    def __init__(self, answers: list) -> None:
        self.bot = self
        self.update_processor = self
        self.answers = answers  # per getUpdates call: a list of update ids, or a coroutine giving one
        self.offsets: list[int | None] = []
        self.handled: list[int] = []
        self.gates: dict[int, asyncio.Event] = {}
        self.idle = asyncio.Event()  # long polling with nothing left to hand out

    async def delete_webhook(self) -> bool:
        return True

    async def get_updates(
        self,
        *,
        offset: int | None,
        timeout: float,  # noqa: ASYNC109 (Bot.get_updates' own parameter)
        **_: Any,
    ) -> tuple[Update, ...]:
        self.offsets.append(offset)
        if not self.answers:
            if timeout:
                self.idle.set()
                await asyncio.Event().wait()  # a long poll with nothing new, until cancelled
            return ()
        answer = self.answers.pop(0)
        ids = await answer if isinstance(answer, Awaitable) else answer
        return tuple(Update(update_id) for update_id in ids)

    async def process_update(self, update: Update, coroutine: Awaitable[None] | None = None) -> None:
        if coroutine is not None:  # the update processor's call
            await coroutine
            return
        if update.update_id in self.gates:
            await self.gates[update.update_id].wait()
        self.handled.append(update.update_id)


async def test_an_update_handed_out_again_while_or_after_it_was_handled_is_handled_once():
    finished = asyncio.Event()

    async def stale_answer() -> list[int]:
        # Asked for while 7 was being handled; 7 finishes before the answer arrives.
        application.gates[7].set()
        await finished.wait()
        return [7, 8]

    application = FakeApplication([[7], stale_answer(), [8]])
    application.gates[7] = asyncio.Event()
    poller = ConfirmingPoller(application)  # type: ignore[arg-type]
    original_finish = poller._finish

    def finish(update_id: int) -> None:
        original_finish(update_id)
        finished.set()

    poller._finish = finish  # type: ignore[method-assign]
    polling = asyncio.create_task(poller.run())
    await application.idle.wait()
    polling.cancel()
    await asyncio.gather(polling, return_exceptions=True)
    assert application.handled == [7, 8]
    # None: the oldest update Telegram holds; 7 while it is handled; then past each handled one,
    # and the last call before stopping confirms everything handled.
    assert application.offsets == [None, 7, 8, 9, 9]
