"""The plain messages a channel adapter exchanges with the engine.

Adapters turn platform updates into ``Inbound`` and render ``Outbound``; nothing here knows any
platform. A pressed button arrives as ``Inbound.text`` holding the choice's ``value``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IncomingFile:
    """A file the applicant sent. ``name`` is only shown back, never trusted."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Inbound:
    """One applicant message. ``event_id`` is the channel's id for it, used to apply it once."""

    channel: str
    user_id: str
    event_id: str
    text: str = ""
    file: IncomingFile | None = None


@dataclass(frozen=True)
class Choice:
    """A button: ``value`` comes back as the answer text, ``label`` is what the applicant sees."""

    value: str
    label: str


@dataclass(frozen=True)
class Outbound:
    """One bot message: text, optional buttons, and whether a file is the expected answer."""

    text: str
    choices: tuple[Choice, ...] = ()
    expects_file: bool = False
