"""Answering the workers' questions from the one learned index of the bot.

The index takes a few hundred megabytes and seconds to load; kept here, the workers that take
applicants' messages start in a second and stay small. It listens on ``LISTEN_HOST:PORT``, and
the workers reach it at ``FAQ_URL`` (loopback or a private network: it answers anyone who
reaches it, and knows nothing private).

``POST /ask`` with ``{"question": "How much is the fee?", "wait": true}`` answers
``{"result": ...}``: the entry that answers and the closest ones, whole (``Result.to_json``), or
null when the index is not ready yet and ``wait`` is false (with ``wait`` true, the answer waits
for the index). ``GET /ready`` answers 200 once the index is made, 503 before.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.shared.serving import serve_until_stopped
from conversations.support.faq.matcher import LocalMatcher
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)

# A question is a chat message: Telegram's longest is 4,096 characters.
LONGEST_QUESTION = 4096
EXPECTED = 'Expected JSON like {"question": "How much is the fee?", "wait": true}'


def faq_app(matcher: LocalMatcher, storage: Storage) -> web.Application:
    async def ask(request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        wait = body.get("wait", False) if isinstance(body, dict) else False
        if not isinstance(question, str) or not question.strip() or len(question) > LONGEST_QUESTION:
            problem = f"a question of 1 to {LONGEST_QUESTION} characters"
        elif not isinstance(wait, bool):
            problem = "wait, if given, true (wait for the index) or false (null while it is not ready)"
        else:
            result = await asyncio.to_thread(matcher.ask, question, storage, wait=wait)
            return web.json_response({"result": result.to_json() if result is not None else None})
        raise web.HTTPBadRequest(text=f"{EXPECTED}: {problem}.")

    async def ready(request: web.Request) -> web.Response:
        if matcher.ready():
            return web.Response(text="ready")
        return web.Response(status=503, text="loading the FAQ index")

    app = web.Application(client_max_size=64 * 1024)
    app.router.add_post("/ask", ask)
    app.router.add_get("/ready", ready)
    return app


async def serve(matcher: LocalMatcher, storage: Storage, host: str, port: int) -> None:
    """Serve until SIGINT or SIGTERM; the index is made in the background meanwhile."""

    def started() -> None:
        matcher.start()
        log.info("answering FAQ questions on http://%s:%d (the index loads in the background)", host, port)

    # No access log: a line per question is noise.
    await serve_until_stopped(faq_app(matcher, storage), host, port, started=started, access_log=None)
