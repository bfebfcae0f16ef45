"""The inbound messages already applied, kept so a redelivered one is applied once and answered
with the replies it got."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import null, update
from sqlmodel import col, delete, select

from storage.models import ProcessedInbound
from storage.repositories.base import Repository

REPLIES_KEPT = dt.timedelta(days=1)


class Inbox(Repository):
    def processed(self, channel: str, event_id: str) -> ProcessedInbound | None:
        return self.session.get(ProcessedInbound, (channel, event_id))

    def heard_from(self, channel: str, user_id: str) -> bool:
        """Whether any message of this person was applied before (within the ids kept)."""
        query = select(ProcessedInbound.event_id).where(
            col(ProcessedInbound.channel) == channel, col(ProcessedInbound.channel_user_id) == user_id
        )
        return self.session.exec(query.limit(1)).first() is not None

    def mark_processed(
        self, channel: str, event_id: str, *, user_id: str | None = None, replies: list[dict[str, Any]] | None = None
    ) -> None:
        self.session.add(
            ProcessedInbound(
                channel=channel, event_id=event_id, processed_at=self.now, channel_user_id=user_id, replies=replies
            )
        )

    def forget_processed(self, *, kept: dt.timedelta, replies_kept: dt.timedelta = REPLIES_KEPT) -> int:
        """Drop the ids of messages applied longer than ``kept`` ago: platforms redeliver within
        hours, not weeks, so older ids only take room. Their replies, which may quote answers, go
        after ``replies_kept``: Telegram keeps an update it was not told of for 24 hours."""
        before = self.now - kept
        result = self.session.exec(delete(ProcessedInbound).where(col(ProcessedInbound.processed_at) < before))
        self.session.exec(
            update(ProcessedInbound)
            .where(col(ProcessedInbound.processed_at) < self.now - replies_kept)
            .where(col(ProcessedInbound.replies).is_not(None))
            .values(replies=null())
        )
        return result.rowcount or 0

    def forget_replies(self, channel: str, user_id: str) -> None:
        """Drop the kept replies to one person's messages (they may quote answers); the ids stay,
        so a redelivered message is still applied once."""
        self.session.exec(
            update(ProcessedInbound)
            .where(col(ProcessedInbound.channel) == channel, col(ProcessedInbound.channel_user_id) == user_id)
            .values(replies=null())
        )
