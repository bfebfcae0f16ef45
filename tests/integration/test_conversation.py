"""A whole application through the engine on a real database, with bad input on the way."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from conversations.application import prompts
from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from conversations.messages import IncomingFile
from storage.models import Applicant, Dossier, EvidenceFile, OutboxMessage, StatusChange
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    FULL_APPLICATION,
    JPEG,
    PDF,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    stored_draft,
)
from tests.conftest import (
    Applicant as Talker,
)

# One bad answer of every kind, for the question it is given at, with what the reply must say.
BAD_INPUT = {
    "full_name": [("7", "at least 2 characters, including letters")],
    "email": [("maria at example", "doesn't look like an email address")],
    "is_member": [("perhaps", "isn't one of the answers offered")],
    "center_type": [("university", "isn't one of the answers offered")],
    "training_hours": [("fifty", "Please answer with a number"), ("5000", "looks like a typo")],
    "training_start_date": [("someday", "couldn't read that as a date"), ("2027-01-01", "is in the future")],
    "training_end_date": [("2024-01-01", "can't be before the start date"), ("31/02/2024", "not a real calendar date")],
    "instructor_email": [("", "doesn't look like an email address")],
    "engagements": [("ten", "whole number"), ("10.5", "whole number")],
    "training_evidence": [("here it is", "needs a file")],
    "supervisor_address": [
        ("Dublin", "needs the street with the number, the city"),
        ("12 Harbour Road, Dublin D02 X285", "and the country last"),
        ("12 Harbour Road, Dublin, D02 X285", "Please end the address with the country"),
    ],
}


def _key(storage: Storage) -> str:
    return stored_draft(storage).state


def test_complete_application_with_bad_input_of_every_kind(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    tried = set()
    for answer in FULL_APPLICATION:
        if stored_draft(sqlite_storage) is not None:
            state = _key(sqlite_storage)
            for bad, expected in BAD_INPUT.get(state, []):
                tried.add(state)
                before = stored_draft(sqlite_storage).answers
                reply = talker.say(bad)
                assert expected in reply
                assert re.search(r"For example|e\.g\.|like 2024-03-01", reply), f"no example in: {reply}"
                after = stored_draft(sqlite_storage)
                assert after.answers == before, f"bad input at {state} changed the answers"
                assert after.state == state, "bad input must ask the same question again"
        if stored_draft(sqlite_storage) is not None and _key(sqlite_storage) == "training_evidence":
            before = stored_draft(sqlite_storage).answers
            reply = talker.send(b"just some text, not a certificate", name="certificate.pdf")
            assert "not a PDF, JPEG or PNG" in reply
            assert stored_draft(sqlite_storage).answers == before
        talker.answer_all([answer])
    assert tried == set(BAD_INPUT)
    assert _key(sqlite_storage) == NavigationState.REVIEW
    review = talker.last
    assert "Application fee: 598 USD" in review.text  # not a member
    assert "about 4–6 weeks" in review.text  # accredited center
    assert [choice.value for choice in review.choices] == ["submit", "edit"]

    confirmation = talker.say("submit")
    assert "Submit your application now?" in confirmation and "598 USD (not an IMC member)" in confirmation
    reply = talker.say("yes, submit")
    assert "Submitted" in reply and "CMM-" in reply
    with Session(sqlite_storage.engine) as session:
        dossier = session.exec(select(Dossier)).one()
        assert dossier.status == "submitted" and dossier.version == 1
        assert dossier.content["training"]["training_hours"] == 52.5
        assert len(dossier.content["experience"]["ref"]) == 5
        assert dossier.content["experience"]["ref"][0]["letter_author"] == "mentee"
        assert "letter_author" not in dossier.content["experience"]["ref"][1]  # no letter, not asked
        assert dossier.content["fee"] == {"amount": 598, "currency": "USD"}
        for_staff, copy = session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all()
        assert (for_staff.topic, for_staff.destination) == ("dossier.submitted", "staff:folder")
        assert (copy.topic, copy.destination) == ("applicant.copy", "applicant:test")  # the applicant's PDF
        for message in (for_staff, copy):
            assert message.payload["dossier_id"] == dossier.id and message.delivered_at is None
        assert [change.status for change in session.exec(select(StatusChange))] == ["submitted"]
        evidence = session.exec(select(EvidenceFile)).all()
        assert len(evidence) == 1  # the same PDF twice is one stored file
        assert sqlite_storage.files.path(evidence[0].sha256).read_bytes() == PDF
    assert _key(sqlite_storage) == NavigationState.SUBMITTED
    assert "is submitted" in talker.say("/status")


def test_a_greeting_gets_the_welcome_alone_and_a_second_one_what_is_expected(engine: ConversationEngine):
    talker = Talker(engine)
    assert talker.say("hi").startswith("Welcome to the IMC Certified Master Mentor (CMM) application.")
    again = talker.say("hello again")
    assert again.startswith(prompts.CONSENT_FIRST) and "Welcome" not in again  # the welcome once
    assert talker.say("/start").startswith("Welcome to the IMC Certified Master Mentor (CMM) application.")


def test_consent_no_stores_nothing(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    assert "consent" in talker.say("hello")
    assert "Nothing has been stored" in talker.say("no")
    with Session(sqlite_storage.engine) as session:
        assert session.exec(select(Applicant)).all() == []
    assert "consent" in talker.say("/start")


def test_ineligible_answer_is_kept_and_explained_and_blocks_submission(
    engine: ConversationEngine, sqlite_storage: Storage
):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3])
    reply = talker.say("42")
    assert reply.startswith(
        "⚠ Training hours: 42 — You have 42 hours of mentoring training; the credential needs 50, so 8 more."
    )
    assert stored_draft(sqlite_storage).answers["training_hours"] == 42
    assert stored_draft(sqlite_storage).state == NavigationState.KEEP_OR_CHANGE
    talker.say("keep")
    assert stored_draft(sqlite_storage).state == "training_mode"  # carries on
    talker.answer_all(TRAINING_ANSWERS[4:] + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS)
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW
    assert [choice.value for choice in talker.last.choices] == ["edit"]
    assert "so 8 more" in talker.last.text
    assert "can't be submitted yet" in talker.say("submit")
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW
    talker.say("/edit training hours")
    reply = talker.say("50")
    assert "✓ Training hours: 50 — meets the 50 hours needed" in reply
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW
    assert [choice.value for choice in talker.last.choices] == ["submit", "edit"]


def test_member_pays_member_fee_and_is_asked_for_the_number(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(["yes", "Maria Gonzalez", "maria@example.org", "yes"])
    assert stored_draft(sqlite_storage).state == "membership_number"
    talker.say("IMC-104233")
    talker.answer_all(TRAINING_ANSWERS + EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS)
    assert "Application fee: 450 USD" in talker.last.text


def test_cross_field_rules_refuse_contradictions(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:4])
    talker.say("Mentee One")
    reply = talker.say("MARIA@example.org")
    assert "That is your own email address" in reply
    talker.say("mentee1@example.com")
    talker.answer_all(["2023-01-01", "2023-06-30", "internal", "/skip", "Mentee Two"])
    reply = talker.say("Mentee1@Example.com")
    assert "Reference 1 already has the mentee" in reply
    assert stored_draft(sqlite_storage).state == "ref2_mentee_email"


def test_evidence_accepts_images_and_names_them_safely(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:-1])
    reply = talker.send(JPEG, name="../../secret/scan.jpg")
    assert "✓ Evidence: scan.jpg" in reply
    saved = stored_draft(sqlite_storage).answers["training_evidence"]
    assert saved["mime"] == "image/jpeg" and saved["name"] == "scan.jpg"
    assert sqlite_storage.files.path(saved["sha256"]).read_bytes() == JPEG


def test_a_failure_while_saving_loses_nothing_and_says_so(
    engine: ConversationEngine, sqlite_storage: Storage, monkeypatch
):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:-1])
    before = stored_draft(sqlite_storage)

    def disk_full(_content: bytes) -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sqlite_storage.files, "put", disk_full)
    message = talker.inbound(file=IncomingFile("certificate.pdf", PDF))
    assert "something went wrong on our side" in talker.deliver(message)
    after = stored_draft(sqlite_storage)
    assert (after.state, after.answers) == (before.state, before.answers)
    monkeypatch.undo()
    assert "✓ Evidence: certificate.pdf" in talker.deliver(message)  # the same message, redelivered, now applies


def test_a_draft_saved_at_a_question_that_no_longer_exists_goes_on(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    with sqlite_storage.transaction() as tx:
        found = tx.applicants.find("test", talker.user_id)
        draft = tx.applicants.draft(found.id)
        tx.applicants.save_draft(found.id, state="favourite_colour", answers=draft.answers, context=draft.context)
    reply = talker.say("/start")
    assert "What is the name of the mentor training program?" in reply
    talker.say("Foundations")
    assert stored_draft(sqlite_storage).state == "training_hours"


def test_buttons_carry_their_question_and_an_old_button_changes_nothing(
    engine: ConversationEngine, sqlite_storage: Storage
):
    talker = Talker(engine)
    talker.say("hello")
    assert talker.last.question == "consent"
    talker.deliver(talker.inbound("yes", choice_for="consent"))
    talker.answer_all(["Maria Gonzalez", "maria@example.org"])
    assert talker.last.question == "is_member"
    talker.say("no")
    before = stored_draft(sqlite_storage)
    reply = talker.deliver(talker.inbound("yes", choice_for="is_member"))  # pressed under the old question
    assert "belongs to an earlier question" in reply
    after = stored_draft(sqlite_storage)
    assert (after.state, after.answers) == (before.state, before.answers)
    assert talker.last.question == ""  # a typed question has no buttons to tie


def test_what_cannot_be_read_is_said_and_changes_nothing(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    assert "I can't use stickers" in talker.deliver(talker.inbound(unsupported="stickers"))
    talker.say("yes")
    before = stored_draft(sqlite_storage)
    reply = talker.deliver(talker.inbound(unsupported="voice messages"))
    assert "I can't use voice messages" in reply and reply.endswith("as it should appear on the credential?")
    assert stored_draft(sqlite_storage).answers == before.answers


def test_a_file_too_large_for_the_channel_to_fetch(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:-1])
    reply = talker.deliver(talker.inbound(file=IncomingFile("scan.pdf", None, size=25_000_000)))
    assert "That file is 25 MB; the limit is 20 MB" in reply
    assert stored_draft(sqlite_storage).state == "training_evidence"


def test_a_date_question_shows_how_to_write_the_date_up_front(engine: ConversationEngine):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:5])
    assert "When did the program start? (e.g. 15 September 2022)" in talker.say("/help")
    assert "Did you mean 15 September 2022?" in talker.say("09/15/2022")


def test_a_choice_answered_in_a_sentence(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:9] + [PDF])
    assert _key(sqlite_storage) == "ref1_letter_author"
    assert "which one is it?" in talker.say("the mentee and her boss")
    assert _key(sqlite_storage) == "ref1_letter_author"
    assert "✓ Letter from: The mentee's manager" in talker.say("It was her manager.")
    assert stored_draft(sqlite_storage).answers["ref1_letter_author"] == "manager"


def test_a_bare_number_is_no_program_name(engine: ConversationEngine, sqlite_storage: Storage):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:2])
    reply = talker.say("1")
    assert reply.startswith("A name needs letters, not only numbers or signs.")
    assert "program_name" not in stored_draft(sqlite_storage).answers


def test_a_saved_answer_that_breaks_a_rule_is_shown_with_its_warning_when_asked_again(engine: ConversationEngine):
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3] + ["42", "keep and continue"])
    asked_again = talker.say("/back")
    assert "⚠ Saved answer: 42 — You have 42 hours of mentoring training; the credential needs 50" in asked_again
    assert asked_again.endswith("(send keep to keep it)")


def test_an_optional_question_that_names_skip_says_it_once(engine: ConversationEngine):
    talker = Talker(engine)
    talker.answer_all(FULL_APPLICATION[: FULL_APPLICATION.index("external") + 1])
    assert talker.last.text.count("/skip") == 1
