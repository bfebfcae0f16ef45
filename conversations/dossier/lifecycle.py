"""The review of a submitted dossier, as a state machine, and what the applicant is told at
each step.

    submitted ──start_review──> in_review ──approve──> approved
        │                          │  └──────reject───> rejected
        └──request_information─────┴──> info_requested ──resubmit──> resubmitted ──(as submitted)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from transitions.extensions import LockedMachine

from storage.models import DossierStatus, StatusChange

if TYPE_CHECKING:  # declared in the library's stubs only
    from transitions.core import TransitionConfigDict


OPEN = (DossierStatus.SUBMITTED, DossierStatus.IN_REVIEW, DossierStatus.RESUBMITTED)  # staff can act on these
WORDS: dict[str, str] = {  # by status
    DossierStatus.SUBMITTED: "submitted",
    DossierStatus.IN_REVIEW: "in review",
    DossierStatus.INFO_REQUESTED: "waiting for information from you",
    DossierStatus.RESUBMITTED: "resubmitted",
    DossierStatus.APPROVED: "approved",
    DossierStatus.REJECTED: "not approved",
}

# The note of the history entry staff write when they mark the fee paid: the status stays as it was.
FEE_PAID = "fee paid"


NOTHING_TO_PAY = "nothing to pay"


def fee_words(status: str, fee_status: str) -> str:
    """The fee as applicant and staff read it: due, paid, or, for an application not approved
    whose fee was not paid, nothing to pay."""
    return NOTHING_TO_PAY if fee_status == "due" and status == DossierStatus.REJECTED else fee_status


def marks_fee_paid(change: StatusChange) -> bool:
    """Whether the history entry is the fee marked paid, which left the status unchanged."""
    return change.note == FEE_PAID


def history_words(change: StatusChange) -> str:
    """One entry of the history as the applicant reads it: the status and staff's note ("approved:
    welcome"); the fee marked paid is said as such, not as the status it left unchanged."""
    if marks_fee_paid(change):
        return "application fee paid"
    status = WORDS.get(change.status, change.status)
    return f"{status}: {change.note}" if change.note else status


# Plain strings: ``transitions`` would name the states of an enum by its members' names.
TRANSITIONS: list[TransitionConfigDict] = [
    {"trigger": trigger, "source": [status.value for status in sources], "dest": dest.value}
    for trigger, sources, dest in (
        ("start_review", (DossierStatus.SUBMITTED, DossierStatus.RESUBMITTED), DossierStatus.IN_REVIEW),
        ("request_information", OPEN, DossierStatus.INFO_REQUESTED),
        ("resubmit", (DossierStatus.INFO_REQUESTED,), DossierStatus.RESUBMITTED),
        ("approve", OPEN, DossierStatus.APPROVED),
        ("reject", OPEN, DossierStatus.REJECTED),
    )
]


# What an email's subject says of each step: "CMM application CMM-000001: received".
_SUBJECTS = {
    DossierStatus.SUBMITTED: "received",
    DossierStatus.RESUBMITTED: "resubmission received",
    DossierStatus.IN_REVIEW: "review started",
    DossierStatus.INFO_REQUESTED: "information requested",
    DossierStatus.APPROVED: "approved",
    DossierStatus.REJECTED: "not approved",
    "paid": "fee received",
}


def email_subject(status: str, *, number: str) -> str:
    """The subject of the email telling the applicant their dossier reached ``status`` (or ``paid``)."""
    return f"CMM application {number}: {_SUBJECTS.get(status, WORDS.get(status, status))}"


_DOING = {
    "start_review": "taken into review",
    "request_information": "sent back for information",
    "resubmit": "resubmitted",
    "approve": "approved",
    "reject": "rejected",
}


class NotAllowed(Exception):
    """The step does not follow from the dossier's status; the message says why."""


class _Review:
    state: str

    # Bound by the machine when the review is added to it.
    trigger: Callable[..., bool]
    may_trigger: Callable[..., bool]


_MACHINE = LockedMachine(
    model=None,
    states=[status.value for status in DossierStatus],
    transitions=TRANSITIONS,
    initial=DossierStatus.SUBMITTED.value,
    auto_transitions=False,
)


def advance(status: str, action: str) -> str:
    """The status after ``action``, or ``NotAllowed``."""
    review = _Review()
    _MACHINE.add_model(review, initial=status)
    try:
        if action not in _MACHINE.events or not review.may_trigger(action):
            doing = _DOING.get(action, action.replace("_", " "))
            raise NotAllowed(f"It is {WORDS.get(status, status)}, so it can't be {doing} now.")
        review.trigger(action)
        return review.state
    finally:
        _MACHINE.remove_model(review)


def applicant_message(
    status: str,
    *,
    number: str,
    note: str = "",
    weeks: Sequence[int] | None = None,
    requested: Sequence[str] = (),
    by_email: bool = False,
) -> str:
    """What the applicant is told when their dossier reaches ``status``, in plain words (in their
    chat, or ``by_email``: the questions asked again are then not just below)."""
    said_by_staff = f"\nNote from IMC: {note}" if note else ""
    if status == DossierStatus.IN_REVIEW:
        window = f" The review takes about {weeks[0]}–{weeks[1]} weeks from submission." if weeks else ""
        return (
            f"IMC has started reviewing your application {number}.{window} IMC will contact your references, "
            f"and may contact you.{said_by_staff}"
        )
    if status == DossierStatus.INFO_REQUESTED:
        asked = "\n".join(f"  • {label}" for label in requested)
        return (
            f"IMC needs more information on your application {number}:\n{asked}{said_by_staff}\n"
            "Only these answers are open; everything else stays as submitted. "
            + (
                "Please answer them in your chat with IMC's application assistant, then resubmit."
                if by_email
                else "Answer below, then resubmit."
            )
        )
    if status == DossierStatus.APPROVED:
        return (
            f"Congratulations! Your application {number} is approved: you are a Certified Master Mentor. "
            "If you are a paying member of IMC, your badges appear on your IMC Mentor Profile. "
            "The credential is valid for 2 years from issue; renewing it needs 5 mentoring supervision "
            f"sessions a year.{said_by_staff}"
        )
    if status == DossierStatus.REJECTED:
        return (
            f"Your application {number} was not approved.{said_by_staff}\n"
            "If you have questions, please contact IMC's credentialing support."
        )
    if status == "paid":
        return f"IMC has received your application fee for {number}. Thank you."
    return f"Your application {number} is now {WORDS.get(status, status)}.{said_by_staff}"
