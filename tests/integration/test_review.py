"""The review before submission: blockers first, one line per section, details on demand, and
only the short choice again after a side action."""

from __future__ import annotations

import pytest

from conversations.application.engine import ConversationEngine
from conversations.application.flow import Flow
from conversations.application.policy import Policy
from conversations.application.review import DETAILS, HEADING
from conversations.staff.desk import StaffDesk
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION
from tests.conftest import Applicant as Talker

MOST_LINES = 40


@pytest.fixture
def at_review(engine: ConversationEngine) -> Talker:
    talker = Talker(engine)
    talker.answer_all(FULL_APPLICATION)
    return talker


def review_lines(talker: Talker) -> list[str]:
    text = talker.last.text
    return text[text.index(HEADING) :].splitlines()


def test_the_review_is_one_line_per_section_with_the_fee(at_review: Talker):
    lines = review_lines(at_review)
    assert len(lines) <= MOST_LINES
    assert lines[0] == f"{HEADING} It is complete: check it, then submit."
    sections = [line for line in lines if line.startswith(("✓", "⚠"))]
    assert [line.split(" — ")[0] for line in sections] == [f"✓ {s.title}" for s in Flow().sections]
    assert "✓ About you — Maria Gonzalez, maria@example.org, IMC member: No" in lines
    assert "References: 5 of 5 complete" in sections[2]
    assert "Application fee: 598 USD" in lines and DETAILS in lines
    assert "Mentee email" not in at_review.last.text  # the details are behind /summary


def test_what_stops_submission_comes_first(at_review: Talker):
    at_review.say("/edit training hours")
    at_review.say("42")
    at_review.say("keep and continue")
    lines = review_lines(at_review)
    assert lines[0] == f"{HEADING} 1 thing must change before you can submit (use /edit):"
    assert lines[1].startswith("• Training · Training hours:") and "50" in lines[1]
    assert any(line.startswith("⚠ Training (1 to fix) — ") for line in lines)
    assert [choice.label for choice in at_review.last.choices] == ["Edit an answer"]


@pytest.mark.parametrize("side_action", ["/status", "/summary", "/help", "1", "what does it cost?"])
def test_after_a_side_action_only_the_choice_is_asked_again(at_review: Talker, side_action: str):
    reply = at_review.say(side_action)
    assert HEADING not in reply
    assert reply.endswith(
        "Your application is ready: submit it, or edit an answer first (/start shows the review again)."
    )
    assert [choice.label for choice in at_review.last.choices] == ["Submit the application", "Edit an answer"]
    assert HEADING in at_review.say("/start")


def test_summary_shows_one_section_or_reference_on_demand(at_review: Talker):
    training = at_review.say("/summary training")
    assert training.startswith("Training\n  Training center: Global Mentoring Academy")
    assert "Mentee" not in training
    reference = at_review.say("/summary reference 2")
    assert reference.startswith("Experience · Reference 2\n  Mentee: Mentee 2")
    assert "Mentee 3" not in reference
    assert at_review.say("/summary shoes").startswith("There is no section called “shoes”. Try one of: About you,")


def test_a_reopened_dossier_lists_only_the_reopened_answers(at_review: Talker, sqlite_storage: Storage):
    at_review.submit()
    desk = StaffDesk(sqlite_storage, policy=Policy())
    desk.start_review(1, actor="staff:ana")
    desk.request_information(1, ["training hours", "email"], actor="staff:ana")
    at_review.answer_all(["keep", "60"])
    text = at_review.last.text
    assert text[text.index("IMC asked") :].splitlines() == [
        "IMC asked about these answers:",
        "  About you · Email: maria@example.org",
        "  Training · Training hours: 60",
        "",
        "Resubmit, or change one of them first.",
    ]
    assert [choice.label for choice in at_review.last.choices] == ["Resubmit the application", "Edit an answer"]


def test_status_while_imc_asks_for_information_shows_the_dossier_and_what_is_open(
    at_review: Talker, sqlite_storage: Storage
):
    at_review.submit()
    desk = StaffDesk(sqlite_storage, policy=Policy())
    desk.start_review(1, actor="staff:ana")
    desk.request_information(1, ["training hours", "email"], actor="staff:ana", note="Please check the hours.")
    status = at_review.say("/status")
    assert "Your application CMM-000001 (version 1) is" in status and "Please check the hours." in status
    assert "draft" not in status
    assert "Open for your answer: About you · Email, Training · Training hours. You are at About you · Email." in status
