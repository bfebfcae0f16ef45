"""Pure tests of the eligibility rules (``conversations.application.eligibility``) and the consistency checks
(``conversations.application.consistency``), each called as ``(value, Scope(...))``."""

from __future__ import annotations

import datetime as dt

import pytest

from conversations.application import consistency as c
from conversations.application import eligibility as e
from conversations.application.policy import Policy
from conversations.application.scope import Scope


@pytest.fixture
def scope(today, policy):
    """A Scope factory: ``scope(answers, reference=None, today=..., policy=...)``."""

    def make(answers=None, reference=None, *, on=None, with_policy=None):
        return Scope(answers or {}, on or today, with_policy or policy, reference)

    return make


# --- enough_training_hours ---------------------------------------------------------------------


def test_training_hours_just_short_says_what_is_missing(scope):
    message = e.enough_training_hours(49.9, scope())
    assert message is not None
    assert "so 0.1 more" in message


def test_training_hours_short_message(scope):
    message = e.enough_training_hours(42.0, scope())
    assert "You have 42 hours" in message
    assert "needs 50, so 8 more" in message


@pytest.mark.parametrize("hours", [50.0, 52.5, 2000.0])
def test_training_hours_enough(scope, hours):
    assert e.enough_training_hours(hours, scope()) is None


def test_training_hours_minimum_comes_from_policy(scope):
    message = e.enough_training_hours(50.0, scope(with_policy=Policy(min_training_hours=60)))
    assert "needs 60, so 10 more" in message
    assert e.enough_training_hours(60.0, scope(with_policy=Policy(min_training_hours=60))) is None


# --- enough_engagements ------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "missing"), [(9, "1 more"), (0, "10 more")])
def test_engagements_short(scope, count, missing):
    message = e.enough_engagements(count, scope())
    assert message is not None
    assert f"You have completed {count} mentoring engagements" in message
    assert message.endswith(f"so {missing}.")


@pytest.mark.parametrize("count", [10, 12])
def test_engagements_enough(scope, count):
    assert e.enough_engagements(count, scope()) is None


def test_engagements_minimum_comes_from_policy(scope):
    assert "so 2 more" in e.enough_engagements(10, scope(with_policy=Policy(min_engagements=12)))


# --- full_cpm_cycle (today is 2026-11-28) ------------------------------------------------------


@pytest.mark.parametrize("issued", ["2024-11-28", "2024-11-27", "2020-01-01"])
def test_cpm_cycle_complete(scope, issued):
    assert e.full_cpm_cycle(issued, scope()) is None


def test_cpm_cycle_one_day_short_says_when_they_can_apply(scope):
    message = e.full_cpm_cycle("2024-11-29", scope())
    assert message is not None
    assert "issued on 29 November 2024" in message
    assert "2 years" in message
    assert "you can apply from 29 November 2026" in message


def test_cpm_cycle_from_leap_day_ends_on_28_february(scope):
    # relativedelta: 2024-02-29 + 2 years == 2026-02-28
    assert e.full_cpm_cycle("2024-02-29", scope(on=dt.date(2026, 2, 28))) is None
    message = e.full_cpm_cycle("2024-02-29", scope(on=dt.date(2026, 2, 27)))
    assert "you can apply from 28 February 2026" in message


def test_cpm_cycle_length_comes_from_policy(scope):
    three_years = Policy(cpm_cycle_years=3)
    message = e.full_cpm_cycle("2024-11-28", scope(with_policy=three_years))
    assert "3 years" in message
    assert "you can apply from 28 November 2027" in message
    assert e.full_cpm_cycle("2023-11-28", scope(with_policy=three_years)) is None


# --- yes/no rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "phrase"),
    [
        (e.holds_cpm, "Certified Professional Mentor"),
        (e.supervisor_fits, "supervisor"),
        (e.commits_to_supervision, "supervision sessions"),
        (e.declares_continuous_learning, "continuous learning"),
    ],
)
def test_yes_no_rule_refuses_no(scope, rule, phrase):
    message = rule("no", scope())
    assert message is not None
    assert phrase in message


@pytest.mark.parametrize(
    "rule", [e.holds_cpm, e.supervisor_fits, e.commits_to_supervision, e.declares_continuous_learning]
)
def test_yes_no_rule_accepts_yes(scope, rule):
    assert rule("yes", scope()) is None


# --- not_in_future -----------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-11-28", "2026-11-27", "2000-01-01"])
def test_not_in_future_accepts_today_and_past(scope, day):
    assert c.not_in_future(day, scope()) is None


def test_not_in_future_refuses_tomorrow(scope):
    message = c.not_in_future("2026-11-29", scope())
    assert message is not None
    assert "29 November 2026 is in the future" in message


# --- training dates ----------------------------------------------------------------------------


def test_training_start_on_end_date_is_fine(scope):
    assert c.training_start_before_end("2024-03-20", scope({"training_end_date": "2024-03-20"})) is None


def test_training_start_before_end_date_is_fine(scope):
    assert c.training_start_before_end("2024-01-10", scope({"training_end_date": "2024-03-20"})) is None


def test_training_start_after_saved_end_is_refused(scope):
    message = c.training_start_before_end("2024-03-21", scope({"training_end_date": "2024-03-20"}))
    assert message is not None
    assert "21 March 2024" in message
    assert "20 March 2024" in message


def test_training_start_without_saved_end_is_fine(scope):
    assert c.training_start_before_end("2024-03-21", scope()) is None


