"""Reminders with a fake clock: idle nudges after 2 and 7 days, once each, not at night in the
applicant's time zone, not after /stop_reminders, still right after a restart; renewal reminders
before an approved credential expires."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from conversations.engine import Engine
from conversations.policy import Policy
from conversations.reminders import ReminderPolicy, Reminders, is_quiet
from conversations.staff import StaffDesk
from storage.models import Applicant, Draft
from storage.repository import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, applicant_notices
from tests.conftest import Applicant as Talker

LAST_ANSWER = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, **delta) -> Clock:
        self.now = LAST_ANSWER + dt.timedelta(**delta)
        return self


def idle_since(storage: Storage, moment: dt.datetime, time_zone: str | None = None) -> None:
    with Session(storage.engine) as session:
        for draft in session.exec(select(Draft)):
            draft.updated_at = moment
            session.add(draft)
        for applicant in session.exec(select(Applicant)):
            applicant.time_zone = time_zone
            session.add(applicant)
        session.commit()


@pytest.fixture
def waiting(engine: Engine, sqlite_storage: Storage) -> Talker:
    talker = Talker(engine)
    talker.answer_all(APPLICANT_ANSWERS)
    idle_since(sqlite_storage, LAST_ANSWER)
    return talker


def test_idle_nudges_after_two_and_seven_days_once_each(waiting: Talker, sqlite_storage: Storage):
    clock = Clock(LAST_ANSWER)
    reminders = Reminders(sqlite_storage, now=clock)
    assert reminders.send_due() == 0
    clock.at(days=1, hours=23)
    assert reminders.send_due() == 0
    clock.at(days=2)
    assert reminders.send_due() == 1
    clock.at(days=2, hours=5)
    assert reminders.send_due() == 0
    clock.at(days=7)
    assert reminders.send_due() == 1
    clock.at(days=30)
    assert reminders.send_due() == 0
    first, last = applicant_notices(sqlite_storage)
    assert "Your CMM application is waiting for you (2 days" in first
    assert last.startswith("A last reminder: your CMM application has waited 7 days.")


def test_an_answer_starts_a_new_idle_period(waiting: Talker, sqlite_storage: Storage):
    clock = Clock(LAST_ANSWER).at(days=2)
    Reminders(sqlite_storage, now=clock).send_due()
    waiting.say("/summary")  # the applicant is back
    idle_since(sqlite_storage, LAST_ANSWER + dt.timedelta(days=3))
    clock.at(days=5)
    assert Reminders(sqlite_storage, now=clock).send_due() == 1
    assert len(applicant_notices(sqlite_storage)) == 2


def test_not_at_night_in_the_applicants_time_zone(waiting: Talker, sqlite_storage: Storage):
    idle_since(sqlite_storage, LAST_ANSWER, time_zone="Asia/Tokyo")  # UTC+9
    clock = Clock(LAST_ANSWER).at(days=2, hours=3)  # 13:00 UTC is 22:00 in Tokyo
    reminders = Reminders(sqlite_storage, now=clock)
    assert reminders.send_due() == 0
    clock.at(days=2, hours=13)  # 08:00 in Tokyo
    assert reminders.send_due() == 1


def test_quiet_hours():
    policy = ReminderPolicy()
    noon = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    assert not is_quiet(noon, None, policy)
    assert not is_quiet(noon, "Not/AZone", policy)
    assert is_quiet(noon, "Pacific/Auckland", policy)  # 01:00 there
    assert not is_quiet(noon, "Europe/Dublin", policy)


def test_no_reminders_after_stop_reminders(waiting: Talker, sqlite_storage: Storage):
    assert "Reminders are off" in waiting.say("/stop_reminders")
    idle_since(sqlite_storage, LAST_ANSWER)
    assert Reminders(sqlite_storage, now=Clock(LAST_ANSWER).at(days=8)).send_due() == 0
    waiting.say("/start_reminders")
    idle_since(sqlite_storage, LAST_ANSWER)
    assert Reminders(sqlite_storage, now=Clock(LAST_ANSWER).at(days=2)).send_due() == 1


def test_after_a_restart_only_the_reminder_now_due_goes_out(waiting: Talker, sqlite_storage: Storage):
    # The bot was down from day 1 to day 8: the 2-day nudge is not sent late, the last one is.
    assert Reminders(sqlite_storage, now=Clock(LAST_ANSWER).at(days=8)).send_due() == 1
    assert Reminders(sqlite_storage, now=Clock(LAST_ANSWER).at(days=9)).send_due() == 0
    [only] = applicant_notices(sqlite_storage)
    assert only.startswith("A last reminder")


def test_renewal_reminders_before_the_credential_expires(engine: Engine, sqlite_storage: Storage):
    Talker(engine).answer_all(FULL_APPLICATION + ["submit"])
    approved_at = dt.datetime.now(dt.UTC)
    StaffDesk(sqlite_storage, policy=Policy()).approve(1, actor="staff:ana")
    expires = (approved_at + relativedelta(years=2)).date()
    before = len(applicant_notices(sqlite_storage))
    clock = Clock(approved_at + dt.timedelta(days=600))
    reminders = Reminders(sqlite_storage, now=clock)
    assert reminders.send_due() == 0
    clock.now = dt.datetime.combine(expires - dt.timedelta(days=90), dt.time(12), dt.UTC)
    assert reminders.send_due() == 1
    assert reminders.send_due() == 0
    clock.now += dt.timedelta(days=60)
    assert reminders.send_due() == 1
    texts = applicant_notices(sqlite_storage)[before:]
    assert f"expires on {expires:%d %B %Y}, in about 90 days" in texts[0]
    assert "5 mentoring supervision sessions" in texts[0] and "in about 30 days" in texts[1]
