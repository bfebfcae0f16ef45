"""The database tables. JSON columns hold answers exactly as the conversation saved them; time
columns hold UTC moments, stamped by the transaction that writes them (``Transaction.now``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.column_types import JsonType, UtcDateTime


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def saved_id(row: _Row) -> int:
    """The id of a row the database has numbered. A row read from the database has one, and one
    made here is flushed where it is made (``Applicants.add``, ``Dossiers.submit``), so a row
    without an id is a bug: it is said here, not found later as a None somewhere else."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id: it was not written to the database")
    return row.id


def _json_column(**kwargs: Any) -> Any:
    return Field(sa_column=Column(JsonType, nullable=False), **kwargs)


def _time_column(*, nullable: bool = False, **column: Any) -> Any:
    """A UTC moment. A required one has no default: a row written without the transaction's time
    is refused by the database instead of being stamped by another clock."""
    sa_column = Column(UtcDateTime(), nullable=nullable, **column)
    return Field(default=None, sa_column=sa_column) if nullable else Field(sa_column=sa_column)


class Applicant(SQLModel, table=True):
    """A person on one channel who has consented; created only after consent."""

    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    channel_user_id: str = Field(max_length=128)
    consented_at: dt.datetime = _time_column()
    created_at: dt.datetime = _time_column()
    time_zone: str | None = Field(default=None, max_length=64)  # IANA name, when the channel tells it
    reminders: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})


class Draft(SQLModel, table=True):
    """Where one applicant is in the conversation, and every answer so far."""

    applicant_id: int = Field(primary_key=True, foreign_key="applicant.id", ondelete="CASCADE")
    state: str = Field(max_length=64)
    answers: dict[str, Any] = _json_column(default_factory=dict)
    context: dict[str, Any] = _json_column(default_factory=dict)  # navigation: where an edit returns to
    updated_at: dt.datetime = _time_column()


class DossierStatus(StrEnum):
    """Where a dossier stands in its review (``conversations/dossier/lifecycle.py`` says how it
    moves); the values are what ``Dossier.status`` and ``StatusChange.status`` hold."""

    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"
    REJECTED = "rejected"


class Dossier(SQLModel, table=True):
    """A submitted application, frozen: a numbered version per applicant."""

    __table_args__ = (UniqueConstraint("applicant_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True, ondelete="CASCADE")
    version: int
    status: str = Field(max_length=32)
    content: dict[str, Any] = _json_column(default_factory=dict)
    submitted_at: dt.datetime = _time_column()
    fee_status: str = Field(default="due", max_length=16, sa_column_kwargs={"server_default": "due"})
    # The questions staff asked about, while information is requested.
    requested: list[str] = Field(default_factory=list, sa_column=Column(JsonType, nullable=False, server_default="[]"))


class EvidenceFile(SQLModel, table=True):
    """A file an applicant sent, stored under its content hash."""

    __table_args__ = (UniqueConstraint("applicant_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True, ondelete="CASCADE")
    sha256: str = Field(max_length=64, index=True)
    mime: str = Field(max_length=64)
    size: int
    original_name: str = Field(max_length=255)
    created_at: dt.datetime = _time_column()


class ProcessedInbound(SQLModel, table=True):
    """A channel message already applied, so a redelivery is not applied again, and the replies
    it got, so a redelivery (the platform was not told the message was handled: the process
    stopped before the replies went out) gets them again. The replies, which may quote answers,
    are kept a short while only, and go when the applicant is forgotten."""

    channel: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=128)
    processed_at: dt.datetime = _time_column()
    channel_user_id: str | None = Field(default=None, max_length=128, index=True)
    replies: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JsonType, nullable=True))


class Arrival(SQLModel, table=True):
    """A channel message received, with its place in the channel's order (Telegram's update id):
    a later message of the same person, received by another process at the same moment, is
    applied after it (``applied_at``) and answered after it (``answered_at``); and a message is
    not applied while one numbered before it has not arrived at all. Kept a day."""

    channel: str = Field(primary_key=True, max_length=32)
    event_id: str = Field(primary_key=True, max_length=128)
    channel_user_id: str = Field(max_length=128, index=True)  # "" for an update that is no one's turn
    sequence: int = Field(sa_column=Column(sa.BigInteger(), nullable=False, index=True))
    arrived_at: dt.datetime = _time_column()
    applied_at: dt.datetime | None = _time_column(nullable=True)
    answered_at: dt.datetime | None = _time_column(nullable=True)


class OutboxMessage(SQLModel, table=True):
    """Work for other parts of the system (e.g. telling staff of a dossier), written in the same
    transaction as the change it reports, and delivered later."""

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=64, index=True)
    # Who receives it (``conversations.notices`` names them): "staff:slack", "staff:telegram",
    # "staff:folder", "support:<channel>", "applicant:<channel>" or "email".
    destination: str = Field(
        default="staff:folder", max_length=32, index=True, sa_column_kwargs={"server_default": "staff:folder"}
    )
    payload: dict[str, Any] = _json_column(default_factory=dict)
    created_at: dt.datetime = _time_column()
    delivered_at: dt.datetime | None = _time_column(nullable=True)
    attempts: int = 0
    last_error: str | None = None
    next_attempt_at: dt.datetime = _time_column(server_default=sa.func.now())
    claimed_until: dt.datetime | None = _time_column(nullable=True)  # a sender is at work on it until then
    # Messages with the same key are delivered in the order written (e.g. one applicant's notices).
    order_key: str | None = Field(default=None, max_length=64, index=True)


