"""What a message costs: this bot beside a bare python-telegram-bot echo bot, in one run.

    .venv/bin/python bench/load.py [--applicants 5 20 50] [--databases sqlite postgresql]
        [--rounds 1] [--baseline DIR] [--unpaced]

On the Telegram Bot API stand-in (``tests/e2e/telegram_standin.py``), K applicants at once each
send a whole application, one message at a time, each waiting for the reply (the script of
``bench/chaos.py``: every answer of the test application with the applicant's own name, email and
files, then "submit" and "submit now"; choices pressed as buttons where the bot shows them).
First to a bare echo bot (``bench/echo_bot.py``: python-telegram-bot, long polling, one message
back for every message or button press, no rate limiter, no database), then to this bot
(``python -m bot telegram``, long polling, asking the FAQ process ``python -m bot faq`` as
deployed, its index learned beforehand as ``make install`` does; ``--faq-in-process``: the
bot holds the index itself, as a single process does) on each database: SQLite (a new file) and PostgreSQL (a
database of its own on ``TEST_POSTGRES_URL``'s server, dropped after). The machines are shared
and noisy: the ratio to the echo bot of the same run is the figure; the milliseconds are indicative.

Per run, for the bot process (the stand-in and the applicants run in this process):
- CPU per inbound message: user + system CPU time of the process and of the FAQ process
  (``/proc/<pid>/stat``) from the
  first message (sent once the process is at rest) to the last reply and, for this bot, until
  every dossier has reached the staff chat (building the PDFs is part of an application's cost),
  divided by the messages sent; its ratio to the echo bot's with the same K; and the same
  without the hand-offs (to the last reply; the hand-offs of the first to submit overlap
  the others' conversations). The staff chat is a private one here
  (``LoadScenario``);
- p50 and p95 latency: from an update being queued at the stand-in to its reply reaching it
  (the bot's own pacing per chat is set to 50 messages a second, as in ``bench/chaos.py``, so
  what shows is the bot's work and its overall limit of about 30 messages a second, not the
  one message a second Telegram allows in one chat);
- outbound calls per inbound (every Bot API call but ``getUpdates``), and messages per inbound
  (messages sent or edited in the applicants' chats: what Telegram rate-limits);
- idle RSS (once the process is at rest after its first poll, before any message: what it loads
  in the background, such as the FAQ index, is loaded) and peak RSS (``VmHWM``); the FAQ
  process's, shared by every worker, is shown under the table;
- start: from starting the process to its first ``getUpdates`` reaching the stand-in.
``--rounds`` runs each bot that many times, interleaved (echo, the bots, echo, …), and shows the
run of median CPU (the machines are noisy: the same run varies by a third from one minute to the
next); ``--baseline`` also runs the bot of another checkout with the same migrations (e.g. an
earlier commit: ``git worktree add /tmp/before <commit>``, with ``make dev`` there if its
dependencies differ; its own ``.venv`` is used when it has one; ``FAQ_URL`` is set for it too,
which a checkout older than the FAQ process ignores), in the same rounds; ``--unpaced``
also runs this bot with Telegram's overall limit lifted (``TELEGRAM_MESSAGES_PER_SECOND``), so
that its latency is its own work's, apart from the platform's pacing.
The exit status is 0 whatever the figures: this is a measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.chaos import FAQ_CACHE, Chaos, Config, TelegramScenario, database_for
from tests.e2e.processes import ROOT, BotProcess, free_port

APPLICANTS = (5, 20, 50)
DATABASES = ("sqlite", "postgresql")
# What Telegram counts against a bot's sending limits, in an applicant's (private) chat.
MESSAGES = {"sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"}
_TICKS = os.sysconf("SC_CLK_TCK")
UNPACED = "10000"  # messages a second overall: no pacing that 50 applicants could reach


def percentile_ms(seconds: list[float], share: float) -> float:
    """The ``share`` percentile of ``seconds``, in milliseconds (0 for none)."""
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


@dataclass
class Figures:
    bot: str
    database: str
    applicants: int
    messages: int = 0
    cpu_seconds: float = 0.0
    conversation_cpu_seconds: float = 0.0  # until the last reply: without the hand-offs to staff
    latencies: list[float] = field(default_factory=list)
    calls: int = 0
    chat_messages: int = 0
    idle_rss_mb: float = 0.0
    peak_rss_mb: float = 0.0
    start_seconds: float = 0.0
    missing: int = 0

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / max(self.messages, 1)

    @property
    def conversation_cpu_ms(self) -> float:
        return self.conversation_cpu_seconds * 1000 / max(self.messages, 1)

    def percentile(self, share: float) -> float:
        return percentile_ms(self.latencies, share)


class Program(BotProcess):
    """A bot program other than this checkout's ``python -m bot telegram`` (the echo bot, or the
    bot of a baseline checkout), started and stopped the same way."""

    def __init__(self, argv: list[str], cwd: Path, log: Path) -> None:
        super().__init__("telegram", {}, log)
        self.argv = argv
        self.cwd = cwd

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv, env=self.env, cwd=self.cwd, stdout=out, stderr=out
            )


class LoadScenario(TelegramScenario):
    """The platform as in ``bench/chaos.py``, but the staff chat is a private one: Telegram lets a
    bot send a group only 20 messages a minute, so the hand-offs of 50 dossiers (four messages
    each) to a staff group would take ten minutes of waiting, which is no work of the bot's.
    ``paced`` False lifts Telegram's overall limit of 30 messages a second (``--unpaced``)."""

    staff = 900_500
    paced = True
    faq: FaqProcess | None = None

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            **({} if self.paced else {"TELEGRAM_MESSAGES_PER_SECOND": UNPACED}),
            **({"FAQ_URL": self.faq.url} if self.faq else {}),
        }


