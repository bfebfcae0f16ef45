"""``python -m bot telegram``: check the Telegram settings, then run the bot."""

from __future__ import annotations

from bot.app import StartupError, build_engine
from bot.channels import telegram
from bot.settings import Settings


def run_telegram(settings: Settings) -> int:
    token = settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
    if not token:
        raise StartupError(
            "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram and set the token it gives you."
        )
    if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
        raise StartupError(
            "TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL: 1-256 characters of A-Z, a-z, 0-9, _ and -."
        )
    application = telegram.build_application(
        build_engine(settings),
        token=token,
        api_url=settings.telegram_api_url,
        per_chat_rate=settings.telegram_chat_messages_per_second,
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
