"""The staff folder: where dossiers go in the terminal setup, or with ``STAFF_FOLDER`` set."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conversations.dossier.numbers import dossier_number, version_name
from conversations.staff.desk import StaffDesk
from storage.models import OutboxMessage
from storage.private_files import make_private_folder, write_private_file


class FolderStaffSender:
    """Staff destination of the terminal setup: each dossier version as PDF, JSON and an evidence
    zip in a folder of its own (files 0600, folders 0700), and a line in the terminal."""

    def __init__(self, folder: Path, desk: StaffDesk, echo: Callable[[str], None] | None = None) -> None:
        self.folder = folder
        self.desk = desk
        self.echo = echo

    async def deliver(self, message: OutboxMessage) -> None:
        submitted = self.desk.submission(message.payload)
        dossier = submitted.dossier
        export = self.desk.export_of(dossier, submitted.changes)
        target = self.folder / version_name(dossier)
        make_private_folder(target)
        write_private_file(target / "dossier.pdf", export.pdf)
        write_private_file(target / "dossier.json", export.json)
        write_private_file(target / "evidence.zip", export.evidence_zip)
        notification = self.desk.notification(dossier, submitted.changes)
        write_private_file(target / "notification.txt", (notification + "\n").encode())
        if self.echo:
            self.echo(f"[staff] {dossier_number(dossier)} version {dossier.version} is in {target}")
