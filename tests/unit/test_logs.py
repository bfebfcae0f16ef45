"""What the logs may not show: a configured secret, in any part of any record; what the
libraries log with requests' URLs or messages' texts in it; the values of a failed SQL statement."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from bot.logs import FORMAT, LibraryFloors, RedactSecrets
from bot.settings import Settings
from storage.database import make_engine
from tests.conftest import UNIQUE_NAME

TOKEN = "123456:AAE-secret_token"
SECRETS = {"TELEGRAM_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "8f742231b10e"}


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose handler has the filters ``configure_logging`` puts on the root's."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(LibraryFloors())
    handler.addFilter(RedactSecrets(SECRETS))
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, out
    logger.removeHandler(handler)


def test_every_secret_setting_is_known_by_its_variable(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SLACK_APP_TOKEN", "")  # empty: not a secret to look for
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_webhook_secret="hook-secret",
        slack_bot_token="xoxb-1",
        slack_signing_secret="signing",
        database_url="sqlite:///x.sqlite3",
    )
    assert settings.secrets() == {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": "hook-secret",
        "SLACK_BOT_TOKEN": "xoxb-1",
        "SLACK_SIGNING_SECRET": "signing",
    }


def test_the_database_password_is_a_secret_too():
    settings = Settings(_env_file=None, database_url="postgresql+psycopg://cmm:pg-Secret%2F9@db.example/cmm")
    assert settings.secrets()["DATABASE_URL password"] == "pg-Secret/9"


def test_a_secret_is_replaced_by_its_name_in_the_message_its_arguments_and_tracebacks(logged):
    logger, out = logged
    logger.debug("calling https://api.telegram.org/bot%s/getUpdates", TOKEN)
    logger.info("signed with 8f742231b10e, then %s", TOKEN.replace(":", "%3A"))
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected")
    except RuntimeError:
        logger.exception("failed", stack_info=True)
    logger.warning("%s %s", "one argument too few for", TOKEN, "this")
    written = out.getvalue()
    assert "https://api.telegram.org/bot[TELEGRAM_BOT_TOKEN]/getUpdates" in written
    assert "signed with [SLACK_SIGNING_SECRET], then [TELEGRAM_BOT_TOKEN]" in written
    assert "RuntimeError: The token `[TELEGRAM_BOT_TOKEN]` was rejected" in written
    assert "Stack (most recent call last)" in written
    assert "one argument too few" in written
    assert "AAE-secret_token" not in written and "8f742231b10e" not in written


def test_a_database_error_does_not_quote_the_values_it_was_given():
    with pytest.raises(OperationalError) as failed, make_engine("sqlite://").connect() as connection:
        connection.execute(text("INSERT INTO missing VALUES (:name)"), {"name": UNIQUE_NAME})
    assert "missing" in str(failed.value) and UNIQUE_NAME not in str(failed.value)


@pytest.mark.parametrize(
    ("name", "level", "shown"),
    [
        ("httpx", logging.INFO, False),
        ("httpx", logging.WARNING, True),
        ("httpcore.http11", logging.DEBUG, False),
        ("telegram.Bot", logging.DEBUG, False),
        ("telegram.ext.Application", logging.INFO, True),
        ("slack_bolt.AsyncApp", logging.DEBUG, False),
        ("slack_sdk.web.async_base_client", logging.DEBUG, False),
        ("transitions.core", logging.INFO, False),
        ("fontTools.subset", logging.INFO, False),
        ("fontTools.subset", logging.WARNING, True),
        ("telegramlike", logging.DEBUG, True),
        ("bot.channels.slack.applicant", logging.DEBUG, True),
    ],
)
def test_libraries_log_nothing_below_their_floor(name: str, level: int, shown: bool):
    record = logging.LogRecord(name, level, __file__, 1, "a line", None, None)
    assert LibraryFloors().filter(record) is shown
