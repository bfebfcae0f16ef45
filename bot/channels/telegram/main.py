"""``python -m bot telegram``: check the Telegram settings, then run the bot."""

from __future__ import annotations

import argparse

from telegram import Bot

from bot.app import StartupError, build_desk, build_engine, build_storage, build_web_access, outbox_dispatcher
from bot.channels.telegram import applicant as telegram
from bot.channels.telegram.pacing import DeliveryLimiter, storage_uri
from bot.channels.telegram.staff import TelegramStaff
from bot.channels.telegram.support import TelegramSupport
from bot.delivery.applicant_notices import ApplicantNotices
from bot.delivery.dispatcher import Dispatcher, Sender
from bot.settings import Settings
from conversations.notices import applicant_destination, staff_destination, support_destination


def run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram and set the token it gives you."
        )
    if args.webhook and not settings.telegram_webhook_url:
        raise StartupError(
            "--webhook is given but TELEGRAM_WEBHOOK_URL is not set: set it to the public HTTPS address "
            "Telegram posts updates to (e.g. https://bot.example.org/telegram), or run without --webhook to poll."
        )
    if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
        raise StartupError(
            "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -."
        )
    storage = build_storage(settings)
    desk = build_desk(settings, storage)
    staff = None
    if settings.telegram_staff_chat_id:
        staff = TelegramStaff(
            desk,
            chat_id=settings.telegram_staff_chat_id,
            staff_ids=settings.ids(settings.staff_telegram_user_ids),
            web=build_web_access(settings, storage),
        )

    support = None
    if settings.telegram_support_chat_id:
        support = TelegramSupport(
            storage,
            chat_id=settings.telegram_support_chat_id,
            support_ids=settings.ids(settings.support_telegram_user_ids),
        )

    def outbox(channel: telegram.TelegramChannel, bot: Bot) -> Dispatcher:
        senders: dict[str, Sender] = {
            applicant_destination("telegram"): telegram.ApplicantSender(channel, bot, ApplicantNotices(desk))
        }
        if staff is not None:
            senders[staff_destination("telegram")] = staff.sender(bot)
        if support is not None:
            senders[support_destination("telegram")] = support.sender(bot)
        return outbox_dispatcher(settings, storage, desk, senders)

    application = telegram.build_application(
        build_engine(settings, storage),
        token=token,
        api_url=settings.telegram_api_url,
        limiter=DeliveryLimiter(
            storage=storage_uri(settings.redis_url.get_secret_value() if settings.redis_url else None),
            namespace=token.split(":")[0],  # the bot's id
            overall_rate=settings.telegram_messages_per_second,
            per_chat_rate=settings.telegram_chat_messages_per_second,
        ),
        staff=staff,
        support=support,
        outbox=outbox,
        outbox_every=settings.outbox_poll_seconds,
        sequenced=settings.telegram_webhook_url is not None,  # webhook workers may share a chat
    )
    secret = settings.telegram_webhook_secret
    telegram.run(
        application,
        webhook_url=settings.telegram_webhook_url,
        webhook_secret=secret.get_secret_value() if secret else None,
        listen=settings.listen_host,
        port=settings.port,
    )
    return 0
