"""Logging for every command: one format, the libraries held back from lines they must not
write, and no configured secret in any line.

httpx logs the URL of every Bot API request at INFO, and that URL carries the Telegram bot
token (``.../bot<token>/getUpdates``); the chat libraries log whole requests and replies at
DEBUG, applicants' answers among them. What those libraries log below a floor of their own is
dropped, whatever ``LOG_LEVEL`` says. As a defence against any other line that would carry a
secret (an exception's text, a library's warning), each secret the settings hold is replaced
with the name of its setting, in every record at every level.
"""

from __future__ import annotations

import logging
import re
import sys
from types import TracebackType
from urllib.parse import quote

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The least severe record each library may log (its loggers' names start with the key).
FLOORS = {
    "httpx": logging.WARNING,  # every request's URL, with the bot token
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,  # below: every Bot API call and update, texts included
    "slack_bolt": logging.INFO,  # below: every request from Slack, texts included
    "slack_sdk": logging.INFO,  # below: every Web API call, texts included
    "transitions": logging.WARNING,  # every state change
    "alembic": logging.WARNING,  # every migration step; `python -m bot migrate` says when it is done
    "fontTools": logging.WARNING,  # twenty lines for every font of every PDF made
}


class LibraryFloors(logging.Filter):
    """Drops a record below its library's floor (``FLOORS``). A filter on the handlers rather than
    levels on the libraries' loggers: slack_bolt sets its loggers to the root's level as it
    makes them."""

    def filter(self, record: logging.LogRecord) -> bool:
        for library, floor in FLOORS.items():
            if record.name == library or record.name.startswith(f"{library}."):
                return record.levelno >= floor
        return True


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record (its message with its arguments, its exception's and its
    stack's text), as written or URL-encoded, with ``[NAME]``, the name of its setting."""

    def __init__(self, secrets: dict[str, str]) -> None:
        """``secrets``: each secret by the name of its setting."""
        super().__init__()
        self._names = {
            **{quote(value, safe=""): name for name, value in secrets.items() if value},
            **{value: name for name, value in secrets.items() if value},
        }
        longest_first = sorted(self._names, key=len, reverse=True)  # one secret may contain another
        self._pattern = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    def redact(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda found: f"[{self._names[found.group()]}]", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a faulty log call: keep what it said, without letting a secret through
            message = f"{record.msg} (arguments that do not fit: {record.args!r})"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str, *, secrets: dict[str, str]) -> None:
    """Log at ``level`` to stderr; none of ``secrets`` (by the names of their settings) appears,
    not even in the traceback of an error that ends the process (python-telegram-bot's for a
    rejected token quotes the token)."""
    logging.basicConfig(level=level.upper(), format=FORMAT)
    floors, redact = LibraryFloors(), RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(floors)
        handler.addFilter(redact)
    sys.excepthook = _log_uncaught


def _log_uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    logging.getLogger("bot").critical("stopped by an error", exc_info=(kind, error, trace))
