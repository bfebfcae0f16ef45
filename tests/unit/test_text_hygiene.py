"""Inbound text and file names made fit to store (``conversations.text_hygiene``)."""

from __future__ import annotations

import pytest

from conversations import text_hygiene as hygiene
from conversations.messages import Inbound, IncomingFile
from tests.conftest import PDF

# Each kind of junk, with the words that must name it in the refusal.
JUNK = {
    "control character": ("Maria\x07 Gonzalez", "control character in it (U+0007"),
    "ANSI escape": ("\x1b[31mMaria Gonzalez\x1b[0m", "U+001B, the escape that starts terminal colour codes"),
    "NUL byte": ("Maria\x00Gonzalez", "U+0000, a NUL byte"),
    "C1 control": ("Maria\x85Gonzalez", "U+0085"),
    "right-to-left override": ("Maria \u202egnoG", "direction override in it (U+202E"),
    "isolate": ("\u2066Maria\u2069", "direction override in it (U+2066"),
    "lone surrogate": ("Maria\udc80", "not valid Unicode in it (U+DC80)"),
}


@pytest.mark.parametrize(("raw", "named"), JUNK.values(), ids=JUNK.keys())
def test_junk_is_refused_and_named(raw, named):
    with pytest.raises(hygiene.Unusable) as error:
        hygiene.clean_text(raw)
    assert named in error.value.what


def test_an_overlong_message_is_refused():
    with pytest.raises(hygiene.Unusable, match="a message of 4,097 characters"):
        hygiene.clean_text("x" * 4097)
    assert hygiene.clean_text("x" * 4096) == "x" * 4096


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zoe\u0308", "Zoë"),  # decomposed: e and a combining diaeresis
        ("first line\nsecond\tline", "first line\nsecond\tline"),
        ("first\r\nsecond\rthird", "first\nsecond\nthird"),
        ("\ufeff Maria Gonzalez\u200b ", "Maria Gonzalez"),
        ("مريم\u200fغونزاليس", "مريم\u200fغونزاليس"),  # a direction mark (not an override) is kept inside
        ("👩\u200d🔬", "👩\u200d🔬"),  # a zero-width joiner inside an emoji is kept
    ],
)
def test_text_is_normalised(raw, expected):
    assert hygiene.clean_text(raw) == expected


@pytest.mark.parametrize("raw", ["\u200b", "\u200b\u200c\u200d\u2060", "\ufeff", " \u00ad \u3164 \u2800 ", ""])
def test_text_of_invisible_characters_only_is_empty(raw):
    assert hygiene.clean_text(raw) == ""


def test_is_clean():
    assert hygiene.is_clean("Maria Gonzalez")
    assert not hygiene.is_clean("Zoe\u0308")
    assert not hygiene.is_clean("\x1b[31m")


def test_a_refused_message_carries_only_what_was_wrong():
    inbound = Inbound("test", "u", "e1", text="\x1b[2J", file=IncomingFile("cert.pdf", PDF))
    cleaned = hygiene.clean_inbound(inbound)
    assert (cleaned.text, cleaned.file) == ("", None)
    assert cleaned.unsupported.startswith("text with a control character in it (U+001B")


def test_an_inbound_message_gets_its_text_and_file_name_cleaned():
    inbound = Inbound("test", "u", "e1", text=" caption\u200b", file=IncomingFile("../ce\u0301rt\u202e.pdf", PDF))
    cleaned = hygiene.clean_inbound(inbound)
    assert cleaned.text == "caption"
    assert cleaned.file == IncomingFile("cért.pdf", PDF)


def test_form_fields_are_cleaned_and_junk_is_refused_per_field():
    cleaned, refused = hygiene.clean_form({"mentee_name": " Jordan Lee\u200b", "mentee_email": "jo\x00@example.com"})
    assert cleaned == {"mentee_name": "Jordan Lee"}
    assert refused["mentee_email"].startswith("Sorry, I can't use text with a control character in it (U+0000")
    assert "Please type the answer again" in refused["mentee_email"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\cert.pdf", "cert.pdf"),
        ("ce\x00rt\n.pdf", "cert.pdf"),
        ("\x1b[31mred.pdf", "[31mred.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("scan\udc80.jpg", "scan.jpg"),
        ("Zoe\u0308.pdf", "Zoë.pdf"),
        ("\u200b\ufeff", "file"),
        ("", "file"),
        ("folder/", "file"),
        ("x" * 150, "x" * 100),
    ],
)
def test_file_name(name, expected):
    assert hygiene.file_name(name) == expected
