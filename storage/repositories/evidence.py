"""The records of the files applicants gave as evidence (the files are in the file store, named
by their hash, shared by every record of the same content)."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import col, delete, select

from storage.models import EvidenceFile
from storage.repositories.base import Repository


class Evidence(Repository):
    def record(self, applicant_id: int, *, sha256: str, mime: str, size: int, name: str) -> None:
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

    def of(self, applicant_id: int) -> list[EvidenceFile]:
        query = select(EvidenceFile).where(EvidenceFile.applicant_id == applicant_id).order_by(col(EvidenceFile.id))
        return list(self.session.exec(query))

    def hashes(self) -> set[str]:
        """The hashes of every applicant's evidence."""
        return set(self.session.exec(select(EvidenceFile.sha256).distinct()))

    def drop(self, applicant_id: int, hashes: Collection[str] | None = None) -> set[str]:
        """Forget the applicant's evidence records (of ``hashes``, or all); return the hashes no one
        else refers to."""
        records = col(EvidenceFile.applicant_id) == applicant_id
        if hashes is not None:
            records &= col(EvidenceFile.sha256).in_(hashes)
        dropped = set(self.session.exec(select(EvidenceFile.sha256).where(records)))
        self.session.exec(delete(EvidenceFile).where(records))
        still_used = set(self.session.exec(select(EvidenceFile.sha256).where(col(EvidenceFile.sha256).in_(dropped))))
        return dropped - still_used
