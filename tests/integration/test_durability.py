"""Durability on SQLite and on PostgreSQL: resume after a restart, a redelivered message
applied once, one applicant's messages one at a time (in one process and across processes),
a submission written whole or not at all, and a dossier read for export while staff hold it."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlmodel import Session, select

from conversations.application.machine import NavigationState
from conversations.notices import STAFF_FOLDER
from storage.models import Applicant, Dossier, OutboxMessage, ProcessedInbound, StatusChange
from storage.repositories.applicants import Applicants
from storage.unit_of_work import Storage
from tests.conftest import (
    APPLICANT_ANSWERS,
    EXPERIENCE_ANSWERS,
    SUPERVISION_ANSWERS,
    TRAINING_ANSWERS,
    ManualClock,
    make_engine_on,
    open_storage,
    stored_draft,
)
from tests.conftest import (
    Applicant as Talker,
)


def test_resume_after_restart(storage: Storage, database_url: str, tmp_path: Path):
    first = Talker(make_engine_on(storage))
    first.answer_all(APPLICANT_ANSWERS + TRAINING_ANSWERS)
    storage.engine.dispose()

    reopened = open_storage(database_url, tmp_path / "files", storage.clock)  # a new process, same database
    second = Talker(make_engine_on(reopened))
    reply = second.say("/start")
    assert "Welcome back" in reply
    assert "Do you hold the Certified Professional Mentor (CPM) credential?" in reply
    assert stored_draft(reopened).answers["training_hours"] == 52.5
    second.answer_all(EXPERIENCE_ANSWERS + SUPERVISION_ANSWERS)
    assert stored_draft(reopened).state == NavigationState.REVIEW
    assert "Submit your application now?" in second.say("submit")
    assert "Submitted" in second.say("yes, submit")
    assert stored_draft(reopened).state == NavigationState.SUBMITTED
    reopened.engine.dispose()


def test_a_redelivered_message_is_applied_once_and_gets_its_reply_again(
    storage: Storage, database_url: str, tmp_path: Path
):
    talker = Talker(make_engine_on(storage))
    talker.answer_all(["yes"])
    message = talker.inbound("Maria Gonzalez", event_id="update-1001")
    first_reply = talker.engine.handle(message)
    assert "✓ Full name" in first_reply[-1].text
    talker.say("maria@example.org")
    # The same update again (the process stopped before telling the platform): the reply it got
    # then, which may never have gone out, and nothing applied again.
    assert talker.engine.handle(message) == first_reply
    other_process = make_engine_on(open_storage(database_url, tmp_path / "files", storage.clock))
    assert other_process.handle(message) == first_reply
    draft = stored_draft(storage)
    assert draft.state == "is_member"
    assert (draft.answers["full_name"], draft.answers["email"]) == ("Maria Gonzalez", "maria@example.org")
    other_process.storage.engine.dispose()


def _slow_first_save(monkeypatch) -> threading.Event:
    """Make the first draft save pause, so a second message arrives while the first is handled."""
    inside = threading.Event()
    original = Applicants.save_draft
    calls = []

    def slow(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            inside.set()
            threading.Event().wait(0.5)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Applicants, "save_draft", slow)
    return inside


def assert_name_then_email_stored(storage: Storage) -> None:
    draft = stored_draft(storage)
    assert (draft.answers["full_name"], draft.answers["email"], draft.state) == (
        "Maria Gonzalez",
        "maria@example.org",
        "is_member",
    )


@pytest.mark.parametrize("processes", ["one engine", "two engines"])
def test_one_applicants_messages_apply_one_at_a_time_in_order(
    storage: Storage, database_url: str, tmp_path: Path, monkeypatch, processes: str
):
    engine = make_engine_on(storage)
    Talker(engine).say("yes")
    second_engine = (
        engine
        if processes == "one engine"
        else make_engine_on(open_storage(database_url, tmp_path / "f", storage.clock))
    )
    inside = _slow_first_save(monkeypatch)
    first, second = Talker(engine), Talker(second_engine)
    replies: dict[str, str] = {}
    name = threading.Thread(target=lambda: replies.update(name=first.say("Maria Gonzalez")))
    name.start()
    assert inside.wait(5)
    email = threading.Thread(target=lambda: replies.update(email=second.say("maria@example.org")))
    email.start()
    name.join(10)
    email.join(10)
    assert "✓ Full name: Maria Gonzalez" in replies["name"]
    assert "✓ Email: maria@example.org" in replies["email"]
    assert_name_then_email_stored(storage)


def test_same_consent_delivered_to_two_processes_at_once_creates_one_applicant(
    storage: Storage, database_url: str, tmp_path: Path
):
    engines = [make_engine_on(storage), make_engine_on(open_storage(database_url, tmp_path / "f", storage.clock))]
    message = Talker(engines[0]).inbound("yes", event_id="update-1")
    start = threading.Barrier(2)
    replies = []

    def deliver(engine):
        start.wait()
        replies.append(engine.handle(message))

    threads = [threading.Thread(target=deliver, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    # Applied once; the second sees the first's reply, as a redelivery would.
    assert len(replies) == 2 and replies[0] == replies[1] and "Let's begin" in replies[0][0].text
    with Session(storage.engine) as session:
        assert len(session.exec(select(Applicant)).all()) == 1
    assert stored_draft(storage).answers == {"consent": "yes"}


def test_submission_is_written_whole_or_not_at_all(storage: Storage):
    with storage.transaction() as tx:
        applicant = tx.applicants.add("test", "someone")

    def submit_then_die() -> None:
        with storage.transaction() as tx:
            tx.dossiers.submit(applicant.id, {"schema_version": 1}, destinations=[STAFF_FOLDER])
            raise RuntimeError("the process dies before the commit")

    with pytest.raises(RuntimeError, match="dies before the commit"):
        submit_then_die()
    with Session(storage.engine) as session:
        assert session.exec(select(Dossier)).all() == []
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(StatusChange)).all() == []
    with storage.transaction() as tx:
        first = tx.dossiers.submit(applicant.id, {"schema_version": 1}, destinations=[STAFF_FOLDER])
    with storage.transaction() as tx:
        second = tx.dossiers.submit(applicant.id, {"schema_version": 1}, destinations=[STAFF_FOLDER])
        assert tx.dossiers.latest(applicant.id).id == second.id
        assert [(change.dossier_id, change.status) for change in tx.dossiers.history(applicant.id)] == [
            (first.id, "submitted"),
            (second.id, "submitted"),
        ]
    assert (first.version, second.version) == (1, 2)
    with Session(storage.engine) as session:
        payloads = [row.payload for row in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert payloads == [
        {"dossier_id": first.id, "applicant_id": applicant.id, "version": 1, "changes": []},
        {"dossier_id": second.id, "applicant_id": applicant.id, "version": 2, "changes": []},
    ]


def test_a_dossier_is_read_for_export_while_staff_hold_it(storage: Storage):
    if storage.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has no row locks: one transaction at a time")
    with storage.transaction() as tx:
        applicant = tx.applicants.add("test", "someone")
        submitted = tx.dossiers.submit(applicant.id, {"schema_version": 1}, destinations=[STAFF_FOLDER])
    read: list[Dossier | None] = []

    def export() -> None:
        with storage.transaction() as tx:
            read.append(tx.dossiers.get(submitted.id))

    with storage.transaction() as tx:
        assert tx.dossiers.by_id(submitted.id) is not None  # row-locked (on PostgreSQL) until the block ends
        reader = threading.Thread(target=export)
        reader.start()
        reader.join(timeout=5)
        assert not reader.is_alive()  # the plain read did not wait for the lock
    assert [dossier.id for dossier in read if dossier] == [submitted.id]
    with storage.transaction() as tx:
        assert tx.dossiers.get(submitted.id + 1) is None


async def test_many_applicants_at_once_from_async_channels(storage: Storage):
    """Channels run on asyncio and hand each message to a worker thread; applicants proceed side
    by side and each one's messages still apply in order."""
    engine = make_engine_on(storage)
    talkers = [Talker(engine, user_id=f"applicant-{number}") for number in range(12)]

    async def apply(talker: Talker) -> None:
        for text in ["yes", f"Applicant {talker.user_id}", f"{talker.user_id}@example.org"]:
            await asyncio.to_thread(talker.say, text)

    await asyncio.gather(*(apply(talker) for talker in talkers))
    for talker in talkers:
        draft = stored_draft(storage, user_id=talker.user_id)
        assert draft.state == "is_member"
        assert draft.answers["email"] == f"{talker.user_id}@example.org"


