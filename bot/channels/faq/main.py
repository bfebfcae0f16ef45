"""``python -m bot faq``: the FAQ process."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import build_storage
from bot.channels.faq.server import serve
from bot.settings import Settings
from conversations.support.faq.knowledge import load
from conversations.support.faq.matcher import LocalMatcher


def run(args: argparse.Namespace, settings: Settings) -> int:
    storage = build_storage(settings)
    asyncio.run(serve(LocalMatcher(load(), cache=settings.faq_cache_dir), storage, settings.listen_host, settings.port))
    return 0
