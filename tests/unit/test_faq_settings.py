"""FAQ_URL: the FAQ process's address (scheme, host and port), or a clear stop; blank is unset."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


@pytest.mark.parametrize("url", ["http://127.0.0.1:8090", "http://faq.internal:8090/", "https://[::1]:443"])
def test_the_faq_process_address_is_taken(url: str) -> None:
    assert Settings.model_validate({"faq_url": url}).faq_url == url


@pytest.mark.parametrize("url", ["", "  "])
def test_a_blank_faq_url_is_unset(url: str) -> None:
    assert Settings.model_validate({"faq_url": url}).faq_url is None


@pytest.mark.parametrize(
    "url",
    ["localhost:8090", "http://127.0.0.1", "http://127.0.0.1:abc", "http://127.0.0.1:8090/ask", "ftp://host:21"],
)
def test_a_bad_faq_url_stops_with_what_is_expected(url: str) -> None:
    with pytest.raises(ValidationError, match=r"faq_url\n.*must be the FAQ process's address.*e\.g\. http://127"):
        Settings.model_validate({"faq_url": url})