@dataclass(frozen=True)
class FaqProcess:
    url: str
    pid: int


@contextlib.contextmanager
def faq_process(workdir: Path) -> Iterator[FaqProcess]:
    """``python -m bot faq`` on a port of its own, ready (its index loaded), until the end."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LISTEN_HOST": "127.0.0.1",
        "PORT": str(port),
        "FAQ_CACHE_DIR": FAQ_CACHE,
        "DATABASE_URL": f"sqlite:///{workdir / 'faq.sqlite'}",  # the entries support added: none here
    }
    with (workdir / "faq.log").open("ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "bot", "faq"], env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        give_up = time.monotonic() + 120
        while not _answers(f"{url}/ready"):
            if process.poll() is not None or time.monotonic() > give_up:
                raise SystemExit(f"the FAQ process did not start: see {workdir / 'faq.log'}")
            time.sleep(0.2)
        yield FaqProcess(url, process.pid)
    finally:
        process.terminate()
        process.wait(30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


class Load(Chaos):
    """One run: the platform, one bot process, the applicants; no kills, no outage."""

    def __init__(self, scenario: LoadScenario, config: Config, figures: Figures, program: Program | None) -> None:
        super().__init__(scenario, config)
        self.platform = scenario
        self.figures = figures
        if program is not None:
            self.bot = program

    async def run(self) -> None:
        scenario, figures = self.platform, self.figures
        await scenario.start_platform()
        try:
            self.bot.env = scenario.env()
            began = time.perf_counter()
            await scenario.start_bot(self.bot)
            figures.start_seconds = next(at for at in scenario.api.polls_begun if at > began) - began
            assert self.bot.process is not None  # started: start_bot saw it poll
            pid = self.bot.process.pid
            await _settled(pid)
            figures.idle_rss_mb = _status(pid, "VmRSS")
            pids = [pid, *([scenario.faq.pid] if scenario.faq else [])]
            cpu, calls = _cpu_seconds(*pids), len(scenario.server.calls)
            await asyncio.gather(*(self.apply(person) for person in self.people))
            figures.conversation_cpu_seconds = _cpu_seconds(*pids) - cpu
            await self.handed_over(settle=0)
            figures.cpu_seconds = _cpu_seconds(*pids) - cpu
            figures.peak_rss_mb = _status(pid, "VmHWM")
            made = [call for call in scenario.server.calls[calls:] if call.method != "getUpdates"]
            figures.calls = len(made)
            figures.chat_messages = sum(
                call.method in MESSAGES and 0 < int(call.params.get("chat_id", 0)) != scenario.staff for call in made
            )
            figures.messages = sum(len(person.events) for person in self.people)
            figures.missing = sum(len(person.missing) for person in self.people)
            figures.latencies = [seconds for person in self.people for seconds in person.latencies]
        finally:
            await self.stop_bot()
            await scenario.stop_platform()


async def _settled(pid: int, *, busy: float = 0.05, longest: float = 60) -> None:
    """Wait until the process is at rest (what it does after its first poll, such as loading the
    FAQ index in the background, is done): less than ``busy`` of a core over half a second."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + longest
    while loop.time() < give_up:
        before = _cpu_seconds(pid)
        await asyncio.sleep(0.5)
        if _cpu_seconds(pid) - before < busy * 0.5:
            return


