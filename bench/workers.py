"""Several workers behind one bot: throughput, CPU per message and correctness as workers are added.

    .venv/bin/python bench/workers.py [--workers 1 2 4] [--applicants 20]

N processes of ``python -m bot telegram`` in webhook mode, on one PostgreSQL database (of its own
on ``TEST_POSTGRES_URL``'s server, dropped after), counting the send rate together in Redis
(``TEST_REDIS_URL``, default ``redis://127.0.0.1:6379/15``), and asking one FAQ process, as
``docs/deployment.md`` runs them.
The Telegram stand-in (``tests/e2e/telegram_standin.py``) is also the load balancer: it posts
each update to the workers in turn, at once and each in its own request, until one answers 200.
K applicants each send a whole application as in ``bench/load.py`` (the script of
``bench/chaos.py``), except that each sends their name and their email together, without
waiting for the first reply: consecutive updates of one chat, which with two workers or more
reach different workers at the same moment. Telegram's overall limit (30 messages a second) is
lifted here (``TELEGRAM_MESSAGES_PER_SECOND``) so that what shows is the workers' own capacity;
``bench/load.py`` shows the bot under that limit.

Per N: the messages, the seconds from the first to the last reply, the throughput (messages a
second) and its ratio to one worker's, CPU per message (all workers and the FAQ process together, from
``/proc/<pid>/stat``, to the last reply), where the rest of the machine's CPU went in the same
time (this bench's own process, the stand-in and the applicants; then everything else, mostly
PostgreSQL, from ``/proc/stat``) and how many of its cores were busy, p50/p95 latency (an update
queued to its reply at the stand-in; for the name-and-email pair, to the second reply), and the
checks of ``bench/chaos.py``: answers stored differently from the script applied once and in
order (a pair applied in the wrong order shows here), replies sent twice, messages never
answered, and the pairs whose replies came in the wrong order. The exit status is 1 if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.chaos import Chaos, Config, Person, Result, check, database_for, expected_results, stop
from bench.load import (
    UNPACED,
    FaqProcess,
    LoadScenario,
    _cpu_seconds,
    _machine_cpu_seconds,
    _settled,
    faq_process,
    learn_faq_index,
    percentile_ms,
)
from tests.e2e.processes import ROOT, BotProcess, accepting, free_port

WORKERS = (1, 2, 4)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "bench-webhook-secret"
# The steps sent together, without waiting: the name and the email (after the consent).
PAIR = (1, 2)


@dataclass
class Figures:
    workers: int
    messages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    bench_seconds: float = 0.0
    machine_seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    result: Result | None = None
    pairs_out_of_order: int = 0

    @property
    def throughput(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def per_message_ms(self, seconds: float) -> float:
        return seconds * 1000 / max(self.messages, 1)

    @property
    def rest_seconds(self) -> float:
        return self.machine_seconds - self.cpu_seconds - self.bench_seconds

    @property
    def cores_busy(self) -> float:
        return self.machine_seconds / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        return percentile_ms(self.latencies, share)

    @property
    def failed(self) -> bool:
        result = self.result
        wrong = result is None or result.lost or result.twice or result.duplicates or result.missing
        return bool(wrong or self.pairs_out_of_order)


class Workers(Chaos):
    """One run: the platform, N webhook workers, the applicants; no kills, no outage."""

    def __init__(self, scenario: LoadScenario, config: Config, figures: Figures) -> None:
        super().__init__(scenario, config)
        self.platform = scenario
        self.figures = figures
        self.workers: list[BotProcess] = []

    async def run(self) -> None:
        scenario, figures = self.platform, self.figures
        ports = [free_port() for _ in range(figures.workers)]
        urls = [f"http://127.0.0.1:{port}/telegram/hook" for port in ports]
        scenario.api.webhooks, scenario.api.webhook_secret = urls, SECRET
        await scenario.start_platform()
        try:
            for number, (port, url) in enumerate(zip(ports, urls, strict=True)):
                env = {
                    **scenario.env(),
                    "PORT": str(port),
                    "LISTEN_HOST": "127.0.0.1",
                    "TELEGRAM_WEBHOOK_URL": url,
                    "TELEGRAM_WEBHOOK_SECRET": SECRET,
                    "REDIS_URL": REDIS_URL,
                    "TELEGRAM_MESSAGES_PER_SECOND": UNPACED,  # lifted (see above)
                }
                worker = BotProcess("telegram", env, scenario.workdir / f"worker-{number}.log")
                self.workers.append(worker)
                await worker.start()
            for port in ports:
                await accepting(port)
            pids = [worker.process.pid for worker in self.workers if worker.process is not None]
            for pid in pids:
                await _settled(pid)
            pids += [scenario.faq.pid] if scenario.faq else []
            cpu, own, machine = _cpu_seconds(*pids), time.process_time(), _machine_cpu_seconds()
            began = time.perf_counter()
            await asyncio.gather(*(self.apply(person) for person in self.people))
            figures.seconds = time.perf_counter() - began
            figures.cpu_seconds = _cpu_seconds(*pids) - cpu
            figures.bench_seconds = time.process_time() - own
            figures.machine_seconds = _machine_cpu_seconds() - machine
            figures.messages = sum(len(person.events) for person in self.people)
            figures.latencies = [seconds for person in self.people for seconds in person.latencies]
            await self.handed_over(settle=1)
        finally:
            for worker in self.workers:
                await stop(worker.process)
            await scenario.stop_platform()

    async def apply(self, person: Person) -> None:
        loop = asyncio.get_running_loop()
        index = 0
        while index < len(person.steps):
            together = PAIR[1] - PAIR[0] + 1 if index == PAIR[0] else 1
            deadline = loop.time() + self.config.step_timeout
            before = len(self.platform.replies(person))
            sent = time.perf_counter()
            for step in person.steps[index : index + together]:
                event_id, _ = await self.platform.send(person, step, deadline)
                person.events.append(event_id)
            for _ in range(together):
                if not await self.reply(person, before, deadline):
                    person.missing.append(index)
                    return
            person.latencies.append(time.perf_counter() - sent)
            index += together

    def pairs_out_of_order(self) -> int:
        """Applicants whose reply to the name did not come before the reply to the email."""
        wrong = 0
        for person in self.people:
            texts = [reply.text for reply in self.platform.replies(person)]
            name = next((at for at, text in enumerate(texts) if "✓ Full name:" in text), None)
            email = next((at for at, text in enumerate(texts) if "✓ Email:" in text), None)
            wrong += name is None or email is None or name > email
        return wrong


def measure(workers: int, applicants: int, workdir: Path, faq: FaqProcess) -> Figures:
    figures = Figures(workers)
    config = Config(applicants=applicants, kills=0, staff_down=0, rate_limited=0, refused=0, settle=0)
    arguments = argparse.Namespace(database_url=None, postgres=True)
    folder = workdir / f"workers-{workers}-{uuid.uuid4().hex[:6]}"
    with database_for(arguments, folder, "telegram") as (_, url):
        base = 5_000_000 + uuid.uuid4().int % 1_000_000 * 100
        scenario = LoadScenario(config, folder, url, base)
        scenario.faq = faq
        run = Workers(scenario, config, figures)
        asyncio.run(run.run())
        scripts = {person.user_id: person.steps for person in run.people}
        result = Result("telegram", "postgresql", applicants)
        check(run, expected_results("telegram", scripts, folder), result)
        figures.result = result
        figures.pairs_out_of_order = run.pairs_out_of_order()
    return figures


def redis_reachable() -> bool:
    address = urlparse(REDIS_URL)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


COLUMNS = (
    "workers",
    "messages",
    "seconds",
    "messages / s",
    "× 1 worker",
    "CPU ms / message",
    "bench ms / message",
    "rest ms / message",
    "cores busy",
    "p50 ms",
    "p95 ms",
    "answers wrong",
    "replies twice",
    "unanswered",
    "pairs out of order",
)


def row(figures: Figures, one: Figures) -> str:
    result = figures.result or Result("telegram", "postgresql", 0)
    cells = (
        figures.workers,
        figures.messages,
        f"{figures.seconds:.1f}",
        f"{figures.throughput:.1f}",
        f"{figures.throughput / one.throughput:.2f}" if one.throughput else "?",
        f"{figures.per_message_ms(figures.cpu_seconds):.1f}",
        f"{figures.per_message_ms(figures.bench_seconds):.1f}",
        f"{figures.per_message_ms(figures.rest_seconds):.1f}",
        f"{figures.cores_busy:.2f}",
        f"{figures.percentile(0.5):.0f}",
        f"{figures.percentile(0.95):.0f}",
        result.lost,
        result.twice + result.duplicates,
        result.missing,
        figures.pairs_out_of_order,
    )
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=list(WORKERS))
    parser.add_argument("--applicants", type=int, default=20)
    args = parser.parse_args()
    if not redis_reachable():
        print(f"Redis is unreachable at {REDIS_URL} (set TEST_REDIS_URL)", file=sys.stderr)
        return 2
    learn_faq_index(sys.executable, ROOT)
    workdir = Path(tempfile.mkdtemp(prefix="cmm-workers-"))
    print("| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS), sep="\n", flush=True)
    runs = []
    with faq_process(workdir) as faq:
        for workers in args.workers:
            figures = measure(workers, args.applicants, workdir, faq)
            runs.append(figures)
            print(row(figures, runs[0]), flush=True)
            for problem in (figures.result.problems if figures.result else [])[:5]:
                print(f"  {workers} workers: {problem}", flush=True)
    return 1 if any(figures.failed for figures in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
