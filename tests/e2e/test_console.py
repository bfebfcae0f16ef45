"""The terminal channel as a person uses it: ``python -m bot console`` in a subprocess, typed
line by line through a pipe, then the dossier exported from the command line."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import JPEG, PDF
from tests.e2e.processes import bot_subprocess, free_port, run_bot
from tests.mail_server import Inbox

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "FILES_DIR": str(tmp_path / "files"),
        "STAFF_FOLDER": str(tmp_path / "staff"),
    }


def application_lines(tmp_path: Path) -> list[str]:
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)
    letter = tmp_path / "letter.jpg"
    letter.write_bytes(JPEG)
    lines = [
        "1",
        "Maria Gonzalez",
        "maria@example.org",
        "2",
        "Global Mentoring Academy",
        "2",
        "Foundations of Professional Mentoring",
        "52.5",
        "hybrid",
        "10 January 2024",
        "March 20 2024",
        "Dr. Amal Haddad",
        "amal@academy.example",
        str(tmp_path / "missing.pdf"),
        str(certificate),
        "yes",
        "CPM-2019-0457",
        "2020-03-01",
        "12",
    ]
    for number in range(1, 6):
        lines += [f"Mentee {number}", f"mentee{number}@example.com", "2023-01-01", "2023-06-30", "1"]
        lines += [str(letter), "2", "no"] if number == 1 else ["/skip"]
    lines += [
        "Sam Okafor",
        "sam.okafor@example.net",
        "12 Harbour Road, Dublin D02 X285, Ireland",
        "3",
        "yes",
        "yes",
        "yes",
    ]
    return lines


def test_whole_application_in_the_terminal_then_export(env: dict[str, str], tmp_path: Path):
    lines = application_lines(tmp_path)
    done = run_bot("console", env=env, stdin="\n".join(lines + ["1", "submit now"]) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "  1. Yes\n  2. No" in out  # choices as numbered lines
    assert "I can't read a file at" in out and "missing.pdf" in out
    assert "✓ Evidence: certificate.pdf" in out
    assert "✓ Reference letter: letter.jpg" in out
    assert "✓ Letter from: The mentee's manager" in out
    assert "Application fee: 598 USD" in out and "about 6–8 weeks" in out
    assert "The application fee of 598 USD (not an IMC member) will then be due." in out
    assert "✓ Submitted. Your dossier CMM-000001 (version 1)" in out
    assert f"[staff] CMM-000001 version 1 is in {tmp_path / 'staff' / 'CMM-000001-v1'}" in out
    staff = tmp_path / "staff" / "CMM-000001-v1"
    assert (staff / "dossier.pdf").read_bytes().startswith(b"%PDF")
    assert "New application CMM-000001 (version 1)" in (staff / "notification.txt").read_text()
    copy = tmp_path / "copies" / "CMM-000001-v1.pdf"  # the applicant's, beside the evidence files
    assert f"Your copy of application CMM-000001 (version 1), as submitted: CMM-000001-v1.pdf\nSaved as {copy}" in out
    assert copy.read_bytes() == (staff / "dossier.pdf").read_bytes()

    listed = run_bot("dossiers", env=env)
    assert listed.stdout.startswith("number\tversion\tstatus\tsubmitted (UTC)\nCMM-000001\tv1\tsubmitted\t")
    exported = json.loads(run_bot("export", "CMM-000001", env=env).stdout)
    assert exported == json.loads(run_bot("export", "1", "--version", "1", env=env).stdout)
    assert exported["export_schema_version"] == 1
    assert exported["dossier"]["status"] == "submitted"
    content = exported["content"]
    assert content["schema_version"] == 1
    assert content["applicant"]["full_name"] == "Maria Gonzalez"
    assert content["training"]["training_start_date"] == "2024-01-10"
    assert content["training"]["training_evidence"]["mime"] == "application/pdf"
    assert [reference["mentee_email"] for reference in content["experience"]["ref"]] == [
        f"mentee{number}@example.com" for number in range(1, 6)
    ]
    text = run_bot("export", "1", "--format", "text", env=env).stdout
    assert "application CMM-000001, version 1" in text
    assert "Experience · Reference 5\n  Mentee: Mentee 5" in text
    assert "Supervisor address: 12 Harbour Road, Dublin D02 X285, Ireland" in text
    missing = run_bot("export", "7", env=env)
    assert missing.returncode == 1 and "There is no dossier 7" in missing.stderr
    no_version = run_bot("export", "CMM-000001", "--version", "2", env=env)
    assert no_version.returncode == 1 and "There is no version 2 of dossier CMM-000001" in no_version.stderr
    refused = run_bot("staff", "approve", "CMM-000009", env=env)
    assert refused.returncode == 1 and "CMM-000009" in refused.stdout

    assert "Nothing waiting" not in run_bot("staff", "queue", env=env).stdout
    approved = run_bot("staff", "approve", "CMM-000001", "Well", "documented", env=env)
    assert "CMM-000001 is approved" in approved.stdout
    told = run_bot("console", env=env, stdin="/status\n")
    assert "[IMC] Congratulations! Your application CMM-000001 is approved" in told.stdout
    assert "Note from IMC: Well documented" in told.stdout
    assert "Everything has been delivered." in run_bot("outbox", env=env).stdout


@pytest.fixture
def mail_server() -> Iterator[tuple[Inbox, int]]:
    """A mail server on loopback: what it received, and its port."""
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    yield inbox, port
    server.stop()


def shown_until(output: IO[str], text: str) -> str:
    """What a process printed, up to the line with ``text`` (to its end if none has it)."""
    shown = ""
    for line in iter(output.readline, ""):
        shown += line
        if text in line:
            break
    return shown


def test_the_idle_terminal_shows_a_notice_and_sends_its_email(
    env: dict[str, str], tmp_path: Path, mail_server: tuple[Inbox, int]
):
    inbox, port = mail_server
    env = {**env, "SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "IMC Credentialing <credentialing@example.org>"}
    with bot_subprocess("console", env=env) as console:
        assert console.stdin is not None and console.stdout is not None
        console.stdin.write("\n".join([*application_lines(tmp_path), "1", "submit now"]) + "\n")
        console.stdin.flush()  # and kept open: the applicant has stopped typing, not left
        assert "✓ Submitted. Your dossier CMM-000001" in shown_until(console.stdout, "✓ Submitted.")
        assert inbox.wait_for(1)  # the receipt

        assert "now in review" in run_bot("staff", "review", "1", env=env).stdout
        assert "[IMC] IMC has started reviewing your application CMM-000001." in shown_until(
            console.stdout, "[IMC] IMC has started reviewing"
        )
        assert inbox.wait_for(2)
        console.stdin.close()
        assert console.wait() == 0
    assert [message["Subject"] for message in inbox.emails] == [
        "CMM application CMM-000001: received",
        "CMM application CMM-000001: review started",
    ]


def test_the_terminal_resumes_where_the_applicant_stopped(env: dict[str, str], tmp_path: Path):
    run_bot("console", env=env, stdin="yes\nMaria Gonzalez\n")
    again = run_bot("console", env=env, stdin="/summary\n")
    assert "Welcome back" in again.stdout
    assert "Full name: Maria Gonzalez" in again.stdout
    assert again.stdout.rstrip().endswith("What is your email address? IMC sends its decision there.")


def test_the_terminal_sweeps_a_file_a_cut_off_save_left(env: dict[str, str], tmp_path: Path):
    leftover = tmp_path / "files" / "ab" / f"ab{'0' * 62}"  # stored, but its record never committed
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(PDF)
    os.utime(leftover, (0, 0))
    assert run_bot("console", env=env, stdin="").returncode == 0
    assert not leftover.exists()


def test_bytes_that_are_not_utf8_are_refused_not_a_crash(env: dict[str, str]):
    # As in a UTF-8 locale such as en_US.UTF-8, where Python reads the terminal strictly.
    done = run_bot("console", env={**env, "PYTHONIOENCODING": "utf-8:strict"}, stdin="yes\n\udcff\nMaria Gonzalez\n")
    assert done.returncode == 0, done.stderr
    assert "I can't use text with a character that is not valid Unicode in it (U+DCFF)" in done.stdout
    assert "✓ Full name: Maria Gonzalez" in done.stdout
