"""Checks that refuse an answer because it contradicts what is already saved.

Each check is ``(value, scope) -> message | None``. It is declared on every field it involves,
so it runs whichever of them is answered or edited; a refused answer is not stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conversations.application.scope import Scope, as_date
from conversations.application.validators import human_date, same_email

DateCheck = Callable[[str, Scope], str | None]


def not_in_future(value: str, scope: Scope) -> str | None:
    day = as_date(value)
    if day and day > scope.today:
        return (
            f"{human_date(day)} is in the future; please give a date up to today. "
            f"For example: {scope.today.isoformat()}"
        )
    return None


def _order(start_key: str, end_key: str, what: str, *, sibling: bool) -> tuple[DateCheck, DateCheck]:
    """Build the pair of checks that keep ``start`` on or before ``end``."""

    def other(scope: Scope, key: str) -> Any:
        return scope.sibling(key) if sibling else scope.answer(key)

    def start_before_end(value: str, scope: Scope) -> str | None:
        end = as_date(other(scope, end_key))
        start = as_date(value)
        if start and end and start > end:
            return (
                f"The start date {human_date(start)} is after the {what} end date you gave, {human_date(end)}. "
                "If both changed, change the end date first (/edit)."
            )
        return None

    def end_after_start(value: str, scope: Scope) -> str | None:
        start = as_date(other(scope, start_key))
        end = as_date(value)
        if start and end and end < start:
            return (
                f"The end date can't be before the start date, {human_date(start)}. "
                f"For example: {start.isoformat()} or later."
            )
        return None

    return start_before_end, end_after_start


training_start_before_end, training_end_after_start = _order(
    "training_start_date", "training_end_date", "training", sibling=False
)
reference_start_before_end, reference_end_after_start = _order("start_date", "end_date", "engagement", sibling=True)


def mentee_email_is_someone_else(value: str, scope: Scope) -> str | None:
    if same_email(value, scope.answer("email")):
        return "That is your own email address; please give the mentee's email, e.g. mentee@example.org."
    return None


def mentee_email_distinct(value: str, scope: Scope) -> str | None:
    for number, other in scope.other_references("mentee_email"):
        if same_email(value, other):
            return (
                f"Reference {number} already has the mentee {other}; the 5 references must be 5 different "
                "mentees. Please give another mentee's email."
            )
    return None


def supervisor_email_is_someone_else(value: str, scope: Scope) -> str | None:
    if same_email(value, scope.answer("email")):
        return "That is your own email address; please give your supervisor's email, e.g. supervisor@example.org."
    return None


def own_email_not_taken(value: str, scope: Scope) -> str | None:
    """Run when the applicant's own email is given or edited, against the emails already saved."""
    if same_email(value, scope.answer("supervisor_email")):
        return "That is the email you gave for your supervisor; please give your own email address."
    for number, other in scope.other_references("mentee_email"):
        if same_email(value, other):
            return (
                f"That is the email you gave for the mentee of reference {number}; please give your own email address."
            )
    return None
