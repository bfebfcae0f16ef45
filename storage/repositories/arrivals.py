"""The messages received and not answered yet, in the channel's order (``models.Arrival``)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, delete, select

from storage.models import Arrival
from storage.repositories.base import Repository


class Arrivals(Repository):
    def add(self, channel: str, user_id: str, event_id: str, sequence: int) -> None:
        if self.session.get(Arrival, (channel, event_id)) is None:
            self.session.add(
                Arrival(
                    channel=channel, event_id=event_id, channel_user_id=user_id, sequence=sequence, arrived_at=self.now
                )
            )

    def earlier_waiting(
        self, channel: str, user_id: str, sequence: int, *, since: dt.datetime, answered: bool = False
    ) -> bool:
        """Whether a message of this person that comes before ``sequence``, received at ``since``
        or later, is waiting to be applied (or, with ``answered``, to be applied or answered)."""
        query = select(Arrival.event_id).where(
            col(Arrival.channel) == channel,
            col(Arrival.channel_user_id) == user_id,
            col(Arrival.sequence) < sequence,
            col(Arrival.arrived_at) >= since,
        )
        if not answered:
            query = query.where(col(Arrival.applied_at).is_(None))
        return self.session.exec(query.limit(1)).first() is not None

    def applied(self, channel: str, event_id: str) -> None:
        arrival = self.session.get(Arrival, (channel, event_id))
        if arrival is not None:
            arrival.applied_at = self.now

    def answered(self, channel: str, event_id: str) -> None:
        self.session.exec(delete(Arrival).where(col(Arrival.channel) == channel, col(Arrival.event_id) == event_id))

    def forget(self, *, before: dt.datetime) -> int:
        """Drop what was received before ``before`` and never answered (its process stopped)."""
        result = self.session.exec(delete(Arrival).where(col(Arrival.arrived_at) < before))
        return result.rowcount or 0