def test_training_end_on_start_date_is_fine(scope):
    assert c.training_end_after_start("2024-01-10", scope({"training_start_date": "2024-01-10"})) is None


def test_training_end_before_saved_start_is_refused(scope):
    message = c.training_end_after_start("2024-01-09", scope({"training_start_date": "2024-01-10"}))
    assert message is not None
    assert "10 January 2024" in message
    assert "2024-01-10 or later" in message


def test_training_end_without_saved_start_is_fine(scope):
    assert c.training_end_after_start("2024-01-09", scope()) is None


def test_training_checks_ignore_reference_dates(scope):
    answers = {"ref1_start_date": "2025-01-01", "ref1_end_date": "2020-01-01"}
    assert c.training_end_after_start("2024-01-09", scope(answers)) is None
    assert c.training_start_before_end("2024-01-09", scope(answers)) is None


# --- reference dates ---------------------------------------------------------------------------


def test_reference_end_before_its_own_start_is_refused(scope):
    message = c.reference_end_after_start("2022-12-31", scope({"ref2_start_date": "2023-01-01"}, reference=2))
    assert message is not None
    assert "1 January 2023" in message


def test_reference_end_on_its_own_start_is_fine(scope):
    assert c.reference_end_after_start("2023-01-01", scope({"ref2_start_date": "2023-01-01"}, reference=2)) is None


def test_reference_start_after_its_own_end_is_refused(scope):
    message = c.reference_start_before_end("2023-07-01", scope({"ref2_end_date": "2023-06-30"}, reference=2))
    assert message is not None
    assert "1 July 2023" in message
    assert "30 June 2023" in message


def test_reference_start_on_its_own_end_is_fine(scope):
    assert c.reference_start_before_end("2023-06-30", scope({"ref2_end_date": "2023-06-30"}, reference=2)) is None


def test_reference_checks_ignore_other_references_dates(scope):
    answers = {
        "ref1_start_date": "2025-01-01",
        "ref1_end_date": "2020-01-01",
        "ref3_start_date": "2025-01-01",
        "ref3_end_date": "2020-01-01",
        "training_start_date": "2025-01-01",
        "training_end_date": "2020-01-01",
    }
    assert c.reference_end_after_start("2023-06-30", scope(answers, reference=2)) is None
    assert c.reference_start_before_end("2023-01-01", scope(answers, reference=2)) is None


def test_reference_checks_with_nothing_saved_are_fine(scope):
    assert c.reference_end_after_start("2023-06-30", scope(reference=4)) is None
    assert c.reference_start_before_end("2023-01-01", scope(reference=4)) is None


# --- emails ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mentee", ["maria@example.org", "MARIA@Example.ORG"])
def test_mentee_email_equal_to_own_is_refused(scope, mentee):
    message = c.mentee_email_is_someone_else(mentee, scope({"email": "Maria@example.org"}, reference=1))
    assert message is not None
    assert "your own email" in message


def test_mentee_email_different_from_own_is_fine(scope):
    assert (
        c.mentee_email_is_someone_else("jordan@example.com", scope({"email": "maria@example.org"}, reference=1)) is None
    )


def test_mentee_email_without_own_email_saved_is_fine(scope):
    assert c.mentee_email_is_someone_else("jordan@example.com", scope(reference=1)) is None


@pytest.mark.parametrize("typed", ["jordan@example.com", "JORDAN@Example.com"])
def test_mentee_email_used_by_another_reference_is_refused(scope, typed):
    answers = {"ref1_mentee_email": "jordan@example.com", "ref2_mentee_email": "alex@example.com"}
    message = c.mentee_email_distinct(typed, scope(answers, reference=3))
    assert message is not None
    assert "Reference 1" in message
    assert "jordan@example.com" in message


def test_mentee_email_saved_in_its_own_reference_is_no_conflict(scope):
    answers = {"ref3_mentee_email": "jordan@example.com", "ref1_mentee_email": "alex@example.com"}
    assert c.mentee_email_distinct("jordan@example.com", scope(answers, reference=3)) is None


def test_mentee_email_distinct_ignores_skipped_references(scope):
    answers = {"ref1_mentee_email": None}
    assert c.mentee_email_distinct("jordan@example.com", scope(answers, reference=2)) is None


@pytest.mark.parametrize("supervisor", ["maria@example.org", "Maria@EXAMPLE.org"])
def test_supervisor_email_equal_to_own_is_refused(scope, supervisor):
    message = c.supervisor_email_is_someone_else(supervisor, scope({"email": "maria@example.org"}))
    assert message is not None
    assert "your own email" in message


def test_supervisor_email_different_from_own_is_fine(scope):
    assert c.supervisor_email_is_someone_else("sam@example.net", scope({"email": "maria@example.org"})) is None


def test_own_email_equal_to_supervisor_is_refused(scope):
    message = c.own_email_not_taken("SAM@example.net", scope({"supervisor_email": "sam@example.net"}))
    assert message is not None
    assert "supervisor" in message


def test_own_email_equal_to_a_mentee_is_refused(scope):
    answers = {"ref1_mentee_email": "alex@example.com", "ref4_mentee_email": "jordan@example.com"}
    message = c.own_email_not_taken("Jordan@Example.com", scope(answers))
    assert message is not None
    assert "reference 4" in message


def test_own_email_unrelated_is_fine(scope):
    answers = {"supervisor_email": "sam@example.net", "ref1_mentee_email": "jordan@example.com"}
    assert c.own_email_not_taken("maria@example.org", scope(answers)) is None