class StatusChange(SQLModel, table=True):
    """The history of a dossier's status: who changed it, when, and why."""

    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True, ondelete="CASCADE")
    status: str = Field(max_length=32)
    actor: str = Field(max_length=128)
    note: str = ""
    at: dt.datetime = _time_column()


class ReminderSent(SQLModel, table=True):
    """A reminder given, so it is given once: ``marker`` tells which occasion it was for (the idle
    period's start, or the credential's expiry date)."""

    __table_args__ = (UniqueConstraint("applicant_id", "kind", "marker"),)

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    marker: str = Field(max_length=64)
    sent_at: dt.datetime = _time_column()


class FaqQuestion(SQLModel, table=True):
    """A question an applicant asked: answered, not understood, or passed to a person. Those not
    answered are what the knowledge base should learn next (``python -m bot faq-report``)."""

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int | None = Field(default=None, foreign_key="applicant.id", index=True, ondelete="CASCADE")
    text: str = Field(max_length=2000)
    matched: str | None = Field(default=None, max_length=64)  # the closest entry
    score: float = 0.0
    outcome: str = Field(max_length=16, index=True)  # answered | unsure | escalated
    answer: str | None = None  # a person's answer, once given
    asked_at: dt.datetime = _time_column()


class FaqEntry(SQLModel, table=True):
    """A knowledge-base entry added from the chat by support (``/faq_add``), used at once."""

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=64)
    question: str = Field(max_length=500)
    answer: str
    added_by: str = Field(max_length=128)
    added_at: dt.datetime = _time_column()


class SupportThread(SQLModel, table=True):
    """Where a question passed to a person was posted, so a reply there reaches the applicant."""

    id: int | None = Field(default=None, primary_key=True)
    question_id: int = Field(foreign_key="faqquestion.id", index=True, ondelete="CASCADE")
    applicant_id: int = Field(foreign_key="applicant.id", index=True, ondelete="CASCADE")
    destination: str = Field(max_length=32)
    message_ref: str = Field(max_length=128, index=True)  # Telegram message id, Slack message ts


class StaffSignInLink(SQLModel, table=True):
    """A one-time link to the staff web desk, given in a staff chat (``/web``) or the terminal.
    Only a hash of its secret is kept: the link itself is in the staff member's chat alone."""

    secret_hash: str = Field(primary_key=True, max_length=64)  # sha256, hex
    staff: str = Field(max_length=128)  # as the dossier's history records actors: telegram:42 (@ana)
    created_at: dt.datetime = _time_column()
    expires_at: dt.datetime = _time_column()
    used_at: dt.datetime | None = _time_column(nullable=True)


class StaffWebSession(SQLModel, table=True):
    """A staff member signed in to the web desk through a link; ended by signing out or by time.
    The cookie holds the secret; only its hash is kept, with the form token of the session."""

    secret_hash: str = Field(primary_key=True, max_length=64)  # sha256, hex
    staff: str = Field(max_length=128)
    form_token: str = Field(max_length=64)  # every form of the session carries it (CSRF)
    started_at: dt.datetime = _time_column()
    expires_at: dt.datetime = _time_column()
    ended_at: dt.datetime | None = _time_column(nullable=True)


class StaffNote(SQLModel, table=True):
    """A note between staff about an application, which its applicant never sees."""

    id: int | None = Field(default=None, primary_key=True)
    applicant_id: int = Field(foreign_key="applicant.id", index=True, ondelete="CASCADE")
    author: str = Field(max_length=128)
    text: str = Field(max_length=4000)
    at: dt.datetime = _time_column()


class StaffClaim(SQLModel, table=True):
    """Who has taken an application to review, so that two reviewers don't work on it at once."""

    applicant_id: int = Field(primary_key=True, foreign_key="applicant.id", ondelete="CASCADE")
    staff: str = Field(max_length=128)
    at: dt.datetime = _time_column()


class FunnelCount(SQLModel, table=True):
    """How often a step of the application funnel that leaves no other record happened: someone
    wrote for the first time, declined consent, had an answer refused, or asked the FAQ before
    consenting (after, ``FaqQuestion`` keeps it). Counts alone, with no time and no row per event,
    so that nothing links one to a person (the ids of applied messages are kept beside them
    before consent too); they stay when an applicant is forgotten. A refusal keeps the kind of
    error, never the answer (``conversations.application.refusals``)."""

    kind: str = Field(primary_key=True, max_length=16)  # started | declined | refused | asked | unsure
    question: str = Field(default="", primary_key=True, max_length=64)  # the question's key, the FAQ entry's id
    error: str = Field(default="", primary_key=True, max_length=200)
    times: int = 0
