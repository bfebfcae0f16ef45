"""The terminal channel: one applicant types (or pipes) answers line by line.

Choices are shown as numbered lines and a number picks a choice of the list printed last, as
its button would (naming the list, so the engine can tell a list no longer current); "keep the
saved answer" is listed by its word, never a number. When the bot asks for a file, a line that
looks like a path is read as one. Nothing else happens here: the engine does the rest.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import stat
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from bot.delivery.applicant_notices import ApplicantNotices
from conversations.application.engine import ConversationEngine
from conversations.application.validators import choice_number
from conversations.messages import KEEP, KEEP_WORD, Choice, Inbound, IncomingFile, Outbound
from storage.models import OutboxMessage
from storage.private_files import make_private_folder, write_private_file

CHANNEL = "console"
# A command is a first word like /skip; a path like /home/maria/certificate.pdf has more slashes.
_COMMAND = re.compile(r"/[^/\s]+(\s.*)?")


# Starts like a path (~/, /, ./, ../, C:\), ends with a file's extension (.pdf), or is one word with a
# slash in it (Documents/letter.jpeg).
_PATH_LIKE = re.compile(r"^(~|\.{0,2}[/\\]|[A-Za-z]:[/\\])|\.[A-Za-z0-9]{1,5}$|^[^\s/\\]*[/\\]\S*$")


def _is_path(line: str) -> bool:
    """At a file question: a line that looks like a path, or names something on disk; not one
    that reads as a command (``/skip``) unless something on disk has that name (``/tmp`` is a
    folder, not a command). Anything else (a question about the file) goes to the engine."""
    if os.path.exists(os.path.expanduser(line)):
        return True
    return not _COMMAND.fullmatch(line) and _PATH_LIKE.search(line) is not None


def numbered(outbound: Outbound) -> list[Choice]:
    """The choices the terminal lists by number (1, 2, ...): all but "keep", listed by its word,
    and none of a final choice, which is typed in words."""
    return [] if outbound.final else [listed for listed in outbound.choices if listed != KEEP]


class ConsoleChannel:
    def __init__(self, engine: ConversationEngine, *, stdin: TextIO, stdout: TextIO, user_id: str = "local") -> None:
        self.engine = engine
        self.stdin = stdin
        self.stdout = stdout
        self.user_id = user_id
        self._last: Outbound | None = None
        self._deliver: Callable[[], object] | None = None
        self._prompting = False  # the "> " prompt ends the last line written, waiting for a line

    def run(self, deliver: Callable[[], object] | None = None, *, every: float = 1.0) -> int:
        """Read lines until the input ends (Ctrl-D) or Ctrl-C. ``deliver`` sends what waits in the
        outbox (notices from IMC, dossiers for the staff folder): every ``every`` seconds while
        the applicant is idle, before each line is handled (so what was queued before a line comes
        before its reply), and once more at the end."""
        interactive = self.stdin.isatty()
        self._deliver = deliver
        lines = lines_read_aside(self.stdin)
        try:
            self._deliver_due()
            self._send(text="/start")  # shows where the applicant is: the first question, or a welcome back
            while (line := self._next_line(lines, every, prompt=interactive)) is not None:
                self._on_line(line)
        except KeyboardInterrupt:  # Ctrl-C ends the session like Ctrl-D; what was answered is saved
            with contextlib.suppress(KeyboardInterrupt):
                self._deliver_due()
        if interactive:
            self._print("Bye for now. Your answers are saved; run this again to carry on.")
        return 0

    def _next_line(self, lines: queue.SimpleQueue[str | None], every: float, *, prompt: bool) -> str | None:
        """The next line read (``None`` at the end of the input), delivering what is due while
        waiting for it and once it has come."""
        while True:
            if prompt and not self._prompting:
                self._write("> ")
                self._prompting = True
            try:
                line = lines.get(timeout=every)
            except queue.Empty:
                self._deliver_due()
                continue
            if line is not None:  # its Enter ended the prompt's line; Ctrl-D leaves the prompt there
                self._prompting = False
            self._deliver_due()
            return line

    def _deliver_due(self) -> None:
        if self._deliver is not None:
            self._deliver()

    def _on_line(self, line: str) -> None:
        last = self._last
        stripped = line.strip()
        listed = numbered(last) if last else []
        number = choice_number(stripped, len(listed))
        if last and number is not None:
            self._send(text=listed[number - 1].value, choice_for=last.question or None)
        elif last and last.expects_file and stripped and _is_path(stripped):
            try:
                file = read_file(stripped, max_bytes=self.engine.policy.max_file_bytes)
            except Unreadable as error:
                self._print(
                    f"I can't read a file at {printable(stripped)} ({error}). Type the path of the file, "
                    "e.g. ~/Documents/certificate.pdf."
                )
                return
            self._send(file=file)
        else:
            self._send(text=line)

    def _send(self, *, text: str = "", file: IncomingFile | None = None, choice_for: str | None = None) -> None:
        inbound = Inbound(CHANNEL, self.user_id, uuid.uuid4().hex, text=text, file=file, choice_for=choice_for)
        for outbound in self.engine.handle(inbound, interim=self._render):
            self._render(outbound)
            self._last = outbound

    def notice(self, text: str) -> None:
        """Something from outside the conversation: a notice from IMC, a staff line."""
        self._print(text)

    def _render(self, outbound: Outbound) -> None:
        lines = [outbound.text]
        lines.extend(f"  {number}. {listed.label}" for number, listed in enumerate(numbered(outbound), start=1))
        if outbound.final:
            lines.append("  Type " + " or ".join(f"“{listed.label.lower()}”" for listed in outbound.choices) + ".")
        if KEEP in outbound.choices:
            lines.append(f"  {KEEP_WORD}: {KEEP.label}")
        if outbound.expects_file:
            lines.append("  (type the path of the file)")
        self._print("\n".join(lines))

    def _print(self, text: str) -> None:
        """``text`` on lines of its own: below the prompt when one is waiting (a notice that comes
        meanwhile), which ``_next_line`` shows again after it."""
        if self._prompting:
            self._prompting = False
            text = "\n" + text
        self._write(text + "\n\n")

    def _write(self, text: str) -> None:
        """Every write is made here, on the thread that runs ``run``: the input is read aside but
        nothing else writes, so a notice and a reply never mix within a line."""
        self.stdout.write(text)
        self.stdout.flush()


def lines_read_aside(stream: TextIO) -> queue.SimpleQueue[str | None]:
    """The lines of ``stream`` without their line ends, then ``None``, read by a thread of their
    own, so that the terminal delivers notices while it waits for the applicant."""
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            for line in iter(stream.readline, ""):
                lines.put(line.rstrip("\r\n"))
        finally:
            lines.put(None)

    # A daemon: a Ctrl-C must not wait for a line that will never be typed.
    threading.Thread(target=read, name="console-input", daemon=True).start()
    return lines


class Unreadable(Exception):
    """A typed path that gives no file; ``str(error)`` says why, for the applicant."""


def read_file(typed: str, *, max_bytes: int) -> IncomingFile:
    """The regular file at the typed path, read no further than one byte past ``max_bytes``.

    Only a regular file: a pipe may never end, and a device like /dev/zero never does. A file
    larger than the limit is not read at all: its size goes with it, as a platform tells the
    size of a file too large to fetch, and the engine refuses it saying how large it is."""
    try:
        path = Path(typed).expanduser()
        # O_NONBLOCK: a pipe opens at once, instead of waiting for someone to write to it.
        with open(path, "rb", opener=lambda name, flags: os.open(name, flags | os.O_NONBLOCK)) as file:
            status = os.fstat(file.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise Unreadable("it is not a regular file")  # a folder is refused by open()
            if status.st_size > max_bytes:
                return IncomingFile(path.name, None, size=status.st_size)
            return IncomingFile(path.name, file.read(max_bytes + 1))
    except OSError as error:
        raise Unreadable(error.strerror or "it can't be opened") from None
    except ValueError:  # the one a path with a NUL character in it raises
        raise Unreadable("a path can't have a NUL character in it") from None
    except RuntimeError:  # ~someone, for a user who does not exist
        raise Unreadable("there is no such home folder") from None


def printable(text: str) -> str:
    """``text`` with whatever a terminal would not print as such (control characters, invalid
    Unicode) written as an escape, e.g. \\x00."""
    return "".join(character if character.isprintable() else ascii(character)[1:-1] for character in text)


class ConsoleApplicantSender:
    """The outbox sender for "applicant:console": a notice is printed, if the terminal is open; a
    document with it (the applicant's copy of their dossier) is saved in ``folder`` (file 0600,
    folder 0700), and its path printed."""

    def __init__(self, echo: Callable[[str], None], notices: ApplicantNotices, folder: Path) -> None:
        self.echo = echo
        self.notices = notices
        self.folder = folder

    async def deliver(self, message: OutboxMessage) -> None:
        outbound = (await self.notices.read(message)).outbound
        text = outbound.text
        if outbound.document is not None:
            make_private_folder(self.folder)
            path = self.folder / outbound.document.name
            write_private_file(path, outbound.document.content)
            text += f"\nSaved as {path.resolve()}"
        self.echo(f"[IMC] {text}")
