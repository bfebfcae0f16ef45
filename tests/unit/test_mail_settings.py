"""The email settings: ``SMTP_URL`` is an smtp:// or smtps:// address and needs ``MAIL_FROM``;
with them the bot emails applicants (and says so); the password never reaches the logs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.delivery.mail import SmtpServer
from bot.settings import Settings


def test_without_smtp_no_email_is_sent_or_promised() -> None:
    assert Settings().policy().sends_email is False


def test_smtp_needs_a_sender() -> None:
    with pytest.raises(ValidationError, match="MAIL_FROM is required with SMTP_URL"):
        Settings(smtp_url="smtp://127.0.0.1:8025")


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org:587", "smtp://host:port"])
def test_an_smtp_url_that_is_not_one_stops_the_bot(url: str) -> None:
    with pytest.raises(ValidationError, match="smtp_url"):
        Settings(smtp_url=url, mail_from="credentialing@example.org")


def test_the_error_does_not_show_the_password() -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(smtp_url="smtp://bot:hunter2@mail.example.org:port", mail_from="credentialing@example.org")
    assert "smtp_url" in str(refused.value) and "hunter2" not in str(refused.value)


def test_a_sender_that_is_no_address_stops_the_bot() -> None:
    with pytest.raises(ValidationError, match="must be an email address"):
        Settings(mail_from="IMC Credentialing")


def test_with_smtp_applicants_are_emailed_and_the_password_is_a_secret() -> None:
    settings = Settings(smtp_url="smtps://bot%40example.org:p%40ss@mail.example.org", mail_from="IMC <cmm@example.org>")
    assert settings.policy().sends_email is True
    assert settings.secrets()["SMTP_URL password"] == "p@ss"


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("smtp://127.0.0.1:8025", SmtpServer("127.0.0.1", 8025, tls=False)),
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 587, tls=False)),
        (
            "smtps://bot%40example.org:p%40ss@mail.example.org",
            SmtpServer("mail.example.org", 465, tls=True, user="bot@example.org", password="p@ss"),
        ),
    ],
)
def test_the_smtp_url_names_the_server(url: str, server: SmtpServer) -> None:
    assert SmtpServer.from_url(url) == server


@pytest.mark.parametrize(
    ("host", "here"), [("127.0.0.1", True), ("::1", True), ("localhost", True), ("mail.example.org", False)]
)
def test_a_password_without_tls_goes_only_to_this_machine(host: str, here: bool) -> None:
    assert SmtpServer(host, 25, tls=False).on_this_machine is here
