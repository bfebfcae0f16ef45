"""Property-based: whatever is typed at a question of any kind, its reader answers or refuses
(never raises anything else), and what the engine accepts is fit to store (``tests.fuzzing``).
A few hundred inputs per kind here; ``bench/fuzz.py`` runs 10,000."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzzing import KINDS, Answer, Outcome, answers, judge


@pytest.mark.parametrize("kind", KINDS)
def test_any_answer_is_read_or_refused_and_what_is_accepted_is_clean(kind: str):
    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(answers(kind))
    def check(answer: Answer) -> None:
        verdict = judge(kind, answer)
        assert verdict.outcome in (Outcome.ACCEPTED, Outcome.REFUSED), verdict.detail

    check()
