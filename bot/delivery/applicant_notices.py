"""Notices for an applicant's chat as their channel sends them: the outbox message read, and the
applicant's copy of a dossier given its PDF, made here, as it is delivered, never in the turn
that queued it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from conversations.notices import APPLICANT_COPY_TOPIC, Notice, notice_in
from conversations.staff.desk import StaffDesk
from storage.models import OutboxMessage


class ApplicantNotices:
    """Reads the outbox messages of ``applicant:<channel>`` for that channel's sender."""

    def __init__(self, desk: StaffDesk) -> None:
        self.desk = desk

    async def read(self, message: OutboxMessage) -> Notice:
        """The notice ``message`` carries, with the PDF when it is the applicant's copy."""
        notice = notice_in(message)
        if message.topic != APPLICANT_COPY_TOPIC:
            return notice
        payload = message.payload
        copy = await asyncio.to_thread(self.desk.applicant_copy, payload["dossier_id"], payload.get("changes", []))
        return Notice(notice.user_id, replace(notice.outbound, document=copy))
