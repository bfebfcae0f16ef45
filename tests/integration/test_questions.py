"""Questions in the middle of the application: answered without losing the place, never stored
as answers; unsure ones offered topics and a person; a person's answer relayed; support adds
entries that are used at once; what went unanswered is reported."""

from __future__ import annotations

import re
import threading

import pytest
from sqlmodel import Session, select

from conversations.application import prompts
from conversations.application.asking import MORE, ONE_MOMENT, Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.messages import Inbound, Outbound
from conversations.support import relay as support
from conversations.support.faq.index import FaqIndex
from conversations.support.faq.knowledge import load
from storage.models import Applicant, FaqQuestion, OutboxMessage
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    TRAINING_ANSWERS,
    applicant_notices,
    make_engine_on,
    stored_draft,
)
from tests.conftest import Applicant as Talker

ANSWERS = {entry.id: entry.answer for entry in load()}


@pytest.fixture
def engine(sqlite_storage: Storage, faq_index: FaqIndex) -> ConversationEngine:
    asking = Asking(support_destinations=["support:telegram"], index=faq_index)
    return ConversationEngine(sqlite_storage, policy=Policy(), asking=asking)


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def state(storage: Storage) -> str:
    return stored_draft(storage).state


def test_a_question_at_a_text_prompt_is_answered_and_the_question_asked_again(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    before = stored_draft(sqlite_storage).answers
    replies = talker.engine.handle(talker.inbound("how much is the fee?"))
    assert replies[0].text.startswith(ANSWERS["fee-amount"])
    assert replies[-1].text.endswith("What is the name of the mentor training program?")
    assert stored_draft(sqlite_storage).answers == before and state(sqlite_storage) == "program_name"


def test_a_title_that_reads_like_a_question_is_checked_then_saved(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    assert talker.say("What Mentors Need?").endswith("Is that your answer to “Program”, or a question for me?")
    assert "✓ Program: What Mentors Need?" in talker.say("it's my answer")
    assert stored_draft(sqlite_storage).answers["program_name"] == "What Mentors Need?"


@pytest.mark.parametrize(
    ("answers", "text", "kind"),
    [
        (APPLICANT_ANSWERS[:3], "yes", "a yes/no answer"),
        (APPLICANT_ANSWERS + TRAINING_ANSWERS[:3], "52", "a number"),
    ],
)
def test_a_valid_answer_is_never_taken_for_a_question(talker: Talker, sqlite_storage: Storage, answers, text, kind):
    talker.answer_all(answers)
    before = state(sqlite_storage)
    talker.say(text)
    assert state(sqlite_storage) != before, kind


def test_a_question_at_a_choice_prompt(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:4])
    assert state(sqlite_storage) == "training_mode"
    reply = talker.say("can the training be done online?")
    assert reply.startswith(ANSWERS["training-mode-online"])
    assert state(sqlite_storage) == "training_mode"


@pytest.mark.parametrize(
    ("answers", "text", "entry", "question"),
    [
        (APPLICANT_ANSWERS[:2], "hw much is fee for non member", "fee-amount", "What is your email address?"),
        (APPLICANT_ANSWERS + TRAINING_ANSWERS[:5], "idk the exact date", "bot-dates", "start?"),
        (APPLICANT_ANSWERS[:3], "hi is there a deadline", "deadline", "Are you an IMC member?"),
    ],
)
def test_a_hurried_question_at_a_typed_prompt_is_answered_not_refused(
    talker: Talker, sqlite_storage: Storage, answers, text, entry, question
):
    """No "?" and no valid answer there: worded like a question and answered confidently."""
    talker.answer_all(answers)
    before = state(sqlite_storage)
    reply = talker.say(text)
    assert reply.startswith(ANSWERS[entry]) and question in reply
    assert state(sqlite_storage) == before


@pytest.mark.parametrize(
    ("answers", "text", "question"),
    [
        (APPLICANT_ANSWERS + TRAINING_ANSWERS[:1], "not sure tbh, how do i check if its accredited", "Center type"),
        (
            APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:3],
            "I mentor at my job and for a charity. Do the ones at my job count",
            "How many mentoring engagements",
        ),
    ],
)
def test_a_question_that_is_no_answer_at_a_choice_or_a_number_is_taken_as_one(
    talker: Talker, sqlite_storage: Storage, answers, text, question
):
    """Not an option, not a number, and a question by its words: answered (or handed over), not
    refused with the field's error nor checked as a possible answer."""
    talker.answer_all(answers)
    before = state(sqlite_storage)
    reply = talker.say(text)
    assert "Is that your answer" not in reply and "Please" not in reply.split("\n")[0]
    assert MORE.strip() in reply or "/human" in reply
    assert state(sqlite_storage) == before


