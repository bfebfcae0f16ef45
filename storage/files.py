"""Evidence files on disk, named by the SHA-256 of their content (``FILES_DIR``); files 0600 in
folders 0700."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from storage.private_files import make_private_folder


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        """Store ``content`` (once: the same bytes always land on the same name); return its hash."""
        sha256 = hashlib.sha256(content).hexdigest()
        target = self.path(sha256)
        if target.exists():
            os.utime(target)  # saved again now: not a leftover for ``sweep_files``, whatever its age
            return sha256
        make_private_folder(target.parent)
        # Write aside (mkstemp makes the file 0600), then rename: a crash never leaves a
        # half-written file under a final name.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha256

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        self.path(sha256).unlink(missing_ok=True)

    def stored(self) -> Iterator[Path]:
        """Every file in the store: the evidence, and any left aside by a save that was cut off."""
        return (path for path in self.root.glob("*/*") if path.is_file())
