"""Pure tests of ``conversations.staff.verdict``: a dossier's content in, problems and warnings out."""

from __future__ import annotations

import datetime as dt

from conversations.application.flow import Flow
from conversations.application.policy import ACCREDITED, ENDORSED, NON_ACCREDITED, Policy
from conversations.application.summary import dossier_content
from conversations.staff.verdict import Verdict, verdict

TODAY = dt.date(2026, 11, 28)
LETTER = {"name": "letter.pdf", "size": 48_000, "mime": "application/pdf"}


def clean_answers() -> dict:
    """An eligible application with nothing to look at: letters for all 5 references (not
    confidential), an accredited center, training in person."""
    answers = {
        "consent": "yes",
        "full_name": "Maria Gonzalez",
        "email": "maria@example.org",
        "is_member": "no",
        "center_name": "Global Mentoring Academy",
        "center_type": ACCREDITED,
        "program_name": "Foundations of Professional Mentoring",
        "training_hours": 52.5,
        "training_mode": "in_person",
        "training_start_date": "2024-01-10",
        "training_end_date": "2024-03-20",
        "instructor_name": "Dr. Amal Haddad",
        "instructor_email": "amal@academy.example",
        "training_evidence": {"name": "certificate.pdf", "size": 120_000, "mime": "application/pdf"},
        "holds_cpm": "yes",
        "cpm_number": "CPM-2019-0457",
        "cpm_issue_date": "2023-03-01",
        "engagements": 12,
        "supervisor_name": "Sam Okafor",
        "supervisor_email": "sam.okafor@example.net",
        "supervisor_address": "12 Harbour Road, Dublin D02 X285, Ireland",
        "focus_area": "both",
        "supervisor_fit": "yes",
        "supervision_commitment": "yes",
        "continuous_learning": "yes",
    }
    for n in range(1, 6):
        answers.update(
            {
                f"ref{n}_mentee_name": f"Mentee {n}",
                f"ref{n}_mentee_email": f"mentee{n}@example.com",
                f"ref{n}_start_date": "2023-01-01",
                f"ref{n}_end_date": "2023-06-30",
                f"ref{n}_setting": "external",
                f"ref{n}_letter": LETTER,
                f"ref{n}_letter_author": "mentee",
                f"ref{n}_confidentiality": "no",
            }
        )
    return answers


def judge(answers: dict, policy: Policy | None = None) -> Verdict:
    flow, policy = Flow(), policy or Policy()
    content = dossier_content(flow, answers, today=TODAY, policy=policy)
    return verdict(flow, content, today=TODAY, policy=policy)


def without_letter(answers: dict, *numbers: int) -> dict:
    """The references skipped their letter (so who wrote it and confidentiality are not asked)."""
    changed = dict(answers)
    for n in numbers:
        changed[f"ref{n}_letter"] = None
        del changed[f"ref{n}_letter_author"], changed[f"ref{n}_confidentiality"]
    return changed


def test_clean_application_is_eligible_with_nothing_to_look_at():
    result = judge(clean_answers())
    assert (result.eligible, result.problems, result.warnings) == (True, [], [])
    assert all(check.passed for check in result.checks)


def test_each_rule_shows_its_value_and_threshold_in_question_order():
    # CPM issued on 1 March 2023: 3 full years before 28 November 2026.
    assert [str(check) for check in judge(clean_answers()).checks] == [
        "Training hours: 52.5 — needs at least 50 ✓",
        "Holds the CPM: Yes — needs Yes ✓",
        "CPM cycle: 3 years since issue — needs at least 2 ✓",
        "Completed engagements: 12 — needs at least 10 ✓",
        "Supervisor fit: Yes — needs Yes ✓",
        "Supervision commitment: Yes — needs Yes ✓",
        "Continuous learning: Yes — needs Yes ✓",
    ]


def test_failing_rules_are_marked_and_thresholds_come_from_the_policy():
    answers = clean_answers() | {
        "training_hours": 42.0,
        "cpm_issue_date": "2025-06-01",
        "engagements": 7,
        "continuous_learning": "no",
    }
    policy = Policy(min_training_hours=40, min_engagements=12, cpm_cycle_years=1)
    checks = {check.rule: str(check) for check in judge(answers, policy).checks}
    assert checks["Training hours"] == "Training hours: 42 — needs at least 40 ✓"
    assert checks["CPM cycle"] == "CPM cycle: 1 year since issue — needs at least 1 ✓"
    assert checks["Completed engagements"] == "Completed engagements: 7 — needs at least 12 ✗"
    assert checks["Continuous learning"] == "Continuous learning: No — needs Yes ✗"
    default = {check.rule: str(check) for check in judge(answers).checks}
    assert default["Training hours"] == "Training hours: 42 — needs at least 50 ✗"
    assert default["CPM cycle"] == "CPM cycle: 1 year since issue — needs at least 2 ✗"


