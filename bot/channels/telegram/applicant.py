"""The Telegram channel, on python-telegram-bot: updates in, the engine's messages out.

It only translates. A message, a pressed button, a document or a photo becomes an ``Inbound``
(the update id is its event id, so a redelivered update is applied once); the engine's
``Outbound`` becomes plain-text messages (no parse mode, so nothing an applicant typed can be
taken for formatting), split below Telegram's 4,096 characters, with choices as inline buttons.

A pressed button is answered (Telegram's ``answerCallbackQuery``) and its keyboard is left as it
is: the reply already says what was saved ("✓ IMC member: Yes"), and taking the buttons away
would cost an edit, a message Telegram counts against the bot's sending limits, for every press
(a third more messages in a whole application). A button of an earlier question pressed later
is refused by the engine, which says so and asks the current question again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any
from urllib.parse import urlparse

from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, FileSizeLimit, MessageLimit
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ContextTypes, TypeHandler

from bot.channels.telegram.aiohttp_request import AiohttpRequest
from bot.channels.telegram.pacing import DeliveryLimiter
from bot.channels.telegram.staff import TelegramStaff
from bot.channels.telegram.support import TelegramSupport
from bot.channels.telegram.updates import ConfirmingPoller, not_answered, serve, serve_webhook
from bot.delivery.applicant_notices import ApplicantNotices
from bot.delivery.dispatcher import Dispatcher
from bot.shared.interim import interim_on_loop
from bot.shared.text import split_message
from conversations.application.engine import ConversationEngine
from conversations.application.ordering import LOOK_AGAIN_SECONDS, ORDER_WAIT, SETTLE_SECONDS
from conversations.application.prompts import COMMANDS
from conversations.keyed_lock import AsyncKeyedLocks
from conversations.messages import Inbound, IncomingFile, Outbound
from storage.models import OutboxMessage

CHANNEL = "telegram"
log = logging.getLogger(__name__)

# What the applicant sent, for "Sorry, I can't use ..." (Message attribute -> words).
_UNSUPPORTED = {
    "sticker": "stickers",
    "voice": "voice messages",
    "audio": "audio files",
    "video": "videos",
    "video_note": "video messages",
    "animation": "GIFs",
    "location": "locations",
    "venue": "locations",
    "contact": "contacts",
    "poll": "polls",
    "dice": "dice",
}
_CALLBACK_SEPARATOR = "|"


def callback_data(question: str, value: str) -> str:
    data = f"{question}{_CALLBACK_SEPARATOR}{value}"
    if len(data.encode()) > 64:  # Telegram's limit; the flow's keys and values are far shorter
        raise ValueError(f"callback data over 64 bytes: {data!r}")
    return data


def keyboard(outbound: Outbound) -> InlineKeyboardMarkup | None:
    if not outbound.choices:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(choice.label, callback_data=callback_data(outbound.question, choice.value))]
            for choice in outbound.choices
        ]
    )


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; those of one chat one at a time, in order.

    (``concurrent_updates=True`` alone gives no per-chat order.) With ``sequenced``, a private
    chat's updates are not held here: the engine applies them in Telegram's order across
    processes, and an earlier update waiting here behind a later one would never be seen by it."""

    def __init__(self, max_concurrent_updates: int = 64, *, sequenced: bool = False) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = AsyncKeyedLocks()
        self._sequenced = sequenced

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or (self._sequenced and chat.type == ChatType.PRIVATE):
            await coroutine
            return
        async with self._chats.hold(chat.id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""


class TelegramChannel:
    def __init__(
        self,
        engine: ConversationEngine,
        staff: TelegramStaff | None = None,
        support: TelegramSupport | None = None,
        *,
        sequenced: bool = False,
    ) -> None:
        """``sequenced``: updates may reach several processes at once (webhook workers), so each
        carries Telegram's update id for the engine to apply a chat's in order."""
        self.engine = engine
        self.staff = staff
        self.support = support
        self.sequenced = sequenced
        self._sending = AsyncKeyedLocks()  # a chat's replies go out in the order they were made
        # Arrivals are noted on a thread of their own, never queued behind the turns.
        self._noting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arrivals")

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if self.sequenced:  # known at once, before answering a button or downloading a file
            await asyncio.get_running_loop().run_in_executor(self._noting, self.engine.arrived, self._noted(update))
        if chat is None or user is None:
            return
        if self.staff is not None and chat.id == self.staff.chat_id:
            await self.staff.on_update(update, context)
            return
        if self.support is not None and chat.id == self.support.chat_id:
            await self.support.on_update(update, context)
            return
        if chat.type != ChatType.PRIVATE:
            await self._point_to_private_chat(update, context)
            return
        if self.staff is not None and self.staff.asks_for_a_link(update):
            await self.staff.link_in_private_chat(context.bot, user)  # not an applicant's message
            return
        if self.sequenced:
            await asyncio.sleep(SETTLE_SECONDS)  # an earlier one received elsewhere just now is noted too
        inbound = await self._inbound(update, str(user.id))
        if inbound is None:
            return
        if self.sequenced:
            inbound = replace(inbound, sequence=update.update_id)  # Telegram numbers its updates in order
        interim = interim_on_loop(lambda outbound: self.send(context.bot, chat.id, outbound))
        replies = await asyncio.to_thread(self.engine.handle, inbound, interim=interim, arrived=self.sequenced)
        try:
            async with self._sending.hold(chat.id):
                await self._after_earlier_replies(inbound)
                for outbound in replies:
                    await self.send(context.bot, chat.id, outbound)
            if self.sequenced:
                await asyncio.to_thread(self.engine.answered, inbound)
        except (NetworkError, RetryAfter) as error:
            if isinstance(error, BadRequest):
                raise
            # Telegram is unreachable (the sender retried): the update is handled again later,
            # and the engine, which applied it, answers with these replies.
            not_answered(error)
            log.warning("the replies to update %s could not be sent: %s", update.update_id, error)

    def _noted(self, update: Update) -> Inbound:
        """An update as its arrival is recorded: every update is (Telegram numbers them all, and a
        gap in the numbers is an update on its way), but only an applicant's message is a turn
        of that person's; the others are no one's (user "")."""
        chat, user = update.effective_chat, update.effective_user
        turn = (
            chat is not None
            and user is not None
            and chat.type == ChatType.PRIVATE
            and not (self.staff is not None and chat.id == self.staff.chat_id)
            and not (self.support is not None and chat.id == self.support.chat_id)
            and (update.message or update.callback_query or update.edited_message) is not None
            and not (self.staff is not None and self.staff.asks_for_a_link(update))
        )
        person = str(user.id) if turn and user is not None else ""
        return Inbound(CHANNEL, person, str(update.update_id), sequence=update.update_id)

    async def _after_earlier_replies(self, inbound: Inbound) -> None:
        """Wait until the replies to the chat's earlier updates went out, from any worker (at
        most ``ORDER_WAIT``, as the engine waits to apply them)."""
        if not self.sequenced:
            return
        give_up = asyncio.get_running_loop().time() + ORDER_WAIT.total_seconds()
        while not await asyncio.to_thread(self.engine.may_answer, inbound):
            if asyncio.get_running_loop().time() >= give_up:
                return
            await asyncio.sleep(LOOK_AGAIN_SECONDS)

    async def send(self, bot: Bot, chat_id: int, outbound: Outbound) -> None:
        parts = split_message(outbound.text, limit=MessageLimit.MAX_TEXT_LENGTH)
        for number, part in enumerate(parts, start=1):
            await bot.send_message(
                chat_id,
                part,
                reply_markup=keyboard(outbound) if number == len(parts) else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        if outbound.document is not None:
            await bot.send_document(chat_id, outbound.document.content, filename=outbound.document.name)

    async def _inbound(self, update: Update, user_id: str) -> Inbound | None:
        event_id = str(update.update_id)
        if update.callback_query is not None:
            query = update.callback_query
            try:
                await query.answer()
            except TelegramError as error:  # e.g. a press handed out again is too old to answer: it still counts
                log.info("could not answer the button press: %s", error)
            question, _, value = (query.data or "").partition(_CALLBACK_SEPARATOR)
            return Inbound(CHANNEL, user_id, event_id, text=value, choice_for=question)
        if update.edited_message is not None:
            return Inbound(CHANNEL, user_id, event_id, unsupported="edits of earlier messages")
        message = update.message
        if message is None:
            return None
        if message.text is not None:
            return Inbound(CHANNEL, user_id, event_id, text=message.text)
        if message.document is not None:
            document = message.document
            file = await self._fetch(message, document.file_id, document.file_name or "document", document.file_size)
            return Inbound(CHANNEL, user_id, event_id, file=file, text=message.caption or "")
        if message.photo:
            photo = message.photo[-1]  # the largest size
            file = await self._fetch(message, photo.file_id, "photo.jpg", photo.file_size)
            return Inbound(CHANNEL, user_id, event_id, file=file)
        what = next(
            (words for attribute, words in _UNSUPPORTED.items() if getattr(message, attribute, None)),
            "that kind of message",
        )
        return Inbound(CHANNEL, user_id, event_id, unsupported=what)

    async def _fetch(self, message: Message, file_id: str, name: str, size: int | None) -> IncomingFile:
        """Download a file through getFile, unless Telegram would refuse it for its size."""
        if size is not None and size > FileSizeLimit.FILESIZE_DOWNLOAD:
            return IncomingFile(name, None, size=size)
        try:
            telegram_file = await message.get_bot().get_file(file_id)
            content = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:
            log.warning("could not download file %s: %s", file_id, error)
            return IncomingFile(name, None, size=size or 0)
        return IncomingFile(name, content)

    async def _point_to_private_chat(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        if update.message is None:
            return
        await context.bot.send_message(
            update.message.chat_id,
            "I take credential applications in a private chat only, to keep your details private. "
            f"Please message me directly: https://t.me/{context.bot.username}",
        )

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("error while handling an update", exc_info=context.error)


async def register_commands(application: Application) -> None:
    commands = [BotCommand("start", "begin or resume your application")]
    commands += [BotCommand(command.lstrip("/"), what) for command, what in COMMANDS]
    await application.bot.set_my_commands(commands)


def build_application(
    engine: ConversationEngine,
    *,
    token: str,
    api_url: str,
    limiter: DeliveryLimiter,
    staff: TelegramStaff | None = None,
    support: TelegramSupport | None = None,
    outbox: Callable[[TelegramChannel, Bot], Dispatcher] | None = None,
    outbox_every: float = 1.0,
    sequenced: bool = False,
) -> Application:
    """The bot. ``outbox`` builds the dispatcher that delivers notices (to applicants here and to
    the staff group) once the bot is connected; it runs until the bot stops."""
    api = api_url.rstrip("/")
    channel = TelegramChannel(engine, staff, support, sequenced=sequenced)

    async def start(application: Application) -> None:
        await register_commands(application)
        if outbox is not None:
            dispatcher = outbox(channel, application.bot)
            application.bot_data["outbox"] = asyncio.create_task(dispatcher.run(every=outbox_every))

    async def stop(application: Application) -> None:
        task = application.bot_data.get("outbox")
        if task is not None:
            task.cancel()

    application = (
        Application.builder()
        .token(token)
        .updater(None)  # updates come in through updates.py, confirmed once handled
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(connection_pool_size=1))
        .rate_limiter(limiter)
        .concurrent_updates(PerChatUpdateProcessor(sequenced=sequenced))
        .post_init(start)
        .post_stop(stop)
        .build()
    )
    application.add_handler(TypeHandler(Update, channel.on_update))
    application.add_error_handler(channel.on_error)
    return application


def run(
    application: Application, *, webhook_url: str | None, webhook_secret: str | None, listen: str, port: int
) -> None:
    """Long polling by default; a webhook when ``webhook_url`` is given. Either way an update is
    confirmed to Telegram only once it is handled (``updates.py``)."""
    if webhook_url is None:
        asyncio.run(serve(application, ConfirmingPoller(application).run))
        return
    if not webhook_secret:
        raise ValueError("a webhook needs a secret, or anyone could post updates to it")
    url, secret = webhook_url, webhook_secret
    path = urlparse(url).path

    async def webhook() -> None:
        await serve_webhook(application, url=url, path=path, secret=secret, listen=listen, port=port)

    asyncio.run(serve(application, webhook))


class ApplicantSender:
    """Notices to Telegram applicants, in their private chat (whose id is their user id)."""

    def __init__(self, channel: TelegramChannel, bot: Bot, notices: ApplicantNotices) -> None:
        self.channel = channel
        self.bot = bot
        self.notices = notices

    async def deliver(self, message: OutboxMessage) -> None:
        notice = await self.notices.read(message)
        await self.channel.send(self.bot, int(notice.user_id), notice.outbound)
