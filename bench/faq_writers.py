"""How the FAQ holds on questions written by people who never saw its data: independent writers.

    .venv/bin/python bench/faq_writers.py [--leave-one-writer-out] [--misses] [--without-training-writers]
    .venv/bin/python bench/faq_writers.py --training-writers
    .venv/bin/python bench/faq_writers.py --held-out

Each writer of ``tests/data/faq_writers`` wrote 120 questions from IMC's page alone (80 the page
answers, 40 it does not); ``labels/`` names, for each, the knowledge-base entries whose answer
gives the writer's facts. A question in scope is answered right when the bot answers it with
one of those entries; handed to a person, or answered with another entry, it is not. A question
out of scope is answered confidently when the bot answers it with an entry its label does not
name (an entry that says "the page doesn't say, ask a person" may be named: that answer is
right). Latency is per question on one core.

With ``--leave-one-writer-out`` each writer is also judged by an index that learned, besides the
knowledge base, the other writers' questions (in scope: as phrasings of their first labelled
entry; out of scope with no entry: as questions not covered). That is how a method that learns
from writers is compared without judging it on its own data.

``--training-writers`` judges instead each training writer (``conversations/support/faq/writers``:
a file per writer, each question written for one entry, near-misses for none) by an index that
learned the knowledge base and the other training writers, at several answer thresholds: a
larger set, on which the classifier's settings are chosen without the labelled writers.

``--without-training-writers`` leaves out what the index learns from the training writers
(``conversations/support/faq/writers``), to see what they bring.

The held-out writer (``HELD_OUT``) is judged only with ``--held-out``, which prints its figures and
never its questions: once, at the end, to report the figures on a writer nobody tuned for.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from unittest.mock import patch

import yaml
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.support.faq import index as index_module  # noqa: E402
from conversations.support.faq.index import ANSWER_THRESHOLD, FaqIndex  # noqa: E402
from conversations.support.faq.knowledge import TRAINING_WRITERS, Entry, load, load_not_covered  # noqa: E402

WRITERS = ROOT / "tests/data/faq_writers"
# c-long and e-mixed were each the held-out writer until read once; now they tune and compare too.
LABELLED = ("a-phone", "b-nonnative", "c-long", "d-terse", "e-mixed")
HELD_OUT = ("f-breaks",)  # judged once, at the end, by --held-out: nothing is chosen with it


@dataclass(frozen=True)
class Item:
    question: str
    in_scope: bool
    entries: tuple[str, ...]  # the entries whose answer gives the writer's facts


@dataclass
class Judged:
    writer: str
    right: int = 0
    in_scope: int = 0
    escalated: int = 0
    out_of_scope: int = 0
    confident_out_of_scope: int = 0
    timings: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def top1(self) -> float:
        return self.right / self.in_scope if self.in_scope else 0.0

    @property
    def confident(self) -> float:
        return self.confident_out_of_scope / self.out_of_scope if self.out_of_scope else 0.0

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings)
        return ordered[int(len(ordered) * 0.95)] if ordered else 0.0


def items(writer: str) -> list[Item]:
    labels = yaml.safe_load((WRITERS / "labels" / f"{writer}.yaml").read_text())
    return [Item(label["q"], bool(label["in_scope"]), tuple(label.get("entries") or ())) for label in labels]


def judge(index: FaqIndex, writer: str, questions: Sequence[Item]) -> Judged:
    judged = Judged(writer)
    for item in questions:
        started = time.perf_counter()
        result = index.ask(item.question)
        judged.timings.append((time.perf_counter() - started) * 1000)
        got = result.answer.id if result.answer else None
        if item.in_scope:
            judged.in_scope += 1
            judged.right += got in item.entries
            judged.escalated += got is None
        else:
            judged.out_of_scope += 1
            judged.confident_out_of_scope += got is not None and got not in item.entries
        if (item.in_scope and got not in item.entries) or (not item.in_scope and got and got not in item.entries):
            wanted = ", ".join(item.entries) or "a person"
            judged.misses.append(f"  {result.score:.2f}  wanted {wanted}, got {got or 'a person'}: {item.question}")
    return judged


def learned_from(others: Sequence[Item], entries: Sequence[Entry], not_covered: Sequence[str]) -> FaqIndex:
    """An index of the knowledge base that also learned ``others`` (other writers' questions)."""
    extra: dict[str, list[str]] = {}
    unanswered = list(not_covered)
    for item in others:
        if item.entries:
            extra.setdefault(item.entries[0], []).append(item.question)
        elif not item.in_scope:
            unanswered.append(item.question)
    grown = [replace(entry, variants=(*entry.variants, *extra.get(entry.id, ()))) for entry in entries]
    return FaqIndex(grown, unanswered)


def training_writers() -> list[tuple[FaqIndex, str, list[Item]]]:
    """For each training writer: an index learned without it (the knowledge base read as the bot
    reads it, with a folder of the other writers' files), its name and its questions."""
    paths = sorted(TRAINING_WRITERS.glob("*.yaml"))
    judged = []
    for own in paths:
        with tempfile.TemporaryDirectory() as others:
            for path in paths:
                if path != own:
                    (Path(others) / path.name).symlink_to(path)
            index = FaqIndex(load(writers=Path(others)), load_not_covered(writers=Path(others)))
        written = yaml.safe_load(own.read_text())
        questions = [Item(q, True, (entry_id,)) for entry_id, qs in written["in_scope"].items() for q in qs]
        judged.append((index, own.stem, [*questions, *(Item(q, False, ()) for q in written["out_of_scope"])]))
    return judged


def report_training_writers() -> None:
    indexes = training_writers()
    for threshold in (0.4, 0.45, 0.5, 0.55, 0.6):
        with patch.object(index_module, "ANSWER_THRESHOLD", threshold), threadpool_limits(limits=1):
            judged = [judge(index, writer, questions) for index, writer, questions in indexes]
        marker = "  (in use)" if threshold == ANSWER_THRESHOLD else ""
        print(
            f"threshold {threshold:.2f}: top-1 {statistics.mean(one.top1 for one in judged):6.1%}   out of scope "
            f"answered confidently {statistics.mean(one.confident for one in judged):5.1%}{marker}"
        )
        for one in judged:
            print(report(one, latency=False))  # their vectors are stored: no time to measure


def report(judged: Judged, *, latency: bool = True) -> str:
    return (
        f"  {judged.writer:<12} top-1 {judged.top1:6.1%} ({judged.right}/{judged.in_scope}, "
        f"{judged.escalated} to a person)   out of scope answered confidently {judged.confident:5.1%} "
        f"({judged.confident_out_of_scope}/{judged.out_of_scope})" + (f"   p95 {judged.p95:.1f} ms" if latency else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leave-one-writer-out", action="store_true", help="also learn from the other writers")
    parser.add_argument("--misses", action="store_true", help="list what each writer's questions got wrong")
    parser.add_argument(
        "--training-writers", action="store_true", help="judge each training writer, learned without it"
    )
    parser.add_argument(
        "--without-training-writers", action="store_true", help="learn the knowledge base's own phrasings only"
    )
    parser.add_argument(
        "--held-out", action="store_true", help=f"judge the held-out writer ({', '.join(HELD_OUT)}) instead: once"
    )
    args = parser.parse_args()
    if args.held_out and (args.misses or args.leave_one_writer_out):
        parser.error("the held-out writer is judged by figures alone: its questions stay unread")
    if args.training_writers:
        report_training_writers()
        return
    sets = {writer: items(writer) for writer in (HELD_OUT if args.held_out else LABELLED)}
    writers = Path("/nonexistent") if args.without_training_writers else TRAINING_WRITERS
    entries, not_covered = load(writers=writers), load_not_covered(writers=writers)
    alone = FaqIndex(entries, not_covered)
    runs = [("the knowledge base alone", dict.fromkeys(sets, alone))]
    if args.leave_one_writer_out:
        runs.append(
            (
                "learning from the other writers too",
                {
                    writer: learned_from(
                        [item for other, questions in sets.items() if other != writer for item in questions],
                        entries,
                        not_covered,
                    )
                    for writer in sets
                },
            )
        )
    for title, indexes in runs:
        print(title)
        judged = []
        with threadpool_limits(limits=1):  # the latency target is per question on one core
            for writer, index in indexes.items():
                index.ask("warm up")
                judged.append(judge(index, writer, sets[writer]))
        for one in judged:
            print(report(one))
            if args.misses:
                print("\n".join(one.misses))
        print(
            f"  {'all':<12} top-1 {statistics.mean(one.top1 for one in judged):6.1%}   out of scope answered "
            f"confidently {statistics.mean(one.confident for one in judged):5.1%}"
        )


if __name__ == "__main__":
    main()
