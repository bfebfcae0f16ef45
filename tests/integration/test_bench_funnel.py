"""The funnel bench (``bench/funnel.py``) in small: its database holds what it says, and the
report it times counts it; the figures themselves are the bench's to say."""

from __future__ import annotations

from pathlib import Path

from bench.funnel import seeded, turn_wait
from conversations.application.policy import Policy
from conversations.staff.funnel import Funnel


def test_the_seeded_applicants_are_what_the_funnel_counts(tmp_path: Path):
    storage = seeded(tmp_path, 30)
    funnel = Funnel(storage, policy=Policy())
    found = funnel.report()
    assert [stage.count for stage in found.stages] == [30, 30, 3, 0, 0]
    assert found.refusals_count == 300
    assert sum(part.waiting for part in found.parts) == 27  # every one not submitted waits somewhere
    assert turn_wait(storage, funnel) >= 0
    assert funnel.report().stages[0].count == 31  # the turn during the report was counted
    storage.engine.dispose()
