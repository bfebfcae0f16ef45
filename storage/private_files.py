"""Files and folders that hold applicants' personal data (the SQLite database, evidence files,
dossiers written to the staff folder or exported): the bot's own user alone may read them,
files 0600 and folders 0700, whatever the process's umask."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_private_folder(path: Path) -> None:
    """Create ``path`` and any missing parents, each 0700. A folder that exists already is left
    as it is: who else may read it was the operator's choice."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process, as this one would have
            continue
        folder.chmod(FOLDER_MODE)  # the umask may have taken bits of the mode away


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and 0600, unless it exists."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return
    os.fchmod(descriptor, FILE_MODE)
    os.close(descriptor)


def write_private_file(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` as a 0600 file (one that was there is made 0600 too)."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb") as out:
        os.fchmod(out.fileno(), FILE_MODE)
        out.write(content)
