"""The messages to deliver (hand-offs to staff, questions for support, notices for applicants),
written in the transaction of what they report and taken by the senders of their destination."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import col, delete, select

from storage.models import OutboxMessage
from storage.repositories.base import Repository


class Outbox(Repository):
    def enqueue(self, topic: str, destination: str, payload: dict[str, Any], *, order_key: str | None = None) -> None:
        """Queue ``payload`` for ``destination``. A payload about an applicant names them as
        ``applicant_id``: forgetting the applicant deletes it by that (``forget_about``)."""
        self.session.add(
            OutboxMessage(
                topic=topic,
                destination=destination,
                payload=payload,
                order_key=order_key,
                created_at=self.now,
                next_attempt_at=self.now,
            )
        )

    def claim(self, destinations: Sequence[str], *, lease: dt.timedelta, limit: int = 20) -> list[OutboxMessage]:
        """Due messages for ``destinations``, each taken for ``lease`` so no other sender takes it
        meanwhile; one whose ``order_key`` has an earlier message still undelivered waits for it."""
        query = (
            select(OutboxMessage)
            .where(
                col(OutboxMessage.destination).in_(destinations),
                col(OutboxMessage.delivered_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= self.now,
                col(OutboxMessage.claimed_until).is_(None) | (col(OutboxMessage.claimed_until) < self.now),
            )
            .order_by(col(OutboxMessage.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        claimed: list[OutboxMessage] = []
        for message in self.session.exec(query):
            key = message.order_key
            follows = key and any(earlier.order_key == key for earlier in claimed)
            if key and not follows and self._earliest_undelivered(key) != message.id:
                continue
            message.claimed_until = self.now + lease
            self.session.add(message)
            claimed.append(message)
        return claimed

    def _earliest_undelivered(self, order_key: str) -> int | None:
        return self.session.exec(
            select(func.min(OutboxMessage.id)).where(
                OutboxMessage.order_key == order_key, col(OutboxMessage.delivered_at).is_(None)
            )
        ).one()

    def settle(self, message_id: int, *, error: str | None = None, retry_after: dt.timedelta = dt.timedelta(0)) -> None:
        """Record a delivery (``error`` None) or a failed attempt, to be tried again ``retry_after`` from now."""
        message = self.session.get(OutboxMessage, message_id)
        if message is None:  # deleted while it was sent: its applicant was forgotten
            return
        message.claimed_until = None
        if error is None:
            message.delivered_at = self.now
        else:
            message.attempts += 1
            message.last_error = error[:1000]
            message.next_attempt_at = self.now + retry_after
        self.session.add(message)

    def release(self, message_ids: Sequence[int]) -> None:
        """Give back messages taken but not tried, to be taken again at once."""
        for message_id in message_ids:
            message = self.session.get(OutboxMessage, message_id)
            if message is not None:  # None: deleted meanwhile, with its applicant
                message.claimed_until = None
                self.session.add(message)

    def undelivered(self) -> list[OutboxMessage]:
        query = select(OutboxMessage).where(col(OutboxMessage.delivered_at).is_(None)).order_by(col(OutboxMessage.id))
        return list(self.session.exec(query))

    def forget_about(self, applicant_id: int) -> None:
        """Delete every message about the applicant, delivered or not."""
        about = col(OutboxMessage.payload)["applicant_id"].as_integer() == applicant_id
        self.session.exec(delete(OutboxMessage).where(about))
