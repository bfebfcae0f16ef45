"""The terminal channel: one applicant types (or pipes) answers line by line.

Choices are shown as numbered lines and a number picks the choice, as a button would; when
the bot asks for a file, the line is a path to it. Nothing else happens here: the engine does
the rest.
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TextIO

from conversations.engine import Engine
from conversations.messages import Inbound, IncomingFile, Outbound

CHANNEL = "console"
# A command is a first word like /skip; a path like /home/maria/certificate.pdf has more slashes.
_COMMAND = re.compile(r"/[^/\s]+(\s.*)?")


class ConsoleChannel:
    def __init__(self, engine: Engine, *, stdin: TextIO, stdout: TextIO, user_id: str = "local") -> None:
        self.engine = engine
        self.stdin = stdin
        self.stdout = stdout
        self.user_id = user_id
        self._last: Outbound | None = None
        self._deliver: Callable[[], Coroutine[Any, Any, int]] | None = None

    def run(self, deliver: Callable[[], Coroutine[Any, Any, int]] | None = None) -> int:
        """Read lines until the input ends. ``deliver`` sends what waits in the outbox (notices
        from IMC, dossiers for the staff folder); it runs after every line."""
        interactive = self.stdin.isatty()
        self._deliver = deliver
        self._send(text="/start")  # shows where the applicant is: the first question, or a welcome back
        try:
            while True:
                if interactive:
                    self.stdout.write("> ")
                    self.stdout.flush()
                line = self.stdin.readline()
                if not line:
                    break
                self._on_line(line.rstrip("\r\n"))
        except KeyboardInterrupt:  # Ctrl-C ends the session like Ctrl-D; what was answered is saved
            pass
        if interactive:
            self.stdout.write("\nBye for now. Your answers are saved; run this again to carry on.\n")
        return 0

    def _on_line(self, line: str) -> None:
        last = self._last
        stripped = line.strip()
        if last and stripped.isdigit() and 1 <= int(stripped) <= len(last.choices):
            self._send(text=last.choices[int(stripped) - 1].value)
        elif last and last.expects_file and stripped and not _COMMAND.fullmatch(stripped):
            path = Path(stripped).expanduser()
            try:
                content = path.read_bytes()
            except OSError as error:
                self._print(
                    f"I can't read a file at {stripped} ({error.strerror}). Type the path of the file, "
                    "e.g. ~/Documents/certificate.pdf."
                )
                return
            self._send(file=IncomingFile(path.name, content))
        else:
            self._send(text=line)

    def _send(self, *, text: str = "", file: IncomingFile | None = None) -> None:
        inbound = Inbound(CHANNEL, self.user_id, uuid.uuid4().hex, text=text, file=file)
        for outbound in self.engine.handle(inbound, interim=self._render):
            self._render(outbound)
            self._last = outbound
        if self._deliver is not None:
            asyncio.run(self._deliver())

    def notice(self, text: str) -> None:
        """Something from outside the conversation: a notice from IMC, a staff line."""
        self._print(text)

    def _render(self, outbound: Outbound) -> None:
        lines = [outbound.text]
        lines.extend(f"  {number}. {choice.label}" for number, choice in enumerate(outbound.choices, start=1))
        if outbound.expects_file:
            lines.append("  (type the path of the file)")
        self._print("\n".join(lines))

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n\n")
        self.stdout.flush()
