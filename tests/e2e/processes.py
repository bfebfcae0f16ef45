"""Running the bot as a subprocess, as in production, for the end-to-end tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def bot_subprocess(*args: str, env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    """``python -m bot <args>`` with its three streams piped, killed after two minutes.

    (The limit is a timer, not a ``timeout=``: those poll with ``time.sleep``, which fails under
    Debian's libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC, and the suite must also pass
    with the clock moved.)"""
    with subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="surrogateescape",
        env=env,
        cwd=ROOT,
    ) as process:
        limit = threading.Timer(120, process.kill)
        limit.start()
        try:
            yield process
        finally:
            limit.cancel()


def run_bot(*args: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``python -m bot <args>`` to its end, with ``stdin`` piped in. A lone surrogate in ``stdin``
    goes as the byte it stands for ("\\udcff" as 0xff), to type bytes that are not UTF-8."""
    with bot_subprocess(*args, env=env) as process:
        stdout, stderr = process.communicate(stdin)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


class BotProcess:
    """``python -m bot <command>`` in a subprocess, its output in a log file."""

    def __init__(self, command: str, env: dict[str, str], log: Path) -> None:
        self.command = command
        self.env = env
        self.log = log
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", self.command, env=self.env, cwd=ROOT, stdout=out, stderr=out
            )

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                await self.kill()
        print(self.log.read_text(errors="replace")[-5000:])  # shown when a test fails


async def accepting(port: int) -> None:
    """Wait (at most 20 s) until something listens on ``port``."""
    for _ in range(200):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise AssertionError(f"nothing listens on port {port}")


def assert_log_hides(log: Path, private: list[str]) -> None:
    """A bot's whole output shows none of ``private``, as written or URL-encoded."""
    written = log.read_text(errors="replace")
    for value in private:
        assert value not in written and quote(value, safe="") not in written, (log.name, value)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
