"""Questions in the middle of the application: telling a question from an answer, answering it
from the knowledge base, offering topics and a person when unsure, and passing it to support.

The rule for a typed message at a question of the application:
- A message that reads as a valid answer to a non-text question (a date, a number, an email, a
  choice, yes/no) is an answer: "yes" at a yes/no question is never taken for a question.
- One that is not a valid answer there, and is worded as a question (ends with "?" or starts
  like one: "how much", "can I", "what is"), is a question.
- At a free-text question (a name, a program, an address) nearly anything is a valid answer, so
  a message is a question only if it is worded as one AND is not written like a title or a name
  (most words capitalised): "What Mentors Need?" at the program-name question is the program's
  name; "how much is the fee?" is a question.
- Outside a question (the review, a menu, after submission), a message worded as a question is one.
A question is never stored as an answer, and the current question is asked again after it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from conversations.answers import parse
from conversations.faq import Entry, FaqIndex, Result, default_index, looks_like_a_title, looks_like_question
from conversations.fields import Kind, Step
from conversations.messages import Choice, Inbound, Outbound
from conversations.policy import Policy
from conversations.validators import Invalid
from storage.models import Applicant
from storage.repository import Transaction

ADDED_TOPIC = "Added by support"
SUPPORT_TOPIC = "support.question"


class Asking:
    def __init__(
        self,
        entries: Sequence[Entry] | None = None,
        *,
        support_destinations: Sequence[str] = (),
        cache: Path | None = None,
    ) -> None:
        """``cache``: a folder where the learned FAQ index is kept between runs and processes."""
        self._base = entries
        self._faq: FaqIndex | None = None  # made at the first question, or by warm_up()
        self._making = threading.Lock()
        self._cache = cache
        self.support_destinations = tuple(support_destinations)
        self._added_version = 0

    @property
    def faq(self) -> FaqIndex:
        with self._making:
            if self._faq is None:
                self._faq = (
                    default_index(self._cache) if self._base is None else FaqIndex(self._base, cache=self._cache)
                )
            return self._faq

    def warm_up(self) -> None:
        """Make the index in the background now, so that the first question need not wait for it."""
        threading.Thread(target=lambda: self.faq, name="faq-warm-up", daemon=True).start()

    # -- is it a question? ---------------------------------------------------------------------

    def question_in(self, inbound: Inbound, step: Step | None, policy: Policy) -> bool:
        text = inbound.text.strip()
        if not text or inbound.file is not None or inbound.choice_for is not None or not looks_like_question(text):
            return False
        if step is None:
            return True
        if step.field.kind is Kind.TEXT:
            return not looks_like_a_title(text)
        if step.field.kind is Kind.FILE:
            return True
        try:
            parse(step.field, inbound, policy)
        except Invalid:
            return True
        return False

    # -- answering ---------------------------------------------------------------------------

    def refresh(self, tx: Transaction) -> None:
        """Take in entries support added (from any process) since the index was built."""
        newest = tx.newest_faq_entry_id()
        if newest != self._added_version:
            added = [Entry(f"added-{row.id}", ADDED_TOPIC, row.question, row.answer) for row in tx.faq_entries()]
            learned = self.faq  # made first if need be; the shared default index is never changed
            self._faq = learned.with_added(added)
            self._added_version = newest

    def answer(self, tx: Transaction, applicant_id: int | None, text: str) -> list[Outbound]:
        """The answer, or the closest topics and a person; kept for the report (not before consent)."""
        self.refresh(tx)
        result = self.faq.ask(text)
        if applicant_id is not None:
            best = result.closest[0].entry.id if result.closest else None
            tx.record_question(
                applicant_id, text, matched=best, score=result.score, outcome="answered" if result.answer else "unsure"
            )
        return [self.render(result)]

    def render(self, result: Result) -> Outbound:
        if result.answer is not None:
            return Outbound(f"{result.answer.answer}\n\n(More questions: /faq. A person: /human.)")
        choices = tuple(Choice(f"/faq #{match.entry.id}", match.entry.question[:60]) for match in result.closest)
        lines = ["I'm not sure I have the answer to that, and I'd rather not guess."]
        if choices:
            lines.append("Is it one of these?")
        lines.append("Or send /human and a person from IMC's credentialing support will answer here.")
        return Outbound("\n".join(lines), choices + (Choice("/human", "Ask a person"),))

    def faq_command(self, tx: Transaction, applicant_id: int | None, argument: str) -> list[Outbound]:
        """``/faq``: topics; ``/faq <topic>``: its questions; ``/faq #id``: an answer; else a question."""
        self.refresh(tx)
        if not argument:
            return [Outbound("Pick a topic:", tuple(Choice(f"/faq {topic}", topic) for topic in self.faq.topics()))]
        if argument.startswith("#"):
            entry = self.faq.entry(argument[1:])
            if entry is not None:
                return [Outbound(f"{entry.answer}\n\n(More questions: /faq. A person: /human.)")]
        entries = self.faq.in_topic(argument)
        if entries:
            return [
                Outbound(
                    f"{argument}: pick a question.",
                    tuple(Choice(f"/faq #{entry.id}", entry.question[:60]) for entry in entries),
                )
            ]
        return self.answer(tx, applicant_id, argument)

    # -- a person ----------------------------------------------------------------------------

    def to_person(self, tx: Transaction, applicant: Applicant, argument: str, context: str) -> list[Outbound]:
        """Pass the question (``argument``, or the last one the bot could not answer) to support."""
        question = None
        if argument:
            question = tx.record_question(applicant.id, argument, matched=None, score=0.0, outcome="escalated")
        else:
            question = tx.last_unanswered_question(applicant.id)
            if question is None:
                return [
                    Outbound(
                        "What would you like to ask? Send /human followed by your question, "
                        "e.g. /human Can my supervisor be from another country?"
                    )
                ]
            question.outcome = "escalated"
            tx.session.add(question)
        for destination in self.support_destinations:
            tx.enqueue(
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
                "I've passed your question to IMC's credentialing support; a person will answer here. "
                "Your application is untouched meanwhile, so you can carry on."
            )
        ]
