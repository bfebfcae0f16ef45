"""Staff take a submitted dossier through review; the applicant is told of each step and, when
asked for information, can change exactly the answers staff named."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlmodel import Session, col, select

from conversations.application.engine import ConversationEngine
from conversations.application.machine import NavigationState
from conversations.dossier import lifecycle
from conversations.staff.desk import StaffDesk, StaffError
from storage.models import Dossier, OutboxMessage, StatusChange
from storage.unit_of_work import Storage
from tests.conftest import (
    FULL_APPLICATION,
    PDF,
    SUBMIT,
    TODAY,
    ManualClock,
    applicant_notices,
    stored_draft,
)
from tests.conftest import Applicant as Talker


@pytest.fixture
def submitted(engine: ConversationEngine) -> Talker:
    talker = Talker(engine)
    talker.answer_all(FULL_APPLICATION + SUBMIT)
    return talker


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("submitted", "start_review", "in_review"),
        ("in_review", "approve", "approved"),
        ("in_review", "request_information", "info_requested"),
        ("info_requested", "resubmit", "resubmitted"),
        ("resubmitted", "start_review", "in_review"),
        ("submitted", "reject", "rejected"),
    ],
)
def test_lifecycle_allows(status, action, after):
    assert lifecycle.advance(status, action) == after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("approved", "approve"),
        ("rejected", "start_review"),
        ("in_review", "start_review"),
        ("info_requested", "approve"),
        ("submitted", "resubmit"),
        ("submitted", "delete"),
    ],
)
def test_lifecycle_refuses(status, action):
    with pytest.raises(lifecycle.NotAllowed):
        lifecycle.advance(status, action)


def test_queue_start_review_and_approve_tell_the_applicant(
    submitted: Talker, desk: StaffDesk, sqlite_storage: Storage, clock: ManualClock
):
    status = submitted.say("/status")
    earliest, latest = TODAY + dt.timedelta(weeks=4), TODAY + dt.timedelta(weeks=6)
    assert f"Expected decision: between {earliest:%d %B} and {latest:%d %B %Y}" in status
    [entry] = desk.queue()
    assert (entry.number, entry.version, entry.status, entry.applicant) == (
        "CMM-000001",
        1,
        "submitted",
        "Maria Gonzalez",
    )
    assert entry.waiting == dt.timedelta(0)
    clock.advance(days=1, hours=3)
    assert desk.queue()[0].waiting == dt.timedelta(days=1, hours=3)
    desk.start_review("CMM-000001", actor="staff:ana")
    assert desk.queue("in_review")[0].number == "CMM-000001"
    desk.approve(1, actor="staff:ana", note="Well documented.")
    messages = applicant_notices(sqlite_storage)
    assert "IMC has started reviewing your application CMM-000001" in messages[0]
    assert "about 4–6 weeks" in messages[0]
    assert "Congratulations!" in messages[1] and "Note from IMC: Well documented." in messages[1]
    with Session(sqlite_storage.engine) as session:
        changes = [(c.status, c.actor) for c in session.exec(select(StatusChange).order_by(col(StatusChange.id)))]
    assert changes == [("submitted", "applicant"), ("in_review", "staff:ana"), ("approved", "staff:ana")]
    assert "approved" in submitted.say("/status")
    with pytest.raises(StaffError, match=r"already|can't be approved"):
        desk.approve(1, actor="staff:ana")  # a replayed press changes nothing
    assert len(applicant_notices(sqlite_storage)) == 2


def test_a_button_for_an_old_version_or_an_unknown_dossier_is_refused(submitted: Talker, desk: StaffDesk):
    with pytest.raises(StaffError, match="version 2 of CMM-000001; version 1 is the current one"):
        desk.start_review("CMM-000001", actor="staff:ana", version=2)
    with pytest.raises(StaffError, match="no dossier"):
        desk.start_review("CMM-000042", actor="staff:ana")
    with pytest.raises(StaffError, match="not a dossier number"):
        desk.start_review("drop table", actor="staff:ana")


def test_request_information_reopens_only_the_named_answers_then_resubmit(
    submitted: Talker, desk: StaffDesk, sqlite_storage: Storage
):
    desk.start_review(1, actor="staff:ana")
    with pytest.raises(StaffError, match="not a question of this dossier"):
        desk.request_information(1, ["shoe size"], actor="staff:ana")
    desk.request_information(
        1,
        ["training hours", "Reference 2"],
        actor="staff:ana",
        note="Please confirm the hours and the second reference.",
    )
    message = applicant_notices(sqlite_storage)[-1]
    assert "Training · Training hours" in message and "Reference 2 · Mentee email" in message
    assert message.endswith(
        "How many hours of mentoring training did you complete?\nSaved answer: 52.5 (send keep to keep it)"
    )
    assert stored_draft(sqlite_storage).state == "training_hours"

    assert "first question IMC asked about" in submitted.say("/back")
    assert "already submitted" in submitted.say("/cancel")
    submitted.say("/edit")
    assert [choice.label for choice in submitted.last.choices] == ["Training", "Reference 2"]
    submitted.say("/back")
    submitted.say("60")
    assert stored_draft(sqlite_storage).state == "ref2_mentee_name"  # nothing in between is asked
    submitted.answer_all(["/keep", "jordan@example.com", "/keep", "/keep", "/keep"])
    assert stored_draft(sqlite_storage).state == "ref2_letter"
    submitted.send(PDF, name="letter2.pdf")
    submitted.answer_all(["manager", "no"])  # newly needed by the letter
    assert stored_draft(sqlite_storage).state == NavigationState.REVIEW
    assert [choice.label for choice in submitted.last.choices] == ["Resubmit the application", "Edit an answer"]
    assert "Resubmit now?" in submitted.say("Resubmit")
    reply = submitted.say("submit now")
    assert "✓ Resubmitted. Version 2 of your application CMM-000001" in reply
    assert "Training · Training hours: 52.5 → 60" in reply
    assert "Reference 2 · Mentee email: mentee2@example.com → jordan@example.com" in reply
    assert stored_draft(sqlite_storage).state == NavigationState.SUBMITTED
    with Session(sqlite_storage.engine) as session:
        versions = session.exec(select(Dossier).order_by(col(Dossier.version))).all()
        staff_rows = session.exec(
            select(OutboxMessage).where(OutboxMessage.topic == "dossier.submitted").order_by(col(OutboxMessage.id))
        ).all()
    assert [(d.version, d.status) for d in versions] == [(1, "info_requested"), (2, "resubmitted")]
    assert versions[1].content["training"]["training_hours"] == 60
    assert versions[1].content["training"]["program_name"] == versions[0].content["training"]["program_name"]
    assert staff_rows[-1].payload["changes"][0] == "Training · Training hours: 52.5 → 60"
    desk.start_review(1, actor="staff:ana", version=2)
    desk.approve(1, actor="staff:ana")
    assert "approved" in submitted.say("/status")


def test_marking_the_fee_paid(submitted: Talker, desk: StaffDesk, sqlite_storage: Storage):
    desk.mark_paid("CMM-000001", actor="staff:ana")
    assert "received your application fee" in applicant_notices(sqlite_storage)[-1]
    assert "Application fee: paid" in submitted.say("/status")
    with pytest.raises(StaffError, match="already marked paid"):
        desk.mark_paid(1, actor="staff:ana")


def test_describe_and_export(submitted: Talker, desk: StaffDesk):
    text = desk.describe("CMM-000001")
    assert text.startswith("Status: submitted · fee due")
    assert "No reference letter for references 2, 3, 4 and 5" in text
    assert "Full name: Maria Gonzalez" in text
    export = desk.export(1)
    assert export.pdf.startswith(b"%PDF")
    assert b'"number": "CMM-000001"' in export.json
    with zipfile.ZipFile(io.BytesIO(export.evidence_zip)) as archive:
        assert archive.namelist() == ["01-certificate.pdf"]


def test_a_note_with_control_characters_changes_nothing(submitted: Talker, desk: StaffDesk, sqlite_storage: Storage):
    desk.start_review("CMM-000001", actor="staff:ana")
    with pytest.raises(StaffError, match=r"Nothing was changed: I can't use .*U\+001B"):
        desk.approve(1, actor="staff:ana", note="\x1b[2JWell documented.")
    with pytest.raises(StaffError, match=r"direction override"):
        desk.request_information(1, ["email"], actor="staff:ana", note="Please \u202eredda")
    assert desk.queue()[0].status == "in_review"
    assert len(applicant_notices(sqlite_storage)) == 1  # only "started reviewing"


def test_show_and_the_notification_print_each_rule_with_its_value_and_threshold(submitted: Talker, desk: StaffDesk):
    checks = [
        "  Training hours: 52.5 — needs at least 50 ✓",
        "  Holds the CPM: Yes — needs Yes ✓",
        "  Completed engagements: 12 — needs at least 10 ✓",
        "  Continuous learning: Yes — needs Yes ✓",
    ]
    shown = desk.describe("CMM-000001").splitlines()
    notified = desk.notification(desk.dossier(1)).splitlines()
    for lines in (shown, notified):
        assert all(check in lines for check in checks)
        assert lines.index(checks[0]) == lines.index("Eligibility: all rules pass") + 1
