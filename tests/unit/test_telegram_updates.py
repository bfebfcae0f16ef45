"""The poller that confirms a Telegram update only once it is handled: each update is handled once,
however Telegram's answers and the handling interleave."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Update

from bot.channels import telegram_updates
from bot.channels.telegram_updates import ConfirmingPoller


class FakeBot:
    """Telegram's getUpdates, as a script: each call runs the next step and returns what it gives."""

    def __init__(self, *steps: Any) -> None:
        self.steps = list(steps)
        self.offsets: list[int | None] = []

    async def delete_webhook(self) -> bool:
        return True

    async def get_updates(self, *, offset: int | None, **_: Any) -> tuple[Update, ...]:
        self.offsets.append(offset)
        if not self.steps:  # nothing more comes
            await asyncio.sleep(0.01)
            return ()
        return await self.steps.pop(0)()


class FakeApplication:
    def __init__(self, bot: FakeBot) -> None:
        self.bot = bot


async def test_an_update_handled_while_a_poll_is_out_is_not_handled_again_when_that_poll_brings_it(
    monkeypatch: pytest.MonkeyPatch,
):
    handled: list[int] = []
    first_may_finish = asyncio.Event()
    first_finished = asyncio.Event()
    polled = asyncio.Event()

    async def handle(application: Any, update: Update) -> None:
        handled.append(update.update_id)
        if update.update_id == 1:
            await first_may_finish.wait()
            first_finished.set()

    async def first_poll() -> tuple[Update, ...]:
        return (Update(1),)

    async def second_poll() -> tuple[Update, ...]:
        # Asked with offset 1 (update 1 is being handled); update 1 is handled meanwhile, and
        # Telegram, asked with offset 1, hands it out again with the new one.
        first_may_finish.set()
        await first_finished.wait()
        await asyncio.sleep(0)
        return (Update(1), Update(2))

    async def third_poll() -> tuple[Update, ...]:
        polled.set()
        return ()

    monkeypatch.setattr(telegram_updates, "handle_update", handle)
    bot = FakeBot(first_poll, second_poll, third_poll)
    poller = ConfirmingPoller(FakeApplication(bot), long_poll=0)  # type: ignore[arg-type]
    running = asyncio.create_task(poller.run())
    await asyncio.wait_for(polled.wait(), 5)
    await asyncio.sleep(0.1)  # update 2 is handled, and both confirmed
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    assert sorted(handled) == [1, 2]  # each once
    assert bot.offsets[:2] == [None, 1]
    assert bot.offsets[-1] == 3  # both confirmed
