"""Telling an applicant something outside the conversation (a status change, a reminder, a
person's answer, their copy of the dossier they submitted): queued in the outbox in the same
transaction as what it reports, for the applicant's own channel, one applicant's notices
delivered in the order written; emailing them what matters (the receipt, each status change);
and the named destinations of the outbox, one per audience and channel (what each bot process
delivers to)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from conversations.messages import Outbound, outbound_from_dict, outbound_to_dict
from storage.models import Applicant, OutboxMessage, saved_id
from storage.unit_of_work import Transaction

APPLICANT_MESSAGE_TOPIC = "applicant.message"
# The applicant's copy of a dossier version: the staff PDF, rendered when it is delivered.
APPLICANT_COPY_TOPIC = "applicant.copy"
APPLICANT_EMAIL_TOPIC = "applicant.email"
# Emails to applicants, sent by every process that has the SMTP settings.
EMAIL = "email"
EMAIL_FOOTER = "This is an automatic message from IMC's CMM application assistant."


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


@dataclass(frozen=True)
class Email:
    """An email to an applicant: to the address they gave, a subject naming the application,
    and the words of the chat notice."""

    to: str
    subject: str
    text: str
    # A dossier version, by id, and what changed in it: its PDF is attached, made when it is sent.
    attach: int | None = None
    changes: Sequence[str] = ()


def tell_applicant(tx: Transaction, applicant: Applicant, outbound: Outbound, email: Email | None = None) -> None:
    """Queue ``outbound`` for the applicant's chat, and ``email`` (when given) for their inbox."""
    _to_applicant(tx, applicant, APPLICANT_MESSAGE_TOPIC, {"outbound": outbound_to_dict(outbound)})
    if email is not None:
        email_applicant(tx, saved_id(applicant), email)


def send_copy(tx: Transaction, applicant: Applicant, dossier_id: int, caption: str, changes: Sequence[str]) -> None:
    """Queue the applicant's copy of a dossier version, under ``caption`` (the PDF staff get,
    made when it is delivered)."""
    payload = {"outbound": outbound_to_dict(Outbound(caption)), "dossier_id": dossier_id, "changes": list(changes)}
    _to_applicant(tx, applicant, APPLICANT_COPY_TOPIC, payload)


def email_applicant(tx: Transaction, applicant_id: int, email: Email) -> None:
    """Queue ``email``; one applicant's emails go in the order written, apart from their chat
    notices (a mail server that is down holds up no chat)."""
    tx.outbox.enqueue(
        APPLICANT_EMAIL_TOPIC,
        EMAIL,
        {
            "applicant_id": applicant_id,
            "to": email.to,
            "subject": email.subject,
            "text": f"{email.text}\n\n--\n{EMAIL_FOOTER}\n",
            "attach": None if email.attach is None else {"dossier_id": email.attach, "changes": list(email.changes)},
        },
        order_key=f"email:{applicant_id}",
    )


def _to_applicant(tx: Transaction, applicant: Applicant, topic: str, payload: dict[str, Any]) -> None:
    tx.outbox.enqueue(
        topic,
        applicant_destination(applicant.channel),
        {"applicant_id": applicant.id, "user_id": applicant.channel_user_id, **payload},
        order_key=f"applicant:{applicant.id}",
    )


def notice_in(message: OutboxMessage) -> Notice:
    """The notice an outbox message for an applicant destination carries (``tell_applicant``)."""
    return Notice(message.payload["user_id"], outbound_from_dict(message.payload["outbound"]))
