"""Messages a channel sends while the engine is still at work on a message in a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from conversations.application.asking import Interim
from conversations.messages import Outbound


def interim_on_loop(send: Callable[[Outbound], Coroutine[Any, Any, None]]) -> Interim:
    """An ``Interim`` for ``ConversationEngine.handle`` run with ``asyncio.to_thread``: it sends on the event
    loop it was made on (the channel's), and returns once the message is sent, so that it comes
    before the reply."""
    loop = asyncio.get_running_loop()

    def interim(outbound: Outbound) -> None:
        asyncio.run_coroutine_threadsafe(send(outbound), loop).result()

    return interim
