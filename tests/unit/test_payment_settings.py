"""PAYMENT_URL and PAYMENT_INSTRUCTIONS: a link applicants may open (https, or http to this
machine for testing) or a clear stop; blank is unset; both reach the conversation's Policy. And
SUPPORT_REPLY_HOURS, said to an applicant whose question went to a person."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


@pytest.mark.parametrize(
    "url",
    [
        "https://pay.example.org/cmm",
        "https://pay.example.org",
        "https://shop.example.org/p?item=cmm&ref=1",
        "http://localhost:8080/pay",
    ],
)
def test_a_payment_link_is_taken(url: str) -> None:
    assert Settings.model_validate({"payment_url": url}).policy().payment_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://pay.example.org/cmm",
        "pay.example.org/cmm",
        "https://",
        "ftp://example.org",
        "javascript:alert(1)",
        "https://pay.example.org/c m m",
        "http://localhost.example.org/pay",
    ],
)
def test_a_bad_payment_link_stops_with_what_is_expected(url: str) -> None:
    with pytest.raises(ValidationError, match=r"payment_url\n.*must be an https:// link.*e\.g\. https://pay\.example"):
        Settings.model_validate({"payment_url": url})


def test_instructions_reach_the_policy_and_blank_settings_are_unset() -> None:
    text = "Bank transfer to IMC, IBAN DE00 1234\nReference: your dossier number"
    assert Settings.model_validate({"payment_instructions": f"  {text}\n"}).policy().payment_instructions == text
    blank = Settings.model_validate({"payment_url": " ", "payment_instructions": ""}).policy()
    assert (blank.payment_url, blank.payment_instructions) == (None, None)


@pytest.mark.parametrize(
    ("hours", "said"),
    [
        ("48", "usually within 2 working days"),
        ("24", "usually within 1 working day"),
        ("4", "usually within 4 working hours"),
        ("36", "usually within 36 working hours"),
    ],
)
def test_the_support_reply_time_reaches_the_policy_in_words(hours: str, said: str) -> None:
    assert Settings.model_validate({"support_reply_hours": hours}).policy().support_reply_time() == said


def test_a_support_reply_time_of_no_hours_stops_at_start() -> None:
    with pytest.raises(ValidationError, match="support_reply_hours"):
        Settings.model_validate({"support_reply_hours": "0"})
