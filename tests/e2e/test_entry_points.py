"""Entry points (``python -m bot ...``) on an empty database: migrations applied, or a clear stop
naming the command."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.database import make_engine
from storage.migrate import is_current
from tests.e2e.processes import BotProcess, accepting, bot_subprocess, free_port, run_bot


def test_sqlite_entry_point_migrates_an_empty_database(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new' / 'bot.sqlite3'}"}
    done = run_bot("dossiers", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No application has been submitted yet.\n"  # no migration log on the terminal
    assert set(inspect(make_engine(env["DATABASE_URL"])).get_table_names()) >= set(SQLModel.metadata.tables)


def test_postgres_without_auto_migrate_stops_with_the_command_to_run(postgres_url: str):
    env = {**os.environ, "DATABASE_URL": postgres_url, "AUTO_MIGRATE": "false"}
    stopped = run_bot("dossiers", env=env)
    assert stopped.returncode == 2
    assert "not up to date" in stopped.stderr and "python -m bot migrate" in stopped.stderr
    migrated = run_bot("migrate", env=env)
    assert migrated.returncode == 0 and "up to date" in migrated.stdout
    assert run_bot("dossiers", env=env).returncode == 0


def test_postgres_entry_point_migrates_by_default(postgres_url: str):
    done = run_bot("dossiers", env={**os.environ, "DATABASE_URL": postgres_url})
    assert done.returncode == 0, done.stderr
    assert is_current(make_engine(postgres_url))


def test_unreachable_database_is_a_clear_stop():
    env = {**os.environ, "DATABASE_URL": "postgresql://cmm:secret@127.0.0.1:1/cmm"}
    stopped = run_bot("dossiers", env=env)
    assert stopped.returncode == 2
    assert "Can't open the database at postgresql+psycopg://cmm:***@127.0.0.1:1/cmm" in stopped.stderr
    assert "secret" not in stopped.stderr


def test_a_wrong_log_level_is_a_clear_stop(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "LOG_LEVEL": "verbose"}
    stopped = run_bot("dossiers", env=env)
    assert stopped.returncode == 2
    assert "Configuration error" in stopped.stderr and "'DEBUG', 'INFO', 'WARNING'" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert run_bot("dossiers", env={**env, "LOG_LEVEL": "debug"}).returncode == 0


def test_a_payment_link_that_is_not_https_is_a_clear_stop(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "PAYMENT_URL": "http://pay.example.org/cmm",
    }
    stopped = run_bot("dossiers", env=env)
    assert stopped.returncode == 2
    assert "Configuration error" in stopped.stderr and "payment_url" in stopped.stderr
    assert "must be an https:// link" in stopped.stderr and "Traceback" not in stopped.stderr
    assert run_bot("dossiers", env={**env, "PAYMENT_URL": "https://pay.example.org/cmm"}).returncode == 0


def test_a_reader_that_goes_away_stops_the_terminal_quietly(tmp_path: Path, faq_cache: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}", "FAQ_CACHE_DIR": str(faq_cache)}
    with bot_subprocess("console", env=env) as process:
        assert process.stdout is not None and process.stdin is not None and process.stderr is not None
        process.stdin.write("maybe\n" * 500)  # each one answered with the whole welcome again
        process.stdin.close()
        process.stdout.readline()  # as `| head -1` does
        process.stdout.close()
        errors = process.stderr.read()
        process.wait()
    assert process.returncode == 1
    assert "Traceback" not in errors and "BrokenPipe" not in errors


def test_a_webhook_worker_without_a_webhook_address_stops_instead_of_polling(tmp_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "TELEGRAM_BOT_TOKEN": "123:abc",
        "TELEGRAM_API_URL": "http://127.0.0.1:1",  # nothing is asked of Telegram: it stops first
    }
    env.pop("TELEGRAM_WEBHOOK_URL", None)
    stopped = run_bot("telegram", "--webhook", env=env)
    assert stopped.returncode == 2
    assert "TELEGRAM_WEBHOOK_URL is not set" in stopped.stderr and "Traceback" not in stopped.stderr


@pytest.mark.parametrize(("command", "port_variable"), [("web", "PORT"), ("web", "WEB_PORT"), ("faq", "PORT")])
def test_a_port_in_use_is_a_clear_stop(tmp_path: Path, command: str, port_variable: str):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "LISTEN_HOST": "127.0.0.1",
            port_variable: str(port),
        }
        stopped = run_bot(command, env=env)
    assert stopped.returncode == 2
    assert (
        f"Can't listen on 127.0.0.1:{port}" in stopped.stderr and "Is another process using the port?" in stopped.stderr
    )
    assert "Traceback" not in stopped.stderr


@pytest.mark.parametrize("command", ["web", "faq"])
async def test_a_server_stopped_says_so_and_exits_cleanly(tmp_path: Path, command: str):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "LISTEN_HOST": "127.0.0.1",
        "PORT": str(port),
        "LOG_LEVEL": "INFO",
    }
    log = tmp_path / f"{command}.log"
    server = BotProcess(command, env, log)
    await server.start()
    await accepting(port)
    await server.stop()
    assert server.process is not None and server.process.returncode == 0
    assert "stopping on SIGTERM" in log.read_text()
