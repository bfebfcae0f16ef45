"""The commands every applicant expects: /back, /skip, /keep, /summary, /edit, /status, /help,
/cancel, /restart, and the progress line on every question."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from conversations.application import prompts
from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from conversations.application.policy import Policy
from conversations.commands import parse_command
from storage.models import Applicant, EvidenceFile
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    FULL_APPLICATION,
    PDF,
    SUBMIT,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    stored_draft,
)
from tests.conftest import (
    Applicant as Talker,
)


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def state(storage: Storage) -> str:
    return stored_draft(storage).state


def answers(storage: Storage) -> dict:
    return stored_draft(storage).answers


@pytest.mark.parametrize(
    ("text", "name", "argument"),
    [
        ("/back", "back", ""),
        ("/edit training hours", "edit", "training hours"),
        ("/HELP@CmmBot", "help", ""),
        ("/faq_add\nCan I? -- Yes.", "faq_add", "Can I? -- Yes."),
        ("back", None, None),
        ("/", None, None),
    ],
)
def test_parse_command(text, name, argument):
    command = parse_command(text)
    assert (command.name, command.argument) == (name, argument) if name else command is None


def test_progress_line_on_every_question(talker: Talker):
    welcome = talker.say("hi")
    assert "about 25–50 minutes in all" in welcome and "Have ready: " in welcome
    assert "Section 1 of 4 · About you · just started" in welcome
    assert "Section 1 of 4 · About you · about 1% done" in talker.say("yes")
    talker.answer_all(["Maria Gonzalez", "maria@example.org"])
    assert "Section 2 of 4 · Training · about 7% done" in talker.say("no")  # the membership number passed over
    talker.answer_all(TRAINING_ANSWERS)
    assert "Section 3 of 4 · Experience · about 24% done" in talker.say("yes")


def done_in(reply: str) -> int:
    match = re.search(r"· (?:about (\d+)% done|just started)\n", reply)
    assert match, reply
    return int(match.group(1) or 0)


@pytest.mark.parametrize("member", ["yes", "no"])
def test_progress_never_goes_back_and_is_whole_at_the_review(talker: Talker, member: str):
    """Answers that make more questions apply (a membership number, a letter's author) must not
    make the share drop, as a count of the questions known to apply so far did."""
    shares = [done_in(talker.say("hi"))]
    script = ["yes", "Maria Gonzalez", "maria@example.org", member] + (["IMC-104233"] if member == "yes" else [])
    for answer in script + FULL_APPLICATION[len(APPLICANT_ANSWERS) :]:
        reply = talker.send(answer) if isinstance(answer, bytes) else talker.say(answer)
        if "Please review your application." in reply:
            break
        shares.append(done_in(reply))
    assert shares == sorted(set(shares)), shares  # rising with every answer
    assert shares[-1] >= 95
    assert "Status: draft, not submitted yet, all questions answered." in talker.say("/status")
    talker.say("/back")
    assert "all questions answered" in talker.say("/status")


def test_each_reference_says_which_of_the_five_it_is(talker: Talker):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:3])
    first = talker.say(EXPERIENCE_ANSWERS[3])
    assert first.count("Now the 5 references.") == 1
    assert "Reference 1 of 5\nWhat is the mentee's name?" in first
    for number, answer in enumerate(EXPERIENCE_ANSWERS[4:], start=5):
        reply = talker.send(answer) if isinstance(answer, bytes) else talker.say(answer)
        asked = stored_draft(talker.engine.storage).state
        if asked.startswith("ref"):
            assert f"Reference {asked[3]} of 5\n" in reply, (number, reply)
        assert "Now the 5 references." not in reply
    talker.answer_all(["/edit", "Reference 1", "Mentee"])
    assert "What is the mentee's name?" in talker.last.text
    assert "Now the 5 references." not in talker.last.text


def test_back_goes_to_the_previous_question_keeping_the_answer(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    assert state(sqlite_storage) == "program_name"
    reply = talker.say("/back")
    assert state(sqlite_storage) == "center_type"
    assert "Saved answer: Accredited Training Center (send keep to keep it)" in reply
    assert talker.last.choices[-1].value == "/keep"
    assert "✓ Center type: Accredited Training Center (kept)" in talker.say("/keep")
    assert state(sqlite_storage) == "program_name"
    talker.say("/back")
    talker.say("endorsed")
    assert answers(sqlite_storage)["center_type"] == "endorsed"
    assert state(sqlite_storage) == "program_name"


def test_back_skips_questions_that_do_not_apply(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS)  # not a member: no membership number question
    talker.say("/back")
    assert state(sqlite_storage) == "is_member"


def test_back_at_the_first_question(talker: Talker, sqlite_storage: Storage):
    talker.say("yes")
    assert "first question" in talker.say("/back")
    assert state(sqlite_storage) == "full_name"


def test_skip_only_optional_questions(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(["yes", "Maria Gonzalez"])
    assert "required" in talker.say("/skip")
    assert state(sqlite_storage) == "email"
    talker.answer_all(["maria@example.org", "yes"])
    assert state(sqlite_storage) == "membership_number"
    talker.say("/skip")
    assert answers(sqlite_storage)["membership_number"] is None
    assert state(sqlite_storage) == "center_name"


def test_skipping_a_letter_says_imc_may_contact_the_mentee(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:4])
    talker.answer_all(["Mentee 1", "mentee1@example.com", "2023-01-01", "2023-06-30", "internal"])
    reply = talker.say("/skip")
    assert "IMC may contact the mentee to verify" in reply
    assert state(sqlite_storage) == "ref2_mentee_name"  # no author or confidentiality questions


def test_summary_lists_answers_by_section(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:4])
    reply = talker.say("/summary")
    assert "About you\n  Full name: Maria Gonzalez" in reply
    assert "Training\n  Training center: Global Mentoring Academy" in reply
    assert "Training hours: 52.5" in reply
    assert state(sqlite_storage) == "training_mode"  # and the question is asked again
    assert reply.endswith("How was the program delivered?")


def test_edit_any_answer_and_return(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:5])
    assert state(sqlite_storage) == "training_start_date"
    talker.say("/edit")
    assert [choice.label for choice in talker.last.choices] == ["About you", "Training"]
    talker.say("About you")
    assert "Full name: Maria Gonzalez" in talker.last.choices[0].label
    talker.say("1")
    assert state(sqlite_storage) == "full_name"
    assert "✓ Full name: Maria G. Gonzalez" in talker.say("Maria G. Gonzalez")
    assert state(sqlite_storage) == "training_start_date"
    assert answers(sqlite_storage)["full_name"] == "Maria G. Gonzalez"


def test_edit_by_name_and_back_cancels_the_edit(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:5])
    talker.say("/edit training_hours")
    assert state(sqlite_storage) == "training_hours"
    talker.say("/back")
    assert state(sqlite_storage) == "training_start_date"
    assert answers(sqlite_storage)["training_hours"] == 52.5
    assert "couldn't find" in talker.say("/edit shoe size")


def test_edit_reruns_dependent_checks(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:7])
    talker.say("/edit training_start_date")
    reply = talker.say("2024-04-01")  # after the saved end date, 20 March 2024
    assert "after the training end date you gave, 20 March 2024" in reply
    assert answers(sqlite_storage)["training_start_date"] == "2024-01-10"
    assert state(sqlite_storage) == "training_start_date"
    talker.say("/back")
    talker.say("/edit training_end_date")
    talker.say("2024-05-01")
    talker.say("/edit training_start_date")
    talker.say("2024-04-01")
    assert answers(sqlite_storage)["training_start_date"] == "2024-04-01"
    assert state(sqlite_storage) == "instructor_name"


def test_edit_that_opens_new_questions_asks_them_before_returning(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS)
    assert state(sqlite_storage) == NavigationState.REVIEW
    talker.say("/edit")
    talker.say("Reference 2")
    talker.say("Reference letter")
    talker.send(PDF, name="letter.pdf")
    assert state(sqlite_storage) == "ref2_letter_author"
    talker.say("manager")
    talker.say("yes")
    assert state(sqlite_storage) == NavigationState.REVIEW
    saved = answers(sqlite_storage)
    assert (saved["ref2_letter_author"], saved["ref2_confidentiality"]) == ("manager", "yes")


def test_edit_from_the_review_and_membership_change_updates_the_fee(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION)
    assert "Application fee: 598 USD" in talker.last.text
    talker.say("edit")
    talker.say("About you")
    talker.say("IMC member")
    talker.say("yes")
    assert state(sqlite_storage) == "membership_number"  # newly applicable, asked before returning
    talker.say("/skip")
    assert state(sqlite_storage) == NavigationState.REVIEW
    assert "Application fee: 450 USD" in talker.last.text


def test_status_and_help(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3])
    talker.answer_all(["40", "keep and continue"])
    reply = talker.say("/status")
    assert "Status: draft" in reply and "section 2 of 4 (Training)" in reply
    assert "the credential needs 50, so 10 more" in reply
    reply = talker.say("/help")
    assert "One of the answers below" in reply and reply.count("Self-paced online") == 0  # the buttons show them
    assert "/edit" in reply and "/cancel" in reply
    assert "I don't know /dance" in talker.say("/dance")
    assert state(sqlite_storage) == "training_mode"


def test_cancel_asks_first_then_deletes_everything(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS)
    evidence = answers(sqlite_storage)["training_evidence"]["sha256"]
    talker.say("/cancel")
    assert "Nothing was changed" in talker.say("no")
    assert state(sqlite_storage) == "holds_cpm"
    talker.say("/cancel")
    assert "withdrawn" in talker.say("yes")
    assert stored_draft(sqlite_storage) is None
    with Session(sqlite_storage.engine) as session:
        assert session.exec(select(Applicant)).all() == []
        assert session.exec(select(EvidenceFile)).all() == []
    assert not sqlite_storage.files.path(evidence).exists()
    assert "consent" in talker.say("hello")


def test_restart_clears_answers_but_keeps_consent(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3])
    talker.say("/restart")
    assert talker.say("maybe").startswith("Please type “yes” or “no”, or press its button.")
    assert "a number alone is not enough" in talker.say("1")  # a bare number never clears everything
    talker.say("yes")
    assert answers(sqlite_storage) == {"consent": "yes"}
    assert state(sqlite_storage) == "full_name"


def test_submitted_application_is_frozen(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(FULL_APPLICATION + SUBMIT)
    assert "frozen" in talker.say("/edit")
    assert "already submitted" in talker.say("/cancel")
    assert "already submitted" in talker.say("/restart")
    assert "is submitted" in talker.say("anything")


@pytest.mark.parametrize("said", ["Thanks!", "thank you", "OK", "great, thanks"])
def test_a_thank_you_after_submission_gets_a_friendly_reply(talker: Talker, said: str):
    talker.answer_all(FULL_APPLICATION)
    talker.submit()
    assert talker.say(said) == prompts.nothing_to_do(Policy())
    assert "frozen" in talker.say("please change my email to maria@example.com")  # maybe a change: the note stays
