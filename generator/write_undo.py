"""Putting the docs folder back as it was when a write run fails part-way (writer.write_bytes).

A run that raises an error (a file it may not replace, a full disk) takes back every change it
made, newest first: files it created are removed, files it replaced or removed get their old
bytes back. A run that is killed cannot do this; it leaves its record of pending files instead,
from which the next run recovers (see writer's docstring).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def replace_file(target: Path, content: bytes) -> None:
    """``content`` written beside ``target`` and renamed over it: readers see the old file or the
    new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@dataclass
class UndoLog:
    """Each change a run has made, with what the file held before (None: it did not exist)."""

    changes: list[tuple[Path, bytes | None]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # made by this run, outermost first
    current: Path | None = None  # the file being written when an error stops the run

    def make_folders(self, folder: Path) -> None:
        """``folder`` and any missing folders above it, each remembered to be removed on undo."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir(exist_ok=True)
            self.folders.append(made)

    def changed(self, path: Path, before: bytes | None) -> None:
        self.changes.append((path, before))

    def undo(self) -> list[Path]:
        """Every change taken back, as far as the file system allows; the files it could not
        put back (their change stays)."""
        stuck = []
        for path, before in reversed(self.changes):
            try:
                if before is None:
                    path.unlink(missing_ok=True)
                else:
                    replace_file(path, before)
            except OSError:
                stuck.append(path)
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):  # not empty: something of someone else's is in it
                folder.rmdir()
        return stuck


class WriteFailed(OSError):
    """Writing the generated files failed part-way; what had been written was put back."""

    def __init__(self, error: OSError, where: Path, docs_dir: Path, stuck: list[Path]) -> None:
        reason = error.strerror or str(error)
        if stuck:
            outcome = "these files could not be put back as they were: " + ", ".join(map(str, stuck))
        else:
            outcome = f"{docs_dir} is as it was before this run"
        super().__init__(error.errno, f"could not write {where}: {reason}; {outcome}")

    def __str__(self) -> str:
        return str(self.strerror)