def test_a_message_redelivered_before_consent_is_answered_the_same_once(storage: Storage):
    talker = Talker(make_engine_on(storage))
    first = talker.inbound("hello", event_id="update-1")
    welcome = talker.engine.handle(first)
    assert talker.engine.handle(first) == welcome
    consent = talker.inbound("yes", event_id="update-2")
    thanks = talker.engine.handle(consent)
    assert talker.engine.handle(consent) == thanks
    with Session(storage.engine) as session:
        assert len(session.exec(select(Applicant)).all()) == 1


def test_kept_replies_go_when_the_applicant_cancels(storage: Storage):
    talker = Talker(make_engine_on(storage))
    talker.answer_all(["yes"])
    message = talker.inbound("Zebulon Quartzfield", event_id="update-7")
    assert "Zebulon" in talker.deliver(message)
    talker.say("/cancel")
    talker.say("yes")
    assert talker.engine.handle(message) == []  # the id is kept, the reply quoting the name is not
    with Session(storage.engine) as session:
        kept = [row.replies for row in session.exec(select(ProcessedInbound))]
    assert "Zebulon" not in repr(kept)


def test_old_message_ids_and_replies_are_forgotten(storage: Storage, clock: ManualClock):
    with storage.transaction() as tx:
        tx.inbox.mark_processed("test", "old", replies=[{"text": "old reply"}])
    clock.advance(days=10)
    with storage.transaction() as tx:
        tx.inbox.mark_processed("test", "new", replies=[{"text": "new reply"}])
    clock.advance(days=24, hours=12)
    with storage.transaction() as tx:
        tx.inbox.mark_processed("test", "newest", replies=[{"text": "newest reply"}])
    clock.advance(hours=12)  # "old" is 35 days old, "new" 25, "newest" half a day
    with storage.transaction() as tx:
        assert tx.inbox.forget_processed(kept=dt.timedelta(days=30)) == 1
    with storage.transaction() as tx:
        kept = {
            event_id: row.replies if (row := tx.inbox.processed("test", event_id)) else "gone"
            for event_id in ("old", "new", "newest")
        }
    assert kept == {"old": "gone", "new": None, "newest": [{"text": "newest reply"}]}


