"""Staff commands from the terminal (``python -m bot staff ...``; what ``export`` makes is
written to a folder), the submitted dossiers listed and printed (``dossiers``, ``export``), and
what the outbox has not delivered (``outbox``)."""

from __future__ import annotations

import argparse
import getpass
import json
import re
import sys
from pathlib import Path

from bot.app import build_desk, build_storage, build_web_access
from bot.channels.console.listing import print_listing
from bot.settings import Settings
from conversations.application.flow import Flow
from conversations.dossier.numbers import applicant_id_in, dossier_number
from conversations.staff import commands as staff_commands
from conversations.staff.desk import StaffDesk
from conversations.staff.export import to_json, to_text
from conversations.staff.web_access import WebAccess
from storage.private_files import make_private_folder, write_private_file

_STAFF_NAME = re.compile(r"[\w.@-]{1,64}")


def run_staff_command(desk: StaffDesk, text: str, *, out: Path, web: WebAccess | None = None) -> int:
    """A staff command typed in the terminal; ``web-link NAME`` gives a sign-in link to the web
    desk for NAME (whoever runs this on the server is trusted as staff)."""
    words = text.split(maxsplit=1)
    if words and words[0].lstrip("/") == "web":
        print("In the terminal, a link names who it is for: python -m bot staff web-link NAME", file=sys.stderr)
        return 1
    if words and words[0] == "web-link":
        name = words[1].strip() if len(words) > 1 else ""
        if web is None or not _STAFF_NAME.fullmatch(name):
            print(
                "Say who the link is for, as the history will name them: python -m bot staff web-link NAME "
                "(letters, digits, . _ - @, at most 64; e.g. web-link ana)",
                file=sys.stderr,
            )
            return 1
        print(staff_commands.web_link_reply(web.link_for(f"terminal:{name}")).text)
        return 0
    reply = staff_commands.run(desk, text or "help", actor=f"terminal:{getpass.getuser()}")
    print(reply.text)
    for name, content in reply.files:
        make_private_folder(out)
        write_private_file(out / name, content)
        print(f"  wrote {out / name}")
    return 1 if reply.refused else 0


def run_staff(args: argparse.Namespace, settings: Settings) -> int:
    storage = build_storage(settings)
    return run_staff_command(
        build_desk(settings, storage), " ".join(args.words), out=args.out, web=build_web_access(settings, storage)
    )


def run_dossiers(args: argparse.Namespace, settings: Settings) -> int:
    with build_storage(settings).transaction() as tx:
        dossiers = tx.dossiers.all()
    print_listing(
        (
            (dossier_number(dossier), f"v{dossier.version}", dossier.status, f"{dossier.submitted_at:%Y-%m-%d %H:%M}")
            for dossier in dossiers
        ),
        header=("number", "version", "status", "submitted (UTC)"),
        empty="No application has been submitted yet.",
    )
    return 0


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    applicant_id = applicant_id_in(args.number)
    with build_storage(settings).transaction() as tx:
        versions = tx.dossiers.versions_of(applicant_id) if applicant_id is not None else []
    chosen = [dossier for dossier in versions if args.version in (None, dossier.version)]
    if not chosen:
        which = f"version {args.version} of " if versions else ""
        print(f"There is no {which}dossier {args.number}; `python -m bot dossiers` lists them.", file=sys.stderr)
        return 1
    dossier = chosen[-1]
    if args.format == "json":
        print(json.dumps(to_json(dossier), indent=2, ensure_ascii=False))
    else:
        print(to_text(dossier, flow=Flow(), policy=settings.policy()), end="")
    return 0


def run_outbox(args: argparse.Namespace, settings: Settings) -> int:
    with build_storage(settings).transaction() as tx:
        pending = tx.outbox.undelivered()
    print_listing(
        (
            (
                message.id,
                message.topic,
                message.destination,
                f"{message.created_at:%Y-%m-%d %H:%M}",
                f"failed {message.attempts}×, next try {message.next_attempt_at:%Y-%m-%d %H:%M:%S}"
                if message.attempts
                else "pending",
                message.last_error or "",
            )
            for message in pending
        ),
        header=("id", "topic", "destination", "queued (UTC)", "state", "last error"),
        empty="Everything has been delivered.",
    )
    return 0