def test_an_unanswered_rule_does_not_pass():
    answers = clean_answers()
    del answers["engagements"]
    checks = {check.rule: check for check in judge(answers).checks}
    assert str(checks["Completed engagements"]) == "Completed engagements: not answered — needs at least 10 ✗"


def test_missing_letters_for_references_2_to_5_are_one_sentence():
    result = judge(without_letter(clean_answers(), 2, 3, 4, 5))
    assert result.eligible is True
    assert result.problems == []
    assert result.warnings == [
        "No reference letter for references 2, 3, 4 and 5: IMC may contact those mentees to verify."
    ]


def test_one_missing_letter_names_that_reference():
    result = judge(without_letter(clean_answers(), 3))
    assert result.warnings == ["No reference letter for reference 3: IMC may contact that mentee to verify."]


def test_confidential_letter_of_reference_1():
    answers = clean_answers() | {"ref1_confidentiality": "yes"}
    result = judge(answers)
    assert result.eligible is True
    assert result.warnings == [
        "The letter for reference 1 is under a confidentiality agreement and may leave details out."
    ]


def test_confidentiality_warnings_name_only_the_confidential_references():
    answers = clean_answers() | {"ref2_confidentiality": "yes", "ref5_confidentiality": "yes"}
    warnings = judge(answers).warnings
    assert [w for w in warnings if "confidentiality" in w] == [
        "The letter for reference 2 is under a confidentiality agreement and may leave details out.",
        "The letter for reference 5 is under a confidentiality agreement and may leave details out.",
    ]


def test_non_accredited_center_says_the_longer_review():
    result = judge(clean_answers() | {"center_type": NON_ACCREDITED})
    assert result.eligible is True
    assert result.warnings == ["Training from a Non-Accredited Training Center: the review takes about 8–10 weeks."]


def test_non_accredited_review_time_comes_from_policy():
    policy = Policy(review_weeks={ACCREDITED: (4, 6), ENDORSED: (6, 8), NON_ACCREDITED: (9, 12)})
    result = judge(clean_answers() | {"center_type": NON_ACCREDITED}, policy)
    assert result.warnings == ["Training from a Non-Accredited Training Center: the review takes about 9–12 weeks."]


def test_endorsed_provider_is_no_warning():
    assert judge(clean_answers() | {"center_type": ENDORSED}).warnings == []


def test_self_paced_training_is_a_warning():
    result = judge(clean_answers() | {"training_mode": "self_paced"})
    assert result.warnings == [
        "The training was self-paced online; check that it counts as delivered mentoring training."
    ]


def test_live_online_training_is_no_warning():
    assert judge(clean_answers() | {"training_mode": "online_live"}).warnings == []


def test_42_hours_is_not_eligible_and_says_how_many_more():
    result = judge(clean_answers() | {"training_hours": 42.0})
    assert result.eligible is False
    assert len(result.problems) == 1
    assert result.problems[0].startswith("Training · Training hours: You have 42 hours")
    assert "so 8 more" in result.problems[0]
    assert result.warnings == []


def test_problems_of_a_reference_are_prefixed_with_the_reference():
    answers = clean_answers() | {"ref2_mentee_email": "MENTEE1@example.com"}  # the same mentee twice
    result = judge(answers)
    assert result.eligible is False
    assert [problem.split(": ")[0] for problem in result.problems] == [
        "Reference 1 · Mentee email",
        "Reference 2 · Mentee email",
    ]
    assert result.problems[1].startswith("Reference 2 · Mentee email: Reference 1 already has the mentee")


def test_several_problems_keep_question_order():
    answers = clean_answers() | {"training_hours": 42.0, "engagements": 7, "continuous_learning": "no"}
    problems = judge(answers).problems
    assert [problem.split(":")[0] for problem in problems] == [
        "Training · Training hours",
        "Experience · Completed engagements",
        "Supervision · Continuous learning",
    ]
    assert "so 3 more" in problems[1]


def test_all_warnings_together_in_a_fixed_order():
    answers = without_letter(clean_answers(), 4) | {
        "ref1_confidentiality": "yes",
        "center_type": NON_ACCREDITED,
        "training_mode": "self_paced",
    }
    assert judge(answers).warnings == [
        "No reference letter for reference 4: IMC may contact that mentee to verify.",
        "The letter for reference 1 is under a confidentiality agreement and may leave details out.",
        "Training from a Non-Accredited Training Center: the review takes about 8–10 weeks.",
        "The training was self-paced online; check that it counts as delivered mentoring training.",
    ]
