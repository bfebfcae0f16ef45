"""Telegram: applicants in a private chat with the bot, staff and support in their groups."""

SUMMARY = "run the Telegram bot (TELEGRAM_BOT_TOKEN)"
LONG_RUNNING = True
