"""A free-text answer that also reads as a question ("hw much is the fee" at the mentee's name) is
not saved until the applicant says which it is: "It's my answer" saves it as usual, "It's a
question" answers it and asks the question again. The check's buttons act only on it, a bare
number never does, and it survives a restart; a name is saved and a clear question answered
without it. At a choice, a sentence that names an option and reads as a question is checked too."""

from __future__ import annotations

import pytest

from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from conversations.application.policy import Policy
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    make_engine_on,
    stored_draft,
)
from tests.conftest import Applicant as Talker

CHECK = "Is that your answer to “Mentee”, or a question for me?"
CHOICES = ["It's my answer", "It's a question"]
MENTEE_QUESTION = "What is the mentee's name?"
FEE_ANSWER = "The application fee"  # how the knowledge base's answer about the fee begins


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def at_mentee_name(talker: Talker) -> None:
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:4])
    assert MENTEE_QUESTION in talker.last.text


def at_the_check(talker: Talker, storage: Storage, message: str = "hw much is the fee") -> None:
    at_mentee_name(talker)
    reply = talker.say(message)
    assert reply.endswith(CHECK) and "✓" not in reply
    assert [choice.label for choice in talker.last.choices] == CHOICES
    assert stored_draft(storage).state == NavigationState.ANSWER_OR_QUESTION
    assert "ref1_mentee_name" not in stored_draft(storage).answers


@pytest.mark.parametrize(
    "message",
    [
        "hw much is the fee",
        "Hello, I would like to know the fee for non members",
        "I got my CPM two years ago, can I apply now",
        "wat is a full cycle of the CPM",
        "my mentee moved abroad",
    ],
)
def test_an_answer_that_reads_as_a_question_is_checked_and_not_saved(
    talker: Talker, sqlite_storage: Storage, message: str
):
    at_the_check(talker, sqlite_storage, message)


@pytest.mark.parametrize("words", ["It's my answer", "answer", "my answer"])
def test_its_my_answer_saves_it_as_the_answer_would_have_been(talker: Talker, sqlite_storage: Storage, words: str):
    at_the_check(talker, sqlite_storage, "my mentee Jordan Lee")
    reply = talker.say(words)
    assert reply.startswith("✓ Mentee: my mentee Jordan Lee") and "What is the mentee's email address?" in reply
    assert stored_draft(sqlite_storage).answers["ref1_mentee_name"] == "my mentee Jordan Lee"
    assert stored_draft(sqlite_storage).state == "ref1_mentee_email"


@pytest.mark.parametrize("words", ["It's a question", "question", "a question"])
def test_its_a_question_answers_it_and_asks_the_question_again(talker: Talker, sqlite_storage: Storage, words: str):
    at_the_check(talker, sqlite_storage)
    reply = talker.say(words)
    assert reply.startswith(FEE_ANSWER) and "450" in reply and reply.rstrip().endswith(MENTEE_QUESTION)
    assert (
        stored_draft(sqlite_storage).state == "ref1_mentee_name"
        and "ref1_mentee_name" not in stored_draft(sqlite_storage).answers
    )
    assert talker.say("Jordan Lee").startswith("✓ Mentee: Jordan Lee")


@pytest.mark.parametrize(("value", "after"), [("answer", "ref1_mentee_email"), ("question", "ref1_mentee_name")])
def test_the_buttons_of_the_check(talker: Talker, sqlite_storage: Storage, value: str, after: str):
    at_the_check(talker, sqlite_storage, "my mentee Jordan Lee")
    talker.deliver(talker.inbound(value, choice_for=talker.last.question))
    assert stored_draft(sqlite_storage).state == after
    assert ("ref1_mentee_name" in stored_draft(sqlite_storage).answers) is (value == "answer")


def test_its_my_answer_is_read_as_any_answer_and_refused_when_it_is_not_one(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS[:2])
    check = talker.say("my supervisor lives in Dublin")
    assert check.endswith("Is that your answer to “Supervisor address”, or a question for me?")
    reply = talker.say("it's my answer")
    assert reply.startswith("A postal address needs the street with the number")
    assert (
        stored_draft(sqlite_storage).state == "supervisor_address"
        and "supervisor_address" not in stored_draft(sqlite_storage).answers
    )
    assert talker.say(SUPERVISION_ANSWERS[2]).startswith("✓ Supervisor address: 12 Harbour Road")


def test_any_other_message_drops_the_text_and_is_taken_at_the_question(talker: Talker, sqlite_storage: Storage):
    at_the_check(talker, sqlite_storage)
    assert talker.say("Jordan Lee").startswith("✓ Mentee: Jordan Lee")
    assert stored_draft(sqlite_storage).answers["ref1_mentee_name"] == "Jordan Lee"
    assert "answer_or_question" not in stored_draft(sqlite_storage).context


def test_a_clear_question_at_the_check_is_answered_and_the_question_asked_again(
    talker: Talker, sqlite_storage: Storage
):
    at_the_check(talker, sqlite_storage, "hello, quick question")
    reply = talker.say("how much is the fee?")
    assert reply.startswith(FEE_ANSWER) and reply.rstrip().endswith(MENTEE_QUESTION)
    assert stored_draft(sqlite_storage).state == "ref1_mentee_name"


def test_a_new_ambiguous_message_at_the_check_gets_its_own_check(talker: Talker, sqlite_storage: Storage):
    at_the_check(talker, sqlite_storage)
    first = talker.last.question
    assert talker.say("wat is the fee").endswith(CHECK)
    assert talker.last.question != first
    talker.say("question")
    assert stored_draft(sqlite_storage).state == "ref1_mentee_name"


