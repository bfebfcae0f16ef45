"""How to pay the fee: the link and/or instructions IMC configured, shown with this applicant's
amount at submission and in /status while the fee is due; once staff mark it paid, /status says
so and shows no instructions. With nothing configured the applicant is told who will say how."""

from __future__ import annotations

import pytest

from conversations.application.asking import Asking
from conversations.application.policy import Policy
from conversations.staff.desk import StaffDesk
from storage.unit_of_work import Storage
from tests.conftest import APPLICANT_ANSWERS, FULL_APPLICATION, make_engine_on
from tests.conftest import Applicant as Talker

URL = "https://pay.example.org/cmm"
INSTRUCTIONS = "Bank transfer to IMC, IBAN DE00 1234 5678 9000\nor ask us for an invoice."
QUOTE = "Please quote CMM-000001 with your payment."


def applied(storage: Storage, asking: Asking, policy: Policy, answers: list[str] = FULL_APPLICATION) -> Talker:
    """An applicant who answered everything, not yet submitted."""
    talker = Talker(make_engine_on(storage, policy, asking))
    talker.answer_all(answers)
    return talker


@pytest.mark.parametrize(
    ("policy", "how_to_pay"),
    [
        (Policy(payment_url=URL), f"Application fee: 598 USD is due. Pay online: {URL}\n{QUOTE}\nHistory:"),
        (
            Policy(payment_instructions=INSTRUCTIONS),
            f"Application fee: 598 USD is due. How to pay:\n{INSTRUCTIONS}\n{QUOTE}\nHistory:",
        ),
        (
            Policy(payment_url=URL, payment_instructions=INSTRUCTIONS),
            f"Application fee: 598 USD is due. Pay online: {URL}\n{INSTRUCTIONS}\n{QUOTE}\nHistory:",
        ),
        (
            Policy(),
            "Application fee: 598 USD is due. IMC will send you payment instructions; questions about paying: "
            "/human\nHistory:",
        ),
    ],
    ids=["link", "instructions", "both", "neither"],
)
def test_how_to_pay_at_submission_and_in_the_status(
    sqlite_storage: Storage, asking: Asking, policy: Policy, how_to_pay: str
):
    talker = applied(sqlite_storage, asking, policy)
    reply = talker.submit()
    below = "how to pay is just below" if policy.payment_url or policy.payment_instructions else None
    told = below or "IMC will send you payment instructions, and the fee shows in /status until it is paid"
    assert f"1. Payment: the application fee is 598 USD, due now; {told}" in reply
    assert below or "just below" not in reply  # nothing below to point at
    assert reply.count(how_to_pay) == 1  # the status that ends the reply says it, once
    assert how_to_pay in talker.say("/status")
    assert how_to_pay in talker.say("hello")  # any message after submission shows the status


def test_a_member_is_shown_the_member_fee(sqlite_storage: Storage, asking: Asking):
    member = ["yes", "IMC-104233", *FULL_APPLICATION[len(APPLICANT_ANSWERS) :]]
    talker = applied(sqlite_storage, asking, Policy(payment_url=URL), APPLICANT_ANSWERS[:-1] + member)
    assert f"Application fee: 450 USD is due. Pay online: {URL}" in talker.submit()
    assert f"Application fee: 450 USD is due. Pay online: {URL}" in talker.say("/status")


def test_once_paid_the_status_says_so_without_instructions(sqlite_storage: Storage, asking: Asking):
    policy = Policy(payment_url=URL, payment_instructions=INSTRUCTIONS)
    talker = applied(sqlite_storage, asking, policy)
    talker.submit()
    StaffDesk(sqlite_storage, policy=policy).mark_paid("CMM-000001", actor="staff:ana")
    status = talker.say("/status")
    assert "Application fee: paid." in status
    assert URL not in status and "Bank transfer" not in status and "is due" not in status and QUOTE not in status


def test_a_rejected_application_asks_for_no_payment(sqlite_storage: Storage, asking: Asking):
    policy = Policy(payment_url=URL)
    talker = applied(sqlite_storage, asking, policy)
    talker.submit()
    StaffDesk(sqlite_storage, policy=policy).reject("CMM-000001", actor="staff:ana", note="Not eligible")
    status = talker.say("/status")
    assert "Application fee: nothing to pay." in status and URL not in status and "is due" not in status


def test_the_history_says_the_fee_was_received_in_words(sqlite_storage: Storage, asking: Asking):
    policy = Policy(payment_url=URL)
    talker = applied(sqlite_storage, asking, policy)
    talker.submit()
    desk = StaffDesk(sqlite_storage, policy=policy)
    desk.start_review("CMM-000001", actor="staff:ana")
    desk.mark_paid("CMM-000001", actor="staff:ana")
    desk.approve("CMM-000001", actor="staff:ana", note="Welcome")
    history = talker.say("/status").split("History:\n")[1].splitlines()
    assert [line.split(" UTC — ")[1] for line in history[:4]] == [
        "submitted",
        "in review",
        "application fee paid",
        "approved: Welcome",
    ]
