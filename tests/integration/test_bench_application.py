"""The applicant-experience bench (``bench/application.py``) in small: both walks run to the end on
SQLite and every figure is measured; whether the figures meet their targets is the bench's to say."""

from __future__ import annotations

import pytest

from bench.application import CHANNEL, SIDE_ACTIONS, rows, walk
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, SUBMIT, stored_draft


@pytest.mark.parametrize("realistic", [False, True], ids=["plain", "realistic"])
def test_a_walk_measures_every_figure(sqlite_storage: Storage, realistic: bool):
    figures = walk(sqlite_storage, realistic=realistic)

    side_actions = sum(map(len, SIDE_ACTIONS.values())) + 1 if realistic else 0  # and /summary at the review
    assert figures.messages == 1 + len(FULL_APPLICATION) + len(SUBMIT) + side_actions  # /start; checks not counted
    draft = stored_draft(sqlite_storage, user_id=figures.walk, channel=CHANNEL)
    assert draft is not None and draft.state == "submitted"
    assert figures.fields == sum(answer is not None for answer in draft.answers.values())
    assert figures.bot_characters > figures.review_characters > 0 and figures.review_shown >= 1
    assert figures.review_lines > 0 and 0 < figures.review_share < 1
    checks = [name for name, value in vars(figures).items() if value is None]
    assert not checks, f"not measured: {checks}"
    assert all(value for _, value, _, _ in rows(figures))
