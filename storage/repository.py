"""Reading and writing the conversation's records, one transaction per applicant message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from storage.files import FileStore
from storage.models import (
    Applicant,
    Dossier,
    Draft,
    EvidenceFile,
    OutboxMessage,
    ProcessedInbound,
    StatusChange,
    utcnow,
)

SUBMITTED = "submitted"
DOSSIER_SUBMITTED_TOPIC = "dossier.submitted"


class Storage:
    def __init__(self, engine: Engine, files: FileStore) -> None:
        self.engine = engine
        self.files = files

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield Transaction(session)

    def dossier(self, dossier_id: int) -> Dossier | None:
        with Session(self.engine) as session:
            return session.get(Dossier, dossier_id)

    def dossiers(self) -> list[Dossier]:
        with Session(self.engine) as session:
            return list(session.exec(select(Dossier).order_by(col(Dossier.id))))


class Transaction:
    def __init__(self, session: Session) -> None:
        self.session = session

    def is_processed(self, channel: str, event_id: str) -> bool:
        return self.session.get(ProcessedInbound, (channel, event_id)) is not None

    def mark_processed(self, channel: str, event_id: str) -> None:
        self.session.add(ProcessedInbound(channel=channel, event_id=event_id))

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
        now = utcnow()
        applicant = Applicant(channel=channel, channel_user_id=user_id, consented_at=now, created_at=now)
        self.session.add(applicant)
        self.session.flush()
        return applicant

    def draft(self, applicant_id: int) -> Draft | None:
        return self.session.get(Draft, applicant_id)

    def save_draft(self, applicant_id: int, *, state: str, answers: dict[str, Any], context: dict[str, Any]) -> None:
        draft = self.session.get(Draft, applicant_id) or Draft(applicant_id=applicant_id, state=state)
        draft.state = state
        # New dict objects, so the JSON columns are seen as changed.
        draft.answers = dict(answers)
        draft.context = dict(context)
        draft.updated_at = utcnow()
        self.session.add(draft)

    def record_evidence(self, applicant_id: int, *, sha256: str, mime: str, size: int, name: str) -> None:
        query = select(EvidenceFile).where(EvidenceFile.applicant_id == applicant_id, EvidenceFile.sha256 == sha256)
        if self.session.exec(query).first() is None:
            self.session.add(
                EvidenceFile(applicant_id=applicant_id, sha256=sha256, mime=mime, size=size, original_name=name)
            )

    def submit(self, applicant_id: int, content: dict[str, Any]) -> Dossier:
        """Freeze the dossier as the next version, record the status and the staff handoff, together."""
        latest = self.session.exec(
            select(func.max(Dossier.version)).where(Dossier.applicant_id == applicant_id)
        ).one()
        now = utcnow()
        dossier = Dossier(
            applicant_id=applicant_id, version=(latest or 0) + 1, status=SUBMITTED, content=content, submitted_at=now
        )
        self.session.add(dossier)
        self.session.flush()
        self.session.add(StatusChange(dossier_id=dossier.id, status=SUBMITTED, actor="applicant", at=now))
        self.session.add(
            OutboxMessage(
                topic=DOSSIER_SUBMITTED_TOPIC,
                payload={"dossier_id": dossier.id, "applicant_id": applicant_id, "version": dossier.version},
                created_at=now,
            )
        )
        return dossier

    def latest_dossier(self, applicant_id: int) -> Dossier | None:
        query = select(Dossier).where(Dossier.applicant_id == applicant_id).order_by(col(Dossier.version).desc())
        return self.session.exec(query).first()

    def history(self, dossier_id: int) -> list[StatusChange]:
        query = select(StatusChange).where(StatusChange.dossier_id == dossier_id).order_by(col(StatusChange.id))
        return list(self.session.exec(query))

    def drop_evidence(self, applicant_id: int) -> set[str]:
        """Forget the applicant's evidence records; return the hashes no one else refers to."""
        hashes = set(self.session.exec(select(EvidenceFile.sha256).where(EvidenceFile.applicant_id == applicant_id)))
        self.session.exec(delete(EvidenceFile).where(col(EvidenceFile.applicant_id) == applicant_id))
        still_used = set(self.session.exec(select(EvidenceFile.sha256).where(col(EvidenceFile.sha256).in_(hashes))))
        return hashes - still_used

    def forget_applicant(self, applicant: Applicant) -> set[str]:
        """Delete an applicant with no submitted dossier, and everything they gave."""
        orphans = self.drop_evidence(applicant.id)
        self.session.exec(delete(Draft).where(col(Draft.applicant_id) == applicant.id))
        self.session.delete(applicant)
        return orphans
