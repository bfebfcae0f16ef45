"""Chaos: applicants complete whole applications while the bot is killed at random moments and the
staff destination fails for a while; afterwards nothing may be lost, applied twice, or left
unanswered, and every dossier must reach staff exactly once.

    .venv/bin/python bench/chaos.py [--scenario telegram|slack|both] [--applicants 10] [--kills 20]
        [--seed 1] [--handoff-kills 0] [--database-url URL | --postgres] [--staff-down 6] [--refused 8]

Each scenario runs the real bot (``python -m bot telegram``, long polling, against the Telegram
stand-in; ``python -m bot slack`` in HTTP mode, against the Slack stand-in) on SQLite (a new
file), on the database at ``--database-url``, or with ``--postgres`` on a PostgreSQL database of
its own (made on ``TEST_POSTGRES_URL``'s server, dropped after). ``--applicants`` applicants each
send a whole application (the answers of ``tests.conftest.FULL_APPLICATION``, with their own name,
email and files, then "submit" and "submit now") concurrently, one message at a time, each waiting for its reply:
a new bot message in its chat (``--step-timeout`` seconds, long enough for a restart; one whose
reply never comes stops there, as going on would answer the wrong questions). A message equal to
one the applicant already got is a reply sent again (a redelivered message is answered again):
counted, not taken for the next reply. In Telegram choices are pressed as buttons when the
question shows them; in Slack everything is typed (the conversation takes a choice's label), and
each event is sent as Slack does: one that gets no 200 (refused, reset, or no answer in 3 s) is
sent again with ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``, after 0.5 s, then every second
(Slack's own retries, a minute and five minutes apart, compressed).

Meanwhile the bot is SIGKILLed ``--kills`` times and started again at once: each kill falls
0-0.5 s after the n-th message of the run is sent, for ``--kills`` numbers n drawn (from
``--seed``) among all the messages, so the kills are spread over the applications, whatever the
machine's speed, and hit a message anywhere between its arrival and its confirmation. Then
``--handoff-kills`` more, 0.5-3 s after the bot takes messages again, while the dossiers are
handed to staff. When the first applicant comes to submit, the staff destination (the Telegram
group, or the Slack channel) answers 500 for ``--staff-down`` seconds, then 429 (retry after
1 s) ``--rate-limited`` times, then the whole platform stand-in is stopped (connections refused)
for ``--refused`` seconds.

Then, from the database and from what the stand-in received:
- answers lost: answers of the stored draft that differ from (or are missing against) what the
  messages sent give when applied once, in order, to an engine in this process; plus every
  message sent that was never recorded as applied;
- applied twice: dossiers beyond one version-1 dossier per applicant, evidence files beyond the
  two sent, staff hand-offs queued beyond one per dossier (an answer applied twice also shows as a
  wrong answer at the next question, i.e. as lost);
- replies missing: messages whose reply never came; duplicate replies (informational);
- dossiers exact: the dossier's content equals the expected one;
- hand-offs: per dossier number, the notifications, PDFs and evidence files in the staff chat:
  delivered (all there), expected (one per dossier), duplicated (any part more than once; the
  details say whether a kill fell inside that hand-off, the outbox's at-least-once window).
The exit status is 1 if anything is lost, applied twice, missing, not exact, or not handed over
exactly once. Bot logs stay in the work folder, which is printed when something failed.
"""

from __future__ import annotations

import abc
import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import create_engine
from sqlmodel import Session, col, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from conversations.application.asking import ONE_MOMENT
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.dossier.numbers import dossier_number
from conversations.messages import Inbound, IncomingFile
from storage.database import make_engine
from storage.files import FileStore
from storage.migrate import upgrade
from storage.models import Applicant, Dossier, Draft, EvidenceFile, OutboxMessage, ProcessedInbound, saved_id
from storage.repositories.dossiers import DOSSIER_SUBMITTED_TOPIC
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION
from tests.e2e.processes import ROOT, BotProcess, accepting
from tests.e2e.recording import Call, RecordingServer
from tests.e2e.slack_standin import SlackStandIn, SlackUser, buttons_of, text_of
from tests.e2e.telegram_standin import TelegramStandIn

