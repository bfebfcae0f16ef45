"""Lists shown besides the current question (the /faq topics, the offer of the closest topics and
a person): a number or its words pick from the list, never answer the question under it; anything
else dismisses the list. And "keep the saved answer" has one key, the word keep."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from conversations.application import prompts
from conversations.application.engine import ConversationEngine
from conversations.messages import KEEP
from storage.models import Dossier
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, make_engine_on, stored_draft
from tests.conftest import Applicant as Talker

MEMBER_QUESTION = "Are you an IMC member? (It decides the fee.)"


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def dossiers(storage: Storage) -> list[Dossier]:
    with Session(storage.engine) as session:
        return list(session.exec(select(Dossier)).all())


def test_faq_then_1_at_the_review_picks_the_first_topic_and_does_not_submit(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION)
    assert "It is complete: check it, then submit." in talker.last.text
    topics = talker.say("/faq")
    assert topics.startswith("Pick a topic:") and "Please review your application" not in topics
    assert topics.endswith(prompts.SIDE_MENU_HINT)
    reply = talker.say("1")
    assert reply.startswith("Eligibility: pick a question.")
    assert "Submitted" not in reply and dossiers(sqlite_storage) == []
    assert stored_draft(sqlite_storage).state == "review"


def test_faq_then_1_at_a_question_picks_a_topic_and_stores_no_answer(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    assert talker.last.text.endswith(MEMBER_QUESTION)
    assert MEMBER_QUESTION not in talker.say("/faq")  # the question's numbers would collide with the topics'
    assert talker.say("1").startswith("Eligibility: pick a question.")
    assert "is_member" not in stored_draft(sqlite_storage).answers


def test_a_topic_is_picked_by_its_words_too(talker: Talker):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    talker.say("/faq")
    assert talker.say("fees and validity").startswith("Fees and validity: pick a question.")


def test_anything_else_dismisses_the_list_and_is_handled_as_usual(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    talker.say("/faq")
    reply = talker.say("yes")  # not a topic: the answer to the question
    assert "✓ IMC member: Yes" in reply
    assert stored_draft(sqlite_storage).answers["is_member"] == "yes"
    assert "side_menu" not in stored_draft(sqlite_storage).context


def test_after_a_dismissal_a_number_answers_the_question_again(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    talker.say("/faq")
    assert talker.say("/help").endswith(MEMBER_QUESTION)  # a command dismisses the list
    assert "✓ IMC member: Yes" in talker.say("1")


def test_the_list_is_read_against_after_a_restart(talker: Talker, sqlite_storage: Storage, asking):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    talker.say("/faq")
    restarted = Talker(make_engine_on(sqlite_storage, asking=asking))
    assert restarted.say("1").startswith("Eligibility: pick a question.")
    assert "is_member" not in stored_draft(sqlite_storage).answers


def test_a_button_of_the_list_picks_from_it_and_one_of_the_question_answers_it(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    question = talker.last
    topics = talker.engine.handle(talker.inbound("/faq"))[-1]
    assert topics.question.startswith("menu-") and topics.question != question.question
    picked = talker.deliver(talker.inbound(topics.choices[5].value, choice_for=topics.question))
    assert picked.startswith("Fees and validity: pick a question.")
    assert "✓ IMC member: Yes" in talker.deliver(talker.inbound("yes", choice_for=question.question))


def test_a_number_picks_from_the_offer_made_when_the_bot_is_not_sure(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS[:3])
    offer = talker.say("who won the football world cup?")
    assert "I'm not sure I have the answer" in offer and MEMBER_QUESTION not in offer
    assert talker.last.choices[-1].value == "/human"
    passed = talker.say(str(len(talker.last.choices)))  # "Ask a person", not an answer to the question
    assert "passed your question to IMC's credentialing support" in passed
    assert "is_member" not in stored_draft(sqlite_storage).answers


def test_keep_is_the_word_keep_and_numbers_stay_the_question_choices(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + ["Global Mentoring Academy"])
    reply = talker.say("/back")
    assert "(send keep to keep it)" in reply
    assert talker.last.choices[-1] == KEEP
    assert "✓ Training center: Global Mentoring Academy (kept)" in talker.say("keep")
    talker.answer_all(["/back", "/back"])  # the membership question: Yes, No, then keep
    assert [choice.value for choice in talker.last.choices] == ["yes", "no", KEEP.value]
    assert "✓ IMC member: Yes" in talker.say("1")
    assert stored_draft(sqlite_storage).answers["is_member"] == "yes"


def test_before_consent_the_faq_list_comes_without_the_consent_question(
    engine: ConversationEngine, sqlite_storage: Storage
):
    talker = Talker(engine)
    replies = engine.handle(talker.inbound("/faq"))
    assert [reply.text for reply in replies] == [f"Pick a topic:\n\n{prompts.SIDE_MENU_HINT}"]
    refused = talker.say("1")  # a typed number gives no consent: it may have meant a topic
    assert "a number alone is not enough here" in refused and "Do you consent" in refused
    assert stored_draft(sqlite_storage) is None
    topic = talker.say("/faq Fees and validity")
    assert topic.endswith(prompts.SIDE_MENU_HINT) and "Do you consent" not in topic
    assert "Do you consent" in talker.say("/start")
    assert "Thank you. Let's begin." in talker.say("yes")


@pytest.mark.parametrize(
    ("answers", "hint"),
    [
        (APPLICANT_ANSWERS[:2], "You can also just answer the question: What is your email address?"),
        (APPLICANT_ANSWERS[:3], "You can also just answer “IMC member” by typing your choice in words"),
    ],
)
def test_under_a_list_the_hint_names_the_question_it_waits_for(talker: Talker, answers: list[str], hint: str):
    """The question is not asked again under the list (numbers would collide), so the hint says it."""
    talker.answer_all(answers)
    assert hint in talker.say("/faq")
