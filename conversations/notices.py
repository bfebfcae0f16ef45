"""Telling an applicant something outside the conversation (a status change, a reminder, a
person's answer): queued in the outbox in the same transaction as what it reports, for the
applicant's own channel, one applicant's notices delivered in the order written."""

from __future__ import annotations

from conversations.messages import Outbound, outbound_to_dict
from storage.models import Applicant
from storage.repository import APPLICANT_MESSAGE_TOPIC, Transaction


def tell_applicant(tx: Transaction, applicant: Applicant, outbound: Outbound) -> None:
    tx.enqueue(
        APPLICANT_MESSAGE_TOPIC,
        f"applicant:{applicant.channel}",
        {
            "applicant_id": applicant.id,
            "user_id": applicant.channel_user_id,
            "outbound": outbound_to_dict(outbound),
        },
        order_key=f"applicant:{applicant.id}",
    )
