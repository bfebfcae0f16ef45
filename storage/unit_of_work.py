"""Reading and writing the conversation's records, one transaction per applicant message: the
unit of work, and the repository of each kind of record reached from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlmodel import Session

from storage.clock import Clock, system_clock
from storage.database import READ_ONLY
from storage.files import FileStore
from storage.repositories.applicants import Applicants
from storage.repositories.arrivals import Arrivals
from storage.repositories.dossiers import Dossiers
from storage.repositories.evidence import Evidence
from storage.repositories.faq_entries import FaqEntries
from storage.repositories.funnel import Funnel
from storage.repositories.inbox import Inbox
from storage.repositories.outbox import Outbox
from storage.repositories.questions import Questions
from storage.repositories.staff_notes import StaffNotes
from storage.repositories.staff_web import StaffWeb


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

    @contextmanager
    def reading(self) -> Iterator[Transaction]:
        """A unit of work that only reads, on one snapshot. On SQLite it takes no write lock (a
        deferred BEGIN, which WAL lets run beside the writer), so a long read, the funnel's,
        holds up no applicant's turn. It must write nothing."""
        engine = self.engine.execution_options(**{READ_ONLY: True})
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield Transaction(session, now=self.clock())


class Transaction:
    def __init__(self, session: Session, *, now: dt.datetime) -> None:
        """``now``: the time of this unit of work, read once from the storage's clock when it
        began; every row it writes is stamped with it, and every "is it due?" is asked of it."""
        self.now = now
        self.inbox = Inbox(session, now)
        self.arrivals = Arrivals(session, now)
        self.outbox = Outbox(session, now)
        self.evidence = Evidence(session, now)
        self.dossiers = Dossiers(session, now, outbox=self.outbox)
        self.applicants = Applicants(session, now, evidence=self.evidence, inbox=self.inbox, outbox=self.outbox)
        self.questions = Questions(session, now)
        self.faq_entries = FaqEntries(session, now)
        self.staff_web = StaffWeb(session, now)
        self.staff_notes = StaffNotes(session, now)
        self.funnel = Funnel(session, now)
