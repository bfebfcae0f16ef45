"""Staff and support at the terminal (``python -m bot staff|support|dossiers|outbox ...``): words
taken as typed, ``--`` included; a refusal exits 1; listings with a header, or a line saying there
is nothing to list."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.__main__ import main
from conversations.application.engine import ConversationEngine
from storage.models import DossierStatus
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, SUBMIT
from tests.conftest import Applicant as Talker


@pytest.fixture
def terminal(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands run on the tests' database, with files and exports in the test's folder."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("FILES_DIR", str(tmp_path / "files"))
    monkeypatch.chdir(tmp_path)


def test_listings_say_when_there_is_nothing(terminal: None, capsys: pytest.CaptureFixture[str]):
    for command, said in (
        (["dossiers"], "No application has been submitted yet."),
        (["outbox"], "Everything has been delivered."),
        (["support", "list"], "No question is waiting for a person."),
        (["faq-report"], "No unanswered questions."),
        (["staff", "queue"], "Nothing waiting."),
    ):
        assert main(command) == 0
        assert capsys.readouterr().out == said + "\n"


def test_staff_request_takes_the_note_after_an_unquoted_double_dash(
    terminal: None, engine: ConversationEngine, sqlite_storage: Storage, capsys: pytest.CaptureFixture[str]
):
    Talker(engine).answer_all([*FULL_APPLICATION, *SUBMIT])
    assert main(["dossiers"]) == 0
    assert capsys.readouterr().out.startswith("number\tversion\tstatus\tsubmitted (UTC)\nCMM-000001\tv1\tsubmitted\t")

    assert main(["staff", "request", "CMM-000001", "training", "hours", "--", "Please", "attach", "it"]) == 0
    assert "CMM-000001" in capsys.readouterr().out
    with sqlite_storage.transaction() as tx:
        dossier = tx.dossiers.latest(1)
        [change] = [change for change in tx.dossiers.history(1) if change.status == DossierStatus.INFO_REQUESTED]
    assert dossier is not None and dossier.status == DossierStatus.INFO_REQUESTED
    assert change.note == "Please attach it"


def test_a_refused_staff_command_exits_1(terminal: None, capsys: pytest.CaptureFixture[str]):
    assert main(["staff", "approve", "CMM-000009"]) == 1
    assert "There is no dossier CMM-000009" in capsys.readouterr().out
    assert main(["staff", "frobnicate", "1"]) == 1
    assert main(["staff", "help"]) == 0
