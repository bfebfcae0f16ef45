"""How well and how fast the bot answers questions, on the labelled set in tests/data.

    .venv/bin/python bench/faq.py [--questions tests/data/faq_questions.yaml] [--misses]

Reports top-1 accuracy on in-scope questions (the right entry answered), how many out-of-scope
questions were wrongly answered instead of escalated, how many in-scope ones were escalated (and
whether the right topic was among those offered), and the latency per question (p50, p95) on one
core. Targets: top-1 >= 95%, wrong answers to out-of-scope questions <= 5%, p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.support.faq.index import FaqIndex  # noqa: E402
from conversations.support.faq.knowledge import load  # noqa: E402


def evaluate(index: FaqIndex, labelled: list[dict]) -> dict:
    timings: list[float] = []
    misses: list[tuple[str, str | None, str | None, float]] = []  # question, expected, got, score
    right = wrong_answers = escalated_in_scope = offered_right = 0
    in_scope = [item for item in labelled if item["expected"]]
    out_of_scope = [item for item in labelled if not item["expected"]]
    for item in labelled:
        started = time.perf_counter()
        result = index.ask(item["q"])
        timings.append((time.perf_counter() - started) * 1000)
        got = result.answer.id if result.answer else None
        if item["expected"] and got == item["expected"]:
            right += 1
        elif item["expected"] and got is None:
            escalated_in_scope += 1
            offered_right += any(
                match.entry is not None and match.entry.id == item["expected"] for match in result.closest
            )
            misses.append((item["q"], item["expected"], got, result.score))
        elif item["expected"]:
            misses.append((item["q"], item["expected"], got, result.score))
        elif got is not None:
            wrong_answers += 1
            misses.append((item["q"], None, got, result.score))
    timings.sort()
    return {
        "in_scope": len(in_scope),
        "out_of_scope": len(out_of_scope),
        "top1": right / len(in_scope),
        "wrong_out_of_scope": wrong_answers / len(out_of_scope),
        "escalated_in_scope": escalated_in_scope / len(in_scope),
        "offered_right": offered_right / escalated_in_scope if escalated_in_scope else 1.0,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95)],
        "misses": misses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "tests/data/faq_questions.yaml")
    parser.add_argument("--misses", action="store_true", help="list the questions it got wrong")
    args = parser.parse_args()
    index = FaqIndex(load())
    index.ask("warm up")
    with threadpool_limits(limits=1):  # the target is per question on one core
        report = evaluate(index, yaml.safe_load(args.questions.read_text()))
    print(f"questions        {report['in_scope']} in scope, {report['out_of_scope']} out of scope")
    print(f"top-1 accuracy   {report['top1']:.1%} of in-scope questions (target >= 95%)")
    print(
        f"escalated        {report['escalated_in_scope']:.1%} of in-scope questions went to a person; "
        f"for {report['offered_right']:.0%} of those the right topic was among the ones offered"
    )
    print(f"wrong answers    {report['wrong_out_of_scope']:.1%} of out-of-scope questions (target <= 5%)")
    print(f"latency          p50 {report['p50']:.2f} ms, p95 {report['p95']:.2f} ms (target p95 <= 20 ms)")
    if args.misses:
        for question, expected, got, score in report["misses"]:
            print(f"  {score:.2f}  expected {expected or 'escalation'}, got {got or 'escalation'}: {question}")


if __name__ == "__main__":
    main()
