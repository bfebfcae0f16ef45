"""Inbound text made fit to store and show, once, where it enters the engine.

Whatever a channel hands over (typed text, a caption, a file name, the fields of a form) is
normalised to NFC and refused when it carries what no answer needs and what breaks things
later: control characters (a NUL byte makes a PostgreSQL commit fail; ESC starts the terminal
codes that recolour or rewrite a console), direction overrides (they make text display in an
order other than the one it was typed in), and lone surrogates, which are not Unicode at all
(Telegram's JSON can carry "\\udc80"; PostgreSQL refuses it, SQLite stores it and then every
message that quotes it fails to encode). Text made only of invisible characters counts as empty.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import replace

from conversations.messages import Inbound

MAX_MESSAGE_LENGTH = 4096  # Telegram's own limit for a message; far above any answer
MAX_FILE_NAME_LENGTH = 100

_ALLOWED_CONTROLS = frozenset("\n\t")  # a message may have several lines
_DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that show nothing: format characters (zero-width space and joiners, U+FEFF, the
# soft hyphen, direction marks) and the letters that are drawn blank (Hangul fillers, the empty
# braille pattern).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_NAMED_CONTROLS = {"\x00": "a NUL byte", "\x1b": "the escape that starts terminal colour codes"}


class Unusable(ValueError):
    """Text that can't be stored. ``what`` names it, to follow "Sorry, I can't use"."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def clean_text(raw: str) -> str:
    """``raw`` in NFC, with line breaks as "\\n" and invisible characters at either end removed;
    raises ``Unusable`` for text that can't be stored."""
    if len(raw) > MAX_MESSAGE_LENGTH:
        raise Unusable(f"a message of {len(raw):,} characters (the most is {MAX_MESSAGE_LENGTH:,})")
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    for character in text:
        if _is_surrogate(character):
            raise Unusable(f"text with a character that is not valid Unicode in it ({_code(character)})")
        if unicodedata.category(character) == "Cc" and character not in _ALLOWED_CONTROLS:
            hint = _NAMED_CONTROLS.get(character, "an invisible control code")
            raise Unusable(f"text with a control character in it ({_code(character)}, {hint})")
        if character in _DIRECTION_CONTROLS:
            raise Unusable(
                f"text with a direction override in it ({_code(character)}, which makes text show "
                "in another order than it was typed)"
            )
    return _strip_invisible(unicodedata.normalize("NFC", text))


def clean_inbound(inbound: Inbound) -> Inbound:
    """The message with its text and file name cleaned; when its text can't be stored, a message
    that carries only what was wrong with it (``unsupported``), which the engine refuses, like a
    sticker, with the question asked again."""
    try:
        text = clean_text(inbound.text)
    except Unusable as error:
        return replace(inbound, text="", file=None, unsupported=error.what)
    file = inbound.file
    return replace(inbound, text=text, file=file and replace(file, name=file_name(file.name)))


def clean_form(values: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The fields of a form cleaned, and what is wrong with those that can't be stored."""
    cleaned: dict[str, str] = {}
    refused: dict[str, str] = {}
    for key, raw in values.items():
        try:
            cleaned[key] = clean_text(raw)
        except Unusable as error:
            refused[key] = f"Sorry, I can't use {error.what}. Please type the answer again as plain text."
    return cleaned, refused


def file_name(name: str) -> str:
    """A file name fit to show back and to write in a dossier: the last part of a path, in NFC,
    without control, format or invalid characters, at most 100 characters; "file" if nothing is left."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    kept = "".join(character for character in base if character.isprintable() and not _is_surrogate(character))
    return _strip_invisible(kept)[:MAX_FILE_NAME_LENGTH].strip() or "file"


def is_clean(text: str) -> bool:
    """Whether ``text`` is as ``clean_text`` leaves it (what the engine may store)."""
    try:
        return clean_text(text) == text
    except Unusable:
        return False


def _strip_invisible(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_invisible(text[start]):
        start += 1
    while end > start and _is_invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_invisible(character: str) -> bool:
    return character.isspace() or character in _BLANK_LETTERS or unicodedata.category(character) == "Cf"


def _is_surrogate(character: str) -> bool:
    return "\ud800" <= character <= "\udfff"


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"
