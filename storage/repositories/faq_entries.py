"""The FAQ entries support added (the knowledge base shipped with the bot is a file of its own)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from storage.models import FaqEntry
from storage.repositories.base import Repository


class FaqEntries(Repository):
    def all(self) -> list[FaqEntry]:
        return list(self.session.exec(select(FaqEntry).order_by(col(FaqEntry.id))))

    def add(self, *, topic: str, question: str, answer: str, added_by: str) -> FaqEntry:
        entry = FaqEntry(topic=topic, question=question, answer=answer, added_by=added_by, added_at=self.now)
        self.session.add(entry)
        self.session.flush()
        return entry

    def newest_id(self) -> int:
        return self.session.exec(select(func.max(FaqEntry.id))).one() or 0
