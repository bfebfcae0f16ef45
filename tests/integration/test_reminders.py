"""Reminders with a fake clock: idle nudges after 2 and 7 days, once each, not at night in the
applicant's time zone, not after /stop_reminders, still right after a restart; renewal reminders
before an approved credential expires."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from conversations.application.engine import ConversationEngine
from conversations.application.policy import Policy
from conversations.reminders import ReminderPolicy, Reminders, is_quiet
from conversations.staff.desk import StaffDesk
from storage.models import Applicant
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, START, SUBMIT, ManualClock, applicant_notices
from tests.conftest import Applicant as Talker

LAST_ANSWER = START  # the fixture's applicant answers when the clock starts


def after(clock: ManualClock, **delta: float) -> None:
    """Move the clock to ``delta`` after the last answer."""
    clock.now = LAST_ANSWER + dt.timedelta(**delta)


def in_time_zone(storage: Storage, time_zone: str) -> None:
    with Session(storage.engine) as session:
        for applicant in session.exec(select(Applicant)):
            applicant.time_zone = time_zone
            session.add(applicant)
        session.commit()


@pytest.fixture
def waiting(engine: ConversationEngine) -> Talker:
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS)
    return talker


@pytest.fixture
def reminders(sqlite_storage: Storage) -> Reminders:
    return Reminders(sqlite_storage)


def test_idle_nudges_after_two_and_seven_days_once_each(
    waiting: Talker, reminders: Reminders, clock: ManualClock, sqlite_storage: Storage
):
    assert reminders.send_due() == 0
    after(clock, days=1, hours=23)
    assert reminders.send_due() == 0
    after(clock, days=2)
    assert reminders.send_due() == 1
    after(clock, days=2, hours=5)
    assert reminders.send_due() == 0
    after(clock, days=7)
    assert reminders.send_due() == 1
    after(clock, days=30)
    assert reminders.send_due() == 0
    first, last = applicant_notices(sqlite_storage)
    assert "Your CMM application is waiting for you (2 days" in first
    assert last.startswith("A last reminder: your CMM application has waited 7 days.")


def test_an_answer_starts_a_new_idle_period(
    waiting: Talker, reminders: Reminders, clock: ManualClock, sqlite_storage: Storage
):
    after(clock, days=2)
    assert reminders.send_due() == 1
    after(clock, days=3)
    waiting.say("/summary")  # the applicant is back
    after(clock, days=4, hours=23)
    assert reminders.send_due() == 0
    after(clock, days=5)
    assert reminders.send_due() == 1
    assert len(applicant_notices(sqlite_storage)) == 2


def test_not_at_night_in_the_applicants_time_zone(
    waiting: Talker, reminders: Reminders, clock: ManualClock, sqlite_storage: Storage
):
    in_time_zone(sqlite_storage, "Asia/Tokyo")  # UTC+9
    after(clock, days=2, hours=10)  # 12:00 + 2 days 10 h is 22:00 UTC, 07:00 in Tokyo
    assert reminders.send_due() == 0
    after(clock, days=2, hours=11)  # 08:00 in Tokyo
    assert reminders.send_due() == 1


def test_quiet_hours():
    policy = ReminderPolicy()
    noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert not is_quiet(noon, None, policy)
    assert not is_quiet(noon, "Not/AZone", policy)
    assert is_quiet(noon, "Pacific/Auckland", policy)  # 01:00 there
    assert not is_quiet(noon, "Europe/Dublin", policy)


def test_no_reminders_after_stop_reminders(waiting: Talker, reminders: Reminders, clock: ManualClock):
    assert "/start_reminders — reminders again" in waiting.say("/help")  # /help lists both
    assert "Reminders are off" in waiting.say("/stop_reminders")
    after(clock, days=8)
    assert reminders.send_due() == 0
    waiting.say("/start_reminders")
    after(clock, days=10)
    assert reminders.send_due() == 1


def test_after_a_restart_only_the_reminder_now_due_goes_out(
    waiting: Talker, clock: ManualClock, sqlite_storage: Storage
):
    # The bot was down from day 1 to day 8: the 2-day nudge is not sent late, the last one is.
    after(clock, days=8)
    assert Reminders(sqlite_storage).send_due() == 1
    after(clock, days=9)
    assert Reminders(sqlite_storage).send_due() == 0
    [only] = applicant_notices(sqlite_storage)
    assert only.startswith("A last reminder")


def test_renewal_reminders_before_the_credential_expires(
    engine: ConversationEngine, reminders: Reminders, clock: ManualClock, sqlite_storage: Storage
):
    Talker(engine).answer_all(FULL_APPLICATION + SUBMIT)
    clock.advance(days=40)
    approved_at = clock()
    StaffDesk(sqlite_storage, policy=Policy()).approve(1, actor="staff:ana")
    expires = (approved_at + relativedelta(years=2)).date()
    before = len(applicant_notices(sqlite_storage))
    clock.advance(days=600)
    assert reminders.send_due() == 0
    clock.now = dt.datetime.combine(expires - dt.timedelta(days=90), dt.time(12), dt.UTC)
    assert reminders.send_due() == 1
    assert reminders.send_due() == 0
    clock.advance(days=60)
    assert reminders.send_due() == 1
    texts = applicant_notices(sqlite_storage)[before:]
    assert f"expires on {expires:%d %B %Y}, in about 90 days" in texts[0]
    assert "5 mentoring supervision sessions" in texts[0] and "in about 30 days" in texts[1]
