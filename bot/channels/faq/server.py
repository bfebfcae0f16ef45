"""Answering the workers' questions from the one learned index of the bot.

The index takes a few hundred megabytes and seconds to load; kept here, the workers that take
applicants' messages start in a second and stay small. It listens where ``FAQ_URL`` points
(loopback or a private network: it answers anyone who reaches it, and knows nothing private).

``POST /ask`` with ``{"question": "...", "wait": true}`` answers ``{"result": ...}``: the result by
the entries' ids (``Result.to_dict``), or null when the index is not ready and ``wait`` is false.
``GET /ready`` answers 200 once the index is made, 503 before.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlsplit

from aiohttp import web

from conversations.support.faq.matcher import LocalMatcher
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)

# A question is a chat message: Telegram's longest is 4,096 characters.
LONGEST_QUESTION = 4096


def faq_app(matcher: LocalMatcher, storage: Storage) -> web.Application:
    async def ask(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        if not isinstance(question, str) or not question.strip() or len(question) > LONGEST_QUESTION:
            raise web.HTTPBadRequest(
                text=f'Expected JSON like {{"question": "How much is the fee?", "wait": true}}, '
                f"with a question of at most {LONGEST_QUESTION} characters."
            )
        wait = body.get("wait") is True
        result = await asyncio.to_thread(matcher.ask, question, storage, wait=wait)
        return web.json_response({"result": result.to_dict() if result is not None else None})

    async def ready(request: web.Request) -> web.Response:
        return web.Response(status=200 if matcher.ready() else 503)

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_post("/ask", ask)
    app.router.add_get("/ready", ready)
    return app


def address(url: str) -> tuple[str, int]:
    """The host and port to listen on, from ``FAQ_URL`` (http://host:port, checked by the settings)."""
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or 80


async def serve(matcher: LocalMatcher, storage: Storage, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM; the index is made in the background meanwhile."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    runner = web.AppRunner(faq_app(matcher, storage), access_log=None)  # a line per question is noise
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        matcher.start()
        log.info("answering FAQ questions on http://%s:%d", host, port)
        await stopping.wait()
    finally:
        await runner.cleanup()
