"""How fast the engine handles applicant messages, end to end on a real database.

    .venv/bin/python bench/engine.py [--applicants 20] [--database-url URL]

Each applicant completes a whole application (about 70 messages) through ``ConversationEngine.handle``;
the script reports per-message latency (p50, p95, max), throughput, and peak resident memory.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.messages import Inbound, IncomingFile
from storage.database import make_engine
from storage.files import FileStore
from storage.migrate import upgrade
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, SUBMIT, ManualClock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=20)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cmm-bench-"))
    database = make_engine(args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}")
    upgrade(database)
    engine = ConversationEngine(Storage(database, FileStore(workdir / "files"), ManualClock()), policy=Policy())

    latencies = []
    started = time.perf_counter()
    event = 0
    for applicant in range(args.applicants):
        for answer in FULL_APPLICATION + SUBMIT:
            event += 1
            payload = (
                {"file": IncomingFile("certificate.pdf", answer)} if isinstance(answer, bytes) else {"text": answer}
            )
            inbound = Inbound("bench", f"applicant-{applicant}", f"bench-{event}", **payload)
            before = time.perf_counter()
            engine.handle(inbound)
            latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    latencies.sort()
    ms = [value * 1000 for value in latencies]
    print(f"database     {database.url.get_backend_name()}")
    print(f"messages     {len(ms)} from {args.applicants} applicants")
    print(f"latency ms   p50 {statistics.median(ms):.1f}  p95 {ms[int(len(ms) * 0.95)]:.1f}  max {ms[-1]:.1f}")
    print(f"throughput   {len(ms) / elapsed:.0f} messages/s on one thread")
    print(f"peak memory  {peak_kib / 1024:.0f} MiB resident (the whole process)")


if __name__ == "__main__":
    main()
