"""Configuration from the environment (or a ``.env`` file). Every setting is in docs/configuration.md."""

from __future__ import annotations

import re
from email.utils import parseaddr
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BeforeValidator, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

from conversations.application.policy import ACCREDITED, ENDORSED, NON_ACCREDITED, Policy
from conversations.application.validators import MEGABYTE
from conversations.notices import STAFF_FOLDER, staff_destination, support_destination
from conversations.reminders import ReminderPolicy
from storage.database import DEFAULT_URL


def _weeks(value: str) -> tuple[int, int]:
    low, _, high = value.partition("-")
    return int(low), int(high or low)


# https to any host, or plain http to this machine only (a stand-in while testing).
_PAYMENT_URL = re.compile(r"(https://[^\s/?#]+|http://localhost(:\d+)?)([/?#]\S*)?")

# The FAQ process's address: scheme, host (a name, IPv4, or [IPv6]) and port, nothing after.
_WEB_URL = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?/?")
_FAQ_URL = re.compile(r"https?://([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}/?")

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


class Settings(BaseSettings):
    # A value refused is not shown back: it may be a token, or a URL with a password in it.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    database_url: str = DEFAULT_URL
    files_dir: Path = Path("data/files")
    faq_cache_dir: Path = Path("data/cache")
    # Where the FAQ process answers every worker's questions (unset: each process holds the index).
    faq_url: str | None = None
    auto_migrate: bool = True
    # Default: WARNING in the terminal channel, INFO elsewhere. Any case: debug, Info, WARNING.
    log_level: Annotated[LogLevel, BeforeValidator(_upper)] | None = None

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_chat_messages_per_second: float = Field(1.0, gt=0)
    telegram_messages_per_second: int = Field(30, gt=0)  # all chats together
    # Where every process of the bot counts what it sends to Telegram (unset: each process alone).
    redis_url: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_api_url: str = "https://slack.com"
    telegram_staff_chat_id: int | None = None
    slack_staff_channel: str | None = None
    staff_telegram_user_ids: str = ""  # comma-separated
    staff_slack_user_ids: str = ""  # comma-separated
    support_telegram_user_ids: str = ""  # comma-separated; empty: anyone in the support group
    support_slack_user_ids: str = ""  # comma-separated; empty: anyone in the support channel
    staff_folder: Path | None = None
    telegram_support_chat_id: int | None = None
    slack_support_channel: str | None = None
    credential_validity_years: int = Field(2, gt=0)
    reminder_idle_days: str = Field("2,7", pattern=r"^\d+(,\d+)*$")
    reminder_renewal_days: str = Field("90,30", pattern=r"^\d+(,\d+)*$")
    reminder_quiet_hours: str = Field("21-8", pattern=r"^\d{1,2}-\d{1,2}$")
    outbox_poll_seconds: float = Field(1.0, gt=0)
    processed_ids_kept_days: int = Field(30, gt=0)
    outbox_first_retry_seconds: float = Field(5.0, gt=0)
    outbox_lease_seconds: float = Field(120.0, gt=0)
    listen_host: str = "0.0.0.0"
    port: int = 8080
    # The staff web desk: its own port when it runs beside a chat channel on PORT, and where
    # staff's browsers reach it (the sign-in links point there; https makes its cookie Secure).
    web_port: int | None = None
    web_base_url: str | None = None

    min_training_hours: float = 50
    min_engagements: int = 10
    cpm_cycle_years: int = 2
    max_file_mb: int = 20
    fee_member_usd: int = 450
    fee_non_member_usd: int = 598
    review_weeks_accredited: str = Field("4-6", pattern=r"^\d+(-\d+)?$")
    review_weeks_endorsed: str = Field("6-8", pattern=r"^\d+(-\d+)?$")
    review_weeks_non_accredited: str = Field("8-10", pattern=r"^\d+(-\d+)?$")
    payment_url: str | None = None
    payment_instructions: str | None = None
    support_reply_hours: int = Field(48, gt=0)
    smtp_url: SecretStr | None = None
    mail_from: str | None = Field(None, validate_default=True)  # checked unset too: SMTP_URL needs it

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator(
        "payment_url", "payment_instructions", "smtp_url", "mail_from", "faq_url", "web_base_url", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """``PAYMENT_URL=`` (say, in a .env file) leaves the setting unset, not an empty link."""
        return (value.strip() or None) if isinstance(value, str) else value

    @field_validator("faq_url")
    @classmethod
    def _faq_url(cls, value: str | None) -> str | None:
        if value is not None and not _FAQ_URL.fullmatch(value):
            raise ValueError(
                "must be the FAQ process's address, http:// or https://, a host and a port, without a path, "
                "e.g. http://127.0.0.1:8090"
            )
        return value

    @field_validator("web_base_url")
    @classmethod
    def _web_base_url(cls, value: str | None) -> str | None:
        if value is not None and not _WEB_URL.fullmatch(value):
            raise ValueError(
                "must be where staff's browsers reach the web desk, http:// or https:// and a host, with a port "
                "if needed and no path, e.g. https://desk.example.org"
            )
        return value

    @field_validator("payment_url")
    @classmethod
    def _payment_url(cls, value: str | None) -> str | None:
        if value is not None and not _PAYMENT_URL.fullmatch(value):
            raise ValueError(
                "must be an https:// link (http://localhost for testing), e.g. https://pay.example.org/cmm"
            )
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            parts = urlsplit(value.get_secret_value())
            if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
                raise ValueError(
                    "must be smtp://host:port (STARTTLS when the server offers it) or smtps://host:port (TLS), "
                    "with user:password@ before the host if the server wants them, e.g. "
                    "smtp://bot%40example.org:secret@mail.example.org:587"
                )
            parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None and info.data.get("smtp_url") is not None:
            raise ValueError("MAIL_FROM is required with SMTP_URL: the address applicants' emails come from")
        if value is not None and "@" not in parseaddr(value)[1]:
            raise ValueError("must be an email address, e.g. IMC Credentialing <credentialing@example.org>")
        return value

    @field_validator("min_training_hours", "min_engagements", "cpm_cycle_years", "max_file_mb")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be greater than 0")
        return value

    def web_address(self) -> tuple[str, int]:
        """Where the web desk listens: ``WEB_PORT`` if set, else ``PORT``."""
        return self.listen_host, self.web_port or self.port

    def web_url(self) -> str:
        """Where staff reach the web desk: ``WEB_BASE_URL``, else this machine at the desk's port."""
        if self.web_base_url:
            return self.web_base_url.rstrip("/")
        host = "127.0.0.1" if self.listen_host in ("0.0.0.0", "::", "") else self.listen_host
        return f"http://{host}:{self.web_address()[1]}"

    def staff_destinations(self) -> list[str]:
        """Where dossiers go: the Slack channel and/or Telegram group configured, and the folder
        when one is set or when no chat destination is."""
        destinations = []
        if self.slack_staff_channel:
            destinations.append(staff_destination("slack"))
        if self.telegram_staff_chat_id:
            destinations.append(staff_destination("telegram"))
        if self.staff_folder or not destinations:
            destinations.append(STAFF_FOLDER)
        return destinations

    def support_destinations(self) -> list[str]:
        """Where questions for a person go; with none, support answers from the terminal
        (``python -m bot support``)."""
        return ([support_destination("slack")] if self.slack_support_channel else []) + (
            [support_destination("telegram")] if self.telegram_support_chat_id else []
        )

    def secrets(self) -> dict[str, str]:
        """The value of every secret setting that is set, by its variable's name (for the logs,
        which must never show one)."""
        secrets = {
            name.upper(): value.get_secret_value()
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr) and value.get_secret_value()
        }
        password = make_url(self.database_url).password
        if password:
            secrets["DATABASE_URL password"] = str(password)
        if self.smtp_url is not None and (smtp_password := urlsplit(self.smtp_url.get_secret_value()).password):
            secrets["SMTP_URL password"] = unquote(smtp_password)
        return secrets

    def staff_folder_path(self) -> Path:
        return self.staff_folder or Path("data/staff")

    @staticmethod
    def ids(listed: str) -> frozenset[str]:
        return frozenset(item.strip() for item in listed.split(",") if item.strip())

    def reminder_policy(self) -> ReminderPolicy:
        quiet_from, _, quiet_until = self.reminder_quiet_hours.partition("-")
        return ReminderPolicy(
            idle_days=tuple(sorted(int(days) for days in self.reminder_idle_days.split(","))),
            renewal_days=tuple(sorted((int(days) for days in self.reminder_renewal_days.split(",")), reverse=True)),
            validity_years=self.credential_validity_years,
            quiet_from=int(quiet_from),
            quiet_until=int(quiet_until),
        )

    def policy(self) -> Policy:
        return Policy(
            min_training_hours=self.min_training_hours,
            min_engagements=self.min_engagements,
            cpm_cycle_years=self.cpm_cycle_years,
            max_file_bytes=self.max_file_mb * MEGABYTE,
            member_fee_usd=self.fee_member_usd,
            non_member_fee_usd=self.fee_non_member_usd,
            payment_url=self.payment_url,
            payment_instructions=self.payment_instructions,
            support_reply_hours=self.support_reply_hours,
            sends_email=self.smtp_url is not None,
            review_weeks={
                ACCREDITED: _weeks(self.review_weeks_accredited),
                ENDORSED: _weeks(self.review_weeks_endorsed),
                NON_ACCREDITED: _weeks(self.review_weeks_non_accredited),
            },
        )