# Where every bot the benches start finds the FAQ index learned beforehand (as ``make install`` leaves it).
FAQ_CACHE = os.environ.get("FAQ_CACHE_DIR", str(ROOT / "data" / "cache"))
TELEGRAM_TOKEN = "123456:CHAOS-token"
SLACK_TOKEN = "xoxb-chaos-token"
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TELEGRAM_STAFF = -100500
SLACK_STAFF = "C0STAFF"
# What the script types at a choice, and the button a Telegram applicant presses for it instead.
BUTTONS = {
    "yes": "Yes",
    "no": "No",
    "accredited": "Accredited Training Center",
    "hybrid": "Hybrid",
    "external": "External",
    "mentee": "The mentee",
    "both": "Both",
    "submit": "Submit the application",
    "submit now": "Submit now",
}
FILE_NAMES = ("certificate.pdf", "letter.pdf")  # the script's files, in order
_MIGRATING = threading.Lock()
NUMBER = re.compile(r"(?:New|Resubmitted) application (CMM-\d+) \(version (\d+)\)")


@dataclass(frozen=True)
class Config:
    applicants: int = 10
    kills: int = 20
    seed: int = 1
    step_timeout: float = 30.0  # how long an applicant waits for a reply before calling it missing
    staff_down: float = 6.0  # seconds the staff destination answers 500
    rate_limited: int = 3  # 429s the staff destination answers after that
    refused: float = 8.0  # seconds the whole platform refuses connections after that
    handoff_timeout: float = 240.0  # how long to wait, at the end, for every dossier to reach staff
    settle: float = 3.0  # and then how long to look out for hand-offs sent twice
    handoff_kills: int = 0  # kills while the dossiers are handed to staff


@dataclass(frozen=True)
class Step:
    text: str = ""
    file: tuple[str, bytes] | None = None  # (name, content)


def private_port() -> int:
    """A free port below Linux's ephemeral range (32768-60999), so that no connection the bots or
    the stand-ins open is given it while a stand-in is stopped, or before the bot listens on it."""
    ports = random.Random()
    for _ in range(100):
        port = ports.randrange(20_000, 32_000)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 32000")


def letters(number: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": a name part without digits."""
    word = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        word = chr(ord("A") + rest) + word
    return word


def application(number: int) -> list[Step]:
    """FULL_APPLICATION with the applicant's own name, email and files, then "submit" and its confirmation."""
    steps: list[Step] = []
    files = iter(FILE_NAMES)
    for answer in FULL_APPLICATION:
        if isinstance(answer, bytes):
            name = next(files)
            steps.append(Step(file=(name, answer + f"% applicant {number}: {name}\n".encode())))
        elif answer == "Maria Gonzalez":
            steps.append(Step(f"Maria {letters(number)} Gonzalez"))
        elif answer == "maria@example.org":
            steps.append(Step(f"maria{number}@example.org"))
        else:
            steps.append(Step(str(answer)))
    return [*steps, Step("submit"), Step("submit now")]


@dataclass
class Expected:
    answers: dict[str, Any]
    content: dict[str, Any] | None  # None: the messages sent do not come to a dossier


def expected_results(channel: str, scripts: dict[str, list[Step]], workdir: Path) -> dict[str, Expected]:
    """What each script gives when its messages are applied once, in order, by an engine here."""
    folder = workdir / "expected"
    folder.mkdir(parents=True)
    database = make_engine(f"sqlite:///{folder / 'expected.sqlite3'}")
    with _MIGRATING:  # Alembic's context is global: one migration at a time in a process
        upgrade(database)
    engine = ConversationEngine(Storage(database, FileStore(folder / "files")), policy=Policy())
    for user_id, steps in scripts.items():
        for number, step in enumerate(steps):
            payload: dict[str, Any] = {"file": IncomingFile(*step.file)} if step.file else {"text": step.text}
            engine.handle(Inbound(channel, user_id, f"expected-{user_id}-{number}", **payload))
    results = {}
    with Session(database) as session:
        for user_id in scripts:
            applicant = session.exec(
                select(Applicant).where(Applicant.channel == channel, Applicant.channel_user_id == user_id)
            ).first()
            if applicant is None:  # nothing sent, or not even the consent
                results[user_id] = Expected({}, None)
                continue
            draft = session.get_one(Draft, applicant.id)
            dossier = session.exec(select(Dossier).where(Dossier.applicant_id == applicant.id)).first()
            results[user_id] = Expected(dict(draft.answers), dict(dossier.content) if dossier else None)
    database.dispose()
    return results


@dataclass
class Reply:
    text: str
    buttons: list[str]


@dataclass
class Person:
    """One scripted applicant, and what happened to it."""

    number: int
    user_id: str
    steps: list[Step]
    events: list[str] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # the step whose reply never came: the person stops there
    undelivered: int = 0  # Slack events never acknowledged with 200
    seen: set[str] = field(default_factory=set)
    last: Reply | None = None
    latencies: list[float] = field(default_factory=list)  # seconds from each message sent to its reply


@dataclass
class Result:
    scenario: str
    database: str
    applicants: int
    messages: int = 0
    kills: int = 0
    lost: int = 0
    twice: int = 0
    missing: int = 0
    duplicates: int = 0
    exact: int = 0
    delivered: int = 0
    expected: int = 0
    duplicated: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.lost == self.twice == self.missing == self.duplicated == 0
            and self.exact == self.applicants
            and self.delivered == self.expected == self.applicants
        )


