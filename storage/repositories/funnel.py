"""What the application funnel counts: how often the steps that leave no other record happened
(first messages, declined consent, refused answers, FAQ questions before consent), and the
applicants' drafts and first submissions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, func, select

from storage.models import Applicant, Dossier, Draft, FunnelCount
from storage.repositories.base import Repository

_KEY = ["kind", "question", "error"]


class Funnel(Repository):
    def add(self, kind: str, *, question: str = "", error: str = "") -> None:
        """One more of ``kind`` (for ``question``, with ``error``), in one statement: two turns
        counting the same thing at once both count."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(FunnelCount).values(kind=kind, question=question, error=error[:200], times=1)
        self.session.execute(
            statement.on_conflict_do_update(index_elements=_KEY, set_={"times": col(FunnelCount.times) + 1})
        )

    def count(self, kind: str) -> int:
        query = select(func.coalesce(func.sum(FunnelCount.times), 0)).where(FunnelCount.kind == kind)
        return int(self.session.exec(query).one())

    def by_question(self, kind: str) -> dict[str, int]:
        """How many of ``kind`` each question (or FAQ entry) had."""
        query = (
            select(FunnelCount.question, func.sum(FunnelCount.times))
            .where(FunnelCount.kind == kind)
            .group_by(col(FunnelCount.question))
        )
        return {question: int(times) for question, times in self.session.exec(query)}

    def refusals(self) -> list[tuple[str, str, int]]:
        """How often each question refused an answer with each error: (question, error, times)."""
        query = select(FunnelCount.question, FunnelCount.error, FunnelCount.times).where(FunnelCount.kind == "refused")
        return list(self.session.exec(query).all())

    def drafts(self) -> list[tuple[int, dt.datetime, str, Mapping[str, Any]]]:
        """Every applicant, when they consented, and where they are: (id, consented at, the
        draft's state, its answers)."""
        query = (
            select(Draft.applicant_id, Applicant.consented_at, Draft.state, Draft.answers)
            .join(Draft, col(Draft.applicant_id) == col(Applicant.id))
            .order_by(col(Applicant.id))
        )
        return list(self.session.exec(query).all())

    def first_submissions(self) -> dict[int, dt.datetime]:
        """When each applicant first submitted, by applicant id."""
        query = select(Dossier.applicant_id, Dossier.submitted_at).where(Dossier.version == 1)
        return dict(self.session.exec(query).all())

    def decided(self, status: str) -> int:
        """How many applicants were approved, or not (``status``: a decision no version follows)."""
        query = select(func.count(func.distinct(Dossier.applicant_id))).where(Dossier.status == status)
        return self.session.exec(query).one()
