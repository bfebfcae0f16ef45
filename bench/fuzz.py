"""Fuzzing the answer readers: many generated answers per kind of question, and what became of them.

    .venv/bin/python bench/fuzz.py [--inputs 10000] [--seed 0]

The properties and the strategies are those of ``tests/unit/test_fuzz_validators.py`` (see
``tests/fuzzing.py``): any text at all (lone surrogates and control characters included), typical
answers with such characters spliced in, and answers repeated tens of thousands of characters
long; for a file, any name and any bytes. For each kind the table counts the inputs, those
accepted, the crashes (anything raised but ``Invalid``) and the junk accepted (a value that is
not fit to store: not clean text, too long, a date out of range, not an option). The last two
should be 0; the first few of each are printed under the table.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as hypothesis_seed

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzzing import KINDS, Answer, Outcome, answers, judge

SHOWN = 3  # failures printed per kind


def fuzz(kind: str, inputs: int, seed: int) -> tuple[Counter[Outcome], list[str]]:
    """Judge ``inputs`` generated answers to a question of ``kind``; the outcomes and the failures."""
    outcomes: Counter[Outcome] = Counter()
    failures: list[str] = []

    @hypothesis_seed(seed)
    @settings(max_examples=inputs, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(answers(kind))
    def run(answer: Answer) -> None:
        verdict = judge(kind, answer)
        outcomes[verdict.outcome] += 1
        if verdict.detail and len(failures) < SHOWN:
            failures.append(verdict.detail)

    run()
    return outcomes, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000, help="generated answers per kind of question")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"{'field kind':<14}{'inputs':>8}{'accepted':>10}{'crashes':>9}{'junk accepted':>15}{'seconds':>9}")
    all_failures = []
    for kind in KINDS:
        started = time.perf_counter()
        outcomes, failures = fuzz(kind, args.inputs, args.seed)
        all_failures += failures
        print(
            f"{kind:<14}{outcomes.total():>8}{outcomes[Outcome.ACCEPTED]:>10}{outcomes[Outcome.CRASHED]:>9}"
            f"{outcomes[Outcome.JUNK_ACCEPTED]:>15}{time.perf_counter() - started:>9.1f}"
        )
    for failure in all_failures:
        print(failure[:300])


if __name__ == "__main__":
    main()
