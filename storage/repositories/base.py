"""What every repository holds: the unit of work's session, and its moment."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session


class Repository:
    def __init__(self, session: Session, now: dt.datetime) -> None:
        """``now``: the moment of the unit of work (``Transaction.now``), stamped on every row written."""
        self.session = session
        self.now = now
