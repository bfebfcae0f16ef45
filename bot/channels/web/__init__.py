"""The staff web desk: credentialing staff review dossiers in a browser (``python -m bot web``, on
``LISTEN_HOST:PORT``, or ``WEB_PORT``), signed in through a one-time link that a staff chat's
``/web`` (Slack: ``/cmm web``) or ``python -m bot staff web-link NAME`` gives."""

from __future__ import annotations

SUMMARY = "serve the staff web desk on LISTEN_HOST:PORT (WEB_PORT if set); staff sign in with /web"
LONG_RUNNING = True
