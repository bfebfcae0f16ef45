"""The FAQ over HTTP: one process holds the learned index and answers the questions that every
worker of the bot is asked (``python -m bot faq``, listening on ``LISTEN_HOST:PORT``; the workers
reach it at ``FAQ_URL``, through ``bot/faq_client.py``)."""

from __future__ import annotations

SUMMARY = "hold the FAQ index for every worker, on LISTEN_HOST:PORT (the workers' FAQ_URL points there)"
LONG_RUNNING = True
