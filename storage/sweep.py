"""Removing the files a save cut off leaves in the store. A file is written to the store before
the transaction that records it commits, so a process killed in between leaves a file no
evidence record refers to (or one still aside, half-written); the bot processes sweep them as
they start."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storage.unit_of_work import Storage

# Far longer than a save takes, from writing the file to committing its record (one turn).
GRACE = dt.timedelta(hours=1)


def sweep_files(storage: Storage, *, grace: dt.timedelta = GRACE) -> list[Path]:
    """Delete the stored files no evidence record refers to that were last written more than
    ``grace`` ago by the storage's clock (a file being saved right now is younger, and its record
    not committed yet); return them."""
    before = storage.clock() - grace
    with storage.transaction() as tx:
        recorded = tx.evidence.hashes()
    swept = []
    for path in storage.files.stored():
        if path.name in recorded:
            continue
        try:
            written = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        except FileNotFoundError:  # deleted meanwhile, with its applicant
            continue
        if written < before:
            path.unlink(missing_ok=True)
            swept.append(path)
    return swept
