"""Several questions at once (a Slack modal, say): the same validation, all saved or none."""

from __future__ import annotations

import pytest

from conversations.application.engine import ConversationEngine
from conversations.application.fields import Kind
from conversations.application.machine import NavigationState
from conversations.messages import FormOffer
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    FULL_APPLICATION,
    SUBMIT,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    stored_draft,
)
from tests.conftest import (
    Applicant as Talker,
)

UP_TO_REFERENCES = APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS[:4]
REFERENCE_2 = {
    "ref2_mentee_name": "Jordan Lee",
    "ref2_mentee_email": "jordan.lee@example.com",
    "ref2_start_date": "2023-02-01",
    "ref2_end_date": "2023-08-31",
    "ref2_setting": "internal",
}


@pytest.fixture
def talker(engine: ConversationEngine) -> Talker:
    return Talker(engine)


def submit(talker: Talker, key: str, values: dict):
    result = talker.engine.submit_form(talker.inbound(), key, values)
    if result.replies:
        talker.last = result.replies[-1]
    return result


def test_questions_that_have_a_form_offer_it(talker: Talker):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS)
    assert talker.last.form is None  # training has no form
    talker.answer_all(EXPERIENCE_ANSWERS[:4])
    assert talker.last.form == FormOffer("ref1", "Reference 1")
    talker.answer_all(EXPERIENCE_ANSWERS[4:9])
    assert talker.last.expects_file and talker.last.form is None  # files are asked in the chat


def test_a_form_lists_the_questions_that_apply_with_saved_answers(talker: Talker, engine: ConversationEngine):
    assert engine.form("test", talker.user_id, "ref1") is None  # not started
    talker.answer_all(UP_TO_REFERENCES + EXPERIENCE_ANSWERS[4:12])  # reference 1 with a letter
    form = engine.form("test", talker.user_id, "ref1")
    assert form.title == "Reference 1"
    assert [field.key for field in form.fields] == [
        "ref1_mentee_name",
        "ref1_mentee_email",
        "ref1_start_date",
        "ref1_end_date",
        "ref1_setting",
        "ref1_letter_author",
        "ref1_confidentiality",
    ]
    assert form.fields[0].value == "Mentee 1" and form.fields[4].kind is Kind.CHOICE
    second = engine.form("test", talker.user_id, "ref2")
    assert [field.key for field in second.fields] == list(REFERENCE_2)  # no letter yet: no author question
    assert all(field.value is None for field in second.fields)
    assert engine.form("test", talker.user_id, "training") is None


def test_a_form_with_errors_saves_nothing_and_says_what_is_wrong_per_question(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(UP_TO_REFERENCES + EXPERIENCE_ANSWERS[4:12])
    before = stored_draft(sqlite_storage)
    result = submit(
        talker,
        "ref2",
        {
            **REFERENCE_2,
            "ref2_mentee_name": "",
            "ref2_mentee_email": "MENTEE1@example.com",
            "ref2_end_date": "2023-01-01",
            "ref2_setting": "sometimes",
        },
    )
    assert result.replies == []
    assert set(result.errors) == {"ref2_mentee_name", "ref2_setting"}  # the ones that can't be read
    assert "can't be empty" in result.errors["ref2_mentee_name"]
    result = submit(
        talker, "ref2", {**REFERENCE_2, "ref2_mentee_email": "MENTEE1@example.com", "ref2_end_date": "2023-01-01"}
    )
    assert "Reference 1 already has the mentee" in result.errors["ref2_mentee_email"]
    assert "can't be before the start date, 1 February 2023" in result.errors["ref2_end_date"]
    after = stored_draft(sqlite_storage)
    assert (after.state, after.answers) == (before.state, before.answers)


def test_a_form_with_junk_in_a_field_saves_nothing_and_names_it(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(UP_TO_REFERENCES + EXPERIENCE_ANSWERS[4:12])
    before = stored_draft(sqlite_storage)
    result = submit(talker, "ref2", {**REFERENCE_2, "ref2_mentee_name": "Jordan\x1b[8m Lee"})
    assert result.replies == []
    assert result.errors["ref2_mentee_name"].startswith("Sorry, I can't use text with a control character in it")
    after = stored_draft(sqlite_storage)
    assert (after.state, after.answers) == (before.state, before.answers)
    result = submit(talker, "ref2", {**REFERENCE_2, "ref2_mentee_name": "Jorda\u0301n Lee\u200b"})
    assert result.errors == {}
    assert stored_draft(sqlite_storage).answers["ref2_mentee_name"] == "Jordán Lee"  # in NFC


def test_a_valid_form_saves_everything_and_carries_on_with_the_letter(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(UP_TO_REFERENCES + EXPERIENCE_ANSWERS[4:12])
    assert stored_draft(sqlite_storage).state == "ref2_mentee_name"
    result = submit(talker, "ref2", REFERENCE_2)
    assert result.errors == {}
    reply = result.replies[0].text
    assert reply.startswith("✓ Reference 2 saved.")
    assert "If you have a reference letter" in reply
    draft = stored_draft(sqlite_storage)
    assert draft.state == "ref2_letter"
    assert {key: draft.answers[key] for key in REFERENCE_2} == REFERENCE_2


def test_a_form_filled_ahead_keeps_the_current_question(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(UP_TO_REFERENCES)
    result = submit(talker, "ref3", {key.replace("ref2", "ref3"): value for key, value in REFERENCE_2.items()})
    assert result.errors == {}
    draft = stored_draft(sqlite_storage)
    assert draft.state == "ref1_mentee_name"
    assert draft.answers["ref3_mentee_email"] == "jordan.lee@example.com"


def test_supervision_form_keeps_an_ineligible_answer_and_says_why(talker: Talker, sqlite_storage: Storage):
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS + EXPERIENCE_ANSWERS)
    assert talker.last.form == FormOffer("supervision", "Supervision")
    keys = [
        "supervisor_name",
        "supervisor_email",
        "supervisor_address",
        "focus_area",
        "supervisor_fit",
        "supervision_commitment",
        "continuous_learning",
    ]
    values = dict(zip(keys, SUPERVISION_ANSWERS, strict=True)) | {"supervisor_fit": "no"}
    result = submit(talker, "supervision", values)
    assert result.errors == {}
    assert "Your supervisor must be a practicing mentor" in result.replies[0].text
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW
    assert stored_draft(sqlite_storage).answers["supervisor_fit"] == "no"
    own = submit(talker, "supervision", values | {"supervisor_email": "maria@example.org"})
    assert "your own email address" in own.errors["supervisor_email"]


def test_overview_for_a_home_screen(talker: Talker, engine: ConversationEngine):
    nobody = engine.overview("test", talker.user_id)
    assert (nobody.status, nobody.dossier) == ("not started", None)
    assert nobody.progress.sections == (("About you", 0), ("Training", 0), ("Experience", 0), ("Supervision", 0))
    talker.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS[:3])
    draft = engine.overview("test", talker.user_id)
    assert draft.status == "draft"
    assert draft.progress.sections[:3] == (("About you", 100), ("Training", 30), ("Experience", 0))
    talker.answer_all(FULL_APPLICATION[len(APPLICANT_ANSWERS) + 3 :] + SUBMIT)
    done = engine.overview("test", talker.user_id)
    assert (done.status, done.dossier) == ("submitted", "CMM-000001")
    assert done.progress.done == 100
    assert engine.form("test", talker.user_id, "ref1") is None
