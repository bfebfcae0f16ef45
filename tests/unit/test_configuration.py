"""docs/configuration.md lists every setting: exactly the fields of ``Settings``, named as their
environment variables, each with the default ``Settings`` has."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.settings import Settings

TABLE = Path(__file__).parents[2] / "docs" / "configuration.md"
UNSET = "—"
ROW = re.compile(r"^\| `(?P<variable>[A-Z0-9_]+)` \| (?P<default>[^|]+?) \|")


def documented() -> dict[str, str]:
    """Variable -> default, as the table shows them (a default in backticks, or ``—``)."""
    rows: dict[str, str] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        row = ROW.match(line)
        if row:
            assert row["variable"] not in rows, f"{row['variable']} is listed twice"
            rows[row["variable"]] = row["default"]
    return rows


def test_the_table_lists_exactly_the_settings() -> None:
    assert set(documented()) == {name.upper() for name in Settings.model_fields}


@pytest.mark.parametrize(("variable", "default"), sorted(documented().items()))
def test_the_default_shown_is_the_settings_default(variable: str, default: str) -> None:
    name = variable.lower()
    actual = Settings.model_fields[name].default
    if default == UNSET:
        assert actual in (None, ""), f"{variable} has a default, {actual!r}, the table does not show"
        return
    shown = re.fullmatch(r"`([^`]+)`", default)
    assert shown, f"the default of {variable} is neither `value` nor {UNSET}: {default!r}"
    # Read the shown value as the environment would be, then compare it with the field's default.
    read = Settings.model_validate({name: shown[1]})
    assert getattr(read, name) == actual
