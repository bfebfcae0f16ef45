"""Credentialing staff in a Telegram group: dossiers arrive there with their PDF and evidence and
the buttons Start review · Request information · Approve · Reject; staff commands (``/queue``,
``/show 1``, ``/request 1 training hours -- note``, ...) work there too. Only the user ids in
``STAFF_TELEGRAM_USER_IDS`` can act; anyone else is refused, and it is logged."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.constants import MessageLimit
from telegram.ext import ContextTypes

from bot.channels.text import split_message
from conversations.dossier_numbers import dossier_number
from conversations.messages import outbound_from_dict
from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk, StaffError
from storage.models import Dossier, OutboxMessage

if TYPE_CHECKING:  # the channel module imports this one
    from bot.channels.telegram.applicant import TelegramChannel

log = logging.getLogger(__name__)
PREFIX = "staff"
ACTIONS = {"start_review": "Start review", "request": "Request information", "approve": "Approve", "reject": "Reject"}
REFUSED = "Only IMC credentialing staff can do that."


def staff_keyboard(dossier: Dossier) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(label, callback_data=f"{PREFIX}|{action}|{dossier.id}|{dossier.version}")
                for action, label in ACTIONS.items()
            ]
        ]
    )


class TelegramStaff:
    def __init__(self, desk: StaffDesk, *, chat_id: int, staff_ids: frozenset[str]) -> None:
        self.desk = desk
        self.chat_id = chat_id
        self.staff_ids = staff_ids

    # -- the outbox sender for "staff:telegram" ----------------------------------------------

    def sender(self, bot: Bot) -> StaffGroupSender:
        return StaffGroupSender(self, bot)

    async def post_dossier(self, bot: Bot, message: OutboxMessage) -> None:
        dossier = await asyncio.to_thread(self.desk.reported_dossier, message.payload["dossier_id"])
        changes = message.payload.get("changes", [])
        text = await asyncio.to_thread(self.desk.notification, dossier, changes)
        export = await asyncio.to_thread(self.desk.export_of, dossier, changes)
        await self.say(bot, text, staff_keyboard(dossier))
        name = f"{dossier_number(dossier)}-v{dossier.version}"
        await bot.send_document(self.chat_id, export.pdf, filename=f"{name}.pdf", caption=f"{name}: the dossier")
        for filename, content in await asyncio.to_thread(self.desk.evidence_files, dossier):
            await bot.send_document(self.chat_id, content, filename=filename, caption=f"{name}: evidence")

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
        """Who acts, as the dossier's history records it; None for someone who is not staff."""
        if user is None or str(user.id) not in self.staff_ids:
            log.warning("refused a staff action from user %s in chat %s", user and user.id, self.chat_id)
            return None
        return f"telegram:{user.id}" + (f" (@{user.username})" if user.username else "")

    async def _on_button(self, query: CallbackQuery, user: User | None, context: ContextTypes.DEFAULT_TYPE) -> None:
        actor = self._actor(user)
        if actor is None:
            await query.answer(REFUSED, show_alert=True)
            return
        await query.answer()
        text = await self._press(query.data or "", actor)
        await self.say(context.bot, text)

    async def _on_command(
        self, message: Message, text: str, user: User | None, context: ContextTypes.DEFAULT_TYPE
    ) -> None:
        actor = self._actor(user)
        if actor is None:
            await message.reply_text(REFUSED)
            return
        reply = await asyncio.to_thread(staff_commands.run, self.desk, text, actor=actor)
        await self.say(context.bot, reply.text)
        for filename, content in reply.files:
            await context.bot.send_document(self.chat_id, content, filename=filename)

    async def _press(self, data: str, actor: str) -> str:
        parts = data.split("|")
        if (
            len(parts) != 4
            or parts[0] != PREFIX
            or parts[1] not in ACTIONS
            or not parts[2].isdigit()
            or not parts[3].isdigit()
        ):
            log.warning("refused a malformed staff button %r from %s", data, actor)
            return "That button is not one of mine; nothing was changed."
        _, action, dossier_id, version = parts
        dossier = await asyncio.to_thread(self.desk.dossier, int(dossier_id))
        if dossier is None:
            return "That dossier does not exist; nothing was changed."
        number = dossier_number(dossier)
        if action == "request":
            keys = ", ".join(step.key for step in await asyncio.to_thread(self.desk.requestable, dossier))
            return (
                f"To ask the applicant of {number} for information, send:\n"
                f"/request {number} questions -- note\n"
                "Questions can be sections (Training), references (Reference 2) or single questions: "
                f"{keys}"
            )
        try:
            changed = await asyncio.to_thread(lambda: self.desk.act(number, action, actor=actor, version=int(version)))
        except StaffError as error:
            return str(error)
        return f"{number} (version {changed.version}) is now {changed.status.replace('_', ' ')}; the applicant is told."


class StaffGroupSender:
    def __init__(self, staff: TelegramStaff, bot: Bot) -> None:
        self.staff = staff
        self.bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        await self.staff.post_dossier(self.bot, message)


class ApplicantSender:
    """Notices to Telegram applicants, in their private chat (whose id is their user id)."""

    def __init__(self, channel: TelegramChannel, bot: Bot) -> None:
        self.channel = channel
        self.bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        await self.channel.send(
            self.bot, int(message.payload["user_id"]), outbound_from_dict(message.payload["outbound"])
        )
