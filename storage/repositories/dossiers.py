"""The dossiers applicants submitted, every version frozen as sent, with the history of their
status; submitting one hands it to staff through the outbox in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Applicant, Dossier, DossierStatus, StatusChange, saved_id
from storage.repositories.base import Repository
from storage.repositories.outbox import Outbox

DOSSIER_SUBMITTED_TOPIC = "dossier.submitted"


class Dossiers(Repository):
    def __init__(self, session: Session, now: dt.datetime, *, outbox: Outbox) -> None:
        super().__init__(session, now)
        self.outbox = outbox

    def submit(
        self,
        applicant_id: int,
        content: dict[str, Any],
        *,
        destinations: Sequence[str],
        status: str = DossierStatus.SUBMITTED,
        changes: Sequence[str] = (),
    ) -> Dossier:
        """Freeze the dossier as the next version, and record its status and the handoff to each
        staff destination, together. A later version keeps the fee status of the one before."""
        previous = self.latest(applicant_id)
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
            self.outbox.enqueue(
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

    def get(self, dossier_id: int) -> Dossier | None:
        """A dossier version, read without a lock (to list or export it, not to change it)."""
        return self.session.get(Dossier, dossier_id)

    def by_id(self, dossier_id: int) -> Dossier | None:
        """A dossier version, row-locked until the transaction ends (on PostgreSQL)."""
        return self.session.exec(select(Dossier).where(Dossier.id == dossier_id).with_for_update()).first()

    def locked(self, dossier: Dossier) -> Dossier:
        """``dossier``, read again row-locked until the transaction ends (on PostgreSQL)."""
        return self.session.exec(select(Dossier).where(Dossier.id == saved_id(dossier)).with_for_update()).one()

    def all(self) -> list[Dossier]:
        """Every version of every application, in the order submitted."""
        return list(self.session.exec(select(Dossier).order_by(col(Dossier.id))))

    def latest(self, applicant_id: int) -> Dossier | None:
        query = select(Dossier).where(Dossier.applicant_id == applicant_id).order_by(col(Dossier.version).desc())
        return self.session.exec(query).first()

    def versions_of(self, applicant_id: int) -> list[Dossier]:
        """Every version the applicant submitted, oldest first."""
        query = select(Dossier).where(Dossier.applicant_id == applicant_id).order_by(col(Dossier.version))
        return list(self.session.exec(query))

    def latest_versions(self) -> list[Dossier]:
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

    def record_status(self, dossier: Dossier, status: str, *, actor: str, note: str = "") -> None:
        dossier.status = status
        self.session.add(dossier)
        self.session.add(StatusChange(dossier_id=saved_id(dossier), status=status, actor=actor, note=note, at=self.now))

    def history(self, applicant_id: int) -> list[StatusChange]:
        """Every status change of every version of the applicant's dossier, oldest first."""
        query = (
            select(StatusChange)
            .join(Dossier, col(Dossier.id) == col(StatusChange.dossier_id))
            .where(Dossier.applicant_id == applicant_id)
            .order_by(col(StatusChange.at), col(StatusChange.id))
        )
        return list(self.session.exec(query))

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

    def approvals(self) -> list[tuple[Applicant, Dossier, dt.datetime]]:
        """Applicants whose application is approved, with the newest dossier and when it was approved."""
        approved = [dossier for dossier in self.latest_versions() if dossier.status == DossierStatus.APPROVED]
        approved_at = self.last_changes([saved_id(dossier) for dossier in approved], status=DossierStatus.APPROVED)
        applicants = {
            applicant.id: applicant
            for applicant in self.session.exec(
                select(Applicant).where(col(Applicant.id).in_([dossier.applicant_id for dossier in approved]))
            )
        }
        return [(applicants[dossier.applicant_id], dossier, approved_at[saved_id(dossier)]) for dossier in approved]
