"""Evidence files: what staff receive is what the final answers give, a file no answer (and no
submitted version) refers to any more is deleted from the store, and so is a file a save cut off
left without a record."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.staff_folder import FolderStaffSender
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.staff.desk import StaffDesk
from storage.sweep import sweep_files
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    JPEG,
    PDF,
    PNG,
    SUBMIT,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    ManualClock,
)
from tests.conftest import Applicant as Talker

REPLACED, FINAL = PNG, JPEG  # the training evidence sent first, and the one sent instead
LATER = EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS  # the reference 1 letter is PDF


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def until_the_evidence(talker: Talker) -> None:
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:-1])
    talker.send(REPLACED, "first-scan.png")


def staff_folder_receives(storage: Storage, folder: Path) -> list[tuple[str, bytes]]:
    """The staff folder gets every dossier version submitted so far; the files of the newest
    version's evidence zip."""
    desk = StaffDesk(storage, policy=Policy())
    asyncio.run(Dispatcher(storage, {"staff:folder": FolderStaffSender(folder, desk)}).deliver_due())
    [*_, newest] = sorted(folder.iterdir())
    with zipfile.ZipFile(io.BytesIO((newest / "evidence.zip").read_bytes())) as archive:
        return [(name, archive.read(name)) for name in archive.namelist()]


@pytest.mark.parametrize(
    "replaced_by",
    [
        ["/back"],  # back to the question, and a file sent again
        [*LATER, "/edit training evidence"],  # at the review, an edit of the answer
    ],
)
def test_a_replaced_file_is_not_sent_to_staff_and_is_deleted(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path, replaced_by: list
):
    talker = Talker(engine)
    until_the_evidence(talker)
    talker.answer_all(replaced_by)
    talker.send(FINAL, "certificate.jpg")
    if replaced_by == ["/back"]:
        talker.answer_all(LATER)
    talker.say("submit")
    assert "Submitted" in talker.say("yes, submit")
    assert staff_folder_receives(sqlite_storage, tmp_path / "staff") == [
        ("01-certificate.jpg", FINAL),
        ("02-certificate.pdf", PDF),
    ]
    assert not sqlite_storage.files.path(sha256(REPLACED)).exists()
    assert sqlite_storage.files.path(sha256(FINAL)).read_bytes() == FINAL


def test_a_file_replaced_after_submission_stays_with_the_version_that_gave_it(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path
):
    talker = Talker(engine)
    until_the_evidence(talker)
    talker.answer_all([*LATER, *SUBMIT])
    desk = StaffDesk(sqlite_storage, policy=Policy())
    desk.request_information(1, ["training evidence"], actor="staff:ana", note="A clearer scan, please.")
    talker.send(FINAL, "certificate.jpg")
    assert "Resubmit now?" in talker.say("resubmit")
    assert "Resubmitted" in talker.say("yes, resubmit")
    assert staff_folder_receives(sqlite_storage, tmp_path / "staff") == [
        ("01-certificate.jpg", FINAL),
        ("02-certificate.pdf", PDF),
    ]
    assert sqlite_storage.files.path(sha256(REPLACED)).read_bytes() == REPLACED  # version 1's evidence
    first = desk.reported_dossier(1)
    assert [name for name, _ in desk.evidence_files(first)] == ["01-first-scan.png", "02-certificate.pdf"]


def test_restart_lets_go_of_every_file(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    until_the_evidence(talker)
    talker.answer_all(["/restart", "yes"])
    with sqlite_storage.transaction() as tx:
        assert tx.evidence.of(tx.applicants.find("test", talker.user_id).id) == []
    assert not sqlite_storage.files.path(sha256(REPLACED)).exists()


def modified(path: Path) -> dt.datetime:
    return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)


def test_the_sweep_removes_old_files_no_record_refers_to(storage: Storage, clock: ManualClock):
    files = storage.files
    with storage.transaction() as tx:
        recorded = files.put(PDF)
        applicant_id = tx.applicants.add("test", "maria").id
        tx.evidence.record(applicant_id, sha256=recorded, mime="application/pdf", size=len(PDF), name="c.pdf")
    leftover = files.path(files.put(PNG))  # the process was killed before the turn committed
    aside = leftover.with_name(".incoming-cut-off")  # killed while writing
    aside.write_bytes(PNG[:5])
    clock.now = max(modified(path) for path in files.stored()) + dt.timedelta(minutes=1)
    assert sweep_files(storage) == []  # as young as a file being saved right now
    clock.advance(hours=1)
    assert sorted(sweep_files(storage)) == sorted([leftover, aside])
    assert sorted(files.stored()) == [files.path(recorded)]


def test_a_file_saved_again_is_not_taken_for_a_leftover(storage: Storage, clock: ManualClock, tmp_path: Path):
    """An old file without a record, saved again by a turn whose record is not committed yet."""
    path = storage.files.path(storage.files.put(PNG))
    os.utime(path, (0, 0))
    storage.files.put(PNG)
    (tmp_path / "now").touch()
    clock.now = modified(tmp_path / "now") + dt.timedelta(minutes=1)
    assert sweep_files(storage) == []
