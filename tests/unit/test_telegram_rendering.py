"""How the Telegram channel cuts long text and encodes buttons."""

from __future__ import annotations

import pytest

from bot.channels.telegram.applicant import callback_data, keyboard
from bot.shared.text import split_message
from conversations.application.flow import Flow
from conversations.application.machine import NavigationState
from conversations.messages import Choice, Outbound


def test_short_text_is_one_part():
    assert split_message("one\ntwo", limit=4096) == ["one\ntwo"]


def test_long_text_is_split_at_line_boundaries():
    lines = [f"line {number:03d} " + "x" * 40 for number in range(200)]
    parts = split_message("\n".join(lines), limit=1000)
    assert all(len(part) <= 1000 for part in parts)
    assert "\n".join(parts) == "\n".join(lines)  # nothing lost, no line cut
    assert all(part.split("\n")[0].startswith("line ") for part in parts)


def test_a_line_longer_than_the_limit_is_cut():
    parts = split_message("short\n" + "y" * 2500 + "\nend", limit=1000)
    assert parts == ["short", "y" * 1000, "y" * 1000, "y" * 500 + "\nend"]


def test_every_button_of_the_flow_fits_telegrams_64_bytes():
    flow = Flow()
    longest_state = max([step.key for step in flow.steps] + list(NavigationState), key=len)
    values = [option.value for step in flow.steps for option in step.field.options]
    values += [step.key for step in flow.steps] + [step.group for step in flow.steps] + ["/keep"]
    for value in values:
        assert len(callback_data(longest_state, value).encode()) <= 64


def test_too_long_callback_data_is_refused():
    with pytest.raises(ValueError, match="over 64 bytes"):
        callback_data("question", "v" * 64)


def test_keyboard_has_one_button_per_row_tied_to_its_question():
    markup = keyboard(Outbound("Member?", (Choice("yes", "Yes"), Choice("no", "No")), question="is_member"))
    assert [[button.callback_data for button in row] for row in markup.inline_keyboard] == [
        ["is_member|yes"],
        ["is_member|no"],
    ]
    assert keyboard(Outbound("Name?")) is None
