"""Submitting is final, so it is confirmed first, saying what freezes and the fee due; a bare
typed number never submits; after submission, a message that would change an answer says how
to ask for a change."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from storage.models import Dossier
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, SUBMIT, stored_draft
from tests.conftest import Applicant as Talker

FROZEN = "They can no longer be changed here (IMC can reopen them if it needs more information)"


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def submitted(storage: Storage) -> int:
    with Session(storage.engine) as session:
        return len(session.exec(select(Dossier)).all())


@pytest.mark.parametrize(("member", "fee"), [("no", "598 USD (not an IMC member)"), ("yes", "450 USD (IMC member)")])
def test_submit_asks_first_saying_what_freezes_and_the_fee(
    engine: ConversationEngine, sqlite_storage: Storage, member: str, fee: str
):
    talker = Talker(engine)
    answers = [*FULL_APPLICATION]
    answers[3] = member
    if member == "yes":
        answers.insert(4, "/skip")  # the membership number
    talker.answer_all(answers)
    reply = talker.say("submit")
    assert "Submit your application now?" in reply and FROZEN.lower() in reply.lower()
    assert f"The application fee of {fee} will then be due." in reply
    assert [choice.label for choice in talker.last.choices] == ["Submit now", "Not yet"]
    assert submitted(sqlite_storage) == 0 and stored_draft(sqlite_storage).state == NavigationState.CONFIRM_SUBMIT
    assert "✓ Submitted." in talker.say("submit")
    assert submitted(sqlite_storage) == 1


def test_not_yet_goes_back_to_the_review(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION + ["submit"])
    reply = talker.say("not yet")
    assert reply.startswith("Nothing was submitted.") and "Your application is ready: submit it" in reply
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW and submitted(sqlite_storage) == 0


@pytest.mark.parametrize("at_confirmation", [False, True])
def test_a_bare_number_never_submits(talker: Talker, sqlite_storage: Storage, at_confirmation: bool):
    talker.answer_all(FULL_APPLICATION + (["submit"] if at_confirmation else []))
    state = stored_draft(sqlite_storage).state
    reply = talker.say("1")
    assert "Please type “submit" in reply and "(a number alone is not enough here)" in reply
    assert stored_draft(sqlite_storage).state == state and submitted(sqlite_storage) == 0


def test_the_button_of_the_confirmation_submits(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION)
    talker.deliver(talker.inbound("submit", choice_for=talker.last.question))
    assert talker.last.question == NavigationState.CONFIRM_SUBMIT
    assert "✓ Submitted." in talker.deliver(talker.inbound("submit", choice_for=talker.last.question))
    assert submitted(sqlite_storage) == 1


def test_the_button_of_the_review_pressed_at_the_confirmation_is_refused(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION)
    review = talker.last.question
    talker.say("submit")
    assert "earlier question" in talker.deliver(talker.inbound("submit", choice_for=review))
    assert submitted(sqlite_storage) == 0


@pytest.mark.parametrize("message", ["/edit", "/back", "Maria Garcia"])
def test_after_submission_a_change_says_how_to_ask_for_one(talker: Talker, message: str):
    talker.answer_all(FULL_APPLICATION + SUBMIT)
    reply = talker.say(message)
    assert "submitted and frozen" in reply or "is submitted" in reply
    assert "send /human and what should change" in reply


def test_yes_at_the_confirmation_submits(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION + ["submit"])
    assert "✓ Submitted." in talker.say("yes")
    assert submitted(sqlite_storage) == 1
