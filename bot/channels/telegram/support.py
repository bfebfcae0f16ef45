"""Support in a Telegram group (``TELEGRAM_SUPPORT_CHAT_ID``): questions the bot could not answer
arrive there with the applicant's context; a reply to one reaches the applicant in their own
chat; a reply ``/faq_add question -- answer`` also adds both, in support's words, to the knowledge
base (``conversations.support.relay``). ``/faq_add@TheBot``, as Telegram writes commands in groups, works too."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot, Update
from telegram.ext import ContextTypes

from conversations.notices import support_destination
from conversations.support import relay as support
from storage.models import OutboxMessage
from storage.unit_of_work import Storage

log = logging.getLogger(__name__)
DESTINATION = support_destination("telegram")


class TelegramSupport:
    def __init__(self, storage: Storage, *, chat_id: int, support_ids: frozenset[str] = frozenset()) -> None:
        self.storage = storage
        self.chat_id = chat_id
        self.support_ids = support_ids  # empty: anyone in the group may answer

    def sender(self, bot: Bot) -> SupportGroupSender:
        return SupportGroupSender(self, bot)

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        replied = message.reply_to_message if message else None
        if message is None or replied is None or not message.text:
            return
        user = update.effective_user
        if self.support_ids and (user is None or str(user.id) not in self.support_ids):
            log.warning("refused a support answer from user %s", user and user.id)
            await message.reply_text("Only IMC's support team can answer applicants.")
            return
        by = f"telegram:{user.id}" if user else "telegram"
        text = message.text.strip()
        try:
            done = await asyncio.to_thread(
                support.reply_in_thread,
                self.storage,
                destination=DESTINATION,
                message_ref=str(replied.message_id),
                text=text,
                by=by,
            )
        except support.SupportError as error:
            done = str(error)
        if done:
            await message.reply_text(done)


class SupportGroupSender:
    def __init__(self, support_group: TelegramSupport, bot: Bot) -> None:
        self.group = support_group
        self.bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        text = support.forwarded(message.payload, "Reply to this message to answer")
        posted = await self.bot.send_message(self.group.chat_id, text)
        await asyncio.to_thread(
            support.remember_thread,
            self.group.storage,
            message.payload,
            destination=DESTINATION,
            message_ref=str(posted.message_id),
        )