def test_a_later_message_received_first_by_another_process_waits_for_the_earlier(
    storage: Storage, database_url: str, tmp_path: Path
):
    """Telegram's updates 11 (the name) and 12 (the email) reach two workers at once, and the one
    with 12 is quicker: it waits until 11, received first, is applied."""
    engine = make_engine_on(storage)
    other = make_engine_on(open_storage(database_url, tmp_path / "f", storage.clock))
    Talker(engine).say("yes")
    name = Talker(engine).inbound("Maria Gonzalez", event_id="11", sequence=11)
    email = Talker(other).inbound("maria@example.org", event_id="12", sequence=12)
    with storage.transaction() as tx:  # the first worker has received 11 and is about to handle it
        tx.arrivals.add("test", name.user_id, name.event_id, 11)
    replies: dict[str, str] = {}
    later = threading.Thread(target=lambda: replies.update(email=Talker(other).deliver(email)))
    later.start()
    later.join(0.5)
    assert later.is_alive() and "email" not in stored_draft(storage).answers  # waiting for 11
    assert "✓ Full name: Maria Gonzalez" in Talker(engine).deliver(name)
    assert not other.may_answer(email)  # its replies wait for the name's to go out
    engine.answered(name)
    assert other.may_answer(email)
    later.join(10)
    assert "✓ Email: maria@example.org" in replies["email"]
    assert_name_then_email_stored(storage)
    with storage.transaction() as tx:  # applied: nothing holds later messages back
        assert not tx.arrivals.earlier_waiting("test", name.user_id, 99, since=tx.now - dt.timedelta(days=1))


def test_an_earlier_message_whose_process_stopped_holds_no_one_back(storage: Storage, clock: ManualClock):
    talker = Talker(make_engine_on(storage))
    talker.say("yes")
    with storage.transaction() as tx:  # received, then its process stopped
        tx.arrivals.add("test", talker.user_id, "21", 21)
    clock.advance(seconds=6)
    later = talker.inbound("Maria Gonzalez", event_id="22", sequence=22)
    assert talker.engine.may_answer(later)
    assert "✓ Full name: Maria Gonzalez" in talker.deliver(later)
    talker.engine.answered(later)  # as the channel does once the replies went out
    clock.advance(days=2)
    with storage.transaction() as tx:  # a day on, both are forgotten
        assert tx.arrivals.forget(before=tx.now - dt.timedelta(days=1)) == 2


def test_a_message_waits_while_an_update_numbered_before_it_has_not_arrived(storage: Storage):
    """Updates 40 (someone else's) and 42 have arrived, 41 not yet: 42 waits, since 41 may be this
    person's earlier message still on its way; once 41 arrives (another chat's), 42 goes on."""
    talker = Talker(make_engine_on(storage))
    talker.say("yes")
    with storage.transaction() as tx:
        tx.arrivals.add("test", "", "40", 40)
    replies: dict[str, str] = {}
    name = talker.inbound("Maria Gonzalez", event_id="42", sequence=42)
    waiting = threading.Thread(target=lambda: replies.update(name=talker.deliver(name)))
    waiting.start()
    waiting.join(0.5)
    assert waiting.is_alive() and "full_name" not in stored_draft(storage).answers
    with storage.transaction() as tx:
        tx.arrivals.add("test", "", "41", 41)
    waiting.join(10)
    assert "✓ Full name: Maria Gonzalez" in replies["name"]
