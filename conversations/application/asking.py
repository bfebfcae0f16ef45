"""Questions in the middle of the application: telling a question from an answer, answering it
from the knowledge base, offering topics and a person when unsure, and passing it to support.

The rule for a typed message at a question of the application:
- A message that reads as a valid answer to a non-text question (a date, a number, an email, a
  choice, yes/no) is an answer: "yes" at a yes/no question is never taken for a question.
- One that is not a valid answer there, and is worded as a question (ends with "?" or starts
  like one: "how much", "can I", "what is"), is a question; so is one that may be a question by
  its words (``question_in``: "hi is there a deadline", "hw much is fee for non member").
- At a free-text question (a name, a program, an address) nearly anything is a valid answer, so
  a message is a question only if it is worded as one AND is not written like a title or a name
  (most words capitalised): "What Mentors Need?" at the program-name question is the program's
  name; "how much is the fee?" is a question.
- Outside a question (the review, a menu, after submission), a message worded as a question is one.
A question is never stored as an answer, and the current question is asked again after it.

Between the two lies the answer to a free-text question that also reads as a question
(``also_a_question``): it opens with a greeting, context ("I got my CPM …", "My supervisor …") or
a question word typed in a hurry ("hw much is the fee", "wat is …"), asks further on ("… can I
apply"), names what a terse question asks for ("refund policy"), is a title with a "?", or is a
sentence the knowledge base answers confidently. So does a sentence at a choice that names an
option but reads as a question by the same words ("yes but it expired, does that still count").
Nothing of it is saved until the applicant says which it is (the answer-or-question check in
``navigation.py``): a wrong guess either way would lose their place.

Matching a question against the learned index takes milliseconds, but making the index takes
seconds; neither happens inside a turn. Before the turn's lock and transaction (``prepare``) a
message that may be a question is looked up, waiting for the index if it is not ready yet (with
a word to the applicant); the turn then decides, knowing the current question, whether it was
one, and only records it.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from conversations.application.fields import Kind, Step
from conversations.application.parsing import parse
from conversations.application.policy import Policy
from conversations.application.validators import Invalid, choice_number, exact_choice
from conversations.commands import parse_command
from conversations.messages import Choice, Inbound, Outbound
from conversations.support.faq.knowledge import (
    ADDED_TOPIC,
    Entry,
    Result,
    asks,
    find,
    in_topic,
    letter_words,
    load,
    looks_like_a_name,
    looks_like_a_title,
    looks_like_question,
    may_be_question,
    topics,
)
from conversations.support.faq.matcher import LocalMatcher, Matcher, added_entries
from storage.models import Applicant, saved_id
from storage.unit_of_work import Storage, Transaction

if TYPE_CHECKING:
    from conversations.support.faq.index import FaqIndex

log = logging.getLogger(__name__)

SUPPORT_TOPIC = "support.question"
ONE_MOMENT = "One moment, please: I'm getting the answers ready."
MORE = "\n\n(More questions: /faq. A person: /human.)"

# A free-text answer of at least this many words (with letters, between spaces), not written like
# a title or a name, that the knowledge base answers confidently may be a question ("member
# application fee"); a shorter one ("Mentee 1", "CPM-2019-0457", "maria@example.org") is a name,
# a number or an address, whatever it resembles.
SENTENCE_WORDS = 2
# The longest button label of an FAQ entry's question (Slack shows 75 characters of a button).
LABEL_LENGTH = 60

# Sends a message to the applicant at once, before the turn's reply (e.g. "one moment").
Interim = Callable[[Outbound], None]


@dataclass(frozen=True)
class LookedUp:
    """What a message may ask the knowledge base, and the index's answer, found before the turn."""

    question: str
    result: Result


def _worth_looking_up(text: str) -> bool:
    """A sentence, which the knowledge base may say asks something (one word is an answer: looking
    up every "yes", "hybrid" and email address would cost each message a lookup for nothing)."""
    return sum(1 for word in text.split() if letter_words(word)) >= SENTENCE_WORDS


def _label(entry: Entry) -> str:
    """An entry's question as a button: whole words, at most ``LABEL_LENGTH`` characters."""
    return textwrap.shorten(entry.question, LABEL_LENGTH, placeholder="…")


def _confident(text: str, looked_up: LookedUp | None) -> bool:
    """Whether the knowledge base answers the message confidently (looked up before the turn)."""
    return looked_up is not None and looked_up.question == text and looked_up.result.answer is not None


class Reading(StrEnum):
    """How a message at a question is taken."""

    ANSWER = "answer"
    QUESTION = "question"  # answered from the knowledge base, and the question asked again
    EITHER = "either"  # an answer (free text, or a choice in a sentence) that also reads as a question


