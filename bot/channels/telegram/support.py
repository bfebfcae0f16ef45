"""Support in a Telegram group (``TELEGRAM_SUPPORT_CHAT_ID``): questions the bot could not answer
arrive there with the applicant's context; a reply to one reaches the applicant in their own
chat; a reply ``/faq_add question -- answer`` also adds both, in support's words, to the knowledge
base (``conversations.support.relay``). ``/faq_add@TheBot``, as Telegram writes commands in groups, works too."""

from __future__ import annotations

import asyncio

from telegram import Bot, Update
from telegram.ext import ContextTypes

from conversations.support.relay import REFUSED, SupportRelay
from storage.models import OutboxMessage
from storage.unit_of_work import Storage


class TelegramSupport:
    def __init__(self, storage: Storage, *, chat_id: int, support_ids: frozenset[str] = frozenset()) -> None:
        self.relay = SupportRelay(storage, "telegram", "Reply to this message to answer", support_ids)
        self.chat_id = chat_id

    def sender(self, bot: Bot) -> SupportGroupSender:
        return SupportGroupSender(self, bot)

    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        replied = message.reply_to_message if message else None
        if message is None or replied is None or not message.text:
            return
        user = update.effective_user
        by = self.relay.answerer(str(user.id) if user else None, seen_as=f"user {user and user.id}")
        if by is None:
            await message.reply_text(REFUSED)
            return
        done = await asyncio.to_thread(self.relay.answer, str(replied.message_id), message.text.strip(), by=by)
        if done:
            await message.reply_text(done)


class SupportGroupSender:
    def __init__(self, support_group: TelegramSupport, bot: Bot) -> None:
        self.group = support_group
        self.bot = bot

    async def deliver(self, message: OutboxMessage) -> None:
        posted = await self.bot.send_message(self.group.chat_id, self.group.relay.forwarded(message.payload))
        await asyncio.to_thread(self.group.relay.posted, message.payload, str(posted.message_id))
