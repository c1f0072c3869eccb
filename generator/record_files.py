"""The run's records in ``.referral/`` read without waiting on what is not a file.

A named pipe put where a record belongs kept `generate` and `mkdocs build` waiting forever at the
open (it returns only once something writes to the pipe), and a device such as ``/dev/zero``
would be read forever. A record is opened without waiting (``O_NONBLOCK``, which changes nothing
for a regular file) and read only once the open file is known to be a regular one.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# O_NOCTTY: a terminal opened here must not become the run's controlling terminal.
_WITHOUT_WAITING = getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


class NotAFile(OSError):
    """A record's path holds something other than a regular file: a cache takes it as absent, a
    record the run cannot do without names it (``kind``)."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"{kind}, not a file", str(path))
        self.kind = kind


def record_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path`` (links followed); :class:`NotAFile` for anything
    else, found without reading it; OSError as ``open`` raises it."""
    handle = regular_file_handle(path, os.O_RDONLY)
    try:
        with open(handle, "rb", closefd=False) as stream:
            return stream.read()
    finally:
        os.close(handle)


def regular_file_handle(path: Path, flags: int, mode: int = 0o666) -> int:
    """``os.open(path, flags)``, opened without waiting, for a regular file only (on which
    O_NONBLOCK changes nothing, so it is left set): :class:`NotAFile` for anything else (closed
    again), found without reading or writing it; OSError as ``open`` raises it."""
    try:
        handle = os.open(path, flags | _WITHOUT_WAITING, mode)
    except IsADirectoryError:  # a folder opened for writing
        raise NotAFile(path, "a folder") from None
    found = os.fstat(handle).st_mode
    if not stat.S_ISREG(found):
        os.close(handle)
        raise NotAFile(path, kind_of(found))
    return handle


def kind_of(mode: int) -> str:
    """What a path that is not a regular file holds, in an editor's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"
