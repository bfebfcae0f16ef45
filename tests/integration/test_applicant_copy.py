"""The applicant's copy of their dossier: each submitted version queues, in the submission's
transaction and in order with the applicant's other notices, the PDF staff get, made only when
it is delivered; the terminal saves it where the applicant can open it."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from bot.channels.console.applicant import ConsoleApplicantSender
from bot.delivery.applicant_notices import ApplicantNotices
from conversations.application.engine import ConversationEngine
from conversations.notices import APPLICANT_COPY_TOPIC
from conversations.staff import pdf as pdf_module
from conversations.staff.actions import StaffActions
from conversations.staff.desk import StaffDesk
from conversations.staff.pdf import render_pdf
from storage.models import OutboxMessage
from storage.unit_of_work import Storage
from tests.conftest import FULL_APPLICATION, SUBMIT
from tests.conftest import Applicant as Talker


def for_the_applicant(storage: Storage) -> list[OutboxMessage]:
    with Session(storage.engine) as session:
        query = select(OutboxMessage).where(col(OutboxMessage.destination) == "applicant:test")
        return list(session.exec(query.order_by(col(OutboxMessage.id))))


async def test_each_version_gives_the_applicant_the_pdf_staff_get(
    engine: ConversationEngine, desk: StaffDesk, sqlite_storage: Storage
):
    talker = Talker(engine)
    talker.answer_all(FULL_APPLICATION)
    assert "Your copy of the dossier as submitted, a PDF, follows." in talker.submit()
    desk.request_information(1, ["training hours"], actor="staff:ana")
    talker.answer_all(["60", "Resubmit", "submit now"])

    messages = for_the_applicant(sqlite_storage)
    assert [message.topic for message in messages] == [APPLICANT_COPY_TOPIC, "applicant.message", APPLICANT_COPY_TOPIC]
    assert {message.order_key for message in messages} == {"applicant:1"}
    staff = StaffActions(desk, platform="test", allowed=frozenset())
    notices = ApplicantNotices(desk)
    for message, version in zip((messages[0], messages[2]), (1, 2), strict=True):
        notice = await notices.read(message)
        assert notice.user_id == "applicant-1"
        assert notice.outbound.text.startswith(f"Your copy of application CMM-000001 (version {version}), as submitted")
        document = notice.outbound.document
        assert document is not None
        assert document.name == f"CMM-000001-v{version}.pdf"
        hand_off = staff.hand_off({"dossier_id": message.payload["dossier_id"], "changes": message.payload["changes"]})
        assert document.content == hand_off.pdf
    assert messages[2].payload["changes"] == ["Training · Training hours: 52.5 → 60"]
    assert (await notices.read(messages[1])).outbound.document is None  # a notice, no file


async def test_the_terminal_saves_the_copy_and_prints_its_path(
    engine: ConversationEngine, desk: StaffDesk, sqlite_storage: Storage, tmp_path: Path
):
    Talker(engine).answer_all(FULL_APPLICATION + SUBMIT)
    printed: list[str] = []
    folder = tmp_path / "copies"
    [copy] = for_the_applicant(sqlite_storage)
    await ConsoleApplicantSender(printed.append, ApplicantNotices(desk), folder).deliver(copy)
    saved = folder / "CMM-000001-v1.pdf"
    assert printed == [
        f"[IMC] Your copy of application CMM-000001 (version 1), as submitted: CMM-000001-v1.pdf\n"
        f"Saved as {saved.resolve()}"
    ]
    assert saved.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600


async def test_a_version_is_rendered_once_for_the_copy_and_the_hand_off_and_again_when_its_status_changes(
    engine: ConversationEngine, desk: StaffDesk, sqlite_storage: Storage, monkeypatch: pytest.MonkeyPatch
):
    rendered: list[str] = []

    def counted(*args, **kwargs) -> bytes:
        rendered.append(kwargs["status"])
        return render_pdf(*args, **kwargs)

    monkeypatch.setattr(pdf_module, "render_pdf", counted)
    Talker(engine).answer_all(FULL_APPLICATION + SUBMIT)
    [copy] = for_the_applicant(sqlite_storage)
    notice = await ApplicantNotices(desk).read(copy)
    hand_off = StaffActions(desk, platform="test", allowed=frozenset()).hand_off(copy.payload)
    assert hand_off.pdf == notice.outbound.document.content
    assert len(rendered) == 1
    desk.start_review("CMM-000001", actor="staff:ana")
    assert desk.export("CMM-000001").pdf != hand_off.pdf  # it says "in review" now
    assert len(rendered) == 2
