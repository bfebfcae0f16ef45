"""Junk in applicants' messages, through the engine on SQLite and on PostgreSQL: refused with a
message that says what is wrong and the question asked again, and nothing of it stored.

Before the engine checked inbound text, a NUL byte or a lone surrogate failed the commit on
PostgreSQL, and on SQLite was stored, after which every message quoting it failed to encode."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from conversations.application.asking import Asking
from storage.models import Applicant, FaqQuestion
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, TRAINING_ANSWERS, make_engine_on, stored_draft
from tests.conftest import Applicant as Talker

NAME_QUESTION = "What is your full name, as it should appear on the credential?"
JUNK = {
    "control character": "Maria\x07 Gonzalez",
    "ANSI escape": "\x1b[31mMaria Gonzalez\x1b[0m",
    "NUL byte": "Maria\x00Gonzalez",
    "right-to-left override": "Maria \u202eGonzalez",
    "lone surrogate": "Maria\udc80",
}


@pytest.fixture
def talker(storage: Storage, asking: Asking) -> Talker:
    return Talker(make_engine_on(storage, asking=asking))


@pytest.mark.parametrize("junk", JUNK.values(), ids=JUNK.keys())
def test_junk_is_refused_with_the_question_again_and_nothing_stored(talker: Talker, storage: Storage, junk: str):
    talker.say("yes")
    before = stored_draft(storage)
    message = talker.inbound(junk)
    reply = talker.deliver(message)
    assert reply.startswith("Sorry, I can't use text with") and reply.endswith(NAME_QUESTION)
    after = stored_draft(storage)
    assert (after.state, after.answers) == (before.state, before.answers)
    assert talker.deliver(message) == reply  # applied once: a redelivery gets the same reply
    assert "✓ Full name: Maria Gonzalez" in talker.say("Maria Gonzalez")


@pytest.mark.parametrize(
    ("answered", "junk", "says", "question"),
    [
        (["yes"], "\u200b\ufeff\u200d", "can't be empty", NAME_QUESTION),
        (["yes", "Maria Gonzalez"], "m" * 65 + "@example.org", "too long before the @-sign", "email address"),
        (APPLICANT_ANSWERS + TRAINING_ANSWERS[:5], "0001-01-01", "between 1900 and 2100", "program start?"),
    ],
    ids=["zero-width only", "65-character local part", "year 1"],
)
def test_answers_that_are_no_answers_are_refused(
    talker: Talker, storage: Storage, answered: list, junk: str, says: str, question: str
):
    talker.answer_all(answered)
    before = stored_draft(storage)
    reply = talker.say(junk)
    assert says in reply and question in reply.rsplit("\n\n", 1)[-1]
    after = stored_draft(storage)
    assert (after.state, after.answers) == (before.state, before.answers)


def test_junk_before_consent_stores_no_applicant(talker: Talker, storage: Storage):
    assert "I can't use text with a control character" in talker.say("yes\x00")
    with Session(storage.engine) as session:
        assert session.exec(select(Applicant)).all() == []


def test_a_question_with_junk_is_not_recorded(talker: Talker, storage: Storage):
    talker.say("yes")
    reply = talker.say("how much is the fee?\x1b[0m")
    assert "I can't use text with a control character" in reply and reply.endswith(NAME_QUESTION)
    with Session(storage.engine) as session:
        assert session.exec(select(FaqQuestion)).all() == []