@pytest.mark.parametrize(
    ("answers", "text", "question"),
    [
        (APPLICANT_ANSWERS[:2], "my email is maria at example dot org", "email"),
        (APPLICANT_ANSWERS + TRAINING_ANSWERS[:5], "I started on the 3rd of Marhc 2024", "training_start_date"),
    ],
)
def test_an_answer_in_the_wrong_form_at_a_typed_prompt_still_gets_the_fields_error(
    talker: Talker, sqlite_storage: Storage, answers, text, question
):
    """Context first ("my email is …"): an answer in the wrong form, whatever the index makes of it."""
    talker.answer_all(answers)
    reply = talker.say(text)
    assert not reply.startswith(tuple(ANSWERS.values())) and MORE.strip() not in reply  # the field's error
    assert state(sqlite_storage) == question


def test_unsure_offers_topics_and_a_person_and_is_kept_for_the_report(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    replies = talker.engine.handle(talker.inbound("who won the football world cup?"))
    unsure = replies[0]
    assert "I'm not sure I have the answer" in unsure.text
    assert "if you send /human" in unsure.text and "\nOr " not in unsure.text  # one sentence leads to the next
    assert unsure.choices[-1].value == "/human"
    assert state(sqlite_storage) == "center_name"
    reply = talker.say("/human")
    assert "passed your question to IMC's credentialing support" in reply
    with Session(sqlite_storage.engine) as session:
        [asked] = session.exec(select(FaqQuestion)).all()
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "support.question")).all()
    assert (asked.outcome, asked.text) == ("escalated", "who won the football world cup?")
    assert (row.destination, row.payload["context"]) == ("support:telegram", "at Training · Training center")
    assert row.payload["text"] == "who won the football world cup?"
    lines = support.report(sqlite_storage)
    assert [(line.question, line.times) for line in lines] == [("who won the football world cup?", 1)]


def test_an_entrys_button_shows_whole_words(talker: Talker):
    talker.say("/faq Experience and references")
    labels = [choice.label for choice in talker.last.choices]
    questions = {entry.question for entry in load()}
    assert any(label.endswith("…") for label in labels)
    for label in labels:
        assert len(label) <= 60
        assert label in questions or any(question.startswith(label[:-1] + " ") for question in questions), label


def test_faq_topics_entries_and_answers_by_button(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    topics = talker.engine.handle(talker.inbound("/faq"))[0]
    assert [choice.label for choice in topics.choices] == [
        "Eligibility",
        "Training",
        "Evidence",
        "Experience and references",
        "Supervision and learning",
        "Fees and validity",
        "Applying and review",
        "Using this bot",
        "Support",
    ]
    listed = talker.engine.handle(talker.inbound("/faq Training", choice_for=topics.question))[0]
    assert "/faq #training-mode-online" in [choice.value for choice in listed.choices]
    answer = talker.engine.handle(talker.inbound("/faq #training-mode-online", choice_for=listed.question))[0]
    assert answer.text.startswith(ANSWERS["training-mode-online"])


def test_a_button_of_a_list_no_longer_current_is_refused(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    listed = talker.engine.handle(talker.inbound("/faq Training"))[0]
    talker.say("Global Mentoring Academy")  # the applicant moves on: the list is dismissed
    reply = talker.deliver(talker.inbound("/faq #training-mode-online", choice_for=listed.question))
    assert reply.startswith(prompts.STALE_BUTTON)
    assert reply.endswith("What kind of center is it?")


def ask_a_person(storage: Storage, talker: Talker, question: str) -> str:
    """The applicant asks a person, and the question is posted in the support group; returns
    the posted message's reference, where support replies."""
    talker.say(f"/human {question}")
    with Session(storage.engine) as session:
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "support.question")).all()
    support_group(storage).posted(row.payload, "7001")
    return "7001"


def support_group(storage: Storage) -> support.SupportRelay:
    return support.SupportRelay(storage, "telegram", "Reply to this message to answer")


def reply(storage: Storage, message_ref: str, text: str) -> str:
    return support_group(storage).answer(message_ref, text, by="support:ana")


