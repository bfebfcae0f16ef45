"""``python -m bot faq``: the FAQ process."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.app import build_storage
from bot.channels.faq.server import address, serve
from bot.settings import Settings
from conversations.support.faq.knowledge import load
from conversations.support.faq.matcher import LocalMatcher


def run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.faq_url is None:
        print("Set FAQ_URL to where this process should listen, e.g. FAQ_URL=http://127.0.0.1:8081", file=sys.stderr)
        return 2
    host, port = address(settings.faq_url)
    storage = build_storage(settings)
    asyncio.run(serve(LocalMatcher(load(), cache=settings.faq_cache_dir), storage, host, port))
    return 0
