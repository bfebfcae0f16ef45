"""The knowledge base and the question classifier, measured on the labelled questions.

The floors below guard against regressions; they sit a little under what the classifier reaches
today (top-1 94.6%, 2.3% of out-of-scope questions answered), against the targets (top-1 >=
95%, wrong answers to out-of-scope questions <= 5%) that ``bench/faq.py`` reports against."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conversations.support.faq.index import ANSWER_THRESHOLD, FaqIndex, Spelling
from conversations.support.faq.knowledge import (
    TRAINING_WRITERS,
    Entry,
    Match,
    Result,
    load,
    load_not_covered,
    looks_like_a_name,
    looks_like_a_title,
    looks_like_question,
    may_be_question,
    normalize,
)

LABELLED = yaml.safe_load((Path(__file__).parents[1] / "data" / "faq_questions.yaml").read_text())
# The independent writers' sets that judge the FAQ (bench/faq_writers.py), the held-out ones too.
WRITER_SETS = sorted((Path(__file__).parents[1] / "data" / "faq_writers").glob("*.yaml"))
TOPICS = {
    "Eligibility",
    "Training",
    "Evidence",
    "Experience and references",
    "Supervision and learning",
    "Fees and validity",
    "Applying and review",
    "Using this bot",
    "Support",
}


def test_nothing_the_classifier_learns_from_is_in_the_labelled_set_or_a_writers_set():
    assert len(WRITER_SETS) == 6
    judging = [*LABELLED, *(item for path in WRITER_SETS for item in yaml.safe_load(path.read_text()))]
    labelled = {normalize(item["q"]) for item in judging}
    learned = {normalize(text) for entry in load() for text in entry.phrasings} | set(
        map(normalize, load_not_covered())
    )
    # The count alone: the judging sets' questions stay unread, the held-out f-breaks's above all.
    assert len(labelled & learned) == 0, "questions of a judging set are learned"


def test_the_knowledge_base_is_well_formed():
    entries = load()
    assert len({entry.id for entry in entries}) == len(entries) >= 45
    assert {entry.topic for entry in entries} == TOPICS
    assert all(entry.answer and len(entry.variants) >= 10 for entry in entries)
    ids = {entry.id for entry in entries}
    assert {item["expected"] for item in LABELLED if item["expected"]} <= ids


def test_each_training_writer_asks_about_every_entry_and_no_other():
    ids = [entry.id for entry in load()]
    for path in sorted(TRAINING_WRITERS.glob("*.yaml")):
        written = yaml.safe_load(path.read_text())
        assert list(written["in_scope"]) == ids, path.name
        assert all(written["in_scope"].values()) and written["out_of_scope"], path.name


def test_the_training_writers_questions_are_learned_beside_the_knowledge_base(tmp_path):
    (tmp_path / "one.yaml").write_text(
        yaml.safe_dump({"in_scope": {"fee-amount": ["money for the master thing?"]}, "out_of_scope": ["best pizza?"]})
    )
    fee = next(entry for entry in load(writers=tmp_path) if entry.id == "fee-amount")
    assert fee.variants[-1] == "money for the master thing?"
    assert "money for the master thing?" not in next(entry for entry in load() if entry.id == "fee-amount").variants
    assert load_not_covered(writers=tmp_path)[-1] == "best pizza?"


def test_the_labelled_set_is_large_enough_and_covers_every_entry():
    in_scope = [item for item in LABELLED if item["expected"]]
    assert len(LABELLED) >= 150 and len(LABELLED) - len(in_scope) >= 30
    assert {item["expected"] for item in in_scope} == {entry.id for entry in load()}


def test_accuracy_floor_on_the_labelled_set(faq_index: FaqIndex):
    in_scope = [item for item in LABELLED if item["expected"]]
    out_of_scope = [item for item in LABELLED if not item["expected"]]
    right = sum(1 for item in in_scope if (answer := faq_index.ask(item["q"]).answer) and answer.id == item["expected"])
    wrongly_answered = sum(1 for item in out_of_scope if faq_index.ask(item["q"]).answer is not None)
    assert right / len(in_scope) >= 0.94
    assert wrongly_answered / len(out_of_scope) <= 0.07


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("how much is the fee?", True),
        ("what do I need to apply", True),
        ("Can I pay later", True),
        ("fee?", True),
        ("Global Mentoring Academy", False),
        ("yes", False),
        ("2024-03-01", False),
        ("I did 45 hours", False),
    ],
)
def test_worded_as_a_question(text, question):
    assert looks_like_question(text) is question


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("What Mentors Need?", True),
        ("How To Mentor Well", True),
        ("how much is the fee?", False),
        ("What is the review time for Accredited centers?", False),
        ("Why?", False),
    ],
)
def test_written_like_a_title(text, title):
    assert looks_like_a_title(text) is title


@pytest.mark.parametrize(
    "text",
    [
        "hw much is the fee",
        "wat is a full cycle",
        "Hello, I would like to know the fee",
        "I got my CPM 2 years ago can I apply",
        "i'm not sure what to put here",
        "my supervisor retired",
        "the engagement ends in june can it count",
        "min length of an engagement? some were short",
        "refund policy",
        "What Mentors Need?",  # a title, but with a "?"
        "I put 500 hours in by mistake. Will that be a problem",  # a later sentence asks
        "best laptop for zoom calls",  # typed like a search
    ],
)
def test_an_answer_that_may_be_a_question(text):
    assert may_be_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Maria Gonzalez",
        "Dr. Amal Haddad",
        "Mentoring Skills Level 2",
        "My Mentoring Program",  # opens with "my", but written like a title
        "Hi-Tech Mentors Ltd",  # opens with "hi", but written like a title
        "How To Mentor Well",
        "Global Mentoring Academy",
        "12 Harbour Road, Dublin, Ireland",
        "Jordan Lee",
        "CPM-2019-0457",
        "dr. who mentoring",  # "Dr." ends no sentence
        "Best Practice in Mentoring",  # a title
    ],
)
def test_an_answer_that_is_only_an_answer(text):
    assert not may_be_question(text)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("my email is maria at example dot org", False),
        ("I started on the 3rd of March", False),
        ("hw much is fee for non member", True),
        ("hi is there a deadline", True),
        ("my supervisor is abroad, can I still apply", True),
    ],
)
def test_context_first_counts_only_where_it_is_asked_for(text, asks):
    assert may_be_question(text)
    assert may_be_question(text, context=False) is asks


@pytest.mark.parametrize(
    ("text", "name"),
    [("Mentee One", True), ("Li Wen", True), ("Dr. Amal Haddad", True), ("Review duration", False), ("2024", False)],
)
def test_written_like_a_name(text, name):
    assert looks_like_a_name(text) is name


def test_a_result_is_kept_by_its_entries_ids_and_read_back_without_removed_ones():
    entries = load()
    kept = Result(entries[0], [Match(entries[0], 0.9), Match(None, 0.05), Match(entries[1], 0.03)]).to_dict()
    assert Result.from_dict(kept, entries) == Result(
        entries[0], [Match(entries[0], 0.9), Match(None, 0.05), Match(entries[1], 0.03)]
    )
    without_first = Result.from_dict(kept, entries[1:])
    assert without_first.answer is None and [match.entry for match in without_first.closest] == [None, entries[1]]


def test_entries_support_added_answer_questions_that_mean_the_same_and_no_others(faq_index: FaqIndex):
    added = Entry(
        "added-1",
        "Added by support",
        "Can my supervisor live in another country?",
        "Yes: the page sets no rule about where the supervisor lives.",
    )
    unusual = Entry(
        "added-2", "Added by support", "Is there a dress code for the award ceremony?", "The page sets no dress code."
    )  # words no training text uses, put right alike
    local = faq_index.with_added([added, unusual])
    assert local.ask("can my supervisor live in another country?").answer.id == "added-1"
    assert local.ask("is there a dress code for the award ceremony?").answer.id == "added-2"
    assert local.ask("is it ok if my supervisor lives abroad").answer.id == "added-1"
    assert local.ask("can my supervisor be based in a different country than me?").answer.id == "added-1"
    assert local.ask("can my mentee live in another country?").answer != added  # near, not the same
    assert local.ask("how many hours of training do I need?").answer.id == "training-hours"
    assert faq_index.ask("can my supervisor live in another country?").answer != added  # the original is unchanged


def test_a_question_surely_covered_is_answered_where_the_classifier_hesitates_between_entries(faq_index: FaqIndex):
    """Below the threshold, yet hardly any chance of "not covered": the most probable entry answers."""
    top, second, *_ = faq_index.search("no more remiders please")
    assert top.score < ANSWER_THRESHOLD and second.entry is not None
    assert faq_index.ask("no more remiders please").answer.id == "bot-reminders"
    assert faq_index.ask("what's the weather in Dublin").answer is None


SMALL = [
    Entry(
        "fee",
        "Fees",
        "How much is the fee?",
        "450 USD for members, 598 USD for others.",
        ("what does it cost", "price of the application"),
    ),
    Entry(
        "hours",
        "Training",
        "How many training hours do I need?",
        "At least 50 hours.",
        ("minimum training time", "hours of mentor training"),
    ),
]
NOT_COVERED = ["tell me a joke", "what's the weather tomorrow"]


def test_a_learned_index_is_kept_reused_and_learned_again_when_its_file_is_broken(tmp_path, monkeypatch):
    first = FaqIndex(SMALL, NOT_COVERED, cache=tmp_path)
    [kept] = tmp_path.glob("faq-index-*.pickle")
    with monkeypatch.context() as patched:
        patched.setattr(FaqIndex, "_learn", lambda *_: pytest.fail("learned again instead of reusing the cache"))
        second = FaqIndex(SMALL, NOT_COVERED, cache=tmp_path)
    assert second.search("how much does it cost") == first.search("how much does it cost")
    assert second.ask("how much does it cost").answer.id == "fee"

    kept.write_bytes(b"cut short")
    third = FaqIndex(SMALL, NOT_COVERED, cache=tmp_path)
    assert third.ask("how much does it cost").answer.id == "fee"
    assert FaqIndex(SMALL, NOT_COVERED, cache=tmp_path).search("price") == third.search("price")  # rewritten


def test_the_cache_keeps_only_the_newest_indexes(tmp_path):
    for number in range(5):
        FaqIndex(
            [*SMALL, Entry(f"added-{number}", "Added", f"Question {number}?", "Answer.")], NOT_COVERED, cache=tmp_path
        )
    assert len(list(tmp_path.glob("faq-index-*.pickle"))) == 3
    assert not list(tmp_path.glob("*.tmp"))


def test_misspelt_words_are_put_right_and_unknown_ones_kept():
    spelling = Spelling(["how do i upload my certificate", "upload a certificate", "my supervisor", "supervisor"])
    assert spelling.correct("how do i upolad my certifcate") == "how do i upload my certificate"
    assert spelling.correct("can my supervsior be my spouse") == "can my supervisor be my spouse"
    assert spelling.correct("uplaod 2024 pdf") == "upload 2024 pdf"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Hw many hrs do I need?", "how many hours do i need"),
        ("y does it take 10 wks for some ppl", "why does it take 10 weeks for some people"),
        ("I can't find my refs' info", "i can not find my references information"),
        ("My member ID is 1234", "my member id is 1234"),
    ],
)
def test_chat_words_are_written_out(typed, read):
    assert normalize(typed) == read