class Asking:
    def __init__(
        self,
        entries: Sequence[Entry] | None = None,
        *,
        support_destinations: Sequence[str] = (),
        matcher: Matcher | None = None,
        cache: Path | None = None,
        index: FaqIndex | None = None,
    ) -> None:
        """``entries``: the knowledge base (default: ``faq/knowledge.yaml``); ``matcher``: who
        answers from it (default: the learned index in this process, made from ``cache``, the
        folder where it is kept between runs, ``FAQ_CACHE_DIR``, or ``index``, one already made:
        tests share one)."""
        self.knowledge = tuple(load() if entries is None else entries)
        self.support_destinations = tuple(support_destinations)
        self.matcher = matcher or LocalMatcher(self.knowledge, cache=cache, index=index)

    def start(self) -> None:
        """Get the answers ready in the background, away from any turn."""
        self.matcher.start()

    # -- before the turn -----------------------------------------------------------------------

    def asked(self, inbound: Inbound) -> str | None:
        """What the message asks the knowledge base, worth waiting for the index: a message worded
        as a question, or the words after ``/faq`` that are neither a topic nor an entry; None for
        anything else (a greeting or a message that only may be a question, ``may_be_question``,
        is looked up only when the index is ready: nobody waits for "hello"). The turn decides
        later whether it was a question (``reading``) and never asks for more."""
        if inbound.file is not None or inbound.unsupported:
            return None
        text = inbound.text.strip()
        command = parse_command(text)
        if command is not None:
            argument = command.argument
            if command.name != "faq" or not argument or argument.startswith("#"):
                return None
            return None if argument in (*topics(self.knowledge), ADDED_TOPIC) else argument
        if inbound.choice_for is not None or not looks_like_question(text):
            return None
        return text

    @staticmethod
    def _sentence(inbound: Inbound) -> str | None:
        """A message of words that is neither a command nor a button: the index may say it asks.

        A name or a title ("Global Mentoring Academy", "Sam Okafor") whose words do not ask
        (``may_be_question``) is an answer at any question, whatever the index says of it
        (``reading``): it is not looked up."""
        text = inbound.text.strip()
        plain = inbound.file is None and not inbound.unsupported and inbound.choice_for is None
        if not plain or parse_command(text) is not None or not _worth_looking_up(text):
            return None
        if (looks_like_a_title(text) or looks_like_a_name(text)) and not may_be_question(text):
            return None
        return text

    def prepare(self, inbound: Inbound, storage: Storage, interim: Interim | None = None) -> LookedUp | None:
        """Look up what the message may ask, before the turn takes its lock and transaction: a
        message worded as a question waits for the index (``asked``); any other sentence is looked
        up only when the index is ready."""
        asked = self.asked(inbound)
        question = asked or self._sentence(inbound)
        if question is None:
            return None
        result = self.matcher.ask(question, storage, wait=False)
        if result is None and asked is not None:
            if interim is not None:
                interim(Outbound(ONE_MOMENT))
            result = self.matcher.ask(question, storage, wait=True)
        return LookedUp(question, result) if result is not None else None

    # -- is it a question? ---------------------------------------------------------------------

    def question_in(
        self, inbound: Inbound, step: Step | None, policy: Policy, looked_up: LookedUp | None = None
    ) -> bool:
        """Whether a message is a question: worded as one, and no answer there (``reading``).

        At a question with a form to its answers (a choice, a date, a number, an email, a file), a
        message that is no valid answer there is a question too when it asks by its words
        (``asks``: "not sure tbh, how do i check if its accredited", "I mentor at my job and for
        a charity. Do the ones at my job count"), or when it may be one without its context and
        the knowledge base answers it confidently ("idk the exact date"). Asking the question
        again shows its example, where the field's error would ignore what was asked. A greeting
        ("hello") or an answer in the wrong form ("my email is maria at example dot org") gets the
        field's error."""
        text = inbound.text.strip()
        if not text or inbound.file is not None or inbound.choice_for is not None:
            return False
        if step is None:
            return looks_like_question(text)
        if step.field.kind is Kind.TEXT:
            return looks_like_question(text) and not looks_like_a_title(text)
        if step.field.kind is not Kind.FILE:
            try:
                parse(step.field, inbound, policy)
                return False
            except Invalid:
                pass
        if looks_like_question(text) or (asks(text) and not looks_like_a_title(text)):
            return True
        return may_be_question(text, context=False) and _confident(text, looked_up)

    def reading(self, inbound: Inbound, step: Step | None, policy: Policy, looked_up: LookedUp | None) -> Reading:
        """How a message (not a command) at ``step`` (None: outside the questions) is taken."""
        if self.question_in(inbound, step, policy, looked_up):
            return Reading.QUESTION
        if self.also_a_question(inbound, step, looked_up):
            return Reading.EITHER
        return Reading.ANSWER

    @staticmethod
    def also_a_question(inbound: Inbound, step: Step | None, looked_up: LookedUp | None) -> bool:
        """Whether a message that is not clearly a question (``question_in``), given at a
        free-text question, may be one all the same: its words (``may_be_question``), or, for a
        sentence not written like a title or a name, the knowledge base's confident answer to it.
        At a choice, a sentence that names an option ("yes but it expired last year, does that
        still count") may be a question by its words too; an option typed as such is an answer."""
        text = inbound.text.strip()
        if step is None or inbound.file is not None or not text:
            return False
        if inbound.choice_for is not None or parse_command(text) is not None:
            return False
        if step.field.kind in (Kind.CHOICE, Kind.YES_NO):
            typed = exact_choice(text, step.field.options) or choice_number(text, len(step.field.options))
            return typed is None and may_be_question(text)
        if step.field.kind is not Kind.TEXT:
            return False
        if may_be_question(text):
            return True
        named = looks_like_a_title(text) or looks_like_a_name(text)
        return _confident(text, looked_up) and _worth_looking_up(text) and not named

    # -- answering, inside the turn ------------------------------------------------------------

    def entries(self, tx: Transaction) -> list[Entry]:
        """The knowledge base and the entries support added."""
        return [*self.knowledge, *added_entries(tx)]

    def answer(
        self, tx: Transaction, applicant_id: int | None, question: str, looked_up: LookedUp | None
    ) -> list[Outbound]:
        """The answer, or the closest topics and a person; kept for the report (before consent, only
        which entry answered, or that none did)."""
        looked = looked_up.result if looked_up is not None and looked_up.question == question else None
        result = looked if looked is not None else Result(None)  # not looked up: offer a person, not a guess
        if applicant_id is not None:
            best = result.closest[0].entry if result.closest else None
            tx.questions.record(
                applicant_id,
                question,
                matched=best.id if best else None,
                score=result.score,
                outcome="answered" if result.answer else "unsure",
            )
        elif looked is not None:
            # Counted for the funnel by the entry alone, or as not answered, never by the words.
            found = result.answer
            tx.funnel.add("asked" if found is not None else "unsure", question=found.id if found else "")
        return [self.render(result, consented=applicant_id is not None)]

    def render(self, result: Result, *, consented: bool) -> Outbound:
        """The answer, or the closest topics and (once the applicant has consented, for support
        keeps their question and who asked it) a person."""
        if result.answer is not None:
            return Outbound(result.answer.answer + MORE)
        choices = tuple(
            Choice(f"/faq #{match.entry.id}", _label(match.entry)) for match in result.closest if match.entry
        )
        person = (
            "a person from IMC's credentialing support answers here if you send /human"
            if consented
            else "a person from IMC's credentialing support can answer once you have agreed to the consent question"
        )
        text = "I'm not sure I have the answer to that, and I'd rather not guess: " + (
            f"is it one of these topics? If not, {person}." if choices else f"{person}."
        )
        return Outbound(text, choices + ((Choice("/human", "Ask a person"),) if consented else ()))

    def faq_command(
        self, tx: Transaction, applicant_id: int | None, argument: str, looked_up: LookedUp | None
    ) -> list[Outbound]:
        """``/faq``: topics; ``/faq <topic>``: its questions; ``/faq #id``: an answer; else a question."""
        entries = self.entries(tx)
        if not argument:
            return [Outbound("Pick a topic:", tuple(Choice(f"/faq {topic}", topic) for topic in topics(entries)))]
        if argument.startswith("#"):
            entry = find(entries, argument[1:])
            if entry is not None:
                return [Outbound(entry.answer + MORE)]
        listed = in_topic(entries, argument)
        if listed:
            return [
                Outbound(
                    f"{argument}: pick a question.",
                    tuple(Choice(f"/faq #{entry.id}", _label(entry)) for entry in listed),
                )
            ]
        return self.answer(tx, applicant_id, argument, looked_up)

    # -- a person ----------------------------------------------------------------------------

    def to_person(
        self, tx: Transaction, applicant: Applicant, argument: str, context: str, policy: Policy
    ) -> list[Outbound]:
        """Pass the question (``argument``, or the last one the bot could not answer) to support;
        nothing, when there is no question to pass."""
        question = None
        if argument:
            question = tx.questions.record(applicant.id, argument, matched=None, score=0.0, outcome="escalated")
        else:
            question = tx.questions.last_unanswered(saved_id(applicant))
            if question is None:
                return []
            tx.questions.escalate(question)
        for destination in self.support_destinations:
            tx.outbox.enqueue(
                SUPPORT_TOPIC,
                destination,
                {
                    "question_id": question.id,
                    "applicant_id": applicant.id,
                    "channel": applicant.channel,
                    "text": question.text,
                    "context": context,
                },
            )
        return [
            Outbound(
                "I've passed your question to IMC's credentialing support; a person will answer here, "
                f"{policy.support_reply_time()}. Your application is untouched meanwhile, so you can carry on."
            )
        ]
