"""Telegram: applicants in a private chat with the bot, staff and support in their groups."""

import argparse

SUMMARY = "run the Telegram bot (TELEGRAM_BOT_TOKEN)"
LONG_RUNNING = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--webhook",
        action="store_true",
        help="refuse to start without TELEGRAM_WEBHOOK_URL (a webhook worker must never poll)",
    )
