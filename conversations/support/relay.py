"""What support does with questions the bot could not answer: answer them (the answer reaches
the applicant in their own chat), turn an answer into a knowledge-base entry, and see what
applicants asked that went unanswered, most frequent first. ``SupportRelay`` is the same on every
chat platform: questions posted to support there, and support's replies to them."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from conversations.commands import parse_command
from conversations.messages import Outbound
from conversations.notices import support_destination, tell_applicant
from conversations.support.faq.knowledge import ADDED_TOPIC, normalize
from conversations.text_hygiene import Unusable, clean_text
from storage.models import FaqEntry, FaqQuestion
from storage.unit_of_work import Storage, Transaction

log = logging.getLogger(__name__)
# How a question and its answer are written for the FAQ, shown with the command.
FAQ_ADD_EXAMPLE = "Can my supervisor live in another country? -- Yes: IMC sets no country rule for supervisors."


class SupportError(Exception):
    """Something support asked for that can't be done; the message says why."""


@dataclass(frozen=True)
class ReportLine:
    question: str
    times: int
    closest: str | None


def waits_for_a_person(question: FaqQuestion) -> bool:
    """Passed to support and not answered yet."""
    return question.outcome == "escalated" and not question.answer and question.applicant_id is not None


def answer_question(tx: Transaction, question_id: int, text: str) -> None:
    """Send a person's answer to the applicant who asked, in their own chat: only to a question
    waiting for one (not one the bot answered, nor one a person answered already)."""
    text = _plain(text)
    question = tx.questions.by_id(question_id)
    if question is not None and question.answer:
        raise SupportError(f"Question {question_id} has been answered already; nothing was sent.")
    if question is None or question.applicant_id is None or not waits_for_a_person(question):
        raise SupportError(f"There is no question {question_id} waiting for a person; nothing was sent.")
    applicant = tx.applicants.existing(question.applicant_id)
    tx.questions.answer(question, text)
    tell_applicant(tx, applicant, Outbound(f"Answer from IMC's credentialing support to “{question.text}”:\n{text}"))


def add_entry(tx: Transaction, wording: str, *, by: str, command: str = "/faq_add") -> FaqEntry:
    """A new knowledge-base entry from ``question -- answer`` as support wrote them, used by the
    bot from its next question on. Other applicants read the question (``/faq`` lists it), so it
    is support's wording, never the asker's own words, which may carry their name or number."""
    question, separator, answer = _plain(wording).partition("--")
    if not separator or not question.strip() or not answer.strip():
        raise SupportError(
            "Nothing was sent or added. Write the question as other applicants should read it (not the applicant's "
            f"own words), then -- and the answer, e.g. {command} {FAQ_ADD_EXAMPLE}"
        )
    return tx.faq_entries.add(topic=ADDED_TOPIC, question=question.strip(), answer=answer.strip(), added_by=by)


def _plain(text: str) -> str:
    """What support writes is read by applicants: held to the rules of what applicants type."""
    try:
        return clean_text(text)
    except Unusable as error:
        raise SupportError(f"Nothing was sent or added: I can't use {error.what}. Write it as plain text.") from error


def report(storage: Storage) -> list[ReportLine]:
    """Unanswered and escalated questions, grouped by wording, most frequent first."""
    with storage.transaction() as tx:
        asked = tx.questions.unanswered()
    counts = Counter(normalize(question.text) for question in asked)
    first: dict[str, FaqQuestion] = {}
    for question in asked:
        first.setdefault(normalize(question.text), question)
    return [ReportLine(first[key].text, times, first[key].matched) for key, times in counts.most_common()]


REFUSED = "Only IMC's support team can answer applicants."


@dataclass(frozen=True)
class SupportRelay:
    """Questions passed to support on one chat platform (``telegram``, ``slack``), and support's
    replies to them there, from the user ids ``allowed`` (empty: anyone who sees the questions)."""

    storage: Storage
    platform: str
    how_to_answer: str  # how a reply to a question is made there: "Reply in this thread to answer"
    allowed: frozenset[str] = frozenset()

    @property
    def destination(self) -> str:
        return support_destination(self.platform)

    def forwarded(self, payload: dict) -> str:
        """A question passed to a person, as support reads it."""
        return (
            f"Question {payload['question_id']} from an applicant ({payload['channel']}, {payload['context']}):\n"
            f"{payload['text']}\n\n{self.how_to_answer}. To add it to the FAQ too, start the reply with /faq_add, "
            f"the question as other applicants should read it, -- and the answer: /faq_add {FAQ_ADD_EXAMPLE}"
        )

    def posted(self, payload: dict, message_ref: str) -> None:
        """The question of ``payload`` is posted as ``message_ref``: a reply to it answers it
        (unless the applicant withdrew while it was posted: then the question is gone, and nothing
        is kept of it)."""
        with self.storage.transaction() as tx:
            if tx.questions.by_id(payload["question_id"]) is None:
                return
            tx.questions.add_thread(
                question_id=payload["question_id"],
                applicant_id=payload["applicant_id"],
                destination=self.destination,
                message_ref=message_ref,
            )

    def answerer(self, user_id: str | None, *, seen_as: str) -> str | None:
        """Who answers, as the FAQ records it (``telegram:42``); None for someone who may not,
        which is logged with ``seen_as`` naming them."""
        if self.allowed and (user_id is None or user_id not in self.allowed):
            log.warning("refused a support answer from %s", seen_as)
            return None
        return f"{self.platform}:{user_id}" if user_id else self.platform

    def answer(self, message_ref: str, text: str, *, by: str) -> str:
        """A reply to the message ``message_ref``: sent to the applicant, or, after ``/faq_add
        question -- answer``, the answer sent and both added to the FAQ. Returns what to tell
        support (why nothing was done, if so), or "" when that message is not a question."""
        try:
            with self.storage.transaction() as tx:
                thread = tx.questions.thread(self.destination, message_ref)
                if thread is None:
                    return ""
                command = parse_command(text)
                if command is None or command.name != "faq_add":
                    answer_question(tx, thread.question_id, text)
                    return "Sent to the applicant."
                entry = add_entry(tx, command.argument, by=by)
                answer_question(tx, thread.question_id, entry.answer)
                return f"Sent to the applicant, and added to the FAQ as added-{entry.id}: “{entry.question}”"
        except SupportError as error:
            return str(error)
