"""Support in a Slack channel (``SLACK_SUPPORT_CHANNEL``): questions the bot could not answer
arrive there with the applicant's context; a reply in the question's thread reaches the
applicant in their DM; a reply ``/faq_add question -- answer`` also adds both, in support's words,
to the FAQ (``conversations.support.relay``). Slack takes a message that starts with "/" for a slash
command, so support types a space first; the text is stripped before it is read."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.text import plain_sections, top_level_text
from conversations.support.relay import SupportRelay
from storage.models import OutboxMessage
from storage.unit_of_work import Storage


class SlackSupport:
    def __init__(
        self, storage: Storage, client: AsyncWebClient, *, channel: str, support_ids: frozenset[str] = frozenset()
    ) -> None:
        self.relay = SupportRelay(storage, "slack", "Reply in this thread to answer", support_ids)
        self.client = client
        self.channel = channel

    async def deliver(self, message: OutboxMessage) -> None:
        """The outbox sender for "support:slack"."""
        text = self.relay.forwarded(message.payload)
        posted = await self.client.chat_postMessage(
            channel=self.channel, text=top_level_text(text), blocks=plain_sections(text)
        )
        await asyncio.to_thread(self.relay.posted, message.payload, posted["ts"])

    async def on_message(self, event: dict) -> None:
        """A message in the support channel: a reply in a question's thread answers it (one from
        someone who may not answer is left unanswered)."""
        thread_ts, text = event.get("thread_ts"), (event.get("text") or "").strip()
        if not thread_ts or thread_ts == event.get("ts") or not text or event.get("bot_id"):
            return
        by = self.relay.answerer(event.get("user"), seen_as=f"Slack user {event.get('user')}")
        if by is None:
            return
        done = await asyncio.to_thread(self.relay.answer, thread_ts, text, by=by)
        if done:
            await self.client.chat_postMessage(
                channel=self.channel, thread_ts=thread_ts, text=top_level_text(done), blocks=plain_sections(done)
            )
