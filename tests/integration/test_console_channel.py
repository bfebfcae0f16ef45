"""The terminal channel on the engine, typed into through a StringIO: whatever is typed, it
answers and goes on, never stops with a traceback."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.channels.console.applicant import CHANNEL, ConsoleApplicantSender, ConsoleChannel, Unreadable, read_file
from bot.delivery.applicant_notices import ApplicantNotices
from bot.delivery.dispatcher import Dispatcher
from conversations.application.engine import ConversationEngine
from conversations.notices import applicant_destination
from conversations.staff.desk import StaffDesk
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, PDF, TRAINING_ANSWERS, Applicant, stored_draft

UP_TO_EVIDENCE = ["yes", *APPLICANT_ANSWERS[1:], *TRAINING_ANSWERS[:-1]]


def typed(engine: ConversationEngine, lines: list[str]) -> str:
    """What the terminal shows after ``lines`` are typed."""
    out = io.StringIO()
    console = ConsoleChannel(engine, stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out)
    assert console.run() == 0
    return out.getvalue()


@pytest.mark.parametrize(
    ("symbol", "says"),
    [
        ("²", "please answer the question below with yes or no"),
        ("①", "please answer the question below with yes or no"),
        ("1" * 5000, "I can't use a message of 5,000 characters"),
    ],
)
def test_digit_like_symbols_at_a_choice_are_refused_not_a_crash(
    engine: ConversationEngine, sqlite_storage: Storage, symbol: str, says: str
):
    # str.isdigit() is true for "²" and "①", but int() can't read them, nor 5,000 digits.
    out = typed(engine, [symbol, "1"])
    assert says in out
    assert "Thank you. Let's begin." in out
    assert stored_draft(sqlite_storage, "local", "console").answers == {"consent": "yes"}


def test_a_refused_choice_lists_its_options_once(engine: ConversationEngine):
    out = typed(engine, ["yes", *APPLICANT_ANSWERS[1:3], "perhaps"])
    refused = out[out.rindex("isn't one of the answers offered") :]
    assert refused.count("Yes") == 1 and refused.count("No") == 1  # the numbered lines only


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("certificate\x00.pdf", "a path can't have a NUL character in it"),
        ("/dev/zero", "it is not a regular file"),
        (".", "Is a directory"),
        ("/tmp", "Is a directory"),  # one level under /, like a command, but a folder on disk
        ("~no-such-user-here/certificate.pdf", "there is no such home folder"),
        ("/no/such/certificate.pdf", "No such file or directory"),
    ],
)
def test_a_path_that_gives_no_file_is_said_and_asked_again(
    engine: ConversationEngine, sqlite_storage: Storage, path: str, says: str
):
    out = typed(engine, [*UP_TO_EVIDENCE, path])
    assert f"({says}). Type the path of the file, e.g. ~/Documents/certificate.pdf." in out
    assert stored_draft(sqlite_storage, "local", "console").state == "training_evidence"


def test_a_command_at_a_file_question_is_a_command(engine: ConversationEngine, sqlite_storage: Storage):
    out = typed(engine, [*UP_TO_EVIDENCE, "/summary"])
    assert "I can't read a file at /summary" not in out and "Training center" in out


def test_a_path_is_shown_back_without_what_a_terminal_would_run(engine: ConversationEngine):
    out = typed(engine, [*UP_TO_EVIDENCE, "/no/such/\x1b[2Jcertificate.pdf"])
    assert "I can't read a file at /no/such/\\x1b[2Jcertificate.pdf (No such file or directory)" in out
    assert "\x1b" not in out


def test_a_pipe_is_refused_without_waiting_for_a_writer(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path
):
    fifo = tmp_path / "certificate.pdf"
    os.mkfifo(fifo)
    out = typed(engine, [*UP_TO_EVIDENCE, str(fifo)])
    assert "(it is not a regular file)" in out


def test_a_file_over_the_limit_is_not_read_and_its_size_is_said(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path
):
    huge = tmp_path / "scan.pdf"
    with huge.open("wb") as file:
        file.truncate(3_000_000_000)  # sparse: takes no room on the disk
    out = typed(engine, [*UP_TO_EVIDENCE, str(huge)])
    assert "That file is 3000 MB; the limit is 20 MB" in out
    assert stored_draft(sqlite_storage, "local", "console").state == "training_evidence"


def test_read_file_reads_no_further_than_one_byte_past_the_limit(tmp_path: Path):
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    assert read_file(str(certificate), max_bytes=len(PDF)).content == PDF
    assert read_file(str(certificate), max_bytes=len(PDF) - 1).content is None
    # A file whose size the system does not know (it says 0) is still read only so far.
    assert len(read_file("/proc/self/status", max_bytes=10).content or b"") == 11
    with pytest.raises(Unreadable, match="not a regular file"):
        read_file("/dev/zero", max_bytes=10)


def test_a_readable_file_is_sent(engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path):
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    out = typed(engine, [*UP_TO_EVIDENCE, str(certificate)])
    assert "✓ Evidence: certificate.pdf" in out


def test_a_question_at_a_file_question_goes_to_the_engine_not_taken_for_a_path(engine: ConversationEngine):
    out = typed(engine, [*UP_TO_EVIDENCE, "can the certificate be a photo?", "hello"])
    assert "I can't read a file at" not in out
    assert "I'm not sure I have the answer" in out or "(More questions: /faq." in out
    assert "This question needs a file: please send a PDF, JPEG or PNG" in out


def test_a_relative_file_name_is_read_as_a_path(engine: ConversationEngine, tmp_path: Path):
    out = typed(engine, [*UP_TO_EVIDENCE, "no-such-certificate.pdf"])
    assert "I can't read a file at no-such-certificate.pdf (No such file or directory)" in out


def test_a_number_under_the_faq_topics_picks_a_topic_not_an_answer(engine: ConversationEngine, sqlite_storage: Storage):
    out = typed(engine, [*APPLICANT_ANSWERS[:3], "/faq", "1", "1"])
    assert "You can also just answer “IMC member”" in out and "Eligibility: pick a question." in out
    draft = stored_draft(sqlite_storage, "local", "console")
    assert "is_member" not in draft.answers and draft.state == "is_member"


def test_keep_is_listed_by_its_word_not_a_number(engine: ConversationEngine, sqlite_storage: Storage):
    out = typed(engine, [*APPLICANT_ANSWERS, "/back", "1"])
    assert "  1. Yes\n  2. No\n  keep: Keep the saved answer" in out
    assert stored_draft(sqlite_storage, "local", "console").answers["is_member"] == "yes"


def test_in_the_terminal_two_stray_numbers_never_submit(engine: ConversationEngine, sqlite_storage: Storage, tmp_path):
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    answers = [str(certificate) if isinstance(answer, bytes) else answer for answer in FULL_APPLICATION]
    out = typed(engine, [*answers, "1", "1"])  # the review's Submit by its number, then "1" at the confirmation
    confirmation = out[out.index("Submit your application now?") :]
    assert "  Type “submit now” or “not yet”." in confirmation and "  1. Submit now" not in confirmation
    assert confirmation.rstrip().endswith("Type “submit now” or “not yet”.")
    assert "a number alone is not enough here" in confirmation
    assert stored_draft(sqlite_storage, "local", "console").state == "confirm_submit"
    assert "✓ Submitted." in typed(engine, ["submit now"])


class Screen(io.StringIO):
    """What the terminal shows; ``welcomed`` is set once it has welcomed the applicant back."""

    def __init__(self) -> None:
        super().__init__()
        self.welcomed = threading.Event()

    def write(self, text: str) -> int:
        written = super().write(text)
        if "Welcome back" in text:
            self.welcomed.set()
        return written


class TypedAfterTheWelcome(io.StringIO):
    """``text`` typed once ``screen`` shows the welcome back and ``meanwhile`` has happened."""

    def __init__(self, text: str, screen: Screen, meanwhile: Callable[[], object]) -> None:
        super().__init__(text)
        self.screen = screen
        self.meanwhile: Callable[[], object] | None = meanwhile

    def readline(self, size: int | None = -1) -> str:
        if self.meanwhile is not None and self.screen.welcomed.wait(60):
            self.meanwhile()
            self.meanwhile = None
        return super().readline(size)


def test_a_notice_queued_before_a_line_comes_before_its_reply(
    engine: ConversationEngine, sqlite_storage: Storage, tmp_path: Path
):
    applicant = Applicant(engine, user_id="local", channel=CHANNEL)
    applicant.answer_all(FULL_APPLICATION)
    applicant.submit()
    desk = StaffDesk(sqlite_storage, policy=engine.policy)
    screen = Screen()
    typed = TypedAfterTheWelcome("/status\n", screen, lambda: desk.start_review("1", actor="staff"))
    console = ConsoleChannel(engine, stdin=typed, stdout=screen)
    copies = ConsoleApplicantSender(console.notice, ApplicantNotices(desk), tmp_path / "copies")
    dispatcher = Dispatcher(sqlite_storage, {applicant_destination(CHANNEL): copies})
    # Never idle long enough to deliver for that: the line itself must bring the notice first.
    assert console.run(deliver=lambda: asyncio.run(dispatcher.deliver_due()), every=3600) == 0
    shown = screen.getvalue()
    welcome, status = shown.index("Welcome back"), shown.rindex("Your application CMM-000001 (version 1) is in review.")
    assert welcome < shown.index("[IMC] IMC has started reviewing your application CMM-000001.") < status
