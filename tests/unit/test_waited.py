"""How long an application has waited, as the queue and the funnel say it."""

from __future__ import annotations

import datetime as dt

import pytest

from conversations.staff.desk import waited


@pytest.mark.parametrize(
    ("delta", "said"),
    [
        (dt.timedelta(seconds=20), "under a minute"),
        (dt.timedelta(minutes=5, seconds=59), "5 min"),
        (dt.timedelta(hours=3, minutes=5), "3 h 5 min"),
        (dt.timedelta(days=1, hours=2, minutes=30), "1 day 2 h"),
        (dt.timedelta(days=2, hours=3), "2 days 3 h"),
    ],
)
def test_a_wait_is_said_in_its_largest_units(delta: dt.timedelta, said: str):
    assert waited(delta) == said
