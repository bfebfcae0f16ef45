"""Shared fixtures: a clock that stands still until a test moves it, a real database (SQLite,
and PostgreSQL where marked), the storage and the engine on it, and an ``Applicant`` that talks
to the engine."""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from filelock import FileLock
from sqlmodel import Session, col, select

from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.messages import Inbound, IncomingFile, Outbound
from conversations.notices import notice_in
from conversations.staff.desk import StaffDesk
from conversations.support.faq.knowledge import load
from storage.database import make_engine
from storage.files import FileStore
from storage.models import Draft, OutboxMessage
from storage.unit_of_work import Storage

if TYPE_CHECKING:
    from conversations.support.faq.index import FaqIndex

# When the tests' clock starts. The date is arbitrary: nothing reads the machine's clock, so the
# suite gives the same results whatever day it runs.
START = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
TODAY = START.date()

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
# Answers found nowhere else, so that a test can tell they reached no log line.
UNIQUE_NAME, UNIQUE_EMAIL = "Zebulon Quartzfield", "zebulon.quartzfield@example.org"


ROOT = Path(__file__).resolve().parents[1]
pytest_plugins = ["tests.databases"]


@pytest.fixture(scope="session", autouse=True)
def faq_cache() -> Path:
    """The folder of learned FAQ indexes, for the tests and the bot processes they start: the one
    ``make install`` fills (``FAQ_CACHE_DIR``, by default ``data/cache``), so that the index is
    learned at most once, whatever the number of test processes."""
    folder = Path(os.environ.get("FAQ_CACHE_DIR", ROOT / "data" / "cache")).resolve()
    os.environ["FAQ_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def faq_index(faq_cache: Path) -> FaqIndex:
    """The learned index of the knowledge base, made once per test process (read from the cache;
    learned there first, by one process while the others wait, if it is not there yet)."""
    from conversations.support.faq.index import FaqIndex

    faq_cache.mkdir(parents=True, exist_ok=True)
    with FileLock(faq_cache / "learning.lock"):
        return FaqIndex(load(), cache=faq_cache)


@pytest.fixture
def asking(faq_index: FaqIndex) -> Asking:
    return Asking(index=faq_index)


class ManualClock:
    """The storage's clock in tests: it stands still until the test moves it."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def policy() -> Policy:
    return Policy()


def open_storage(url: str, files_dir: Path, clock: ManualClock) -> Storage:
    """The storage on a database the fixtures have migrated (as a process of the bot opens it)."""
    return Storage(make_engine(url), FileStore(files_dir), clock)


@pytest.fixture
def storage(database_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[Storage]:
    opened = open_storage(database_url, tmp_path / "files", clock)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def sqlite_storage(sqlite_url: str, tmp_path: Path, clock: ManualClock) -> Iterator[Storage]:
    opened = open_storage(sqlite_url, tmp_path / "files", clock)
    yield opened
    opened.engine.dispose()


def make_engine_on(storage: Storage, policy: Policy | None = None, asking: Asking | None = None) -> ConversationEngine:
    return ConversationEngine(storage, policy=policy or Policy(), asking=asking)


_event_ids = itertools.count(1)


class Applicant:
    """Someone talking to the engine: ``say`` sends a text, ``send`` a file; both return the reply."""

    def __init__(self, engine: ConversationEngine, user_id: str = "applicant-1", channel: str = "test") -> None:
        self.engine = engine
        self.user_id = user_id
        self.channel = channel
        self.last: Outbound | None = None

    def inbound(
        self, text: str = "", file: IncomingFile | None = None, event_id: str | None = None, **extra: Any
    ) -> Inbound:
        return Inbound(self.channel, self.user_id, event_id or f"e{next(_event_ids)}", text=text, file=file, **extra)

    def deliver(self, inbound: Inbound) -> str:
        replies = self.engine.handle(inbound)
        if replies:
            self.last = replies[-1]
        return "\n\n".join(reply.text for reply in replies)

    def say(self, text: str) -> str:
        return self.deliver(self.inbound(text))

    def send(self, content: bytes, name: str = "certificate.pdf") -> str:
        return self.deliver(self.inbound(file=IncomingFile(name, content)))

    def submit(self) -> str:
        """Submit from the review, confirming it; the reply to the confirmation."""
        self.say(SUBMIT[0])
        return self.say(SUBMIT[1])

    def answer_all(self, answers: list) -> None:
        for answer in answers:
            if isinstance(answer, bytes):
                self.send(answer)
            else:
                self.say(answer)


def reference_answers(number: int, *, letter: bool = False) -> list:
    answers: list = [f"Mentee {number}", f"mentee{number}@example.com", "2023-01-01", "2023-06-30", "external"]
    return answers + ([PDF, "mentee", "no"] if letter else ["/skip"])


APPLICANT_ANSWERS = ["yes", "Maria Gonzalez", "maria@example.org", "no"]
TRAINING_ANSWERS = [
    "Global Mentoring Academy",
    "accredited",
    "Foundations of Professional Mentoring",
    "52.5",
    "hybrid",
    "2024-01-10",
    "2024-03-20",
    "Dr. Amal Haddad",
    "amal@academy.example",
    PDF,
]
EXPERIENCE_ANSWERS = ["yes", "CPM-2019-0457", "1 March 2023", "12"] + [
    answer for number in range(1, 6) for answer in reference_answers(number, letter=number == 1)
]
SUPERVISION_ANSWERS = [
    "Sam Okafor",
    "sam.okafor@example.net",
    "12 Harbour Road, Dublin D02 X285, Ireland",
    "both",
    "yes",
    "yes",
    "yes",
]
FULL_APPLICATION = APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS
SUBMIT = ["submit", "yes, submit"]  # at the review, then at the confirmation


@pytest.fixture
def engine(sqlite_storage: Storage, asking: Asking) -> ConversationEngine:
    """The engine on SQLite; tests of storage and durability use ``storage`` (both databases)."""
    return make_engine_on(sqlite_storage, asking=asking)


@pytest.fixture
def desk(sqlite_storage: Storage) -> StaffDesk:
    """Staff's desk on the same SQLite database as ``engine``."""
    return StaffDesk(sqlite_storage, policy=Policy())


@pytest.fixture
def applicant(engine: ConversationEngine) -> Applicant:
    return Applicant(engine)


def stored_draft(storage: Storage, user_id: str = "applicant-1", channel: str = "test") -> Draft | None:
    """The draft as committed in the database (state and answers), or None."""
    with storage.transaction() as tx:
        found = tx.applicants.find(channel, user_id)
        return None if found is None else tx.applicants.draft_of(found)


def applicant_notices(storage: Storage) -> list[str]:
    """The texts queued for applicants (status changes, reminders), oldest first."""
    with Session(storage.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.topic == "applicant.message").order_by(col(OutboxMessage.id))
        )
        return [notice_in(row).outbound.text for row in rows]


_LAYERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Unit, then integration, then end-to-end tests, so that the quick ones fail first; the
    end-to-end ones (bot processes, platform stand-ins) are marked ``e2e``."""

    def layer(item: pytest.Item) -> int:
        part = item.path.relative_to(ROOT / "tests").parts[0]
        return _LAYERS.index(part) if part in _LAYERS else len(_LAYERS)

    for item in items:
        if layer(item) == _LAYERS.index("e2e"):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=layer)