def _cpu_seconds(*pids: int) -> float:
    """The user and system CPU time of the processes, together."""
    total = 0
    for pid in pids:
        # The fields after the command name, which is in parentheses and may hold spaces.
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def _machine_cpu_seconds() -> float:
    """The CPU time every core of the machine spent busy (``/proc/stat``: all but idle and iowait)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    idle, iowait = fields[3], fields[4]
    return (sum(fields) - idle - iowait) / _TICKS


def _status(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024  # kB -> MB
    return 0.0


def measure(
    bot: str,
    database: str,
    applicants: int,
    workdir: Path,
    program: Program | None = None,
    *,
    paced: bool = True,
    faq: FaqProcess | None = None,
) -> Figures:
    """One run of ``applicants`` with ``program`` (default: this checkout's bot) on ``database``."""
    figures = Figures(bot, database, applicants)
    config = Config(applicants=applicants, kills=0, staff_down=0, rate_limited=0, refused=0, settle=0)
    arguments = argparse.Namespace(database_url=None, postgres=database == "postgresql")
    folder = workdir / f"{bot}-{database}-{applicants}-{uuid.uuid4().hex[:6]}"
    with database_for(arguments, folder, "telegram") as (_, url):
        base = 5_000_000 + uuid.uuid4().int % 1_000_000 * 100
        scenario = LoadScenario(config, folder, url, base)
        scenario.paced = paced
        scenario.faq = faq
        asyncio.run(Load(scenario, config, figures, program).run())
    return figures


def python_of(checkout: Path) -> str:
    """The checkout's own virtual environment's Python, if it has one (its dependencies may differ)."""
    own = checkout / ".venv" / "bin" / "python"
    return str(own) if own.exists() else sys.executable


def learn_faq_index(python: str, checkout: Path) -> None:
    """As ``make install`` leaves it: the FAQ index learned into the cache the bot's runs read."""
    env = {**os.environ, "FAQ_CACHE_DIR": FAQ_CACHE}
    subprocess.run([python, "-m", "bot", "faq-index"], env=env, cwd=checkout, capture_output=True, check=True)


UNPACED_ROW = "this bot, unpaced"

COLUMNS = (
    "bot",
    "database",
    "applicants",
    "messages",
    "CPU ms / message",
    "× echo",
    "… to the last reply",
    "p50 ms",
    "p95 ms",
    "calls / message",
    "chat messages / message",
    "idle RSS MB",
    "peak RSS MB",
    "start s",
)


def row(figures: Figures, echo: Figures) -> str:
    sent = max(figures.messages, 1)
    missing = f" ({figures.missing} unanswered)" if figures.missing else ""
    cells = (
        figures.bot,
        figures.database,
        figures.applicants,
        f"{figures.messages}{missing}",
        f"{figures.cpu_ms:.1f}",
        f"{figures.cpu_ms / echo.cpu_ms:.1f}" if echo.cpu_ms else "?",
        f"{figures.conversation_cpu_ms:.1f}",
        f"{figures.percentile(0.5):.0f}",
        f"{figures.percentile(0.95):.0f}",
        f"{figures.calls / sent:.2f}",
        f"{figures.chat_messages / sent:.2f}",
        f"{figures.idle_rss_mb:.0f}",
        f"{figures.peak_rss_mb:.0f}",
        f"{figures.start_seconds:.1f}",
    )
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def median_run(runs: list[Figures]) -> Figures:
    return sorted(runs, key=lambda figures: figures.cpu_ms)[len(runs) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, nargs="+", default=list(APPLICANTS))
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=list(DATABASES))
    parser.add_argument("--rounds", type=int, default=1, help="runs of each, interleaved; the median is shown")
    parser.add_argument("--baseline", type=Path, help="also run the bot of this checkout (e.g. a git worktree)")
    parser.add_argument(
        "--unpaced", action="store_true", help="also run this bot without Telegram's overall limit (its own latency)"
    )
    parser.add_argument(
        "--faq-in-process", action="store_true", help="this bot holds the FAQ index itself (no FAQ process)"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cmm-load-"))
    programs: dict[str, Callable[[Path], Program | None]] = {
        "this bot": lambda log: None,
    }
    learn_faq_index(sys.executable, ROOT)
    if args.baseline:
        baseline = args.baseline.resolve()
        learn_faq_index(python_of(baseline), baseline)
        programs["baseline"] = lambda log: Program([python_of(baseline), "-m", "bot", "telegram"], baseline, log)
    with contextlib.ExitStack() as stack:
        faq = None if args.faq_in_process else stack.enter_context(faq_process(workdir))
        print("| " + " | ".join(COLUMNS) + " |", "|" + " --- |" * len(COLUMNS), sep="\n", flush=True)
        for applicants in args.applicants:
            runs: dict[tuple[str, str], list[Figures]] = defaultdict(list)
            for _ in range(args.rounds):
                echo_bot = Program([sys.executable, str(ROOT / "bench" / "echo_bot.py")], ROOT, workdir / "echo.log")
                runs["echo", "none"].append(measure("echo", "none", applicants, workdir, echo_bot))
                for database in args.databases:
                    for name, make in programs.items():
                        program = make(workdir / f"{name}.log")
                        ran = measure(name, database, applicants, workdir, program, faq=faq)
                        runs[name, database].append(ran)
                    if args.unpaced:
                        runs[UNPACED_ROW, database].append(
                            measure(UNPACED_ROW, database, applicants, workdir, None, paced=False, faq=faq)
                        )
            echo = median_run(runs["echo", "none"])
            for figures in runs.values():
                print(row(median_run(figures), echo), flush=True)
            if args.rounds > 1:
                for (name, database), figures in runs.items():
                    each = ", ".join(f"{one.cpu_ms:.1f}" for one in figures)
                    print(f"  {name} on {database}, {applicants} applicants: CPU ms / message in each round {each}")
        if faq is not None:
            print(
                f"The FAQ process (one for every worker; its CPU is counted above): "
                f"{_status(faq.pid, 'VmRSS'):.0f} MB resident, {_status(faq.pid, 'VmHWM'):.0f} MB at most."
            )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
