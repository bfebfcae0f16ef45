"""Credentialing staff in a Telegram group: dossiers arrive there with their PDF and evidence and
the buttons Start review · Request information · Approve · Reject; staff commands (``/queue``,
``/show 1``, ``/request 1 training hours -- note``, ...) work there too. Only the user ids in
``STAFF_TELEGRAM_USER_IDS`` can act; anyone else is refused, and it is logged
(``conversations.staff.actions``, which this module renders)."""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from bot.shared.text import split_message
from conversations.staff.actions import (
    ACTIONS,
    NO_DOSSIER,
    NOT_MINE,
    REFUSED,
    Outcome,
    QuestionsNeeded,
    StaffActions,
    press_of,
)
from conversations.staff.desk import StaffDesk
from conversations.staff.web_access import WebAccess
from storage.models import Dossier, OutboxMessage

log = logging.getLogger(__name__)
PREFIX = "staff"
SENT_PRIVATELY = "{name}: I sent it to you in our private chat."
PRIVATE_CHAT_NEEDED = (
    "{name}: I can't write to you privately yet. Open a private chat with me, press Start, then send /web here again."
)


def staff_keyboard(dossier: Dossier) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=f"{PREFIX}|{action}|{dossier.id}|{dossier.version}")
                for action, label in ACTIONS.items()
            ]
        ]
    )


def rendered(pressed: Outcome | QuestionsNeeded | None) -> str:
    """What a button did, told in the group: Request information answers how to ask with
    ``/request``, as a button can't carry the questions."""
    if pressed is None:
        return NO_DOSSIER
    return pressed.hint if isinstance(pressed, QuestionsNeeded) else pressed.text


class TelegramStaff:
    def __init__(
        self, desk: StaffDesk, *, chat_id: int, staff_ids: frozenset[str], web: WebAccess | None = None
    ) -> None:
        self.actions = StaffActions(desk, platform="telegram", allowed=staff_ids, web=web)
        self.chat_id = chat_id

    # -- the outbox sender for "staff:telegram" ----------------------------------------------

    def sender(self, bot: Bot) -> StaffGroupSender:
        return StaffGroupSender(self, bot)

    async def post_dossier(self, bot: Bot, message: OutboxMessage) -> None:
        hand_off = await asyncio.to_thread(self.actions.hand_off, message.payload)
        await self.say(bot, hand_off.text, staff_keyboard(hand_off.dossier))
        await bot.send_document(
            self.chat_id, hand_off.pdf, filename=hand_off.pdf_name, caption=f"{hand_off.name}: the dossier"
        )
        for filename, content in hand_off.evidence:
            await bot.send_document(self.chat_id, content, filename=filename, caption=f"{hand_off.name}: evidence")

    async def say(self, bot: Bot, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        parts = split_message(text, limit=MessageLimit.MAX_TEXT_LENGTH)
        for number, part in enumerate(parts, start=1):
            await bot.send_message(self.chat_id, part, reply_markup=markup if number == len(parts) else None)

    # -- what staff do in the group ------------------------------------------------------------

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        message = update.message
        if update.callback_query is not None:
            await self._on_button(update.callback_query, user, context)
        elif message is not None and message.text and message.text.startswith("/"):
            await self._on_command(message, message.text, user, context)
        # Anything else is staff talking among themselves.

    def _actor(self, user: User | None) -> str | None:
        return self.actions.actor(
            str(user.id) if user else None,
            seen_as=f"user {user and user.id} in chat {self.chat_id}",
            handle=user.username if user else None,
        )

    async def _on_button(self, query: CallbackQuery, user: User | None, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = self._actor(user)
        if actor is None:
            await query.answer(REFUSED, show_alert=True)
            return
        await query.answer()
        data = query.data or ""
        prefix, *parts = data.split("|")
        press = press_of(*parts) if prefix == PREFIX and len(parts) == 3 else None
        if press is None:
            log.warning("refused a malformed staff button %r from %s", data, actor)
            text = NOT_MINE
        else:
            text = rendered(await asyncio.to_thread(self.actions.press, press, actor=actor))
        await self.say(context.bot, text)

    async def _on_command(
        self, message: Message, text: str, user: User | None, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        actor = self._actor(user)
        if actor is None:
            await message.reply_text(REFUSED)
            return
        reply = await asyncio.to_thread(self.actions.command, text, actor=actor)
        if reply.private and user is not None:
            await self._tell_privately(context.bot, user, reply.text)
            return
        await self.say(context.bot, reply.text)
        for filename, content in reply.files:
            await context.bot.send_document(self.chat_id, content, filename=filename)

    async def _tell_privately(self, bot: Bot, user: User, text: str) -> None:
        """In the staff member's private chat with the bot (a sign-in link is for them alone); the
        group hears only where it went, or how to open that chat."""
        try:
            await self._send_privately(bot, user, text)
        except (Forbidden, BadRequest) as error:  # they never started a chat with the bot, or left it
            log.info("could not message staff user %s privately: %s", user.id, error)
            await self.say(bot, PRIVATE_CHAT_NEEDED.format(name=user.full_name))
            return
        await self.say(bot, SENT_PRIVATELY.format(name=user.full_name))

    async def _send_privately(self, bot: Bot, user: User, text: str) -> None:
        await bot.send_message(user.id, text, link_preview_options=LinkPreviewOptions(is_disabled=True))

    def asks_for_a_link(self, update: Update) -> bool:
        """``/web`` from a staff member in their private chat with the bot; from anyone else it is
        an applicant's message like any other."""
        message, user = update.message, update.effective_user
        if message is None or user is None or str(user.id) not in self.actions.allowed:
            return False
        return (message.text or "").strip().split("@", 1)[0] == "/web"

    async def link_in_private_chat(self, bot: Bot, user: User) -> None:
        """A sign-in link to the web desk, asked for in the private chat: given there."""
        actor = self._actor(user)
        if actor is None:
            return
        reply = await asyncio.to_thread(self.actions.command, "/web", actor=actor)
        await self._send_privately(bot, user, reply.text)


class StaffGroupSender:
    def __init__(self, staff: TelegramStaff, bot: Bot) -> None:
        self.staff = staff
        self.bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        await self.staff.post_dossier(self.bot, message)
