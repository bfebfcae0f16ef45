"""The messages received lately, in the channel's order (``models.Arrival``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
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
        waiting = col(Arrival.answered_at) if answered else col(Arrival.applied_at)
        return self.session.exec(query.where(waiting.is_(None)).limit(1)).first() is not None

    def missing_before(self, channel: str, sequence: int, *, since: dt.datetime) -> bool:
        """Whether a number between the lowest received at ``since`` or later and ``sequence`` has
        not arrived: the channel numbers every message of the bot one after another, so a gap is
        a message sent before this one that has not reached any process yet."""
        query = select(func.min(Arrival.sequence), func.count()).where(
            col(Arrival.channel) == channel, col(Arrival.sequence) < sequence, col(Arrival.arrived_at) >= since
        )
        lowest, received = self.session.exec(query).one()
        return lowest is not None and received < sequence - lowest

    def applied(self, channel: str, event_id: str) -> None:
        arrival = self.session.get(Arrival, (channel, event_id))
        if arrival is not None:
            arrival.applied_at = self.now

    def answered(self, channel: str, event_id: str) -> None:
        arrival = self.session.get(Arrival, (channel, event_id))
        if arrival is not None:
            arrival.answered_at = self.now

    def forget(self, *, before: dt.datetime) -> int:
        """Drop what was received before ``before``."""
        result = self.session.exec(delete(Arrival).where(col(Arrival.arrived_at) < before))
        return result.rowcount or 0
