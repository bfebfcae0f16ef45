"""The applicants, each with their draft (the conversation so far) and the reminders sent to
them; forgetting one deletes everything they gave or that names them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, delete, select

from storage.models import Applicant, Draft, ReminderSent, saved_id
from storage.repositories.base import Repository
from storage.repositories.evidence import Evidence
from storage.repositories.inbox import Inbox
from storage.repositories.outbox import Outbox


class Applicants(Repository):
    def __init__(self, session: Session, now: dt.datetime, *, evidence: Evidence, inbox: Inbox, outbox: Outbox) -> None:
        """The other repositories are what forgetting an applicant reaches into."""
        super().__init__(session, now)
        self.evidence = evidence
        self.inbox = inbox
        self.outbox = outbox

    def find(self, channel: str, user_id: str) -> Applicant | None:
        """The applicant, row-locked (``with_draft``)."""
        return self.with_draft(channel, user_id)[0]

    def with_draft(self, channel: str, user_id: str) -> tuple[Applicant | None, Draft | None]:
        """The applicant and their draft, in one statement, or neither (the turn that adds an
        applicant saves their draft, and it goes only with them). Both rows are locked until the
        transaction ends (on PostgreSQL; SQLite locks the whole database at BEGIN), so one
        applicant's messages are handled one at a time. Both: a statement that waited for a lock
        reads the newest version of the rows it locked only, and a draft read beside a locked
        applicant could be the one before the turn it waited for."""
        query = (
            select(Applicant, Draft)
            .join(Draft, col(Draft.applicant_id) == col(Applicant.id))
            .where(Applicant.channel == channel, Applicant.channel_user_id == user_id)
            .with_for_update()
        )
        found = self.session.exec(query).first()
        return (found[0], found[1]) if found is not None else (None, None)

    def add(self, channel: str, user_id: str) -> Applicant:
        applicant = Applicant(channel=channel, channel_user_id=user_id, consented_at=self.now, created_at=self.now)
        self.session.add(applicant)
        self.session.flush()
        return applicant

    def by_id(self, applicant_id: int) -> Applicant | None:
        return self.session.get(Applicant, applicant_id)

    def existing(self, applicant_id: int) -> Applicant:
        """An applicant another row names (a dossier, a question): it exists, as deleting an
        applicant deletes those rows too (``ondelete="CASCADE"``)."""
        return self.session.get_one(Applicant, applicant_id)

    def set_reminders(self, applicant: Applicant, *, on: bool) -> None:
        applicant.reminders = on
        self.session.add(applicant)

    def draft(self, applicant_id: int) -> Draft | None:
        return self.session.get(Draft, applicant_id)

    def draft_of(self, applicant: Applicant) -> Draft:
        """The draft of an applicant, which exists: the turn that adds the applicant saves it, and
        it goes only with the applicant."""
        return self.session.get_one(Draft, saved_id(applicant))

    def save_draft(self, applicant_id: int, *, state: str, answers: dict[str, Any], context: dict[str, Any]) -> None:
        draft = self.session.get(Draft, applicant_id) or Draft(
            applicant_id=applicant_id, state=state, updated_at=self.now
        )
        draft.state = state
        # New dict objects, so the JSON columns are seen as changed.
        draft.answers = dict(answers)
        draft.context = dict(context)
        draft.updated_at = self.now
        self.session.add(draft)

    def idle_drafts(self, *, finished: str) -> list[tuple[Applicant, Draft]]:
        """Drafts not in the state ``finished`` (submitted), of applicants who want reminders."""
        query = (
            select(Applicant, Draft)
            .join(Draft, col(Draft.applicant_id) == col(Applicant.id))
            .where(col(Applicant.reminders).is_(True), Draft.state != finished)
        )
        return list(self.session.exec(query))

    def reminded(self, applicant_id: int, kind: str, marker: str) -> bool:
        query = select(ReminderSent).where(
            ReminderSent.applicant_id == applicant_id, ReminderSent.kind == kind, ReminderSent.marker == marker
        )
        return self.session.exec(query).first() is not None

    def mark_reminded(self, applicant_id: int, kind: str, marker: str) -> None:
        self.session.add(ReminderSent(applicant_id=applicant_id, kind=kind, marker=marker, sent_at=self.now))
        self.session.flush()

    def forget(self, applicant: Applicant) -> set[str]:
        """Delete an applicant with no submitted dossier, and everything they gave or that names
        them: answers, evidence records, every outbox message about them, delivered or not (their
        questions for support, notices for them); their questions and the support threads where
        those were posted go with the applicant's row (``ondelete="CASCADE"``). Returns the hashes
        of the files no one else refers to."""
        applicant_id = saved_id(applicant)
        orphans = self.evidence.drop(applicant_id)
        self.session.exec(delete(Draft).where(col(Draft.applicant_id) == applicant_id))
        self.inbox.forget_replies(applicant.channel, applicant.channel_user_id)
        self.outbox.forget_about(applicant_id)
        self.session.delete(applicant)
        return orphans
