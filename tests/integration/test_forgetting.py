"""What /cancel forgets, on SQLite and on PostgreSQL: besides the applicant, the answers and the
files, everything queued or kept that carries their words or names them (their questions to
support, the threads where support saw them, the notices for them), delivered or not; another
applicant's rows stay."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import Session, col, select

from bot.delivery.dispatcher import Dispatcher
from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.support.faq.index import FaqIndex
from conversations.support.relay import SupportRelay
from storage.models import FaqQuestion, OutboxMessage, SupportThread
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS
from tests.conftest import Applicant as Talker

SUPPORT = "support:telegram"


@pytest.fixture
def engine(storage: Storage, faq_index: FaqIndex) -> ConversationEngine:
    return ConversationEngine(storage, policy=Policy(), asking=Asking(support_destinations=[SUPPORT], index=faq_index))


def ask_a_person(storage: Storage, talker: Talker, question: str, *, posted_as: str) -> None:
    """The applicant asks a person; the question is posted to support (delivered, its thread
    remembered), and support answers it in the thread."""
    talker.say(f"/human {question}")
    with storage.transaction() as tx:
        [message] = [
            row for row in tx.outbox.claim([SUPPORT], lease=dt.timedelta(minutes=2)) if row.payload["text"] == question
        ]
    support_group(storage).posted(message.payload, posted_as)
    with storage.transaction() as tx:
        tx.outbox.settle(message.id)
    support_group(storage).answer(posted_as, "Yes, that is fine.", by="support:ana")


def support_group(storage: Storage) -> SupportRelay:
    return SupportRelay(storage, "telegram", "Reply to this message to answer")


def applicant_id(storage: Storage, user_id: str) -> int:
    with storage.transaction() as tx:
        return tx.applicants.find("test", user_id).id


def rows(storage: Storage, table: type) -> list:
    with Session(storage.engine) as session:
        return list(session.exec(select(table).order_by(col(table.id))))


def test_cancel_forgets_the_applicants_questions_threads_and_outbox_rows(storage: Storage, engine: ConversationEngine):
    maria, other = Talker(engine, "maria"), Talker(engine, "other")
    maria.answer_all(APPLICANT_ANSWERS)
    other.answer_all(APPLICANT_ANSWERS)
    words = "I am Maria Gonzalez, phone +353 87 123 4567: can my supervisor live abroad?"
    ask_a_person(storage, maria, words, posted_as="101")
    maria.say("/human and can I pay in two parts?")  # still waiting for support
    ask_a_person(storage, other, "can I pay by card?", posted_as="102")
    assert words in json.dumps([row.payload for row in rows(storage, OutboxMessage)], ensure_ascii=False)

    maria.say("/cancel")
    assert "withdrawn" in maria.say("yes")

    left = rows(storage, OutboxMessage)
    assert "maria" not in json.dumps([row.payload for row in left])
    assert "Maria" not in json.dumps([row.payload for row in left], ensure_ascii=False)
    assert {row.payload["applicant_id"] for row in left} == {applicant_id(storage, "other")}
    assert [row.payload["text"] for row in left if row.topic == "support.question"] == ["can I pay by card?"]
    assert [question.text for question in rows(storage, FaqQuestion)] == ["can I pay by card?"]
    assert [thread.message_ref for thread in rows(storage, SupportThread)] == ["102"]
    # A reply in the withdrawn applicant's thread reaches no one.
    assert support_group(storage).answer("101", "Also…", by="ana") == ""


async def test_a_question_being_posted_when_its_applicant_withdraws_is_let_go(
    storage: Storage, engine: ConversationEngine
):
    maria = Talker(engine, "maria")
    maria.answer_all(APPLICANT_ANSWERS)
    maria.say("/human can I pay in two parts?")

    class SupportGroup:
        async def deliver(self, message: OutboxMessage) -> None:
            maria.answer_all(["/cancel", "yes"])  # while the question is being posted
            support_group(storage).posted(message.payload, "101")

    assert await Dispatcher(storage, {SUPPORT: SupportGroup()}).deliver_due() == 1
    assert rows(storage, OutboxMessage) == [] and rows(storage, SupportThread) == []