@pytest.mark.parametrize("message", ["1", "2"])
def test_a_bare_number_picks_nothing(talker: Talker, sqlite_storage: Storage, message: str):
    at_the_check(talker, sqlite_storage)
    reply = talker.say(message)
    assert reply.startswith("Please type “it's my answer” or “it's a question”, or press its button")
    assert reply.endswith(CHECK) and stored_draft(sqlite_storage).state == NavigationState.ANSWER_OR_QUESTION
    assert "ref1_mentee_name" not in stored_draft(sqlite_storage).answers


def test_a_number_after_faq_picks_a_topic_not_the_check(talker: Talker, sqlite_storage: Storage):
    at_the_check(talker, sqlite_storage)
    talker.say("/faq")
    assert talker.say("1").startswith("Eligibility: pick a question.")
    assert stored_draft(sqlite_storage).state == NavigationState.ANSWER_OR_QUESTION
    assert "ref1_mentee_name" not in stored_draft(sqlite_storage).answers


def test_a_button_of_an_earlier_check_is_refused(talker: Talker, sqlite_storage: Storage):
    at_the_check(talker, sqlite_storage)
    earlier = talker.last.question
    talker.say("Jordan Lee")
    assert "earlier question" in talker.deliver(talker.inbound("answer", choice_for=earlier))
    assert stored_draft(sqlite_storage).answers["ref1_mentee_name"] == "Jordan Lee"
    assert stored_draft(sqlite_storage).state == "ref1_mentee_email"


def test_the_check_is_asked_again_after_a_restart(talker: Talker, sqlite_storage: Storage, asking):
    at_the_check(talker, sqlite_storage)
    button = talker.last.question
    restarted = Talker(make_engine_on(sqlite_storage, asking=asking))
    assert restarted.say("/start").endswith(CHECK)
    assert [choice.label for choice in restarted.last.choices] == CHOICES
    reply = restarted.deliver(restarted.inbound("question", choice_for=button))
    assert reply.startswith(FEE_ANSWER) and stored_draft(sqlite_storage).state == "ref1_mentee_name"


@pytest.mark.parametrize("command", ["/back", "/summary"])
def test_commands_work_at_the_check(talker: Talker, sqlite_storage: Storage, command: str):
    at_the_check(talker, sqlite_storage)
    reply = talker.say(command)
    if command == "/back":  # back at the question the check was about
        assert reply.rstrip().endswith(MENTEE_QUESTION) and stored_draft(sqlite_storage).state == "ref1_mentee_name"
    else:
        assert reply.endswith(CHECK) and stored_draft(sqlite_storage).state == NavigationState.ANSWER_OR_QUESTION


@pytest.mark.parametrize("name", ["Maria Gonzalez", "Jordan Lee", "Dr. Amal Haddad"])
def test_a_plain_name_is_saved_without_a_check(talker: Talker, sqlite_storage: Storage, name: str):
    at_mentee_name(talker)
    assert talker.say(name).startswith(f"✓ Mentee: {name}") or "is your own" in talker.last.text
    assert stored_draft(sqlite_storage).state != NavigationState.ANSWER_OR_QUESTION


@pytest.mark.parametrize("program", ["Mentoring Skills Level 2", "My Mentoring Program", "How To Mentor Well"])
def test_a_program_named_like_a_title_is_saved_without_a_check(
    engine: ConversationEngine, sqlite_storage: Storage, program: str
):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    assert talker.say(program).startswith(f"✓ Program: {program}")
    assert stored_draft(sqlite_storage).answers["program_name"] == program


def test_a_clear_question_is_answered_directly(talker: Talker, sqlite_storage: Storage):
    at_mentee_name(talker)
    reply = talker.say("how much is the fee?")
    assert reply.startswith(FEE_ANSWER) and reply.rstrip().endswith(MENTEE_QUESTION)
    assert (
        stored_draft(sqlite_storage).state == "ref1_mentee_name"
        and "ref1_mentee_name" not in stored_draft(sqlite_storage).answers
    )


def test_a_sentence_the_knowledge_base_answers_confidently_is_checked(sqlite_storage: Storage, asking, policy: Policy):
    talker = Talker(make_engine_on(sqlite_storage, policy, asking))
    at_mentee_name(talker)
    assert talker.say("the fee for non members").endswith(CHECK)


def test_an_edit_from_the_check_returns_to_it(talker: Talker, sqlite_storage: Storage):
    at_the_check(talker, sqlite_storage)
    talker.say("/edit full name")
    assert talker.say("Maria Gonzalez-Ruiz").endswith(CHECK)
    assert stored_draft(sqlite_storage).answers["full_name"] == "Maria Gonzalez-Ruiz"
    assert talker.say("question").startswith(FEE_ANSWER)
    assert stored_draft(sqlite_storage).state == "ref1_mentee_name"


@pytest.mark.parametrize(
    ("message", "saved"),
    [
        ("I am not yet member, will membership reduce my fee, how much difference please", "no"),
        ("yes but i wonder does that change the fee", "yes"),
    ],
)
def test_a_choice_named_in_a_sentence_that_may_be_a_question_is_checked(
    talker: Talker, sqlite_storage: Storage, message: str, saved: str
):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    reply = talker.say(message)
    assert reply.endswith("Is that your answer to “IMC member”, or a question for me?") and "✓" not in reply
    assert "is_member" not in stored_draft(sqlite_storage).answers
    talker.say("It's my answer")
    assert stored_draft(sqlite_storage).answers["is_member"] == saved


@pytest.mark.parametrize("message", ["no", "No.", "not yet", "2", "nope"])
def test_a_choice_typed_as_such_is_saved_without_a_check(talker: Talker, sqlite_storage: Storage, message: str):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    assert talker.say(message).startswith("✓ IMC member: No")
    assert stored_draft(sqlite_storage).answers["is_member"] == "no"
