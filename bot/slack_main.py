"""``python -m bot slack``: check the Slack settings, then run the app (Socket Mode or HTTP)."""

from __future__ import annotations

import asyncio

from pydantic import SecretStr

from bot.app import StartupError, build_engine
from bot.channels import slack
from bot.settings import Settings


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""


def run_slack(settings: Settings) -> int:
    token, app_token, signing_secret = (
        _secret(settings.slack_bot_token), _secret(settings.slack_app_token), _secret(settings.slack_signing_secret)
    )
    if not token:
        raise StartupError("SLACK_BOT_TOKEN is not set: install the app from manifest.yml and copy its Bot User OAuth Token.")
    if not app_token and not signing_secret:
        raise StartupError(
            "Set SLACK_APP_TOKEN (xapp-..., for Socket Mode) or SLACK_SIGNING_SECRET (for HTTP mode on PORT)."
        )
    engine = build_engine(settings)
    policy = settings.policy()
    app = slack.build_app(
        engine,
        token=token,
        api_url=settings.slack_api_url,
        signing_secret=None if app_token else signing_secret,
        max_file_bytes=policy.max_file_bytes,
    )
    if app_token:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        async def socket_mode() -> None:
            await AsyncSocketModeHandler(app, app_token).start_async()

        asyncio.run(socket_mode())
    else:
        app.start(port=settings.port, path="/slack/events", host=settings.listen_host)
    return 0
