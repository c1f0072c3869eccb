"""Runs in one project take turns: ``generate``, and the generation of ``mkdocs build`` or
``mkdocs serve``.

Two at once took each other's new pages for those of a cut run, and the one that then failed
removed pages the other had listed. The turn is an advisory lock on the project folder, which
creates no file; the kernel drops it with its process (and with any process forked while it
was held), so a killed run leaves no stale lock. A turn that does not come within
:data:`WAIT_SECONDS` (a run stopped with SIGSTOP, or stuck) ends in a message, never a wait forever.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# A run at 10,000 partners takes about 6 s on a quiet machine; ten times that on a loaded one.
WAIT_SECONDS = 300.0
_POLL = 0.05


class ProjectBusy(OSError):
    """Another run has held the project's turn for longer than :data:`WAIT_SECONDS`."""

    def __init__(self, root: Path, waited: float) -> None:
        super().__init__(
            errno.EWOULDBLOCK,
            f"another run of the generator in {root} (generate, mkdocs build or mkdocs serve) has been "
            f"writing for more than {waited:.0f} s; let it finish or stop it, then run again",
        )

    def __str__(self) -> str:
        return str(self.strerror)


@contextmanager
def one_run_at_a_time(root: Path) -> Iterator[None]:
    """This run's turn in the project at ``root``, held until the block ends."""
    try:
        import fcntl  # not on Windows: no turns taken there

        handle = os.open(root, os.O_RDONLY)
    except (ImportError, OSError):
        yield
        return
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not _locked(fcntl.flock, handle, fcntl.LOCK_EX | fcntl.LOCK_NB):
            if time.monotonic() > deadline:
                raise ProjectBusy(root, WAIT_SECONDS)
            time.sleep(_POLL)
        yield
    finally:
        os.close(handle)


def _locked(flock: Callable[[int, int], None], handle: int, operation: int) -> bool:
    try:
        flock(handle, operation)
    except BlockingIOError:
        return False
    return True
