"""Telling an applicant something outside the conversation (a status change, a reminder, a
person's answer): queued in the outbox in the same transaction as what it reports, for the
applicant's own channel, one applicant's notices delivered in the order written; and the named
destinations of the outbox, one per audience and channel (what each bot process delivers to)."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.messages import Outbound, outbound_from_dict, outbound_to_dict
from storage.models import Applicant, OutboxMessage
from storage.unit_of_work import Transaction

APPLICANT_MESSAGE_TOPIC = "applicant.message"


def applicant_destination(channel: str) -> str:
    """Notices for the applicants of ``channel``, in their own chat."""
    return f"applicant:{channel}"


def staff_destination(channel: str) -> str:
    """Dossiers handed to staff on ``channel`` (their chat, or ``folder``)."""
    return f"staff:{channel}"


def support_destination(channel: str) -> str:
    """Questions passed to a person of IMC's support on ``channel``."""
    return f"support:{channel}"


# Dossiers written as files to a folder (the terminal setup, or ``STAFF_FOLDER`` set).
STAFF_FOLDER = staff_destination("folder")


@dataclass(frozen=True)
class Notice:
    """A notice as its channel's sender delivers it: to whom, and what."""

    user_id: str
    outbound: Outbound


def tell_applicant(tx: Transaction, applicant: Applicant, outbound: Outbound) -> None:
    tx.outbox.enqueue(
        APPLICANT_MESSAGE_TOPIC,
        applicant_destination(applicant.channel),
        {
            "applicant_id": applicant.id,
            "user_id": applicant.channel_user_id,
            "outbound": outbound_to_dict(outbound),
        },
        order_key=f"applicant:{applicant.id}",
    )


def notice_in(message: OutboxMessage) -> Notice:
    """The notice an outbox message for an applicant destination carries (``tell_applicant``)."""
    return Notice(message.payload["user_id"], outbound_from_dict(message.payload["outbound"]))
