"""The questions applicants asked (answered from the FAQ, unsure, or passed to a person), and the
support threads where a question was posted, so a reply there reaches the applicant."""

from __future__ import annotations

from sqlmodel import col, func, select

from storage.models import FaqQuestion, SupportThread
from storage.repositories.base import Repository


class Questions(Repository):
    def record(
        self, applicant_id: int | None, text: str, *, matched: str | None, score: float, outcome: str
    ) -> FaqQuestion:
        question = FaqQuestion(
            applicant_id=applicant_id,
            text=text[:2000],
            matched=matched,
            score=score,
            outcome=outcome,
            asked_at=self.now,
        )
        self.session.add(question)
        self.session.flush()
        return question

    def by_id(self, question_id: int) -> FaqQuestion | None:
        return self.session.get(FaqQuestion, question_id)

    def last_unanswered(self, applicant_id: int) -> FaqQuestion | None:
        query = (
            select(FaqQuestion)
            .where(FaqQuestion.applicant_id == applicant_id, FaqQuestion.outcome == "unsure")
            .order_by(col(FaqQuestion.id).desc())
        )
        return self.session.exec(query).first()

    def unanswered(self) -> list[FaqQuestion]:
        query = select(FaqQuestion).where(col(FaqQuestion.outcome).in_(("unsure", "escalated")))
        return list(self.session.exec(query.order_by(col(FaqQuestion.id))))

    def answered_by_entry(self) -> dict[str, int]:
        """How many questions each FAQ entry answered, by its id."""
        query = (
            select(FaqQuestion.matched, func.count())
            .where(FaqQuestion.outcome == "answered", col(FaqQuestion.matched).is_not(None))
            .group_by(col(FaqQuestion.matched))
        )
        return {matched or "": count for matched, count in self.session.exec(query)}

    def escalated(self, limit: int) -> list[FaqQuestion]:
        """The newest questions passed to a person, at most ``limit``."""
        query = select(FaqQuestion).where(FaqQuestion.outcome == "escalated").order_by(col(FaqQuestion.id).desc())
        return list(self.session.exec(query.limit(limit)))

    def count(self, outcome: str) -> int:
        """How many questions have ``outcome`` (answered, unsure, escalated)."""
        query = select(func.count()).select_from(FaqQuestion).where(FaqQuestion.outcome == outcome)
        return self.session.exec(query).one()

    def escalate(self, question: FaqQuestion) -> None:
        """The question is passed to a person."""
        question.outcome = "escalated"
        self.session.add(question)

    def answer(self, question: FaqQuestion, text: str) -> None:
        """A person answered the question with ``text``."""
        question.answer = text
        self.escalate(question)

    def add_thread(self, *, question_id: int, applicant_id: int, destination: str, message_ref: str) -> None:
        self.session.add(
            SupportThread(
                question_id=question_id, applicant_id=applicant_id, destination=destination, message_ref=message_ref
            )
        )

    def thread(self, destination: str, message_ref: str) -> SupportThread | None:
        query = select(SupportThread).where(
            SupportThread.destination == destination, SupportThread.message_ref == message_ref
        )
        return self.session.exec(query).first()