def test_a_persons_answer_reaches_the_applicant_and_faq_add_is_used_at_once(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    posted = ask_a_person(sqlite_storage, talker, "can my supervisor live abroad?")
    done = reply(
        sqlite_storage,
        posted,
        "/faq_add Can my supervisor live in another country? -- Yes, the page sets no country rule.",
    )
    assert (
        done == "Sent to the applicant, and added to the FAQ as added-1: “Can my supervisor live in another country?”"
    )
    assert applicant_notices(sqlite_storage)[-1].endswith("\nYes, the page sets no country rule.")
    reply_text = talker.say("can my supervisor live abroad?")
    assert reply_text.startswith("Yes, the page sets no country rule.")
    other_process = make_engine_on(sqlite_storage)  # another process sees it too
    assert (
        Talker(other_process).engine.handle(talker.inbound("can my supervisor live abroad?"))[0].text.startswith("Yes")
    )


def test_support_text_with_control_characters_is_neither_sent_nor_added(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    posted = ask_a_person(sqlite_storage, talker, "can my supervisor live abroad?")
    before = applicant_notices(sqlite_storage)
    for text in ("Yes\x00, anywhere.", "/faq_add Abroad? -- Yes\x1b[31m anywhere"):
        refused = reply(sqlite_storage, posted, text)
        assert re.search("Nothing was sent or added: I can't use text with a control character", refused)
    assert applicant_notices(sqlite_storage) == before
    with sqlite_storage.transaction() as tx:
        assert tx.faq_entries.all() == []


def test_an_faq_entry_shows_others_supports_wording_never_the_applicants(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    words = "I'm Maria Gonzalez (+353 87 123 4567): can my supervisor live abroad?"
    posted = ask_a_person(sqlite_storage, talker, words)
    refused = reply(sqlite_storage, posted, "/faq_add Yes, the page sets no country rule.")  # no public wording
    assert re.search(r"e\.g\. /faq_add Can my supervisor .+ -- Yes", refused)
    assert applicant_notices(sqlite_storage) == []  # nothing was sent
    reply(sqlite_storage, posted, "/faq_add Can my supervisor live in another country? -- Yes, no country rule.")

    other = Talker(talker.engine, "someone-else")
    other.answer_all(APPLICANT_ANSWERS)
    listed = other.engine.handle(other.inbound("/faq Added by support"))[0]
    assert [choice.label for choice in listed.choices] == ["Can my supervisor live in another country?"]
    assert other.say("is it ok if my supervisor lives abroad?").startswith("Yes, no country rule.")
    with sqlite_storage.transaction() as tx:
        shown = [(entry.question, entry.answer) for entry in tx.faq_entries.all()]
    assert shown == [("Can my supervisor live in another country?", "Yes, no country rule.")]

    talker.answer_all(["/cancel", "yes"])  # what stays is support's words only; the question goes
    with Session(sqlite_storage.engine) as session:
        assert [question.text for question in session.exec(select(FaqQuestion))] == [
            "is it ok if my supervisor lives abroad?"
        ]
    with sqlite_storage.transaction() as tx:
        assert [(entry.question, entry.answer) for entry in tx.faq_entries.all()] == shown


def test_before_consent_a_question_is_answered_and_nothing_is_stored(talker: Talker, sqlite_storage: Storage):
    replies = talker.engine.handle(talker.inbound("how long is the review?"))
    assert replies[0].text.startswith(ANSWERS["review-time"])
    assert "Do you consent" in replies[-1].text
    with Session(sqlite_storage.engine) as session:
        assert session.exec(select(Applicant)).all() == []
        assert session.exec(select(FaqQuestion)).all() == []


def test_in_a_confirmation_the_answer_is_a_choice_not_a_question(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    talker.say("/cancel")
    assert "Nothing was changed" in talker.say("no?")
    assert stored_draft(sqlite_storage).state == "center_name"


def test_a_question_while_the_index_is_made_gets_one_moment_and_holds_up_no_one_else(
    sqlite_storage: Storage, faq_index: FaqIndex, monkeypatch: pytest.MonkeyPatch
):
    made = threading.Event()

    def made_slowly(*_args: object, **_kwargs: object) -> FaqIndex:
        made.wait(30)
        return faq_index

    monkeypatch.setattr("conversations.support.faq.index.FaqIndex", made_slowly)
    engine = ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking())  # nothing made yet, as at a start
    asking, other = Talker(engine, "asking"), Talker(engine, "other")
    for talker in (asking, other):
        talker.answer_all(APPLICANT_ANSWERS)
    interim: list[str] = []
    said = threading.Event()

    def tell(outbound: Outbound) -> None:
        interim.append(outbound.text)
        said.set()

    replies: list[Outbound] = []
    question = threading.Thread(
        target=lambda: replies.extend(engine.handle(asking.inbound("how much is the fee?"), interim=tell))
    )
    question.start()
    assert said.wait(10) and interim == [ONE_MOMENT]
    # Meanwhile another applicant's answer goes through and is committed: no lock is held.
    assert "✓ Training center: Global Mentoring Academy" in other.say("Global Mentoring Academy")
    assert stored_draft(sqlite_storage, "other").answers["center_name"] == "Global Mentoring Academy"
    assert question.is_alive() and replies == []
    made.set()
    question.join(10)
    assert replies[0].text.startswith(ANSWERS["fee-amount"])
    assert replies[-1].text.endswith("Which training center delivered your mentoring training?")


def test_an_index_that_cannot_be_made_sends_questions_to_a_person(
    sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
):
    def broken(*_args: object, **_kwargs: object) -> FaqIndex:
        raise MemoryError("no room to learn")

    monkeypatch.setattr("conversations.support.faq.index.FaqIndex", broken)
    talker = Talker(ConversationEngine(sqlite_storage, policy=Policy(), asking=Asking()))
    talker.answer_all(APPLICANT_ANSWERS)
    reply = talker.say("how much is the fee?")
    assert "I'm not sure I have the answer to that" in reply and "/human" in reply
    assert state(sqlite_storage) == "center_name"


def test_a_question_is_answered_once_and_only_one_waiting_for_a_person(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    talker.say("how much is the fee?")  # answered by the bot: nobody waits for a person
    posted = ask_a_person(sqlite_storage, talker, "can my supervisor live abroad?")
    assert reply(sqlite_storage, posted, "Yes, anywhere.") == "Sent to the applicant."
    before = applicant_notices(sqlite_storage)
    assert reply(sqlite_storage, posted, "Also: yes.") == "Question 2 has been answered already; nothing was sent."
    with sqlite_storage.transaction() as tx, pytest.raises(support.SupportError, match="no question 1 waiting"):
        support.answer_question(tx, 1, "Yes.")
    assert applicant_notices(sqlite_storage) == before


def test_a_bare_human_takes_the_next_message_as_the_question(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    assert talker.say("/human") == prompts.ASK_A_PERSON  # the question is not asked again under it
    reply = talker.say("My supervisor lives in Kenya, is that all right")
    assert "passed your question to IMC's credentialing support" in reply
    assert "a person will answer here, usually within 2 working days" in reply
    assert reply.endswith("Which training center delivered your mentoring training?")
    with Session(sqlite_storage.engine) as session:
        [row] = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "support.question")).all()
    assert row.payload["text"] == "My supervisor lives in Kenya, is that all right"
    assert "center_name" not in stored_draft(sqlite_storage).answers
    assert "✓ Training center: Global Mentoring Academy" in talker.say("Global Mentoring Academy")  # asked once


def test_a_command_ends_the_wait_for_a_question_to_a_person(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)
    talker.say("/human")
    assert talker.say("/start").endswith("Which training center delivered your mentoring training?")
    talker.say("Global Mentoring Academy")
    assert stored_draft(sqlite_storage).answers["center_name"] == "Global Mentoring Academy"
    with Session(sqlite_storage.engine) as session:
        assert session.exec(select(OutboxMessage).where(OutboxMessage.topic == "support.question")).all() == []


@pytest.mark.parametrize(
    ("text", "waits"), [("hello", False), ("hw much is the fee", False), ("how much is the fee?", True)]
)
def test_only_a_clear_question_waits_for_the_index(asking: Asking, text: str, waits: bool):
    """Nobody waits for "hello" while the index is made; a message that only may be a question
    is looked up once the index is ready."""
    assert (asking.asked(Inbound("test", "applicant-1", "e1", text=text)) == text) is waits


@pytest.mark.parametrize(
    ("text", "looked_up"),
    [
        ("member application fee", True),
        ("Sam Okafor can I still apply", True),
        ("What Mentors Need?", True),  # a title, but its "?" may ask
        ("Global Mentoring Academy", False),  # a name or a title is an answer at any question
        ("Sam Okafor", False),
        ("Foundations of Professional Mentoring", False),
        ("maria.gonzalez@example.org", False),  # one word, however many parts
        ("CPM-2019-0457", False),
        ("Mentee 1", False),
        ("hybrid", False),
    ],
)
def test_only_a_sentence_is_looked_up(asking: Asking, sqlite_storage: Storage, text: str, looked_up: bool):
    """A typed answer of two words or more may be a question, so the index reads it before the
    turn; a single word (an address, a number, a choice), or a name or a title whose words do not
    ask, is an answer and costs no lookup."""
    found = asking.prepare(Inbound("test", "applicant-1", "e1", text=text), sqlite_storage)
    assert (found is not None) is looked_up
