"""Reading and writing the conversation's records, one transaction per applicant message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func, null, update
from sqlmodel import Session, col, delete, select

from storage.clock import Clock, system_clock
from storage.files import FileStore
from storage.models import (
    Applicant,
    Dossier,
    Draft,
    EvidenceFile,
    FaqEntry,
    FaqQuestion,
    OutboxMessage,
    ProcessedInbound,
    ReminderSent,
    StatusChange,
    SupportThread,
    saved_id,
)

SUBMITTED = "submitted"
REPLIES_KEPT = dt.timedelta(days=1)
DOSSIER_SUBMITTED_TOPIC = "dossier.submitted"
APPLICANT_MESSAGE_TOPIC = "applicant.message"
STAFF_FOLDER = "staff:folder"


class Storage:
    def __init__(self, engine: Engine, files: FileStore, clock: Clock = system_clock) -> None:
        """``clock`` is the one clock of the system (``storage.clock``): every row is stamped with
        it, and the services built on this storage read the time from it too."""
        self.engine = engine
        self.files = files
        self.clock = clock

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, now=self.clock())

    def dossier(self, dossier_id: int) -> Dossier | None:
        with Session(self.engine) as session:
            return session.get(Dossier, dossier_id)

    def dossiers(self) -> list[Dossier]:
        with Session(self.engine) as session:
            return list(session.exec(select(Dossier).order_by(col(Dossier.id))))


class Transaction:
    def __init__(self, session: Session, *, now: dt.datetime) -> None:
        """``now``: the time of this unit of work, read once from the storage's clock when it
        began; every row it writes is stamped with it, and every "is it due?" is asked of it."""
        self.session = session
        self.now = now

    def processed(self, channel: str, event_id: str) -> ProcessedInbound | None:
        return self.session.get(ProcessedInbound, (channel, event_id))

    def mark_processed(
        self, channel: str, event_id: str, *, user_id: str | None = None, replies: list[dict[str, Any]] | None = None
    ) -> None:
        self.session.add(
            ProcessedInbound(
                channel=channel, event_id=event_id, processed_at=self.now, channel_user_id=user_id, replies=replies
            )
        )

    def applicant(self, channel: str, user_id: str) -> Applicant | None:
        """The applicant, row-locked until the transaction ends (on PostgreSQL; SQLite locks the
        whole database at BEGIN), so one applicant's messages are handled one at a time."""
        query = (
            select(Applicant)
            .where(Applicant.channel == channel, Applicant.channel_user_id == user_id)
            .with_for_update()
        )
        return self.session.exec(query).first()

    def add_applicant(self, channel: str, user_id: str) -> Applicant:
        applicant = Applicant(channel=channel, channel_user_id=user_id, consented_at=self.now, created_at=self.now)
        self.session.add(applicant)
        self.session.flush()
        return applicant

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

    def record_evidence(self, applicant_id: int, *, sha256: str, mime: str, size: int, name: str) -> None:
        query = select(EvidenceFile).where(EvidenceFile.applicant_id == applicant_id, EvidenceFile.sha256 == sha256)
        if self.session.exec(query).first() is None:
            self.session.add(
                EvidenceFile(
                    applicant_id=applicant_id,
                    sha256=sha256,
                    mime=mime,
                    size=size,
                    original_name=name,
                    created_at=self.now,
                )
            )

    def submit(
        self,
        applicant_id: int,
        content: dict[str, Any],
        *,
        destinations: Sequence[str] = (STAFF_FOLDER,),
        status: str = SUBMITTED,
        changes: Sequence[str] = (),
    ) -> Dossier:
        """Freeze the dossier as the next version, and record its status and the handoff to each
        staff destination, together. A later version keeps the fee status of the one before."""
        previous = self.latest_dossier(applicant_id)
        now = self.now
        dossier = Dossier(
            applicant_id=applicant_id,
            version=(previous.version if previous else 0) + 1,
            status=status,
            content=content,
            submitted_at=now,
            fee_status=previous.fee_status if previous else "due",
        )
        self.session.add(dossier)
        self.session.flush()
        self.session.add(StatusChange(dossier_id=saved_id(dossier), status=status, actor="applicant", at=now))
        for destination in destinations:
            self.enqueue(
                DOSSIER_SUBMITTED_TOPIC,
                destination,
                {
                    "dossier_id": dossier.id,
                    "applicant_id": applicant_id,
                    "version": dossier.version,
                    "changes": list(changes),
                },
            )
        return dossier

    def enqueue(self, topic: str, destination: str, payload: dict[str, Any], *, order_key: str | None = None) -> None:
        """Queue ``payload`` for ``destination``. A payload about an applicant names them as
        ``applicant_id``: forgetting the applicant deletes it by that (``forget_applicant``)."""
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

    def idle_drafts(self) -> list[tuple[Applicant, Draft]]:
        """Drafts not submitted, of applicants who want reminders."""
        query = (
            select(Applicant, Draft)
            .join(Draft, col(Draft.applicant_id) == col(Applicant.id))
            .where(col(Applicant.reminders).is_(True), Draft.state != SUBMITTED)
        )
        return list(self.session.exec(query))

    def approvals(self) -> list[tuple[Applicant, Dossier, dt.datetime]]:
        """Applicants whose application is approved, with the newest dossier and when it was approved."""
        approved = [dossier for dossier in self.latest_dossiers() if dossier.status == "approved"]
        approved_at = self.last_changes([saved_id(dossier) for dossier in approved], status="approved")
        applicants = {
            applicant.id: applicant
            for applicant in self.session.exec(
                select(Applicant).where(col(Applicant.id).in_([dossier.applicant_id for dossier in approved]))
            )
        }
        return [(applicants[dossier.applicant_id], dossier, approved_at[saved_id(dossier)]) for dossier in approved]

    def last_changes(self, dossier_ids: Sequence[int], status: str | None = None) -> dict[int, dt.datetime]:
        """When each dossier last changed status (to ``status``, if given), in one query."""
        query = (
            select(StatusChange.dossier_id, func.max(StatusChange.at))
            .where(col(StatusChange.dossier_id).in_(dossier_ids))
            .group_by(col(StatusChange.dossier_id))
        )
        if status is not None:
            query = query.where(StatusChange.status == status)
        return dict(self.session.exec(query).all())

    def reminded(self, applicant_id: int, kind: str, marker: str) -> bool:
        query = select(ReminderSent).where(
            ReminderSent.applicant_id == applicant_id, ReminderSent.kind == kind, ReminderSent.marker == marker
        )
        return self.session.exec(query).first() is not None

    def mark_reminded(self, applicant_id: int, kind: str, marker: str) -> None:
        self.session.add(ReminderSent(applicant_id=applicant_id, kind=kind, marker=marker, sent_at=self.now))
        self.session.flush()

    def set_reminders(self, applicant: Applicant, *, on: bool) -> None:
        applicant.reminders = on
        self.session.add(applicant)

    def record_question(
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

    def last_unanswered_question(self, applicant_id: int) -> FaqQuestion | None:
        query = (
            select(FaqQuestion)
            .where(FaqQuestion.applicant_id == applicant_id, FaqQuestion.outcome == "unsure")
            .order_by(col(FaqQuestion.id).desc())
        )
        return self.session.exec(query).first()

    def question(self, question_id: int) -> FaqQuestion | None:
        return self.session.get(FaqQuestion, question_id)

    def unanswered_questions(self) -> list[FaqQuestion]:
        query = select(FaqQuestion).where(col(FaqQuestion.outcome).in_(("unsure", "escalated")))
        return list(self.session.exec(query.order_by(col(FaqQuestion.id))))

    def faq_entries(self) -> list[FaqEntry]:
        return list(self.session.exec(select(FaqEntry).order_by(col(FaqEntry.id))))

    def add_faq_entry(self, *, topic: str, question: str, answer: str, added_by: str) -> FaqEntry:
        entry = FaqEntry(topic=topic, question=question, answer=answer, added_by=added_by, added_at=self.now)
        self.session.add(entry)
        self.session.flush()
        return entry

    def newest_faq_entry_id(self) -> int:
        return self.session.exec(select(func.max(FaqEntry.id))).one() or 0

    def add_support_thread(self, *, question_id: int, applicant_id: int, destination: str, message_ref: str) -> None:
        self.session.add(
            SupportThread(
                question_id=question_id, applicant_id=applicant_id, destination=destination, message_ref=message_ref
            )
        )

    def support_thread(self, destination: str, message_ref: str) -> SupportThread | None:
        query = select(SupportThread).where(
            SupportThread.destination == destination, SupportThread.message_ref == message_ref
        )
        return self.session.exec(query).first()

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

    def dossier(self, dossier_id: int) -> Dossier | None:
        """A dossier version, row-locked until the transaction ends (on PostgreSQL)."""
        return self.session.exec(select(Dossier).where(Dossier.id == dossier_id).with_for_update()).first()

    def locked(self, dossier: Dossier) -> Dossier:
        """``dossier``, read again row-locked until the transaction ends (on PostgreSQL)."""
        return self.session.exec(select(Dossier).where(Dossier.id == saved_id(dossier)).with_for_update()).one()

    def applicant_by_id(self, applicant_id: int) -> Applicant | None:
        return self.session.get(Applicant, applicant_id)

    def existing_applicant(self, applicant_id: int) -> Applicant:
        """An applicant another row names (a dossier, a question): it exists, as deleting an
        applicant deletes those rows too (``ondelete="CASCADE"``)."""
        return self.session.get_one(Applicant, applicant_id)

    def record_status(self, dossier: Dossier, status: str, *, actor: str, note: str = "") -> None:
        dossier.status = status
        self.session.add(dossier)
        self.session.add(StatusChange(dossier_id=saved_id(dossier), status=status, actor=actor, note=note, at=self.now))

    def application_history(self, applicant_id: int) -> list[StatusChange]:
        """Every status change of every version of the applicant's dossier, oldest first."""
        query = (
            select(StatusChange)
            .join(Dossier, col(Dossier.id) == col(StatusChange.dossier_id))
            .where(Dossier.applicant_id == applicant_id)
            .order_by(col(StatusChange.at), col(StatusChange.id))
        )
        return list(self.session.exec(query))

    def latest_dossiers(self) -> list[Dossier]:
        """The newest version of every application."""
        newest = (
            select(Dossier.applicant_id, func.max(Dossier.version).label("version"))
            .group_by(col(Dossier.applicant_id))
            .subquery()
        )
        query = select(Dossier).join(
            newest, (col(Dossier.applicant_id) == newest.c.applicant_id) & (col(Dossier.version) == newest.c.version)
        )
        return list(self.session.exec(query))

    def evidence_hashes(self) -> set[str]:
        """The hashes of every applicant's evidence."""
        return set(self.session.exec(select(EvidenceFile.sha256).distinct()))

    def evidence(self, applicant_id: int) -> list[EvidenceFile]:
        query = select(EvidenceFile).where(EvidenceFile.applicant_id == applicant_id).order_by(col(EvidenceFile.id))
        return list(self.session.exec(query))

    def dossiers_of(self, applicant_id: int) -> list[Dossier]:
        """Every version the applicant submitted, oldest first."""
        query = select(Dossier).where(Dossier.applicant_id == applicant_id).order_by(col(Dossier.version))
        return list(self.session.exec(query))

    def latest_dossier(self, applicant_id: int) -> Dossier | None:
        query = select(Dossier).where(Dossier.applicant_id == applicant_id).order_by(col(Dossier.version).desc())
        return self.session.exec(query).first()

    def drop_evidence(self, applicant_id: int, hashes: Collection[str] | None = None) -> set[str]:
        """Forget the applicant's evidence records (of ``hashes``, or all); return the hashes no one
        else refers to."""
        records = col(EvidenceFile.applicant_id) == applicant_id
        if hashes is not None:
            records &= col(EvidenceFile.sha256).in_(hashes)
        dropped = set(self.session.exec(select(EvidenceFile.sha256).where(records)))
        self.session.exec(delete(EvidenceFile).where(records))
        still_used = set(self.session.exec(select(EvidenceFile.sha256).where(col(EvidenceFile.sha256).in_(dropped))))
        return dropped - still_used

    def forget_applicant(self, applicant: Applicant) -> set[str]:
        """Delete an applicant with no submitted dossier, and everything they gave or that names
        them: answers, evidence records, every outbox message about them, delivered or not (their
        questions for support, notices for them); their questions and the support threads where
        those were posted go with the applicant's row (``ondelete="CASCADE"``)."""
        applicant_id = saved_id(applicant)
        orphans = self.drop_evidence(applicant_id)
        self.session.exec(delete(Draft).where(col(Draft.applicant_id) == applicant_id))
        self.forget_replies(applicant.channel, applicant.channel_user_id)
        about = col(OutboxMessage.payload)["applicant_id"].as_integer() == applicant_id
        self.session.exec(delete(OutboxMessage).where(about))
        self.session.delete(applicant)
        return orphans
