"""The answer-or-question bench (``bench/answer_or_question.py``) in small: it finds the free-text
answers of the test application through the engine, and its realistic answers and the writers'
questions read as the engine reads them."""

from __future__ import annotations

from bench.answer_or_question import REALISTIC_ANSWERS, application_answers, reading
from conversations.application.asking import Asking, Reading
from conversations.application.flow import Flow
from conversations.support.faq.index import FaqIndex
from tests.conftest import FULL_APPLICATION


def test_the_free_text_answers_of_the_application_are_found_at_their_questions(asking: Asking):
    found = application_answers(asking)
    assert [step.key for step, _ in found][:3] == ["full_name", "center_name", "program_name"]
    assert {text for _, text in found} <= {answer for answer in FULL_APPLICATION if isinstance(answer, str)}
    assert len(found) == 12  # name, center, program, instructor, CPM number, 5 mentees, supervisor and address


def test_a_reading_is_the_engines(asking: Asking, faq_index: FaqIndex):
    program = Flow().step("program_name")
    assert reading(asking, faq_index, program, "hw much is the fee") is Reading.EITHER
    assert reading(asking, faq_index, program, "how much is the fee?") is Reading.QUESTION
    assert reading(asking, faq_index, program, REALISTIC_ANSWERS["program_name"][0]) is Reading.ANSWER
