"""Eligibility rules: an answer that makes the applicant ineligible is kept and the problem said.

Each rule is called ``(value, scope) -> message | None``; the message gives the reason and what
would make the applicant eligible. Beside it, ``met`` words what an answer that passes meets, to
confirm a problem fixed. All numbers come from ``Policy``.
"""

from __future__ import annotations

from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from conversations.application.fields import Check, Rule
from conversations.application.policy import Policy
from conversations.application.scope import Scope, saved_date
from conversations.application.validators import format_number, human_date


def _rule(met: Callable[[Policy], str]) -> Callable[[Check], Rule]:
    """Declare a rule together with the words that confirm it is met."""
    return lambda broken: Rule(broken, met)


@_rule(met=lambda policy: f"meets the {format_number(policy.min_training_hours)} hours needed")
def enough_training_hours(value: float, scope: Scope) -> str | None:
    needed = scope.policy.min_training_hours
    if value < needed:
        missing = format_number(needed - value)
        return (
            f"You have {format_number(value)} hours of mentoring training; the credential needs "
            f"{format_number(needed)}, so {missing} more."
        )
    return None


@_rule(met=lambda policy: "meets the need to hold the CPM")
def holds_cpm(value: str, scope: Scope) -> str | None:
    if value != "yes":
        return (
            "The CMM needs at least one full cycle of the Certified Professional Mentor (CPM) credential. "
            "You can apply once you have held the CPM for a full cycle."
        )
    return None


@_rule(met=lambda policy: f"meets the full CPM cycle of {policy.cpm_cycle_years} years needed")
def full_cpm_cycle(value: str, scope: Scope) -> str | None:
    issued = saved_date(value)
    years = scope.policy.cpm_cycle_years
    eligible_from = issued + relativedelta(years=years)
    if eligible_from > scope.today:
        return (
            f"Your CPM was issued on {human_date(issued)}; the CMM needs a full CPM cycle of {years} years, "
            f"so you can apply from {human_date(eligible_from)}."
        )
    return None


@_rule(met=lambda policy: f"meets the {policy.min_engagements} engagements needed")
def enough_engagements(value: int, scope: Scope) -> str | None:
    needed = scope.policy.min_engagements
    if value < needed:
        return (
            f"You have completed {value} mentoring engagements; the credential needs {needed}, "
            f"so {needed - value} more."
        )
    return None


def _must_agree(reason: str, met: str) -> Rule:
    """A declaration: only Yes passes."""

    def broken(value: str, scope: Scope) -> str | None:
        return reason if value != "yes" else None

    return Rule(broken, lambda policy: met)


supervisor_fits = _must_agree(
    "Your supervisor must be a practicing mentor with relevant experience who knows IMC's Mentoring "
    "Definition, Core Competencies and Code of Ethics. You can name a supervisor who does, or come back "
    "once yours is familiar with them.",
    "meets what IMC needs of a supervisor",
)
commits_to_supervision = _must_agree(
    "The credential asks for 5 mentoring supervision sessions every year (they are needed to renew it). "
    "You can apply once you can commit to them.",
    "meets the yearly supervision sessions needed",
)
declares_continuous_learning = _must_agree(
    "IMC requires a declaration of continuous learning and development. You can apply once you can make it.",
    "meets the declaration IMC requires",
)
