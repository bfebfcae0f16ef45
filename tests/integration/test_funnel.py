"""The application funnel counts what applicants did, from the database: who wrote, consented,
submitted and was approved, how far each got, which answers were refused and why (without what
they typed), and what they asked the FAQ and a person."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import Session, select

from bot.channels.console.funnel import print_funnel
from conversations.application.asking import Asking
from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.application.prompts import PERSON_AFTER_CONSENT
from conversations.application.refusals import error_kind
from conversations.staff.desk import StaffDesk
from conversations.staff.funnel import AT_REVIEW, Funnel, FunnelReport
from storage.models import FunnelCount
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, SUBMIT, TRAINING_ANSWERS, ManualClock, make_engine_on
from tests.conftest import Applicant as Talker

STAFF = "telegram:42 (@ana)"


def report(storage: Storage) -> FunnelReport:
    return Funnel(storage, policy=Policy()).report()


def by_label(rows: list) -> dict:
    return {(row.part, row.label): row for row in rows}


@pytest.fixture
def funnel_day(storage: Storage, asking: Asking, clock: ManualClock) -> None:
    """Five people: one submits after two days and is approved, one stops in Training after a
    refused email, one declines consent, one only asks a question, and one asks what the FAQ
    cannot answer before consenting (on SQLite and PostgreSQL)."""
    engine = make_engine_on(storage, asking=asking)
    desk = StaffDesk(storage, policy=Policy())
    finished = Talker(engine, "finisher")
    finished.answer_all(FULL_APPLICATION[:20])
    clock.advance(days=2)
    finished.answer_all(FULL_APPLICATION[20:] + SUBMIT)
    desk.start_review(1, actor=STAFF)
    desk.approve(1, actor=STAFF)

    stopped = Talker(engine, "stopper")
    stopped.answer_all(APPLICANT_ANSWERS[:2])
    stopped.say("maria.gonzalez at example")  # refused: no @
    stopped.say("ana.lopez at example")  # refused again, the same way
    stopped.answer_all(APPLICANT_ANSWERS[2:] + TRAINING_ANSWERS[:3])
    stopped.say("fifty-two")  # refused: not a number
    stopped.say("how much is the fee?")  # answered by the FAQ
    stopped.say("who won the football world cup?")
    stopped.say("/human")

    declined = Talker(engine, "decliner")
    declined.say("hello")
    declined.say("no")

    Talker(engine, "asker").say("/faq how much is the fee?")

    wondering = Talker(engine, "wonderer")  # before consent: not answered, and no person yet
    wondering.say("who won the football world cup?")
    wondering.say("/human")


def test_nothing_yet_is_an_empty_funnel(storage: Storage):
    found = report(storage)
    assert found.empty
    assert [stage.count for stage in found.stages] == [0, 0, 0, 0, 0]
    assert found.median_to_submit is None and found.refusals == [] and found.faq_topics == []
    assert all(part.reached == 0 and part.waiting == 0 for part in found.parts)


def test_the_stages_count_each_person_once(funnel_day: None, storage: Storage):
    found = report(storage)
    assert [(stage.label, stage.count) for stage in found.stages] == [
        ("Wrote to the assistant", 5),
        ("Consented", 2),
        ("Submitted", 1),
        ("Approved", 1),
        ("Not approved", 0),
    ]
    assert found.declined == 1
    assert not found.empty


def test_parts_and_questions_reached_and_where_those_not_submitted_wait(funnel_day: None, storage: Storage):
    found = report(storage)
    parts = {part.part: (part.reached, part.waiting) for part in found.parts}
    assert parts["About you"] == (2, 0)
    assert parts["Training"] == (2, 1)  # the one who stopped waits there
    assert parts["Reference 5"] == (1, 0)
    assert parts[AT_REVIEW] == (1, 0)  # reached by the one who submitted
    assert [part.part for part in found.parts] == [
        "About you",
        "Training",
        "Experience",
        *(f"Reference {number}" for number in range(1, 6)),
        "Supervision",
        AT_REVIEW,
    ]
    questions = by_label(found.questions)
    assert (questions["Training", "Training hours"].reached, questions["Training", "Training hours"].waiting) == (2, 1)
    assert questions["Training", "Mode"].reached == 1
    assert sum(question.waiting for question in found.questions) == 1


def test_the_median_time_runs_from_consent_to_the_first_submission(funnel_day: None, storage: Storage):
    assert report(storage).median_to_submit == dt.timedelta(days=2)
    assert report(storage).submissions_timed == 1


def test_refused_answers_by_question_with_their_most_common_error(funnel_day: None, storage: Storage):
    found = report(storage)
    [email, hours] = found.refusals
    assert (email.part, email.label, email.refused, email.error_times) == ("About you", "Email", 2, 2)
    assert email.error == "That doesn't look like an email address"
    assert (hours.label, hours.refused, hours.error) == ("Training hours", 1, "Please answer with a number")
    assert found.refusals_count == 3


def test_a_refusal_keeps_nothing_the_applicant_typed(funnel_day: None, storage: Storage):
    with Session(storage.engine) as session:
        kept = " ".join(f"{count.question} {count.error}" for count in session.exec(select(FunnelCount)))
    for typed in ("maria", "gonzalez", "ana.lopez", "fifty"):
        assert typed not in kept.lower()


@pytest.mark.parametrize(
    ("message", "typed", "answers", "kind"),
    [
        ("That is 612 characters; please keep it to 500. For example: x", "a" * 612, [], "That is … characters"),
        ("12345678 looks like a typo: the most this accepts is 2,000.", "12345678", [], "… looks like a typo"),
        ("52000.5 looks like a typo: the most this accepts is 2,000.", "52,000.5", [], "… looks like a typo"),
        (
            "Reference 2 already has the mentee Zoe Park; the 5 references must differ.",
            "Zoe Park",
            ["Zoe Park", "Maria Gonzalez"],
            "Reference … already has the mentee …",
        ),
        (
            "That is the email you gave for the mentee of reference 3; please give your own.",
            "zoe@example.org",
            ["zoe@example.org"],
            "That is the email you gave for the mentee of reference …",
        ),
        ("Did you mean 15 September 2022? Numbers are read day first.", "09/15/2022", [], "Did you mean a date"),
        (
            "3 March 2030 is in the future; please give a date up to today.",
            "3 March 2030",
            [],
            "a date is in the future",
        ),
        ("3 March 2030 is in the future; please give a date up to today.", "2030-03-03", [], "a date is in the future"),
        (
            "The end date can't be before the start date, 1 February 2024. For example: 2024-02-01 or later.",
            "2024-01-01",
            [],
            "The end date can't be before the start date, a date",
        ),
        # Short answers typed or saved ("no", "the") are words of the messages too: kept as written.
        (
            "That is not a real calendar date. Please write it like 2024-03-15.",
            "the",
            ["no"],
            "That is not a real calendar date",
        ),
        # Only whole words are hidden: "Anne" is not part of "planned".
        ("The end date planned is too late.", "x", ["Anne"], "The end date planned is too late"),
    ],
)
def test_the_kind_of_an_error_hides_what_came_from_the_applicant(message: str, typed: str, answers: list, kind: str):
    assert error_kind(message, typed, answers) == kind


def test_a_refusal_hides_answers_in_the_applicants_words_not_the_choices(
    engine: ConversationEngine, sqlite_storage: Storage
):
    """The choices saved ("no", "hybrid", "mentee") are the form's words, not the applicant's."""
    talker = Talker(engine, "chooser")
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:4] + ["hybrid", "2024-02-30"])
    with sqlite_storage.reading() as tx:
        [(question, error, times)] = tx.funnel.refusals()
    assert (question, times) == ("training_start_date", 1)
    assert error == "That is not a real calendar date"  # not "That is …t a real…" for the "no" saved


def test_faq_topics_asked_most_and_the_questions_passed_to_a_person(funnel_day: None, storage: Storage):
    found = report(storage)
    [fee] = found.faq_topics
    assert (fee.label, fee.count) == ("How much does the CMM application cost?", 2)
    assert found.faq_answered == 2
    assert [question.text for question in found.escalated] == ["who won the football world cup?"]
    assert found.escalated_count == 1
    assert (found.faq_unsure, found.faq_unsure_before_consent) == (1, 1)  # the world cup, before consent


def test_before_consent_a_person_is_offered_only_once_the_applicant_consents(engine: ConversationEngine):
    wondering = Talker(engine, "wonderer")
    reply = wondering.say("who won the football world cup?")
    assert "can answer once you have agreed to the consent question" in reply and "/human" not in reply
    assert all(choice.value != "/human" for choice in wondering.last.choices)
    reply = wondering.say("/human")
    assert reply.startswith(PERSON_AFTER_CONSENT) and "Do you consent" in reply


def test_the_terminal_prints_the_tables(funnel_day: None, storage: Storage, capsys: pytest.CaptureFixture):
    print_funnel(report(storage))
    printed = capsys.readouterr().out
    assert "Wrote to the assistant\t5\nConsented\t2\nSubmitted\t1\nApproved\t1\nNot approved\t0\n" in printed
    assert "Consent declined (times; no one is known before consent): 1" in printed
    assert "Median time from consent to the first submission: 2 days 0 h (1 submitted)" in printed
    assert "Training\t2\t1\n" in printed
    assert "About you\tEmail\t2\tThat doesn't look like an email address (2 of 2)" in printed
    assert "2\tHow much does the CMM application cost?" in printed
    assert "who won the football world cup?" in printed


def test_the_terminal_says_when_there_is_nothing_to_count(storage: Storage, capsys: pytest.CaptureFixture):
    print_funnel(report(storage))
    assert capsys.readouterr().out == "No one has written to the assistant yet.\n"


def test_counting_holds_up_no_turn_on_sqlite(sqlite_storage: Storage):
    """The funnel reads without SQLite's write lock: a turn can commit while it reads."""
    committed = threading.Event()

    def a_turn() -> None:
        with sqlite_storage.transaction() as tx:
            tx.funnel.add("started")
        committed.set()

    with sqlite_storage.reading() as tx:
        assert tx.funnel.count("started") == 0
        writer = threading.Thread(target=a_turn)
        writer.start()
        assert committed.wait(timeout=10)
        assert tx.funnel.count("started") == 0  # one snapshot: what was committed since is not seen
    writer.join()
    assert report(sqlite_storage).stages[0].count == 1


