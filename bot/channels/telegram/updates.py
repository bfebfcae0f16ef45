"""Updates in from Telegram, confirmed to Telegram only once they are handled.

python-telegram-bot's own polling confirms an update (the next ``getUpdates`` offset) as soon as
it has fetched it, and its webhook answers Telegram before the update is handled: a process
stopped in between loses the message. Here an update is confirmed only after it was handled and
its replies were sent. A process stopped before that gets the update again when it starts; the
engine, which applied it once, answers it again with the replies it kept. An update whose replies
could not be sent (Telegram unreachable longer than the sender retries) is not confirmed either:
it is handled again after a pause (answered with the replies kept), until they go out.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import signal
import warnings
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from typing import Any

from aiohttp import web
from telegram import Update
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBUserWarning
from tenacity import AsyncRetrying, before_sleep_log, retry_if_exception, wait_exponential

log = logging.getLogger(__name__)

# Telegram's own updates are a few kilobytes; a body larger than this is not from Telegram.
MAX_UPDATE_BYTES = 1024 * 1024
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Long polling: how long one getUpdates call waits for something to arrive.
LONG_POLL_SECONDS = 10.0
# While an update is still being handled, how long to wait for it before asking for newer ones.
BUSY_WAIT_SECONDS = 0.5
# While updates are being handled, Telegram hands them out again at every call (the offset stays at
# the oldest of them), so a call then costs in proportion to the updates in flight; it is made at
# most this often (a new message waits that much longer at busy times, and no longer otherwise).
BUSY_POLL_GAP_SECONDS = 0.1
# How long an answer to getUpdates may take beyond the long poll itself (python-telegram-bot's
# default read timeout).
READ_MARGIN_SECONDS = 5.0
# An update that could not be answered is handled again after a pause: this long, doubling up to
# the second figure.
UNANSWERED_PAUSE_SECONDS = (1.0, 30.0)

# The poller asks for getUpdates' JSON through ``do_api_request``, which suggests ``get_updates``
# instead; that would build every update handed out again (see ``ConfirmingPoller``).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.get_updates'", category=PTBUserWarning)

# While an update is handled: what kept its replies from being sent (see ``not_answered``).
_reply_failures: ContextVar[list[BaseException] | None] = ContextVar("telegram_reply_failures", default=None)


def not_answered(error: BaseException) -> None:
    """Tell the update being handled that its replies could not be sent (Telegram unreachable),
    so that it is not confirmed and is handled again. Called from its handler."""
    failures = _reply_failures.get()
    if failures is not None:
        failures.append(error)


async def handle_update(application: Application, update: Update) -> bool:
    """Handle one update as the application would (one chat at a time, through its update
    processor); errors go to its error handlers. False if its replies could not be sent."""
    failures: list[BaseException] = []
    token = _reply_failures.set(failures)  # the handler runs in this task, so it sees this list
    try:
        await application.update_processor.process_update(update, application.process_update(update))
    finally:
        _reply_failures.reset(token)
    return not failures


def _worth_retrying(error: BaseException) -> bool:
    """Failed connections, timeouts, Telegram's 5xx and 429: yes; a wrong token: no."""
    return isinstance(error, TelegramError) and not isinstance(error, InvalidToken | Forbidden)


def _while_unreachable() -> AsyncRetrying:
    """Retries, backing off up to 30 s, for as long as Telegram cannot be reached."""
    return AsyncRetrying(
        retry=retry_if_exception(_worth_retrying),
        wait=wait_exponential(multiplier=0.5, max=30),
        before_sleep=before_sleep_log(log, logging.WARNING),
        reraise=True,
    )


