"""Staff's own records about an application: notes between them, and who has claimed it
(``models.StaffNote``, ``models.StaffClaim``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from storage.models import StaffClaim, StaffNote
from storage.repositories.base import Repository


class StaffNotes(Repository):
    def add(self, applicant_id: int, author: str, text: str) -> None:
        self.session.add(StaffNote(applicant_id=applicant_id, author=author, text=text, at=self.now))

    def of(self, applicant_id: int) -> list[StaffNote]:
        """The application's notes, oldest first."""
        query = select(StaffNote).where(StaffNote.applicant_id == applicant_id).order_by(col(StaffNote.id))
        return list(self.session.exec(query))

    def claim(self, applicant_id: int) -> StaffClaim | None:
        return self.session.get(StaffClaim, applicant_id)

    def claims(self, applicant_ids: Sequence[int]) -> dict[int, str]:
        """Who has claimed each of these applications, in one query."""
        query = select(StaffClaim).where(col(StaffClaim.applicant_id).in_(applicant_ids))
        return {claim.applicant_id: claim.staff for claim in self.session.exec(query)}

    def set_claim(self, applicant_id: int, staff: str | None) -> None:
        """Claimed by ``staff`` from now, or (None) by no one."""
        claim = self.session.get(StaffClaim, applicant_id)
        if staff is None:
            if claim is not None:
                self.session.delete(claim)
        elif claim is None:
            self.session.add(StaffClaim(applicant_id=applicant_id, staff=staff, at=self.now))
        else:
            claim.staff, claim.at = staff, self.now
