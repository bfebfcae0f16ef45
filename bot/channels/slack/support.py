"""Support in a Slack channel (``SLACK_SUPPORT_CHANNEL``): questions the bot could not answer
arrive there with the applicant's context; a reply in the question's thread reaches the
applicant in their DM; a reply ``/faq_add question -- answer`` also adds both, in support's words,
to the FAQ (``conversations.support.relay``). Slack takes a message that starts with "/" for a slash
command, so support types a space first; the text is stripped before it is read."""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.text import plain_sections, top_level_text
from conversations.notices import support_destination
from conversations.support import relay as support
from storage.models import OutboxMessage
from storage.unit_of_work import Storage

DESTINATION = support_destination("slack")
log = logging.getLogger(__name__)


class SlackSupport:
    def __init__(
        self, storage: Storage, client: AsyncWebClient, *, channel: str, support_ids: frozenset[str] = frozenset()
    ) -> None:
        self.storage = storage
        self.client = client
        self.channel = channel
        self.support_ids = support_ids  # empty: anyone in the channel may answer

    async def deliver(self, message: OutboxMessage) -> None:
        """The outbox sender for "support:slack"."""
        text = support.forwarded(message.payload, "Reply in this thread to answer")
        posted = await self.client.chat_postMessage(
            channel=self.channel, text=top_level_text(text), blocks=plain_sections(text)
        )
        await asyncio.to_thread(
            support.remember_thread, self.storage, message.payload, destination=DESTINATION, message_ref=posted["ts"]
        )

    async def on_message(self, event: dict) -> None:
        """A message in the support channel: a reply in a question's thread answers it."""
        thread_ts, text = event.get("thread_ts"), (event.get("text") or "").strip()
        if not thread_ts or thread_ts == event.get("ts") or not text or event.get("bot_id"):
            return
        if self.support_ids and event.get("user") not in self.support_ids:
            log.warning("refused a support answer from Slack user %s", event.get("user"))
            return
        try:
            done = await asyncio.to_thread(
                support.reply_in_thread,
                self.storage,
                destination=DESTINATION,
                message_ref=thread_ts,
                text=text,
                by=f"slack:{event.get('user')}",
            )
        except support.SupportError as error:
            done = str(error)
        if done:
            await self.client.chat_postMessage(
                channel=self.channel, thread_ts=thread_ts, text=top_level_text(done), blocks=plain_sections(done)
            )