class CallIndex:
    """The stand-in's successful calls of some methods, by chat, indexed as they come (the list of
    calls grows to thousands; scanning it on every wake-up would be quadratic)."""

    def __init__(self, server: RecordingServer, key: Any) -> None:
        self.server = server
        self.key = key  # call -> chat or None (not indexed)
        self.by_chat: dict[str, list[Call]] = defaultdict(list)
        self._seen = 0

    def of(self, chat: str) -> list[Call]:
        calls = self.server.calls
        for call in calls[self._seen :]:
            if call.status == 200 and (chat_of := self.key(call)) is not None:
                self.by_chat[chat_of].append(call)
        self._seen = len(calls)
        return self.by_chat[chat]


class Scenario(abc.ABC):
    """One platform: its stand-in, the bot process on it, and how an applicant talks there."""

    name: str
    command: str
    server: RecordingServer

    def __init__(self, config: Config, workdir: Path, database_url: str) -> None:
        self.config = config
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.port = 0

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "FILES_DIR": str(self.workdir / "files"),
            "FAQ_CACHE_DIR": FAQ_CACHE,
            "OUTBOX_POLL_SECONDS": "0.2",
            "OUTBOX_FIRST_RETRY_SECONDS": "0.3",
            "OUTBOX_LEASE_SECONDS": "10",  # a hand-off a killed process held is taken again 10 s on
            "LOG_LEVEL": "INFO",
        }

    async def start_platform(self) -> None:
        self.port = private_port()
        await self.server.start(self.port)

    async def stop_platform(self) -> None:
        await self.server.stop()

    async def refuse(self, seconds: float) -> None:
        """The platform is away: connections are refused for ``seconds``."""
        await self.server.stop()
        await asyncio.sleep(seconds)
        for _ in range(50):  # its port is outside the ephemeral range, but someone may have taken it
            try:
                await self.server.start(self.port)
                return
            except OSError:
                await asyncio.sleep(0.1)
        await self.server.start(self.port)

    @abc.abstractmethod
    def user_id(self, number: int) -> str: ...

    @abc.abstractmethod
    async def start_bot(self, bot: BotProcess) -> None:
        """Start the bot, and wait (a while) until it takes messages."""

    @abc.abstractmethod
    async def send(self, person: Person, step: Step, deadline: float) -> tuple[str, bool]:
        """Send one message: its event id, and whether the platform could deliver it."""

    @abc.abstractmethod
    def replies(self, person: Person) -> list[Reply]: ...

    @abc.abstractmethod
    def staff_down(self, down: bool) -> None: ...

    @abc.abstractmethod
    def staff_rate_limited(self, times: int) -> None: ...

    @abc.abstractmethod
    def staff_parts(self) -> list[tuple[int, str, str]]:
        """What staff received of version 1 of each dossier: (position among the stand-in's calls,
        dossier number, "notice" | "pdf" | "evidence")."""

    def handoffs(self) -> dict[str, Counter[str]]:
        """Per dossier number, how many notices, PDFs and evidence files staff received."""
        received: dict[str, Counter[str]] = defaultdict(Counter)
        for _, number, part in self.staff_parts():
            received[number][part] += 1
        return received

    async def changed(self, seen_calls: int, timeout: float) -> None:  # noqa: ASYNC109 (a deadline, passed on)
        with contextlib.suppress(TimeoutError):
            await self.server.wait_until(lambda: len(self.server.calls) > seen_calls, timeout)


