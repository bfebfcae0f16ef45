"""The plain messages a channel adapter exchanges with the engine.

Adapters turn platform updates into ``Inbound`` and render ``Outbound``; nothing here knows any
platform. A pressed button arrives as ``Inbound.text`` holding the choice's ``value``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class IncomingFile:
    """A file the applicant sent. ``name`` is only shown back, never trusted (the engine keeps its
    last part, cleaned: ``text_hygiene.file_name``).

    ``content`` is None when the channel did not fetch the file because the platform says it is
    too large to fetch; ``size`` then carries the size the platform declared.
    """

    name: str
    content: bytes | None
    size: int | None = None

    @property
    def byte_size(self) -> int:
        return self.size if self.content is None and self.size is not None else len(self.content or b"")


@dataclass(frozen=True)
class Inbound:
    """One applicant message. ``event_id`` is the channel's id for it, used to apply it once."""

    channel: str
    user_id: str
    event_id: str
    text: str = ""
    file: IncomingFile | None = None
    choice_for: str | None = None  # a pressed button: the question it was shown with
    unsupported: str = ""  # what the applicant sent that the bot can't read, e.g. "stickers"
    time_zone: str | None = None  # the applicant's IANA time zone, when the platform tells it
    # Its place in the platform's order of messages (Telegram's update id), when there is one: a
    # person's messages are then applied in that order, whichever process receives them.
    sequence: int | None = None


@dataclass(frozen=True)
class Choice:
    """A button: ``value`` comes back as the answer text, ``label`` is what the applicant sees."""

    value: str
    label: str


KEEP = Choice("/keep", "Keep the saved answer")
"""Offered under a question that has a saved answer. Its key is the word "keep" everywhere, never
a number: a channel that numbers the choices lists it by that word."""
KEEP_WORD = "keep"


@dataclass(frozen=True)
class FormOffer:
    """Sent with a question that can also be answered in a form: the channel may offer a button."""

    key: str
    title: str


@dataclass(frozen=True)
class Document:
    """A file the bot sends with a message (the applicant's copy of their dossier)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Outbound:
    """One bot message: text, optional buttons, whether a file is the expected answer, and a
    file sent with it (``document``: made when the message is delivered, never kept).

    ``question`` names the question the buttons belong to; a channel sends it back as
    ``Inbound.choice_for`` so a button pressed under an old question is not taken for an answer
    to the current one. ``final`` choices can't be undone (submit, withdraw): they are made by a
    button or their words, never by a typed number, so a terminal lists them without numbers.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    expects_file: bool = False
    question: str = ""
    form: FormOffer | None = None
    document: Document | None = None
    final: bool = False


def outbound_to_dict(outbound: Outbound) -> dict:
    """A message kept for later delivery (in the outbox) as JSON, without its document."""
    kept = asdict(outbound)
    del kept["document"]
    return kept


def outbound_from_dict(data: dict) -> Outbound:
    form = data.get("form")
    return Outbound(
        text=data["text"],
        choices=tuple(Choice(**choice) for choice in data.get("choices", ())),
        expects_file=data.get("expects_file", False),
        question=data.get("question", ""),
        form=FormOffer(**form) if form else None,
        final=data.get("final", False),
    )
