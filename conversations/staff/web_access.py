"""Who may use the staff web desk: one-time sign-in links given to staff, and the sessions they open.

A link is made for someone already known as staff where they asked for it (a staff id of the chat
platform, or the terminal); it opens one session, once, within ``LINK_LIFETIME``, and a session
lasts ``SESSION_LIFETIME`` or until its staff member signs out. A link's secret and a session's
are random (256 bits), and only their sha256 is stored: a copy of the database is no way in, a
link cannot be forged or guessed, and no signing key has to be shared between the chat process
that gives a link and the web process that takes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from storage.unit_of_work import Storage

LINK_LIFETIME = dt.timedelta(minutes=10)
SESSION_LIFETIME = dt.timedelta(hours=8)
SIGN_IN_PATH = "/sign-in/"


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, the token its forms carry, and until when it lasts."""

    staff: str
    form_token: str
    expires_at: dt.datetime

    def shows(self, form_token: str) -> bool:
        """Whether a form posted in this session came from one of its pages."""
        return secrets.compare_digest(self.form_token, form_token)


@dataclass(frozen=True)
class Opened:
    """A session just opened: the secret for the browser's cookie, and the session."""

    secret: str
    signed_in: SignedIn


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class WebAccess:
    def __init__(self, storage: Storage, *, base_url: str) -> None:
        """``base_url``: where staff's browsers reach the desk (``WEB_BASE_URL``)."""
        self.storage = storage
        self.base_url = base_url.rstrip("/")

    def link_for(self, staff: str) -> str:
        """A new sign-in link for ``staff`` (as the dossier's history names actors)."""
        secret = secrets.token_urlsafe(32)
        with self.storage.transaction() as tx:
            tx.staff_web.add_link(_hash(secret), staff, lasts=LINK_LIFETIME)
        return f"{self.base_url}{SIGN_IN_PATH}{secret}"

    def sign_in(self, link_secret: str) -> Opened | None:
        """A session for the staff member the link was given to; None for a link unknown, used
        or out of time, which stays so."""
        secret = secrets.token_urlsafe(32)
        form_token = secrets.token_urlsafe(32)
        with self.storage.transaction() as tx:
            staff = tx.staff_web.use_link(_hash(link_secret))
            if staff is None:
                return None
            session = tx.staff_web.start_session(_hash(secret), staff, form_token, lasts=SESSION_LIFETIME)
        return Opened(secret, SignedIn(staff, form_token, session.expires_at))

    def signed_in(self, session_secret: str) -> SignedIn | None:
        """The session the browser's cookie holds, unless it ended or expired."""
        if not session_secret:
            return None
        with self.storage.transaction() as tx:
            session = tx.staff_web.live_session(_hash(session_secret))
            if session is None:
                return None
            return SignedIn(session.staff, session.form_token, session.expires_at)

    def sign_out(self, session_secret: str) -> None:
        with self.storage.transaction() as tx:
            tx.staff_web.end_session(_hash(session_secret))