class TelegramScenario(Scenario):
    name = "telegram"
    command = "telegram"
    staff = TELEGRAM_STAFF  # the staff chat: a group, as most deployments have it

    def __init__(self, config: Config, workdir: Path, database_url: str, base: int) -> None:
        super().__init__(config, workdir, database_url)
        self.base = base
        self.api = TelegramStandIn(token=TELEGRAM_TOKEN)
        self.server = self.api
        self.messages = CallIndex(self.api, lambda call: _chat_of(call, "sendMessage"))

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_API_URL": self.api.url,
            "TELEGRAM_CHAT_MESSAGES_PER_SECOND": "50",
            "TELEGRAM_STAFF_CHAT_ID": str(self.staff),
        }

    def user_id(self, number: int) -> str:
        return str(self.base + number)

    async def start_bot(self, bot: BotProcess) -> None:
        polls = len(self.api.calls_to("getUpdates"))
        await bot.start()
        with contextlib.suppress(TimeoutError):  # e.g. the platform is away: it polls once it is back
            await self.api.wait_until(lambda: len(self.api.calls_to("getUpdates")) > polls, 60)

    async def send(self, person: Person, step: Step, deadline: float) -> tuple[str, bool]:
        chat = int(person.user_id)
        if step.file is not None:
            name, content = step.file
            update = await self.api.document(chat, content, name, "application/pdf")
        elif (label := BUTTONS.get(step.text)) and person.last is not None and label in person.last.buttons:
            update = await self.api.press(chat, label)
        else:
            update = await self.api.text(chat, step.text)
        return str(update["update_id"]), True

    def replies(self, person: Person) -> list[Reply]:
        return [
            Reply(
                call.params["text"],
                [
                    button["text"]
                    for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
                    for button in row
                ],
            )
            for call in self.messages.of(person.user_id)
        ]

    def staff_down(self, down: bool) -> None:
        if down:
            self.api.down_chats.add(self.staff)
        else:
            self.api.down_chats.discard(self.staff)

    def staff_rate_limited(self, times: int) -> None:
        body = {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        self.api.chat_failures[self.staff] += [(429, body)] * times

    def staff_parts(self) -> list[tuple[int, str, str]]:
        parts = []
        for position, call in enumerate(self.api.calls):
            if call.status != 200 or str(call.params.get("chat_id")) != str(self.staff):
                continue
            if call.method == "sendMessage":
                if (found := NUMBER.search(call.params["text"])) and found[2] == "1":
                    parts.append((position, found[1], "notice"))
            elif call.method == "sendDocument":
                name, _, what = str(call.params.get("caption", "")).partition(": ")
                number, _, version = name.rpartition("-v")
                if version == "1":
                    parts.append((position, number, "pdf" if what == "the dossier" else "evidence"))
        return parts


def _chat_of(call: Call, method: str) -> str | None:
    return str(call.params["chat_id"]) if call.method == method else None


def _param(call: Call, method: str, name: str) -> str | None:
    return call.params.get(name) if call.method == method else None


class SlackScenario(Scenario):
    name = "slack"
    command = "slack"
    RETRY_DELAYS = (0.5,)  # then every second, until the step's deadline
    TIMEOUT = 3.0  # Slack's: an event not answered within 3 s is sent again

    def __init__(self, config: Config, workdir: Path, database_url: str, base: int) -> None:
        super().__init__(config, workdir, database_url)
        self.base = base
        self.api = SlackStandIn(token=SLACK_TOKEN)
        self.server = self.api
        self.app_port = private_port()
        self.posts = CallIndex(self.api, lambda call: _param(call, "chat.postMessage", "channel"))
        self.users: dict[str, SlackUser] = {}
        self.http: aiohttp.ClientSession | None = None
        self.files = 0

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": self.api.url,
            "SLACK_STAFF_CHANNEL": SLACK_STAFF,
            "PORT": str(self.app_port),
            "LISTEN_HOST": "127.0.0.1",
        }

    async def start_platform(self) -> None:
        await super().start_platform()
        self.http = aiohttp.ClientSession()

    async def stop_platform(self) -> None:
        if self.http is not None:
            await self.http.close()
        await super().stop_platform()

    def user_id(self, number: int) -> str:
        return f"U{self.base + number}"

    def user(self, person: Person) -> SlackUser:
        if person.user_id not in self.users:
            url = f"http://127.0.0.1:{self.app_port}/slack/events"
            self.users[person.user_id] = SlackUser(self.api, url, SLACK_SECRET, person.user_id)
        return self.users[person.user_id]

    async def start_bot(self, bot: BotProcess) -> None:
        await bot.start()
        await accepting(self.app_port)  # 20 s at most

    async def send(self, person: Person, step: Step, deadline: float) -> tuple[str, bool]:
        user = self.user(person)
        if step.file is not None:
            name, content = step.file
            self.files += 1
            file_id = f"F{self.files:05d}"
            self.api.files[file_id] = (name, content, "application/pdf")
            event = user.message_event("", subtype="file_share", files=[{"id": file_id, "name": name}])
        else:
            event = user.message_event("skip" if step.text == "/skip" else step.text)
        body = user.event(event)
        return str(json.loads(body)["event_id"]), await self.deliver(user, body, deadline)

    async def deliver(self, user: SlackUser, body: str, deadline: float) -> bool:
        """Send an event as Slack does: again, with the retry headers, until it is answered 200."""
        assert self.http is not None
        loop = asyncio.get_running_loop()
        attempt, reason = 0, ""
        while True:
            headers = {"Content-Type": "application/json", **user.signed(body)}
            if attempt:
                headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason}
            try:
                async with self.http.post(
                    user.app_url, data=body.encode(), headers=headers, timeout=aiohttp.ClientTimeout(total=self.TIMEOUT)
                ) as response:
                    if response.status == 200:
                        return True
                    reason = "http_error"
            except TimeoutError:
                reason = "http_timeout"
            except aiohttp.ClientError:
                reason = "connection_failed"
            delay = self.RETRY_DELAYS[attempt] if attempt < len(self.RETRY_DELAYS) else 1.0
            attempt += 1
            if loop.time() + delay >= deadline:
                return False
            await asyncio.sleep(delay)

    def replies(self, person: Person) -> list[Reply]:
        return [
            Reply(text_of(call), [button["text"]["text"] for button in buttons_of(call)])
            for call in self.posts.of(self.user(person).channel)
        ]

    def staff_down(self, down: bool) -> None:
        if down:
            self.api.down_channels.add(SLACK_STAFF)
        else:
            self.api.down_channels.discard(SLACK_STAFF)

    def staff_rate_limited(self, times: int) -> None:
        failure = (429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"})
        self.api.channel_failures[SLACK_STAFF] += [failure] * times

    def staff_parts(self) -> list[tuple[int, str, str]]:
        parts = []
        threads: dict[str, str] = {}  # the notice's ts -> its dossier; the files go in its thread
        for position, call in enumerate(self.api.calls):
            if call.status != 200:
                continue
            if call.method == "chat.postMessage" and call.params.get("channel") == SLACK_STAFF:
                if (found := NUMBER.search(call.params.get("text", ""))) and found[2] == "1":
                    parts.append((position, found[1], "notice"))
                    threads[call.params["ts"]] = found[1]
            elif call.method == "files.completeUploadExternal" and call.params.get("channel_id") == SLACK_STAFF:
                number = threads.get(str(call.params.get("thread_ts")))
                files = call.params["files"]
                for item in files if isinstance(files, list) else json.loads(files):
                    if number is not None:
                        title = str(item.get("title", ""))
                        parts.append((position, number, "pdf" if title.startswith(number) else "evidence"))
        return parts


class Chaos:
    """One run: the platform, the bot, the applicants, the killer and the staff outage."""

    def __init__(self, scenario: Scenario, config: Config) -> None:
        self.scenario = scenario
        self.config = config
        self.random = random.Random(config.seed)
        self.people = [
            Person(number, scenario.user_id(number), application(number)) for number in range(config.applicants)
        ]
        self.bot = BotProcess(scenario.command, {}, scenario.workdir / f"{scenario.name}.log")
        self.kills = 0
        self.kill_marks: list[int] = []  # how many calls the stand-in had had at each kill
        self.sent = 0  # messages sent so far, by all applicants
        self.progress = asyncio.Condition()  # notified as messages are sent, and when all are through
        self.applied = asyncio.Event()  # every applicant is through (or stopped)
        self.submitting = asyncio.Event()

    async def run(self) -> None:
        scenario = self.scenario
        await scenario.start_platform()
        try:
            self.bot.env = scenario.env()
            await scenario.start_bot(self.bot)
            killer = asyncio.create_task(self.killer())
            outage = asyncio.create_task(self.outage())
            try:
                await asyncio.gather(*(self.apply(person) for person in self.people))
            finally:
                self.applied.set()
                async with self.progress:
                    self.progress.notify_all()
                await killer
            self.submitting.set()  # if nobody came to submit, the outage comes now
            await outage
            if self.config.handoff_kills:
                handed = asyncio.Event()
                killer = asyncio.create_task(self.handoff_killer(handed))
                try:
                    await self.handed_over(settle=0)
                finally:
                    handed.set()
                    await killer
            await self.handed_over(settle=self.config.settle)
        finally:
            await self.stop_bot()
            await scenario.stop_platform()

    async def apply(self, person: Person) -> None:
        loop = asyncio.get_running_loop()
        for index, step in enumerate(person.steps):
            if step.text == "submit":
                self.submitting.set()
            deadline = loop.time() + self.config.step_timeout
            before = len(self.scenario.replies(person))
            sent = time.perf_counter()
            event_id, delivered = await self.scenario.send(person, step, deadline)
            async with self.progress:
                self.sent += 1
                self.progress.notify_all()
            person.events.append(event_id)
            person.undelivered += not delivered
            if not await self.reply(person, before, deadline):
                # Going on would answer the wrong questions: the checks compare what was sent.
                person.missing.append(index)
                return
            person.latencies.append(time.perf_counter() - sent)

    async def reply(self, person: Person, before: int, deadline: float) -> bool:
        """Wait for a new message in the person's chat (not one they already got); True if it came."""
        loop = asyncio.get_running_loop()
        while True:
            calls = len(self.scenario.server.calls)
            for reply in self.scenario.replies(person)[before:]:
                if reply.text != ONE_MOMENT and reply.text not in person.seen:
                    person.seen.add(reply.text)
                    person.last = reply
                    return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await self.scenario.changed(calls, remaining)

    async def killer(self) -> None:
        """Kill the bot a moment after each of the drawn messages is sent, and start it again."""
        total = sum(len(person.steps) for person in self.people)
        marks = sorted(self.random.sample(range(1, total), min(self.config.kills, total - 1)))
        for mark in marks:
            async with self.progress:
                await self.progress.wait_for(partial(self._reached, mark))
            if self.applied.is_set():
                return
            await asyncio.sleep(self.random.uniform(0, 0.5))
            await self.restart()

    def _reached(self, mark: int) -> bool:
        return self.sent >= mark or self.applied.is_set()

    async def handoff_killer(self, handed: asyncio.Event) -> None:
        """Kill the bot now and then while it hands the dossiers to staff."""
        for _ in range(self.config.handoff_kills):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(handed.wait(), self.random.uniform(0.5, 3))
            if handed.is_set():
                return
            await self.restart()

    async def restart(self) -> None:
        await self.kill()
        self.kills += 1
        try:  # what comes next waits until it takes messages again
            await self.scenario.start_bot(self.bot)
        except AssertionError as error:  # not listening after 20 s: its log tells why
            print(f"{self.scenario.name}: {error}", file=sys.stderr)

    async def kill(self) -> None:
        process = self.bot.process
        if process is not None and process.returncode is None:
            self.kill_marks.append(len(self.scenario.server.calls))
            process.send_signal(signal.SIGKILL)
            await process.wait()

    async def outage(self) -> None:
        """When the first applicant comes to submit: the staff destination fails, then recovers."""
        await self.submitting.wait()
        self.scenario.staff_down(True)
        await asyncio.sleep(self.config.staff_down)
        self.scenario.staff_down(False)
        self.scenario.staff_rate_limited(self.config.rate_limited)
        if self.config.refused > 0:
            await self.scenario.refuse(self.config.refused)

    async def handed_over(self, *, settle: float) -> None:
        """Wait until every dossier of the run reached staff whole and its hand-off is marked
        delivered (or the time is up); then a moment more, so a hand-off sent twice is seen."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.handoff_timeout
        while loop.time() < deadline:
            if self.bot.process is not None and self.bot.process.returncode is not None:
                await self.bot.start()  # it stopped by itself: that shows in its log
            numbers, undelivered = await asyncio.to_thread(self.staff_queue)
            received = self.scenario.handoffs()
            if not undelivered and all(_whole(received.get(number, Counter())) for number in numbers):
                break
            await asyncio.sleep(0.5)
        await asyncio.sleep(settle)

    def staff_queue(self) -> tuple[list[str], int]:
        """The numbers of the run's dossiers, and how many of their hand-offs are not delivered yet."""
        database = make_engine(self.scenario.database_url)
        try:
            with Session(database) as session:
                dossiers = self.dossiers(session)
                ids = {saved_id(dossier) for dossier in dossiers}
                rows = session.exec(select(OutboxMessage).where(col(OutboxMessage.delivered_at).is_(None))).all()
                undelivered = sum(1 for row in rows if row.payload.get("dossier_id") in ids)
                return [dossier_number(dossier) for dossier in dossiers], undelivered
        finally:
            database.dispose()

    def dossiers(self, session: Session) -> list[Dossier]:
        ids = [person.user_id for person in self.people]
        query = (
            select(Dossier)
            .join(Applicant, col(Applicant.id) == col(Dossier.applicant_id))
            .where(Applicant.channel == self.scenario.name, col(Applicant.channel_user_id).in_(ids))
        )
        return list(session.exec(query))

    async def stop_bot(self) -> None:
        await stop(self.bot.process)


async def stop(process: asyncio.subprocess.Process | None) -> None:
    """Stop a bot process as a platform would (SIGTERM), and kill it if it is not gone in 15 s."""
    if process is not None and process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


def _whole(parts: Counter[str]) -> bool:
    return parts["notice"] >= 1 and parts["pdf"] >= 1 and parts["evidence"] >= len(FILE_NAMES)


def check(chaos: Chaos, expected: dict[str, Expected], result: Result) -> None:
    """Compare the database and what staff received with what the script sent."""
    scenario = chaos.scenario
    database = make_engine(scenario.database_url)
    staff_parts = scenario.staff_parts()
    handoffs = scenario.handoffs()
    try:
        with Session(database) as session:
            for person in chaos.people:
                check_person(session, scenario.name, person, expected[person.user_id], result)
            queued = session.exec(select(OutboxMessage).where(OutboxMessage.topic == DOSSIER_SUBMITTED_TOPIC)).all()
            numbers = []
            for dossier in chaos.dossiers(session):
                number = dossier_number(dossier)
                numbers.append(number)
                mine = [row for row in queued if row.payload.get("dossier_id") == dossier.id]
                if len(mine) != 1:
                    result.twice += max(0, len(mine) - 1)
                    result.problems.append(f"{number}: {len(mine)} staff hand-offs queued")
    finally:
        database.dispose()
    for person in chaos.people:
        result.missing += len(person.missing)
        if person.missing:
            result.problems.append(f"{person.user_id}: no reply to steps {person.missing}")
        if person.undelivered:
            result.problems.append(f"{person.user_id}: {person.undelivered} events never acknowledged")
        texts = [reply.text for reply in scenario.replies(person) if reply.text != ONE_MOMENT]
        result.duplicates += len(texts) - len(set(texts))
        result.messages += len(person.steps)
    result.expected = len(numbers)
    for number in numbers:
        parts = handoffs.get(number, Counter())
        if _whole(parts):
            result.delivered += 1
        else:
            result.problems.append(f"{number}: staff received {dict(parts)}")
        if parts["notice"] > 1 or parts["pdf"] > 1 or parts["evidence"] > len(FILE_NAMES):
            result.duplicated += 1
            sent = [position for position, of, _ in staff_parts if of == number]
            killed = any(min(sent) <= mark <= max(sent) for mark in chaos.kill_marks)
            why = " (a kill fell inside its hand-off: the outbox delivers at least once)" if killed else ""
            result.problems.append(f"{number}: staff received {dict(parts)}, more than once{why}")
    result.kills = chaos.kills


def check_person(session: Session, channel: str, person: Person, expected: Expected, result: Result) -> None:
    applicant = session.exec(
        select(Applicant).where(Applicant.channel == channel, Applicant.channel_user_id == person.user_id)
    ).first()
    if applicant is None:
        result.lost += len(expected.answers)
        result.problems.append(f"{person.user_id}: no applicant stored")
        return
    draft = session.get(Draft, applicant.id)
    answers = dict(draft.answers) if draft else {}
    wrong = [key for key, value in expected.answers.items() if answers.get(key, ...) != value]
    extra = [key for key in answers if key not in expected.answers]
    if wrong or extra:
        result.lost += len(wrong) + len(extra)
        result.problems.append(f"{person.user_id}: answers differ at {wrong + extra}")
    applied = set(
        session.exec(
            select(ProcessedInbound.event_id).where(
                ProcessedInbound.channel == channel, ProcessedInbound.channel_user_id == person.user_id
            )
        )
    )
    never = [event for event in person.events if event not in applied]
    if never:
        result.lost += len(never)
        result.problems.append(f"{person.user_id}: messages never applied: {never}")
    dossiers = session.exec(select(Dossier).where(Dossier.applicant_id == applicant.id)).all()
    if len(dossiers) > 1 or any(dossier.version != 1 for dossier in dossiers):
        result.twice += len(dossiers) - 1 if dossiers else 0
        result.problems.append(f"{person.user_id}: dossiers {[(d.id, d.version) for d in dossiers]}")
    if len(dossiers) == 1 and dossiers[0].content == expected.content:
        result.exact += 1
    elif dossiers:
        result.problems.append(f"{person.user_id}: dossier {dossiers[0].id} differs from the answers sent")
    else:
        result.problems.append(f"{person.user_id}: no dossier")
    files = session.exec(select(EvidenceFile).where(EvidenceFile.applicant_id == applicant.id)).all()
    if len(files) > len(FILE_NAMES):
        result.twice += len(files) - len(FILE_NAMES)
        result.problems.append(f"{person.user_id}: {len(files)} evidence files stored")


@contextlib.contextmanager
def database_for(args: argparse.Namespace, workdir: Path, scenario: str) -> Iterator[tuple[str, str]]:
    """(label, URL) of the database a run uses, migrated; a PostgreSQL one of its own is dropped after."""
    if args.database_url:
        database = make_engine(args.database_url)
        upgrade(database)
        yield database.url.get_backend_name(), args.database_url
        database.dispose()
    elif args.postgres:
        from tests.databases import POSTGRES_URL, _postgres_database

        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        try:
            with _postgres_database(admin) as url:
                database = make_engine(url)
                upgrade(database)
                database.dispose()
                yield "postgresql", url
        finally:
            admin.dispose()
    else:
        url = f"sqlite:///{workdir / f'{scenario}.sqlite3'}"
        database = make_engine(url)
        upgrade(database)
        database.dispose()
        yield "sqlite", url


async def run_scenario(name: str, config: Config, database_url: str, label: str, workdir: Path) -> Result:
    """One scenario on one database: the run, then the checks. ``workdir`` gets the bot's log."""
    base = 5_000_000 + uuid.uuid4().int % 1_000_000 * 100  # ids of this run's own, whatever the database holds
    scenario: Scenario = (
        TelegramScenario(config, workdir, database_url, base)
        if name == "telegram"
        else SlackScenario(config, workdir, database_url, base)
    )
    chaos = Chaos(scenario, config)
    result = Result(name, label, config.applicants)
    started = time.perf_counter()
    await chaos.run()
    result.seconds = time.perf_counter() - started
    sent = {person.user_id: person.steps[: len(person.events)] for person in chaos.people}
    expected = await asyncio.to_thread(expected_results, name, sent, workdir)
    await asyncio.to_thread(check, chaos, expected, result)
    return result


HEADER = (
    f"{'scenario':<9} {'database':<10} {'applicants':>10} {'messages':>8} {'kills':>5} {'lost':>4} "
    f"{'twice':>5} {'missing':>7} {'dup replies':>11} {'exact':>5} {'handoffs d/e/dup':>16} {'wall s':>7}"
)


def row(result: Result) -> str:
    handoffs = f"{result.delivered}/{result.expected}/{result.duplicated}"
    return (
        f"{result.scenario:<9} {result.database:<10} {result.applicants:>10} {result.messages:>8} "
        f"{result.kills:>5} {result.lost:>4} {result.twice:>5} {result.missing:>7} {result.duplicates:>11} "
        f"{result.exact:>5} {handoffs:>16} {result.seconds:>7.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("telegram", "slack", "both"), default="both")
    parser.add_argument("--applicants", type=int, default=Config.applicants)
    parser.add_argument("--kills", type=int, default=Config.kills)
    parser.add_argument("--seed", type=int, default=Config.seed)
    parser.add_argument("--step-timeout", type=float, default=Config.step_timeout)
    parser.add_argument("--staff-down", type=float, default=Config.staff_down, help="seconds of 500s")
    parser.add_argument("--rate-limited", type=int, default=Config.rate_limited, help="429s after that")
    parser.add_argument("--refused", type=float, default=Config.refused, help="seconds of refused connections")
    parser.add_argument("--handoff-timeout", type=float, default=Config.handoff_timeout)
    parser.add_argument("--handoff-kills", type=int, default=0, help="kills while dossiers go to staff")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database-url", help="default: a new SQLite file")
    where.add_argument("--postgres", action="store_true", help="a new PostgreSQL database, dropped after")
    args = parser.parse_args()
    config = Config(
        applicants=args.applicants,
        kills=args.kills,
        seed=args.seed,
        step_timeout=args.step_timeout,
        staff_down=args.staff_down,
        rate_limited=args.rate_limited,
        refused=args.refused,
        handoff_timeout=args.handoff_timeout,
        handoff_kills=args.handoff_kills,
    )
    workdir = Path(tempfile.mkdtemp(prefix="cmm-chaos-"))
    results = []
    print(HEADER, flush=True)
    for name in ("telegram", "slack") if args.scenario == "both" else (args.scenario,):
        with database_for(args, workdir, name) as (label, url):
            results.append(asyncio.run(run_scenario(name, config, url, label, workdir / name)))
        print(row(results[-1]), flush=True)
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(f"\n{result.scenario} on {result.database}:", *result.problems[:30], sep="\n  ")
    if failed:
        print(f"\nlogs and databases: {workdir}")
        raise SystemExit(1)
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
