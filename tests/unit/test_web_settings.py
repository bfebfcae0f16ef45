"""WEB_BASE_URL and WEB_PORT: where the staff web desk is reached and listens."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings


@pytest.mark.parametrize("url", ["https://desk.example.org", "http://127.0.0.1:8080/", "https://[::1]:8443"])
def test_the_desk_address_is_taken_and_links_point_there(url: str) -> None:
    settings = Settings.model_validate({"web_base_url": url})
    assert settings.web_url() == url.rstrip("/")


@pytest.mark.parametrize("url", ["desk.example.org", "ftp://x", "https://desk.example.org/desk", "https://"])
def test_a_bad_desk_address_stops_with_what_is_expected(url: str) -> None:
    with pytest.raises(ValidationError, match=r"web_base_url\n.*must be where staff's browsers reach.*e\.g\. https://"):
        Settings.model_validate({"web_base_url": url})


def test_unset_the_links_point_to_this_machine_at_the_desks_port() -> None:
    assert Settings.model_validate({"web_base_url": " "}).web_url() == "http://127.0.0.1:8080"
    settings = Settings.model_validate({"listen_host": "10.0.0.5", "port": 8000, "web_port": 8081})
    assert settings.web_address() == ("10.0.0.5", 8081)
    assert settings.web_url() == "http://10.0.0.5:8081"
