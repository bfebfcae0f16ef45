"""The FAQ over HTTP: one process holds the learned index and answers the questions that every
worker of the bot is asked (``python -m bot faq``, at ``FAQ_URL``; the workers ask it through
``bot/faq_client.py``)."""

from __future__ import annotations

SUMMARY = "answer the FAQ questions of every worker, at FAQ_URL (one process holds the index)"
LONG_RUNNING = True