class ConfirmingPoller:
    """Long polling that moves Telegram's offset past an update only once it is handled.

    Telegram's offset confirms every update below it, so it stays at the oldest update still
    being handled; updates fetched again meanwhile are not handled twice, nor built again: the
    poller reads getUpdates' JSON and makes an ``Update`` of the new ones only (with twenty
    applicants waiting for replies, building those handed out again was a sixth of the bot's CPU)."""

    def __init__(self, application: Application, *, long_poll: float = LONG_POLL_SECONDS) -> None:
        self.application = application
        self.long_poll = long_poll
        self._running: dict[int, asyncio.Task[bool]] = {}
        # Handled, but not confirmed to Telegram yet: a getUpdates call may still bring them (one
        # asked for before they were handled, or while an older update was still running).
        self._handled: set[int] = set()
        self._unanswered: set[int] = set()  # left unanswered when stopping: handed out again at the next start
        self._next = 0  # one past the newest update seen
        self._stopping = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """The oldest update not handled yet, or None before anything was fetched (Telegram then
        starts at the oldest update it holds)."""
        if self._running or self._unanswered:
            return min([*self._running, *self._unanswered])
        return self._next or None

    async def run(self) -> None:
        """Poll until cancelled; then let what is running finish and confirm it to Telegram."""
        await self.application.bot.delete_webhook()  # getUpdates is refused while a webhook is set
        loop = asyncio.get_running_loop()
        polled_at = -BUSY_POLL_GAP_SECONDS
        try:
            while True:
                if self._running:
                    await asyncio.sleep(polled_at + BUSY_POLL_GAP_SECONDS - loop.time())
                polled_at = loop.time()
                updates = await self._fetch(wait=0 if self._running else self.long_poll)
                fresh = [
                    data
                    for data in updates
                    if data["update_id"] not in self._running and data["update_id"] not in self._handled
                ]
                for data in fresh:
                    self._start(Update.de_json(data, self.application.bot))
                if self._running and not fresh:
                    await asyncio.wait(
                        self._running.values(), timeout=BUSY_WAIT_SECONDS, return_when=asyncio.FIRST_COMPLETED
                    )
        finally:
            self._stopping.set()  # an update waiting to be answered again is left to the next start
            if self._running:
                await asyncio.wait(self._running.values())
            await self._confirm()

    def _start(self, update: Update) -> None:
        update_id = update.update_id
        self._next = max(self._next, update_id + 1)
        task = asyncio.create_task(self._handle(update), name=f"telegram-update-{update_id}")
        self._running[update_id] = task
        task.add_done_callback(lambda _: self._finish(update_id, task))

    async def _handle(self, update: Update) -> bool:
        """Handle ``update`` until it is answered (True), or until the poller stops (False)."""
        pause, longest = UNANSWERED_PAUSE_SECONDS
        while not await handle_update(self.application, update):
            log.warning("update %s could not be answered; it is handled again in %s s", update.update_id, pause)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)
            if self._stopping.is_set():
                return False
            pause = min(pause * 2, longest)
        return True

    def _finish(self, update_id: int, task: asyncio.Task[bool]) -> None:
        del self._running[update_id]
        error = None if task.cancelled() else task.exception()
        if error is not None:  # not for want of Telegram: handling it again would not cure it
            log.error("update %s could not be handled", update_id, exc_info=error)
            self._handled.add(update_id)
        elif task.cancelled() or not task.result():
            self._unanswered.add(update_id)  # stopped before it was answered
        else:
            self._handled.add(update_id)

    async def _fetch(self, *, wait: float) -> list[dict[str, Any]]:
        async for attempt in _while_unreachable():
            with attempt:
                offset = self.offset
                updates: list[dict[str, Any]] = await self.application.bot.do_api_request(
                    "get_updates",
                    api_kwargs={"offset": offset, "timeout": wait, "allowed_updates": Update.ALL_TYPES},
                    read_timeout=wait + READ_MARGIN_SECONDS,
                )
                if offset is not None:  # Telegram has dropped what is below it: that never comes again
                    self._handled = {handled for handled in self._handled if handled >= offset}
                return updates
        raise AssertionError("unreachable: tenacity reraises")

    async def _confirm(self) -> None:
        """Tell Telegram what was handled before stopping, or it comes again at the next start
        (where it would be answered again, not applied again)."""
        if self.offset is None:
            return
        try:
            await self.application.bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except TelegramError as error:
            log.warning("could not confirm the handled updates before stopping: %s", error)


def webhook_app(application: Application, *, path: str, secret: str) -> web.Application:
    """The HTTP endpoint Telegram posts updates to. It answers 200 once the update is handled;
    anything else makes Telegram send it again. A request without the secret is refused before
    its body is read; a body too large or not an update is refused as a bad request."""

    async def receive(request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("refused a webhook call without the right secret from %s", request.remote)
            return web.Response(status=403)
        if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
            return web.Response(status=413)
        try:
            data = await request.json()
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=413)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("refused a webhook call that is not an update: %s", type(error).__name__)
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        if not await handle_update(application, update):
            return web.Response(status=503)  # its replies could not be sent: Telegram sends it again
        return web.Response()

    app = web.Application(client_max_size=MAX_UPDATE_BYTES)
    app.router.add_post(f"/{path.lstrip('/')}", receive)
    return app


async def serve_webhook(application: Application, *, url: str, path: str, secret: str, listen: str, port: int) -> None:
    """Register the webhook with Telegram and serve it until cancelled."""
    runner = web.AppRunner(webhook_app(application, path=path, secret=secret))
    await runner.setup()
    try:
        await web.TCPSite(runner, listen, port).start()
        await application.bot.set_webhook(url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _reach(application: Application) -> None:
    """Initialize the application (``getMe``) and run its ``post_init`` (the commands, then the
    outbox), again and again while Telegram cannot be reached."""
    async for attempt in _while_unreachable():
        with attempt:
            await application.initialize()
            if application.post_init is not None:
                await application.post_init(application)


async def serve(application: Application, intake: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run the application with ``intake`` (polling or the webhook) until SIGINT or SIGTERM, then
    stop in order: no new updates, what is being handled finishes, the application stops."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signal_number, stopping.set)
    # A bot started while Telegram is unreachable waits for it (a wrong token still stops it).
    reached = asyncio.create_task(_reach(application))
    stopped = asyncio.create_task(stopping.wait())
    await asyncio.wait((reached, stopped), return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if not reached.done():  # stopped before Telegram could be reached: nothing was taken in
        reached.cancel()
        await asyncio.gather(reached, return_exceptions=True)
        await application.bot.shutdown()  # its connections, opened for getMe, closed
        return
    reached.result()
    async with application:  # initialized: on leaving, shut down
        await application.start()
        receiving = asyncio.create_task(intake())
        stopped = asyncio.create_task(stopping.wait())
        try:
            done, _ = await asyncio.wait((receiving, stopped), return_when=asyncio.FIRST_COMPLETED)
            if receiving in done:
                receiving.result()  # the intake gave up (e.g. Telegram refused the token): say why
        finally:
            stopped.cancel()
            receiving.cancel()
            await asyncio.gather(receiving, return_exceptions=True)
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
