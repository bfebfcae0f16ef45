"""``python -m bot migrate`` and ``python -m bot faq-index``: what is done once, before the bot runs."""

from __future__ import annotations

import argparse
import time

from bot.app import open_database
from bot.settings import Settings


def migrate(args: argparse.Namespace, settings: Settings) -> int:
    open_database(settings.model_copy(update={"auto_migrate": True}))
    print("The database schema is up to date.")
    return 0


def make_faq_index(args: argparse.Namespace, settings: Settings) -> int:
    """Learn the index once, ahead of time, so that no bot process waits for it (about 10 s and
    600 MB; nothing to do when the cache already holds it for today's knowledge base)."""
    from conversations.support.faq.index import FaqIndex
    from conversations.support.faq.knowledge import load

    cache = settings.faq_cache_dir
    print(f"Making the FAQ index: learned once (10-30 s), then read from {cache}...", flush=True)
    started = time.perf_counter()
    FaqIndex(load(), cache=cache)
    print(f"The FAQ index is ready in {cache} ({time.perf_counter() - started:.1f} s).")
    return 0
