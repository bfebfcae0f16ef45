"""How long the one-off commands take to start, and the first FAQ question of a fresh install.

    .venv/bin/python bench/startup.py [--runs 5] [--baseline DIR]

Each command runs as a user runs it (``python -m bot ...``) on a migrated SQLite database of its
own; the figure is the median wall time of ``--runs`` runs, beside a bare ``python -c pass``
measured in the same run (the machines are shared, so the ratio says more than the seconds).
The first question is asked of ``python -m bot console`` as its first line, with the FAQ index
in the cache as ``make install`` leaves it; the time runs from the start of the process to the
answer on its output. ``--baseline`` runs the same in another checkout (e.g. an earlier
version: ``git worktree add /tmp/before <commit>``), with the same Python, in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = (["dossiers"], ["outbox"], ["staff", "queue"], ["faq-report"], ["export", "1"])
QUESTION = "how much is the fee?"
ANSWER_STARTS = "The application fee is"


def wall_time(argv: list[str], env: dict[str, str], tree: Path = ROOT) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, cwd=tree, capture_output=True, check=False)
    return time.perf_counter() - started


def first_answer(env: dict[str, str], tree: Path = ROOT) -> float:
    """Seconds from starting the terminal channel to the answer of a question typed at once."""
    started = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=tree,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(QUESTION + "\n")
        process.stdin.flush()
        for line in process.stdout:
            if line.startswith(ANSWER_STARTS):
                elapsed = time.perf_counter() - started
                break
        else:
            raise SystemExit("the console ended without answering the question")
        process.stdin.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="another checkout, measured beside this one")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cmm-startup-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "FILES_DIR": str(workdir / "files"),
        "STAFF_FOLDER": str(workdir / "staff"),
    }
    subprocess.run([sys.executable, "-m", "bot", "migrate"], env=env, cwd=ROOT, capture_output=True, check=True)
    subprocess.run([sys.executable, "-m", "bot", "faq-index"], env=env, cwd=ROOT, capture_output=True, check=True)

    trees = {"this": ROOT, **({"baseline": args.baseline.resolve()} if args.baseline else {})}
    bare = statistics.median(wall_time([sys.executable, "-c", "pass"], env) for _ in range(args.runs))
    print(f"python -c pass (the anchor)          {bare * 1000:6.0f} ms")
    for command in COMMANDS:
        for name, tree in trees.items():
            argv = [sys.executable, "-m", "bot", *command]
            median = statistics.median(wall_time(argv, env, tree) for _ in range(args.runs))
            label = f"{' '.join(command)} ({name})"
            print(f"python -m bot {label:<22} {median * 1000:6.0f} ms  {median / bare:4.0f}× the anchor")
    for name, tree in trees.items():
        answers = sorted(first_answer(env, tree) for _ in range(args.runs))
        print(
            f"first FAQ question ({name})  {statistics.median(answers) * 1000:6.0f} ms median, "
            f"{answers[-1] * 1000:.0f} ms at most, from starting `python -m bot console` to the answer"
        )


if __name__ == "__main__":
    main()