def test_two_turns_counting_the_same_thing_both_count(storage: Storage):
    for _ in range(2):
        with storage.transaction() as tx:
            tx.funnel.add("refused", question="email", error="That doesn't look like an email address")
    with storage.reading() as tx:
        assert tx.funnel.refusals() == [("email", "That doesn't look like an email address", 2)]


def test_a_withdrawn_applicant_leaves_the_funnel_but_not_its_counts(
    engine: ConversationEngine, sqlite_storage: Storage
):
    maria = Talker(engine, "maria")
    maria.answer_all(APPLICANT_ANSWERS[:2] + ["maria at example"])
    maria.say("/cancel")
    assert "withdrawn" in maria.say("yes")
    found = report(sqlite_storage)
    assert [stage.count for stage in found.stages] == [1, 0, 0, 0, 0]  # wrote; no one consented now
    assert found.refusals_count == 1  # the counts stay: they name no one
    assert all(part.reached == 0 for part in found.parts)


def test_declining_twice_is_counted_twice(engine: ConversationEngine, sqlite_storage: Storage):
    """Before consent no one is known: the funnel counts declines, not people who declined."""
    undecided = Talker(engine, "undecided")
    undecided.say("no")
    undecided.say("no")
    found = report(sqlite_storage)
    assert (found.stages[0].count, found.declined) == (1, 2)


def test_an_application_not_approved_is_its_own_stage(
    engine: ConversationEngine, desk: StaffDesk, sqlite_storage: Storage
):
    Talker(engine, "refused").answer_all(FULL_APPLICATION + SUBMIT)
    desk.start_review(1, actor=STAFF)
    desk.reject(1, actor=STAFF, note="No CPM cycle")
    stages = {stage.label: stage.count for stage in report(sqlite_storage).stages}
    assert (stages["Submitted"], stages["Approved"], stages["Not approved"]) == (1, 0, 1)
