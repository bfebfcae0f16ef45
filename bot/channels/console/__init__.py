"""The terminal: an applicant applies in it (``python -m bot console``), and staff and support work
from it (``python -m bot staff|support|outbox|...``)."""

from __future__ import annotations

import argparse

SUMMARY = "apply in this terminal (reads a pipe too)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="local", help="who is applying (one draft per user; default: local)")
