"""An aiohttp application served on one address until SIGINT or SIGTERM (the FAQ process, the
staff web desk)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.app import StartupError

log = logging.getLogger(__name__)


def _stop(stopping: asyncio.Event, signal_number: int) -> None:
    log.info("stopping on %s", signal.Signals(signal_number).name)
    stopping.set()


async def serve_until_stopped(
    app: web.Application, host: str, port: int, *, started: Callable[[], None], **runner_options: Any
) -> None:
    """Serve ``app`` on ``host:port``, then call ``started``; stop on SIGINT or SIGTERM. An address
    that can't be taken stops the process with what to do."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, _stop, stopping, signal_number)
    runner = web.AppRunner(app, **runner_options)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise StartupError(
                f"Can't listen on {host}:{port}: {error.strerror}. Is another process using the port? "
                "Set the port to a free one (PORT, or WEB_PORT for the staff web desk)."
            ) from None
        started()
        await stopping.wait()
    finally:
        await runner.cleanup()
