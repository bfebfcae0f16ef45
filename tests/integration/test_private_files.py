"""What the bot writes with applicants' personal data on disk (the SQLite database, evidence
files, dossiers in the staff folder, staff exports) only its own user may read: files 0600,
the folders it makes 0700, even under a umask that would allow everyone everything."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.channels.console.staff import run_staff_command
from bot.delivery.staff_folder import FolderStaffSender
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.staff.desk import StaffDesk
from storage.database import make_engine
from storage.files import FileStore
from storage.migrate import upgrade
from storage.models import OutboxMessage
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, PDF, SUBMIT
from tests.conftest import Applicant as Talker


@pytest.fixture(autouse=True)
def open_umask() -> Iterator[None]:
    previous = os.umask(0)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_sqlite_database_its_journal_and_its_folders(tmp_path: Path):
    path = tmp_path / "data" / "db" / "cmm.sqlite3"
    database = make_engine(f"sqlite:///{path}")
    try:
        upgrade(database)
        with database.connect():  # open, in WAL mode: its -wal and -shm files are there
            journal = sorted(path.parent.glob("cmm.sqlite3-*"))
            assert [file.name for file in journal] == ["cmm.sqlite3-shm", "cmm.sqlite3-wal"]
            assert [mode(file) for file in [path, *journal]] == [0o600, 0o600, 0o600]
    finally:
        database.dispose()
    assert mode(tmp_path / "data") == mode(tmp_path / "data" / "db") == 0o700


def test_an_evidence_file_and_its_folders(tmp_path: Path):
    files = FileStore(tmp_path / "files")
    stored = files.path(files.put(PDF))
    assert mode(stored) == 0o600
    assert mode(stored.parent) == mode(tmp_path / "files") == 0o700


async def test_a_dossier_in_the_staff_folder_and_a_staff_export(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path
):
    Talker(engine).answer_all([*FULL_APPLICATION, *SUBMIT])
    with Session(sqlite_storage.engine) as session:
        submitted = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "dossier.submitted")).one()
    desk = StaffDesk(sqlite_storage, policy=Policy())
    folder = tmp_path / "staff" / "dossiers"
    await FolderStaffSender(folder, desk).deliver(submitted)
    dossier = folder / "CMM-000001-v1"
    written = sorted(file.name for file in dossier.iterdir())
    assert written == ["dossier.json", "dossier.pdf", "evidence.zip", "notification.txt"]
    assert {mode(file) for file in dossier.iterdir()} == {0o600}
    assert mode(tmp_path / "staff") == mode(folder) == mode(dossier) == 0o700

    out = tmp_path / "export"
    run_staff_command(desk, "export CMM-000001", out=out)
    assert len(list(out.iterdir())) == 3 and {mode(file) for file in out.iterdir()} == {0o600}
    assert mode(out) == 0o700
