"""A command in a message (``/edit training hours``), read the same way for applicants, staff and
support in every channel. Staff may also type one without the slash (``queue``):
``conversations.staff.commands`` puts the slash back before reading it here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    argument: str


def parse_command(text: str) -> Command | None:
    """``/edit training hours`` -> Command("edit", "training hours"); ``/help@SomeBot`` -> help.
    The argument may start on the next line (``/faq_add`` and a question below it)."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) == 1:
        return None
    word, *argument = stripped[1:].split(maxsplit=1)
    return Command(word.split("@", 1)[0].casefold(), argument[0] if argument else "")
