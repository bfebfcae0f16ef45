"""The one clock: every timestamp the system stores or compares comes from the clock its
``Storage`` was given, always timezone-aware and in UTC. Production uses the machine's clock;
tests hand in a clock they move themselves, so that no test depends on the day it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
