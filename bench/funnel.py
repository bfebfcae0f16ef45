"""What counting the funnel costs as applicants pile up, and whether it holds up their turns.

    .venv/bin/python bench/funnel.py [--applicants 1000 5000] [--runs 5]

For each size, a fresh SQLite database gets that many applicants, each stopped at a question of
their own (a tenth submitted), with their answers as the conversation saves them, and a few
hundred counts of refused answers. The figure is the median CPU time of ``--runs`` funnel
reports (``Funnel.report``, what the web desk's page and ``python -m bot funnel`` do), beside,
measured in the same run, the bare read of the same drafts (one SELECT of the applicants with
their drafts' answers): the ratio is what the counting adds to reading the data at all.

It then checks that a turn commits while a report reads: an applicant's transaction is begun in
another thread in the middle of a report, and the time it waited is shown (SQLite's write lock
is not taken by the report, so it should not wait for the report to end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conversations.application.flow import CONSENT, Flow  # noqa: E402
from conversations.application.policy import Policy  # noqa: E402
from conversations.staff.funnel import Funnel  # noqa: E402
from storage.database import make_engine  # noqa: E402
from storage.files import FileStore  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Applicant, Draft  # noqa: E402
from storage.unit_of_work import Storage  # noqa: E402

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def seeded(folder: Path, applicants: int) -> Storage:
    engine = make_engine(f"sqlite:///{folder / 'funnel.sqlite3'}")
    upgrade(engine)
    storage = Storage(engine, FileStore(folder / "files"), clock=lambda: NOW)
    steps = [step for step in Flow().steps if step.key != CONSENT]
    with storage.transaction() as tx:
        for number in range(applicants):
            applicant = tx.applicants.add("bench", f"user-{number}")
            reached = steps[: number % (len(steps) + 1)]
            answers = {CONSENT: "yes", **{step.key: f"answer {number}" for step in reached}}
            state = steps[len(reached)].key if len(reached) < len(steps) else "review"
            tx.applicants.save_draft(applicant.id or 0, state=state, answers=answers, context={})
            tx.funnel.add("started")
            if number % 10 == 0:
                tx.dossiers.submit(applicant.id or 0, {"answers": answers}, destinations=())
        for number in range(300):
            tx.funnel.add("refused", question=steps[number % len(steps)].key, error=f"error {number % 7}")
    return storage


def cpu_median(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def bare_read(storage: Storage) -> None:
    with Session(storage.engine) as session:
        session.exec(select(Applicant.id, Applicant.consented_at, Draft.state, Draft.answers).join(Draft)).all()


def turn_wait(storage: Storage, funnel: Funnel) -> float:
    """Seconds an applicant's transaction, begun while a report runs, waited to commit."""
    waited: list[float] = []

    def a_turn() -> None:
        started = time.perf_counter()
        with storage.transaction() as tx:
            tx.funnel.add("started")
        waited.append(time.perf_counter() - started)

    begun = threading.Event()

    def a_report() -> None:
        begun.set()
        funnel.report()

    reporting = threading.Thread(target=a_report)
    reporting.start()
    begun.wait()  # the report is under way
    a_turn()
    reporting.join()
    return waited[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print("| applicants | report (ms CPU) | bare read (ms CPU) | report ÷ read | a turn's wait during a report (ms) |")
    print("| --- | --- | --- | --- | --- |")
    for applicants in args.applicants:
        with tempfile.TemporaryDirectory() as folder:
            storage = seeded(Path(folder), applicants)
            funnel = Funnel(storage, policy=Policy())
            funnel.report()  # the knowledge base read once, as in a running desk
            report_cpu = cpu_median(args.runs, funnel.report)
            read_cpu = cpu_median(args.runs, functools.partial(bare_read, storage))
            wait = turn_wait(storage, funnel)
            print(
                f"| {applicants} | {report_cpu * 1000:.0f} | {read_cpu * 1000:.0f} | "
                f"{report_cpu / read_cpu:.1f}× | {wait * 1000:.0f} |"
            )
            storage.engine.dispose()


if __name__ == "__main__":
    main()
