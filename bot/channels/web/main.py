"""``python -m bot web``: the staff web desk."""

from __future__ import annotations

import argparse
import asyncio

from bot.app import build_desk, build_storage, build_web_access
from bot.channels.web.server import serve
from bot.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    storage = build_storage(settings)
    desk = build_desk(settings, storage)
    access = build_web_access(settings, storage)
    host, port = settings.web_address()
    asyncio.run(serve(desk, access, host, port))
    return 0
