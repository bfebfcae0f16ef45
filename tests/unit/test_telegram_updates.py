"""The poller that confirms a Telegram update only once it is handled: each update is handled once,
however Telegram's answers and the handling interleave."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

import pytest
from telegram import Update

from bot.channels.telegram import updates as telegram_updates
from bot.channels.telegram.updates import ConfirmingPoller


class JsonUpdates:
    """getUpdates' JSON, as the poller asks for it (``do_api_request``), from ``get_updates``."""

    async def get_updates(self, *, offset: int | None, **_: Any) -> tuple[Update, ...]:
        raise NotImplementedError

    async def do_api_request(self, endpoint: str, *, api_kwargs: dict[str, Any], **_: Any) -> list[dict[str, Any]]:
        assert endpoint == "get_updates"
        return [update.to_dict() for update in await self.get_updates(offset=api_kwargs["offset"])]


class FakeBot(JsonUpdates):
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

    async def handle(application: Any, update: Update) -> bool:
        handled.append(update.update_id)
        if update.update_id == 1:
            await first_may_finish.wait()
            first_finished.set()
        return True

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


async def test_an_update_whose_replies_could_not_be_sent_is_handled_again_and_confirmed_only_then(
    monkeypatch: pytest.MonkeyPatch,
):
    attempts: list[int] = []
    answered = asyncio.Event()
    unconfirmed: list[int | None] = []

    async def handle(application: Any, update: Update) -> bool:
        attempts.append(update.update_id)
        if len(attempts) < 3:
            return False  # Telegram unreachable: the replies did not go out
        unconfirmed.extend(bot.offsets[1:])  # asked for while it was not answered
        answered.set()
        return True

    async def first_poll() -> tuple[Update, ...]:
        return (Update(5),)

    monkeypatch.setattr(telegram_updates, "handle_update", handle)
    monkeypatch.setattr(telegram_updates, "UNANSWERED_PAUSE_SECONDS", (0.05, 0.1))
    bot = FakeBot(first_poll)
    poller = ConfirmingPoller(FakeApplication(bot), long_poll=0)  # type: ignore[arg-type]
    running = asyncio.create_task(poller.run())
    await asyncio.wait_for(answered.wait(), 5)
    await asyncio.sleep(0.1)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    assert attempts == [5, 5, 5]
    assert unconfirmed and set(unconfirmed) == {5}  # the offset kept it
    assert bot.offsets[-1] == 6


async def test_stopping_leaves_an_update_not_answered_yet_to_the_next_start(monkeypatch: pytest.MonkeyPatch):
    async def handle(application: Any, update: Update) -> bool:
        return update.update_id != 7  # update 7's replies can't be sent; 8's can

    async def first_poll() -> tuple[Update, ...]:
        return (Update(7), Update(8))

    monkeypatch.setattr(telegram_updates, "handle_update", handle)
    bot = FakeBot(first_poll)
    poller = ConfirmingPoller(FakeApplication(bot), long_poll=0)  # type: ignore[arg-type]
    running = asyncio.create_task(poller.run())
    await asyncio.sleep(0.2)  # update 7 is waiting to be handled again (a pause of a second)
    running.cancel()
    await asyncio.wait_for(asyncio.gather(running, return_exceptions=True), 2)  # no wait for the pause

    assert bot.offsets[-1] == 7  # the confirmation on stopping: 7 comes again at the next start


async def test_while_updates_are_handled_telegram_is_asked_again_at_most_every_busy_gap(
    monkeypatch: pytest.MonkeyPatch,
):
    """Telegram hands out every update from the offset on at each call; with twenty in flight
    finishing one after another, asking again at each finish would fetch them twenty times. Those
    handed out again are not built again."""
    count = 20
    calls: list[float] = []
    done = asyncio.Event()

    class Telegram(JsonUpdates):
        async def delete_webhook(self) -> bool:
            return True

        async def get_updates(self, *, offset: int | None, **_: Any) -> tuple[Update, ...]:
            calls.append(asyncio.get_running_loop().time())
            if offset is not None and offset > count:
                done.set()
                await asyncio.sleep(0.01)
            return tuple(Update(number) for number in range(offset or 1, count + 1))

    async def handle(application: Any, update: Update) -> bool:
        await asyncio.sleep(update.update_id * 0.01)  # they finish 10 ms apart
        return True

    built: Counter[int] = Counter()
    build = Update.de_json

    def counted(data: dict[str, Any], bot: Any = None) -> Update:
        built[data["update_id"]] += 1
        return build(data, bot)

    monkeypatch.setattr(telegram_updates.Update, "de_json", counted)
    monkeypatch.setattr(telegram_updates, "handle_update", handle)
    poller = ConfirmingPoller(FakeApplication(Telegram()), long_poll=0)  # type: ignore[arg-type]
    running = asyncio.create_task(poller.run())
    await asyncio.wait_for(done.wait(), 5)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    handling = [call for call in calls if call - calls[0] < 0.2]  # the twenty take 0.2 s
    gaps = [later - earlier for earlier, later in itertools.pairwise(handling)]
    assert 2 <= len(handling) <= 3
    assert min(gaps) >= telegram_updates.BUSY_POLL_GAP_SECONDS * 0.9
    assert built == dict.fromkeys(range(1, count + 1), 1)  # handed out two or three times, built once
