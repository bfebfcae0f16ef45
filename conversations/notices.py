"""Telling an applicant something outside the conversation (a status change, a reminder, a
person's answer): queued in the outbox in the same transaction as what it reports, for the
applicant's own channel, one applicant's notices delivered in the order written; and the named
destinations of the outbox, one per audience and channel (what each bot process delivers to)."""

from __future__ import annotations

from conversations.messages import Outbound, outbound_to_dict
from storage.models import Applicant
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


def tell_applicant(tx: Transaction, applicant: Applicant, outbound: Outbound) -> None:
    tx.outbox.enqueue(
        APPLICANT_MESSAGE_TOPIC,
        f"applicant:{applicant.channel}",
        {
            "applicant_id": applicant.id,
            "user_id": applicant.channel_user_id,
            "outbound": outbound_to_dict(outbound),
        },
        order_key=f"applicant:{applicant.id}",
    )
