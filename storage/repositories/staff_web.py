"""The staff web desk's sign-in links and sessions (``models.StaffSignInLink``,
``models.StaffWebSession``), found by the hash of their secret."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, update

from storage.models import StaffSignInLink, StaffWebSession
from storage.repositories.base import Repository


class StaffWeb(Repository):
    def add_link(self, secret_hash: str, staff: str, *, lasts: dt.timedelta) -> StaffSignInLink:
        link = StaffSignInLink(secret_hash=secret_hash, staff=staff, created_at=self.now, expires_at=self.now + lasts)
        self.session.add(link)
        self.session.flush()
        return link

    def use_link(self, secret_hash: str) -> str | None:
        """The staff member a link was given to, if it is unused and in time; it is used from now
        on. Two requests with the same link at once: one gets it (the update is atomic)."""
        used = self.session.exec(
            update(StaffSignInLink)
            .where(
                col(StaffSignInLink.secret_hash) == secret_hash,
                col(StaffSignInLink.used_at).is_(None),
                col(StaffSignInLink.expires_at) > self.now,
            )
            .values(used_at=self.now)
        )
        if not used.rowcount:
            return None
        link = self.session.get(StaffSignInLink, secret_hash)
        return link.staff if link is not None else None

    def start_session(self, secret_hash: str, staff: str, form_token: str, *, lasts: dt.timedelta) -> StaffWebSession:
        session = StaffWebSession(
            secret_hash=secret_hash,
            staff=staff,
            form_token=form_token,
            started_at=self.now,
            expires_at=self.now + lasts,
        )
        self.session.add(session)
        self.session.flush()
        return session

    def live_session(self, secret_hash: str) -> StaffWebSession | None:
        """The session, unless it ended or expired."""
        session = self.session.get(StaffWebSession, secret_hash)
        if session is None or session.ended_at is not None or session.expires_at <= self.now:
            return None
        return session

    def end_session(self, secret_hash: str) -> None:
        session = self.session.get(StaffWebSession, secret_hash)
        if session is not None and session.ended_at is None:
            session.ended_at = self.now
