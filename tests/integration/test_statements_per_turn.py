"""What one applicant message costs the database: a typed answer is read and saved in four
statements (is it a redelivery, the applicant with their draft, the message id, the draft), on
SQLite and PostgreSQL alike; a turn that receives a file or changes which files the answers give
also lists the applicant's evidence, to let go of what no answer gives any more."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from conversations.application.policy import Policy
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, PDF, TRAINING_ANSWERS, make_engine_on
from tests.conftest import Applicant as Talker


@contextmanager
def statements(storage: Storage) -> Iterator[list[str]]:
    """The first word of each statement sent to the database meanwhile (``BEGIN IMMEDIATE`` on
    SQLite included; PostgreSQL's driver begins and commits without one)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement.split(None, 1)[0].upper())

    event.listen(storage.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(storage.engine, "before_cursor_execute", record)


def test_a_typed_answer_costs_four_statements(storage: Storage, policy: Policy):
    talker = Talker(make_engine_on(storage, policy))
    talker.answer_all(["/start", *APPLICANT_ANSWERS[:2]])  # the consent, then the name
    with statements(storage) as sent:
        talker.say(APPLICANT_ANSWERS[2])  # the email
    assert sorted(kind for kind in sent if kind != "BEGIN") == ["INSERT", "SELECT", "SELECT", "UPDATE"]


def test_a_file_lists_the_evidence_to_let_go_of_what_is_unused(storage: Storage, policy: Policy):
    talker = Talker(make_engine_on(storage, policy))
    talker.answer_all(["/start", *APPLICANT_ANSWERS, *TRAINING_ANSWERS[: TRAINING_ANSWERS.index(PDF)]])
    with statements(storage) as sent:
        reply = talker.send(PDF)
    assert "Saved" in reply or "✓" in reply, reply
    # Besides the four: is the file recorded already, and the applicant's evidence.
    assert sent.count("SELECT") == 4


def test_an_arrival_the_channel_recorded_is_not_recorded_again(storage: Storage, policy: Policy):
    """Webhook workers record a message's arrival as it comes in (``ordering.py``); its turn
    then does not try to insert it again (a refused INSERT and a transaction for nothing)."""
    engine = make_engine_on(storage, policy)
    talker = Talker(engine)
    talker.answer_all(["/start", *APPLICANT_ANSWERS[:2]])
    message = talker.inbound(APPLICANT_ANSWERS[2], sequence=10_000)
    engine.arrived(message)
    with statements(storage) as sent:
        assert "✓ Email" in "".join(reply.text for reply in engine.handle(message, arrived=True))
    assert sent.count("INSERT") == 1  # the message id only
    later = talker.inbound("no", sequence=10_001)
    with statements(storage) as sent:
        engine.handle(later)  # nobody recorded it: the turn does
    assert sent.count("INSERT") == 2
