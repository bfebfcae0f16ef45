"""Reminders kept in the database, so a restart neither loses nor repeats them: a nudge for a
draft left idle (after 2 days, and a last one after 7), and renewal reminders before an approved
credential expires (2 years from issue). None is sent between 21:00 and 08:00 in the applicant's
time zone when it is known; ``/stop_reminders`` turns them off."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from conversations.application.machine import NavigationState
from conversations.dossier.numbers import dossier_number
from conversations.messages import Outbound
from conversations.notices import tell_applicant
from storage.models import saved_id
from storage.unit_of_work import Storage, Transaction


@dataclass(frozen=True)
class ReminderPolicy:
    idle_days: tuple[int, ...] = (2, 7)  # a nudge after each; the last is the last
    renewal_days: tuple[int, ...] = (90, 30)  # before the credential expires
    validity_years: int = 2
    quiet_from: int = 21  # no reminders from this hour...
    quiet_until: int = 8  # ...until this hour, local time


def is_quiet(now: dt.datetime, time_zone: str | None, policy: ReminderPolicy) -> bool:
    if not time_zone:
        return False
    try:
        local = now.astimezone(ZoneInfo(time_zone))
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return local.hour >= policy.quiet_from or local.hour < policy.quiet_until


def idle_text(days: int, last: bool) -> str:
    if last:
        return (
            f"A last reminder: your CMM application has waited {days} days. Everything you entered is saved; "
            "send any message to carry on where you stopped. (/stop_reminders turns reminders off.)"
        )
    return (
        f"Your CMM application is waiting for you ({days} days since your last answer). Everything is saved; "
        "send any message to carry on where you stopped. (/stop_reminders turns reminders off.)"
    )


def renewal_text(number: str, expires: dt.date, days: int) -> str:
    return (
        f"Your Certified Master Mentor credential ({number}) expires on {expires:%d %B %Y}, in about {days} days. "
        "To renew it you need 5 mentoring supervision sessions for each year. "
        "(/stop_reminders turns reminders off.)"
    )


class Reminders:
    def __init__(self, storage: Storage, *, policy: ReminderPolicy | None = None) -> None:
        self.storage = storage
        self.policy = policy or ReminderPolicy()

    def send_due(self) -> int:
        """Queue every reminder that is due now; return how many."""
        try:
            with self.storage.transaction() as tx:
                queued = self._idle(tx) + self._renewals(tx)
        except IntegrityError:  # another process queued the same reminder at the same moment
            return 0
        return queued

    def _idle(self, tx: Transaction) -> int:
        now = tx.now
        queued = 0
        for applicant, draft in tx.applicants.idle_drafts(finished=NavigationState.SUBMITTED):
            if is_quiet(now, applicant.time_zone, self.policy):
                continue
            idle = now - draft.updated_at
            due = [days for days in self.policy.idle_days if idle >= dt.timedelta(days=days)]
            if not due:
                continue
            applicant_id = saved_id(applicant)
            marker = draft.updated_at.isoformat()
            kind = f"idle_{due[-1]}"
            if tx.applicants.reminded(applicant_id, kind, marker):
                continue
            for days in due:  # an earlier nudge missed (say, the bot was down) is not sent late
                if not tx.applicants.reminded(applicant_id, f"idle_{days}", marker):
                    tx.applicants.mark_reminded(applicant_id, f"idle_{days}", marker)
            last = due[-1] == self.policy.idle_days[-1]
            tell_applicant(tx, applicant, Outbound(idle_text(idle.days, last)))
            queued += 1
        return queued

    def _renewals(self, tx: Transaction) -> int:
        now = tx.now
        queued = 0
        for applicant, dossier, approved_at in tx.dossiers.approvals():
            if not applicant.reminders or is_quiet(now, applicant.time_zone, self.policy):
                continue
            expires = (approved_at + relativedelta(years=self.policy.validity_years)).date()
            left = (expires - now.date()).days
            due = [days for days in self.policy.renewal_days if 0 <= left <= days]
            if not due:
                continue
            applicant_id = saved_id(applicant)
            kind = f"renewal_{min(due)}"
            if tx.applicants.reminded(applicant_id, kind, expires.isoformat()):
                continue
            for days in due:
                if not tx.applicants.reminded(applicant_id, f"renewal_{days}", expires.isoformat()):
                    tx.applicants.mark_reminded(applicant_id, f"renewal_{days}", expires.isoformat())
            tell_applicant(tx, applicant, Outbound(renewal_text(dossier_number(dossier), expires, left)))
            queued += 1
        return queued
