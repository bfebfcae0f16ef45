"""What support does with questions the bot could not answer: answer them (the answer reaches
the applicant in their own chat), turn an answer into a knowledge-base entry, and see what
applicants asked that went unanswered, most frequent first."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from conversations.asking import ADDED_TOPIC
from conversations.faq import normalize
from conversations.messages import Outbound
from conversations.notices import tell_applicant
from storage.models import FaqEntry, FaqQuestion
from storage.repository import Storage, Transaction


class SupportError(Exception):
    """Something support asked for that can't be done; the message says why."""


@dataclass(frozen=True)
class ReportLine:
    question: str
    times: int
    closest: str | None


def answer_question(tx: Transaction, question_id: int, text: str, *, by: str) -> FaqQuestion:
    """Send a person's answer to the applicant who asked, in their own chat; return the question."""
    question = tx.question(question_id)
    if question is None or question.applicant_id is None:
        raise SupportError(f"There is no open question {question_id}.")
    applicant = tx.existing_applicant(question.applicant_id)
    question.answer = text
    question.outcome = "escalated"
    tx.session.add(question)
    tell_applicant(tx, applicant, Outbound(f"Answer from IMC's credentialing support to “{question.text}”:\n{text}"))
    return question


def add_entry(tx: Transaction, question: str, answer: str, *, by: str) -> FaqEntry:
    """A new knowledge-base entry, used by the bot from its next question on."""
    if not question.strip() or not answer.strip():
        raise SupportError("Give both a question and its answer: faq_add question -- answer")
    return tx.add_faq_entry(topic=ADDED_TOPIC, question=question.strip(), answer=answer.strip(), added_by=by)


def report(storage: Storage) -> list[ReportLine]:
    """Unanswered and escalated questions, grouped by wording, most frequent first."""
    with storage.transaction() as tx:
        asked = tx.unanswered_questions()
    counts = Counter(normalize(question.text) for question in asked)
    first: dict[str, FaqQuestion] = {}
    for question in asked:
        first.setdefault(normalize(question.text), question)
    return [ReportLine(first[key].text, times, first[key].matched) for key, times in counts.most_common()]


def forwarded(payload: dict, how_to_answer: str) -> str:
    """A question passed to a person, as support reads it."""
    return (
        f"Question {payload['question_id']} from an applicant ({payload['channel']}, {payload['context']}):\n"
        f"{payload['text']}\n\n{how_to_answer}; start the reply with /faq_add to add the answer to the FAQ too."
    )


def remember_thread(storage: Storage, payload: dict, *, destination: str, message_ref: str) -> None:
    """Where the question was posted, so a reply there can be matched to it (unless the applicant
    withdrew while it was posted: then the question is gone, and nothing is kept of it)."""
    with storage.transaction() as tx:
        if tx.question(payload["question_id"]) is None:
            return
        tx.add_support_thread(
            question_id=payload["question_id"],
            applicant_id=payload["applicant_id"],
            destination=destination,
            message_ref=message_ref,
        )


def reply_in_thread(storage: Storage, *, destination: str, message_ref: str, text: str, by: str) -> str:
    """A support reply to a posted question: sent to the applicant (and added to the FAQ after
    ``/faq_add``). Returns what to tell support, or "" when the reply is not to a question."""
    with storage.transaction() as tx:
        thread = tx.support_thread(destination, message_ref)
        if thread is None:
            return ""
        adding = text.startswith("/faq_add")
        answer = text.removeprefix("/faq_add").strip()
        question = answer_question(tx, thread.question_id, answer, by=by)
        if adding:
            entry = add_entry(tx, question.text, answer, by=by)
            return f"Sent to the applicant, and added to the FAQ as added-{entry.id}."
        return "Sent to the applicant."
