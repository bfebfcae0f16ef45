"""Property-based: the terminal channel, on the engine, takes any line typed (any Unicode, lone
surrogates, control characters, paths of things that are not files) without raising, and never
writes back anything a terminal would run or can't print."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.console.applicant import ConsoleChannel
from conversations.application.engine import ConversationEngine
from tests.conftest import FULL_APPLICATION, PDF

ANSWERS = [answer for answer in FULL_APPLICATION if isinstance(answer, str)]
COMMANDS = ["/back", "/skip", "/keep", "/summary", "/edit", "/status", "/help", "/faq", "/human", "/cancel"]
PATHS = ["/dev/zero", ".", "~nobody-here/x.pdf", "x\x00.pdf"]


def lines(certificate: Path) -> st.SearchStrategy[list[str]]:
    typed = st.one_of(
        st.text(st.characters(exclude_characters="\n"), max_size=40),
        st.sampled_from([*ANSWERS, *COMMANDS, *PATHS, str(certificate)]),
        st.sampled_from(["1", "2", "3"]),
    )
    return st.lists(typed, min_size=1, max_size=8)


def printable_on_a_terminal(shown: str) -> bool:
    """No control character but line breaks (ESC starts the codes a terminal runs), no direction
    override, nothing that is not Unicode (a UTF-8 terminal's encoder raises on it)."""
    return all(
        character == "\n" or unicodedata.category(character) not in ("Cc", "Cs") for character in shown
    ) and not any("\u202a" <= character <= "\u202e" or "\u2066" <= character <= "\u2069" for character in shown)


def test_the_terminal_takes_any_line(engine: ConversationEngine, tmp_path: Path):
    certificate = tmp_path / "certificate.pdf"
    certificate.write_bytes(PDF)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(lines(certificate))
    def check(typed: list[str]) -> None:
        out = io.StringIO()
        console = ConsoleChannel(engine, stdin=io.StringIO("".join(f"{line}\n" for line in typed)), stdout=out)
        assert console.run() == 0
        assert printable_on_a_terminal(out.getvalue())

    check()
