"""What staff and support do from a chat platform, the same on every one: who may act, what a
dossier's buttons do, what a dossier hand-off holds, and who may answer an applicant."""

from __future__ import annotations

import logging

import pytest

from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.staff.actions import NO_DOSSIER, Outcome, Press, QuestionsNeeded, StaffActions, press_of
from conversations.staff.desk import StaffDesk
from conversations.support.relay import SupportRelay
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, PDF, SUBMIT
from tests.conftest import Applicant as Talker


@pytest.fixture
def actions(engine: ConversationEngine, sqlite_storage: Storage) -> StaffActions:
    Talker(engine).answer_all(FULL_APPLICATION + SUBMIT)
    return StaffActions(StaffDesk(sqlite_storage, policy=Policy()), platform="telegram", allowed=frozenset({"42"}))


def test_only_the_allowed_ids_act_and_a_refusal_is_logged(actions: StaffActions, caplog: pytest.LogCaptureFixture):
    assert actions.actor("42", seen_as="user 42", handle="ana") == "telegram:42 (@ana)"
    assert actions.actor("42", seen_as="user 42") == "telegram:42"
    with caplog.at_level(logging.WARNING):
        assert actions.actor("7", seen_as="user 7 in chat -100") is None
        assert actions.actor(None, seen_as="user None in chat -100") is None
    assert [record.getMessage() for record in caplog.records] == [
        "refused a staff action from user 7 in chat -100",
        "refused a staff action from user None in chat -100",
    ]


@pytest.mark.parametrize(
    ("parts", "press"),
    [
        (("approve", "1", "2"), Press("approve", 1, 2)),
        (("delete", "1", "2"), None),
        (("approve", "one", "2"), None),
        (("approve", "1", ""), None),
    ],
)
def test_a_button_stands_for_a_press_only_with_a_known_action_and_numbers(parts, press):
    assert press_of(*parts) == press


def test_a_press_acts_once_and_says_what_happened(actions: StaffActions):
    start = Press("start_review", 1, 1)
    assert actions.press(start, actor="telegram:42") == Outcome(
        "CMM-000001 (version 1) is now in review; the applicant is told."
    )
    again = actions.press(start, actor="telegram:42")
    assert isinstance(again, Outcome) and not again.changed and "can't" in again.text  # nothing changes twice
    assert actions.press(Press("approve", 99, 1), actor="telegram:42") is None  # no such dossier
    assert actions.press(Press("approve", 1, 1), actor="slack:U1", credited="U1") == Outcome(
        "CMM-000001 (version 1) is now approved, by U1; the applicant is told."
    )


def test_request_information_by_button_needs_the_questions_and_says_how_to_ask_with_the_command(
    actions: StaffActions,
):
    needed = actions.press(Press("request", 1, 1), actor="telegram:42")
    assert isinstance(needed, QuestionsNeeded)
    assert (needed.dossier_id, needed.version, needed.number) == (1, 1, "CMM-000001")
    assert "training_hours" in [step.key for step in needed.requestable]
    assert needed.hint.startswith("To ask the applicant of CMM-000001 for information, send:\n/request CMM-000001 ")
    assert "training_hours" in needed.hint


def test_a_request_asks_the_chosen_questions_or_says_why_not(actions: StaffActions):
    def request(dossier_id: int, version: int) -> Outcome:
        return actions.request(
            dossier_id, version, ["training_hours"], note="More hours?", actor="slack:U1", credited="U1"
        )

    assert request(99, 1) == Outcome(NO_DOSSIER, changed=False)
    assert request(1, 2) == Outcome(
        "That was for version 2 of CMM-000001; version 1 is the current one.", changed=False
    )
    assert request(1, 1) == Outcome("CMM-000001: asked the applicant about 1 question(s), by U1.")


def test_a_hand_off_is_the_notification_the_pdf_and_the_evidence(actions: StaffActions):
    hand_off = actions.hand_off({"dossier_id": 1})
    assert hand_off.text.startswith("New application CMM-000001 (version 1)")
    assert (hand_off.name, hand_off.pdf_name) == ("CMM-000001-v1", "CMM-000001-v1.pdf")
    assert hand_off.pdf.startswith(b"%PDF")
    # The certificate and the letter are the same file: given twice, it is sent once.
    assert [name[:3] for name, _ in hand_off.evidence] == ["01-"]
    assert all(content == PDF for _, content in hand_off.evidence)


def test_support_answers_come_from_the_allowed_ids_or_anyone_when_none_are_set(
    sqlite_storage: Storage, caplog: pytest.LogCaptureFixture
):
    anyone = SupportRelay(sqlite_storage, "telegram", "Reply to this message to answer")
    assert (anyone.answerer("5", seen_as="user 5"), anyone.answerer(None, seen_as="user None")) == (
        "telegram:5",
        "telegram",
    )
    team = SupportRelay(sqlite_storage, "slack", "Reply in this thread to answer", frozenset({"U1"}))
    assert team.destination == "support:slack"
    assert team.answerer("U1", seen_as="Slack user U1") == "slack:U1"
    with caplog.at_level(logging.WARNING):
        assert team.answerer("U2", seen_as="Slack user U2") is None
    assert [record.getMessage() for record in caplog.records] == ["refused a support answer from Slack user U2"]
