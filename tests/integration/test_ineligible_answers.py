"""An answer that breaks an eligibility rule is kept and marked ⚠ with why, and the applicant
chooses: change it now, or keep it and continue. The choice's buttons act only on it, a bare
number never does, and it survives a restart; fixing the answer later is confirmed."""

from __future__ import annotations

import pytest

from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from conversations.application.policy import Policy
from conversations.staff.desk import StaffDesk
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    FULL_APPLICATION,
    SUBMIT,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    make_engine_on,
    stored_draft,
)
from tests.conftest import Applicant as Talker

HOURS_42 = "⚠ Training hours: 42 — You have 42 hours of mentoring training; the credential needs 50, so 8 more."
CHOICE = ["Change it now", "Keep and continue"]


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def state(storage: Storage) -> str:
    return stored_draft(storage).state


def at_hours_choice(talker: Talker) -> None:
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3] + ["42"])


def test_an_ineligible_answer_is_marked_with_why_and_asks_to_change_or_keep(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3])
    reply = talker.say("42")
    assert reply.startswith(HOURS_42) and "✓ Training hours" not in reply
    assert "If that was a typo, choose Change it now." in reply
    assert [choice.label for choice in talker.last.choices] == CHOICE
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE
    assert stored_draft(sqlite_storage).answers["training_hours"] == 42


@pytest.mark.parametrize("words", ["change", "Change it now", "fix it", "/back"])
def test_change_it_now_asks_the_question_again_with_the_answer_saved(
    talker: Talker, sqlite_storage: Storage, words: str
):
    at_hours_choice(talker)
    reply = talker.say(words)
    assert "How many hours of mentoring training did you complete?" in reply and "Saved answer: 42" in reply
    assert state(sqlite_storage) == "training_hours"
    assert "✓ Training hours: 60 — meets the 50 hours needed" in talker.say("60")
    assert state(sqlite_storage) == "training_mode"


@pytest.mark.parametrize("words", ["keep", "Keep and continue", "continue", "go on", "/keep"])
def test_keep_and_continue_goes_on_with_the_answer_kept(talker: Talker, sqlite_storage: Storage, words: str):
    at_hours_choice(talker)
    reply = talker.say(words)
    assert reply.startswith("Kept your answer to Training hours.") and "How was the program delivered?" in reply
    assert state(sqlite_storage) == "training_mode"
    assert stored_draft(sqlite_storage).answers["training_hours"] == 42


@pytest.mark.parametrize(("value", "after"), [("change", "training_hours"), ("keep", "training_mode")])
def test_the_buttons_of_the_choice(talker: Talker, sqlite_storage: Storage, value: str, after: str):
    at_hours_choice(talker)
    talker.deliver(talker.inbound(value, choice_for=talker.last.question))
    assert state(sqlite_storage) == after


@pytest.mark.parametrize("message", ["maybe", "1", "2"])
def test_anything_else_or_a_bare_number_gets_the_same_choice(talker: Talker, sqlite_storage: Storage, message: str):
    at_hours_choice(talker)
    reply = talker.say(message)
    assert reply.startswith("Please type “change it now” or “keep and continue”, or press its button")
    assert HOURS_42 in reply and [choice.label for choice in talker.last.choices] == CHOICE
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE


def test_a_button_of_an_earlier_choice_is_refused(talker: Talker, sqlite_storage: Storage):
    at_hours_choice(talker)
    earlier = talker.last.question
    talker.answer_all(["keep", *TRAINING_ANSWERS[4:], *EXPERIENCE_ANSWERS[:3], "7"])
    assert "You have completed 7 mentoring engagements" in talker.last.text
    assert talker.last.question != earlier
    assert "earlier question" in talker.deliver(talker.inbound("change", choice_for=earlier))
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE
    talker.deliver(talker.inbound("change", choice_for=talker.last.question))
    assert state(sqlite_storage) == "engagements"


def test_a_number_after_faq_picks_a_topic_not_the_choice(talker: Talker, sqlite_storage: Storage):
    at_hours_choice(talker)
    talker.say("/faq")
    assert talker.say("1").startswith("Eligibility: pick a question.")
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE
    assert talker.say("/help").endswith(talker.last.text) and HOURS_42 in talker.last.text


def test_the_choice_is_asked_again_after_a_restart(talker: Talker, sqlite_storage: Storage, asking):
    at_hours_choice(talker)
    button = talker.last.question
    restarted = Talker(make_engine_on(sqlite_storage, asking=asking))
    assert HOURS_42 in restarted.say("/start")
    assert [choice.label for choice in restarted.last.choices] == CHOICE
    restarted.deliver(restarted.inbound("keep", choice_for=button))
    assert state(sqlite_storage) == "training_mode"


def test_under_edit_both_choices_return_to_the_review(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION + ["/edit training hours", "42"])
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE
    talker.say("keep")
    assert state(sqlite_storage) == NavigationState.REVIEW
    assert "must change before you can submit" in talker.last.text
    talker.answer_all(["/edit training hours", "40", "change"])
    assert state(sqlite_storage) == "training_hours"
    assert "✓ Training hours: 52 — meets the 50 hours needed" in talker.say("52")
    assert state(sqlite_storage) == NavigationState.REVIEW
    assert [choice.value for choice in talker.last.choices] == ["submit", "edit"]


def test_fixing_the_answer_with_edit_from_the_choice_carries_on(talker: Talker, sqlite_storage: Storage):
    at_hours_choice(talker)
    talker.say("/edit training hours")
    reply = talker.say("60")
    assert "✓ Training hours: 60 — meets the 50 hours needed" in reply and "How was the program delivered?" in reply
    assert state(sqlite_storage) == "training_mode"


def test_an_edit_elsewhere_from_the_choice_returns_to_it(talker: Talker, sqlite_storage: Storage):
    at_hours_choice(talker)
    talker.answer_all(["/edit full name", "Maria Garcia"])
    assert HOURS_42 in talker.last.text and state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE


def test_while_imc_reopened_answers_keep_goes_on_to_the_next_reopened_one(
    talker: Talker, sqlite_storage: Storage, engine: ConversationEngine
):
    talker.answer_all(FULL_APPLICATION + SUBMIT)
    desk = StaffDesk(sqlite_storage, policy=Policy())
    desk.start_review(1, actor="staff:ana")
    desk.request_information(1, ["training hours", "completed engagements"], actor="staff:ana")
    talker.say("42")
    assert state(sqlite_storage) == NavigationState.KEEP_OR_CHANGE
    talker.say("keep")
    assert state(sqlite_storage) == "engagements"  # nothing in between is asked


def test_summary_flags_each_kept_ineligible_answer(talker: Talker):
    at_hours_choice(talker)
    talker.answer_all(["keep", *TRAINING_ANSWERS[4:]])
    summary = talker.say("/summary")
    assert f"  {HOURS_42}" in summary
    assert "  Program: Foundations of Professional Mentoring" in summary and summary.count("⚠") == 1
    talker.answer_all(["/edit training hours", "60"])
    assert "⚠" not in talker.say("/summary")


def test_a_declaration_answered_no_says_if_it_was_by_mistake(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS[:-1])
    reply = talker.say("no")
    assert reply.startswith("⚠ Continuous learning: No — IMC requires a declaration of continuous learning")
    assert "If you answered No by mistake, choose Change it now." in reply and "typo" not in reply
    talker.say("change")
    assert "✓ Continuous learning: Yes — meets the declaration IMC requires" in talker.say("yes")
    assert state(sqlite_storage) == NavigationState.REVIEW
