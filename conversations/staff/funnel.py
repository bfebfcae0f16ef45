"""Where applicants are and where they stop, counted from the database: how many wrote, consented,
submitted and were approved; how far into the form each part and question was reached, and where
those who have not submitted wait; how long a first submission takes; which questions refuse the
most answers, and with what error; and what applicants ask the FAQ and what went to a person.

Read by the web desk (as charts and tables) and by ``python -m bot funnel`` (as tables)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from conversations.application.fields import Step
from conversations.application.flow import CONSENT, Flow
from conversations.application.policy import Policy
from conversations.support.faq.knowledge import Entry, load
from conversations.support.faq.matcher import added_entries
from storage.models import DossierStatus
from storage.unit_of_work import Storage

AT_REVIEW = "Review"  # every question answered, not submitted
_ESCALATED_SHOWN = 20
_REFUSALS_SHOWN = 10
_TOPICS_SHOWN = 10


@dataclass(frozen=True)
class Tally:
    """How many of something: people at a stage, questions an FAQ entry answered."""

    label: str
    count: int


@dataclass(frozen=True)
class Reach:
    """A part of the form (a section, or one reference) or one question: how many applicants
    reached it, and how many who have not submitted wait there now."""

    label: str
    part: str
    reached: int
    waiting: int


@dataclass(frozen=True)
class RefusedQuestion:
    label: str
    part: str
    refused: int
    error: str  # the most common kind of error (``conversations.application.refusals``)
    error_times: int


@dataclass(frozen=True)
class Escalated:
    text: str
    asked_at: dt.datetime


@dataclass(frozen=True)
class FunnelReport:
    stages: list[Tally]  # wrote, consented, submitted, approved, not approved
    declined: int
    parts: list[Reach]  # in the order of the form, then those at the review
    questions: list[Reach]
    median_to_submit: dt.timedelta | None  # from consent to the first submission
    submissions_timed: int
    refusals: list[RefusedQuestion]  # the most refused first
    faq_topics: list[Tally]  # the entries that answered the most questions first
    faq_answered: int
    escalated: list[Escalated]  # the newest first
    escalated_count: int
    faq_unsure: int  # questions the FAQ could not answer, not passed to a person
    faq_unsure_before_consent: int  # of those, asked before consent: not kept, only counted
    refusals_count: int

    @property
    def empty(self) -> bool:
        asked = self.faq_answered + self.faq_unsure + self.escalated_count
        return not any(stage.count for stage in self.stages) and not asked


class Funnel:
    def __init__(self, storage: Storage, *, policy: Policy, flow: Flow | None = None) -> None:
        self.storage = storage
        self.policy = policy
        self.flow = flow or Flow()
        self._steps = [step for step in self.flow.steps if step.key != CONSENT]

    def report(self) -> FunnelReport:
        entries = load()  # the knowledge base's file, read before the transaction
        with self.storage.reading() as tx:
            today = tx.now.date()
            started = tx.funnel.count("started")
            declined = tx.funnel.count("declined")
            refusals = tx.funnel.refusals()
            drafts = tx.funnel.drafts()
            first_submissions = tx.funnel.first_submissions()
            approved = tx.funnel.decided(DossierStatus.APPROVED)
            rejected = tx.funnel.decided(DossierStatus.REJECTED)
            answered_by_entry = Counter(tx.questions.answered_by_entry()) + Counter(tx.funnel.by_question("asked"))
            escalated = tx.questions.escalated(_ESCALATED_SHOWN)
            escalated_count = tx.questions.count("escalated")
            unsure_before_consent = tx.funnel.count("unsure")
            unsure = tx.questions.count("unsure") + unsure_before_consent
            added = added_entries(tx)
        reached: Counter[str] = Counter()
        waiting: Counter[str] = Counter()
        for applicant_id, _, state, answers in drafts:
            next_step = None
            if applicant_id not in first_submissions:
                next_step = self.flow.first_waiting(answers, today=today, policy=self.policy)
                waiting[next_step.key if next_step is not None and next_step.key != CONSENT else AT_REVIEW] += 1
            # Reached: answered, asked now, or next to be asked (from a menu or a check between).
            at = {state, next_step.key if next_step is not None else ""}
            reached.update(step.key for step in self._steps if step.key in answers or step.key in at)
        times = [
            (first_submissions[applicant_id] - consented_at).total_seconds()
            for applicant_id, consented_at, _, _ in drafts
            if applicant_id in first_submissions
        ]
        counted_refusals = [(key, error, times) for key, error, times in refusals if self.flow.has_step(key)]
        return FunnelReport(
            stages=[
                Tally("Wrote to the assistant", started),
                Tally("Consented", len(drafts)),
                Tally("Submitted", len(first_submissions)),
                Tally("Approved", approved),
                Tally("Not approved", rejected),
            ],
            declined=declined,
            parts=self._parts(reached, waiting, len(first_submissions)),
            questions=[
                Reach(step.field.label, step.group, reached[step.key], waiting[step.key]) for step in self._steps
            ],
            median_to_submit=dt.timedelta(seconds=statistics.median(times)) if times else None,
            submissions_timed=len(times),
            refusals=self._refusals(counted_refusals),
            faq_topics=_topics(answered_by_entry, [*entries, *added]),
            faq_answered=answered_by_entry.total(),
            escalated=[Escalated(question.text, question.asked_at) for question in escalated],
            escalated_count=escalated_count,
            faq_unsure=unsure,
            faq_unsure_before_consent=unsure_before_consent,
            refusals_count=sum(times for _, _, times in counted_refusals),
        )

    def _parts(self, reached: Counter[str], waiting: Counter[str], submitted: int) -> list[Reach]:
        """Each part is reached by those who reached its first question (its later ones may not
        apply to everyone); the review, by those waiting there and those who submitted."""
        firsts: dict[str, Step] = {}
        waiting_in: Counter[str] = Counter()
        for step in self._steps:
            firsts.setdefault(step.group, step)
            waiting_in[step.group] += waiting[step.key]
        parts = [Reach(part, part, reached[first.key], waiting_in[part]) for part, first in firsts.items()]
        return [*parts, Reach(AT_REVIEW, AT_REVIEW, waiting[AT_REVIEW] + submitted, waiting[AT_REVIEW])]

    def _refusals(self, refusals: Sequence[tuple[str, str, int]]) -> list[RefusedQuestion]:
        """The questions that refused the most answers; a question of the references is counted
        over the five (its mistakes are the same in each)."""
        errors: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        first_index: dict[tuple[str, str], int] = {}
        for key, error, times in refusals:
            step = self.flow.step(key)
            question = (_part(step), step.field.label)
            errors[question][error] += times
            first_index[question] = min(first_index.get(question, len(self.flow.steps)), self.flow.index(key))
        ranked = sorted(errors.items(), key=lambda item: (-item[1].total(), first_index[item[0]]))
        found = []
        for (part, label), counted in ranked[:_REFUSALS_SHOWN]:
            error, error_times = min(counted.items(), key=lambda item: (-item[1], item[0]))
            found.append(RefusedQuestion(label, part, counted.total(), error, error_times))
        return found


def _part(step: Step) -> str:
    """The part a question is in, the repeats of the references taken together."""
    return f"{step.repeat.title} 1–{step.repeat.count}" if step.repeat is not None else step.group


def _topics(answered_by_entry: Counter[str], entries: Sequence[Entry]) -> list[Tally]:
    """The FAQ entries that answered the most questions, by their question (an entry support
    removed since, by its id)."""
    questions = {entry.id: entry.question for entry in entries}
    ranked = sorted(answered_by_entry.items(), key=lambda item: (-item[1], item[0]))
    return [Tally(questions.get(entry_id, entry_id), count) for entry_id, count in ranked[:_TOPICS_SHOWN]]
