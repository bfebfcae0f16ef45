"""``python -m bot slack``: check the Slack settings, then run the app (Socket Mode or HTTP)."""

from __future__ import annotations

import argparse
import asyncio

from aiohttp import web
from pydantic import SecretStr

from bot.app import StartupError, build_desk, build_engine, build_storage, build_web_access, outbox_dispatcher
from bot.channels.slack import applicant as slack
from bot.settings import Settings
from conversations.notices import applicant_destination, staff_destination, support_destination


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""


def run(args: argparse.Namespace, settings: Settings) -> int:
    token, app_token, signing_secret = (
        _secret(settings.slack_bot_token),
        _secret(settings.slack_app_token),
        _secret(settings.slack_signing_secret),
    )
    if not token:
        raise StartupError(
            "SLACK_BOT_TOKEN is not set: install the app from manifest.yml and copy its Bot User OAuth Token."
        )
    if not app_token and not signing_secret:
        raise StartupError(
            "Set SLACK_APP_TOKEN (xapp-..., for Socket Mode) or SLACK_SIGNING_SECRET (for HTTP mode on PORT)."
        )
    storage = build_storage(settings)
    desk = build_desk(settings, storage)
    app, channel = slack.build_app(
        build_engine(settings, storage),
        token=token,
        api_url=settings.slack_api_url,
        signing_secret=None if app_token else signing_secret,
        max_file_bytes=settings.policy().max_file_bytes,
        desk=desk,
        staff_channel=settings.slack_staff_channel,
        staff_ids=settings.ids(settings.staff_slack_user_ids),
        web=build_web_access(settings, storage),
        support_channel=settings.slack_support_channel,
        support_ids=settings.ids(settings.support_slack_user_ids),
    )
    senders: dict = {applicant_destination("slack"): channel}
    if channel.staff is not None:
        senders[staff_destination("slack")] = channel.staff
    if channel.support is not None:
        senders[support_destination("slack")] = channel.support
    dispatcher = outbox_dispatcher(settings, storage, desk, senders)

    def start_delivery() -> asyncio.Task:
        return asyncio.create_task(dispatcher.run(every=settings.outbox_poll_seconds))

    if app_token:
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        async def socket_mode() -> None:
            delivery = start_delivery()
            try:
                await AsyncSocketModeHandler(app, app_token).start_async()
            finally:
                delivery.cancel()

        asyncio.run(socket_mode())
    else:
        from slack_bolt.app.async_server import AsyncSlackAppServer

        server = AsyncSlackAppServer(port=settings.port, path="/slack/events", app=app, host=settings.listen_host)

        delivery = web.AppKey("outbox", asyncio.Task)

        async def on_startup(web_app: web.Application) -> None:
            web_app[delivery] = start_delivery()

        async def on_cleanup(web_app: web.Application) -> None:
            web_app[delivery].cancel()

        server.web_app.on_startup.append(on_startup)
        server.web_app.on_cleanup.append(on_cleanup)
        server.start()
    return 0
