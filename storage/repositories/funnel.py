"""What the application funnel counts: the events that leave no other record (first messages,
declined consent, refused answers, FAQ answers before consent), and the applicants' drafts and first submissions."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, func, select

from storage.models import Applicant, Dossier, Draft, FunnelEvent
from storage.repositories.base import Repository


class Funnel(Repository):
    def record(self, kind: str, *, question: str | None = None, error: str | None = None) -> None:
        self.session.add(FunnelEvent(kind=kind, question=question, error=error and error[:200], at=self.now))

    def count(self, kind: str) -> int:
        query = select(func.count()).select_from(FunnelEvent).where(FunnelEvent.kind == kind)
        return self.session.exec(query).one()

    def by_question(self, kind: str) -> dict[str, int]:
        """How many events of ``kind`` each question (or FAQ entry) had."""
        query = (
            select(FunnelEvent.question, func.count())
            .where(FunnelEvent.kind == kind, col(FunnelEvent.question).is_not(None))
            .group_by(col(FunnelEvent.question))
        )
        return {question or "": times for question, times in self.session.exec(query)}

    def refusals(self) -> list[tuple[str, str, int]]:
        """How often each question refused an answer with each error: (question, error, times)."""
        query = (
            select(FunnelEvent.question, FunnelEvent.error, func.count())
            .where(FunnelEvent.kind == "refused")
            .group_by(col(FunnelEvent.question), col(FunnelEvent.error))
        )
        return [(question or "", error or "", times) for question, error, times in self.session.exec(query)]

    def drafts(self) -> list[tuple[Applicant, Draft]]:
        """Every applicant, with where they are in the conversation."""
        query = select(Applicant, Draft).join(Draft, col(Draft.applicant_id) == col(Applicant.id))
        return list(self.session.exec(query.order_by(col(Applicant.id))))

    def first_submissions(self) -> dict[int, dt.datetime]:
        """When each applicant first submitted, by applicant id."""
        query = select(Dossier.applicant_id, Dossier.submitted_at).where(Dossier.version == 1)
        return dict(self.session.exec(query).all())
