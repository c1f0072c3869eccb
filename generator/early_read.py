"""The partners file read ahead, on the second core, while MkDocs loads the rest of its
configuration (the plugins after this one, the Markdown extensions: 0.08-0.09 s, timed in a
build at 1,000 partners), so that less of the reading is left for the plugin's ``on_config``.

A forked process reads the file and the tail of its longest list from plain_split's cut (nine
tenths of a file up to 2.5 MB; of a larger one the share plain_split's own second process
reads); the head is left for ``on_config``. What it sends back is used only for the very bytes
the run reads (their digest): a file changed since is read as if nothing had been read ahead,
as is one the process could not read. It stands in for the plain reading only: validation, and
every error message, are as without it. No MkDocs here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import source
from .forked import Pending, can_fork, forked
from .plain_split import MIN_CHARS, TAIL_SHARE, Cut, find_cut, joined, parse_plain_fast
from .plain_yaml import parse_plain, parse_plain_part

# Up to this size the file is read ahead almost whole: the time MkDocs gives (0.085 s) is about
# what reading 2.4 MB takes on one core here, and 1,000 partners are 2.2 MB. A larger file is
# cut where plain_split cuts it (the head read in on_config, as it would be anyway, the tail
# ahead): reading more ahead made a run at 5,000 partners on a busy machine wait for the tail.
_MOSTLY_AHEAD_BYTES = 2_500_000
_MOST = 0.9


@dataclass(frozen=True)
class ReadAhead:
    """What the forked process sends: the digest of the bytes it read, where it cut their text,
    and the plain reading of the tail from there, or of all of it when there is no cut (None:
    the text is not in the plain subset)."""

    digest: bytes
    cut: Cut | None
    data: dict[str, Any] | None


class _Started:
    """The process reading ``path`` ahead, until its result is taken."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._owner = os.getpid()
        self._ends = contextlib.ExitStack()
        self.pending: Pending[ReadAhead] = self._ends.enter_context(forked(lambda: read_ahead(path)))

    def ours(self) -> bool:
        """Whether this process started it: a process forked from the run's holds a copy."""
        return self._owner == os.getpid()

    def end(self) -> None:
        if self.ours():
            self._ends.close()


class Taken:
    """A read ahead taken by the run that reads the bytes ``raw``."""

    def __init__(self, started: _Started, raw: bytes) -> None:
        self._started, self._digest, self._size = started, _digest(raw), len(raw)

    def plain_data(self, text: str) -> dict[str, Any] | None:
        """What ``plain_split.parse_plain_fast(text)`` gives: the head read here first, as the
        other process reads the tail, then joined to its reading if it read these very bytes."""
        cut = _cut(text, self._size)
        head = parse_plain_part(text, 0, cut.offset) if cut is not None else None
        try:
            delivered = self._started.pending.result()
        finally:
            self.end()
        if delivered is None or (delivered[0].digest, delivered[0].cut) != (self._digest, cut):
            return parse_plain_fast(text)  # changed since, or not read there: read as without
        tail = delivered[0].data
        return tail if cut is None else joined(head, tail, cut.section)

    def end(self) -> None:
        self._started.end()


# Below this the fork costs the build's process about what reading the file there does.
MIN_BYTES = 250_000


class _Slot:
    """The read ahead under way in this process, if any (one at a time)."""

    started: _Started | None = None


_slot = _Slot()


def start(path: Path) -> None:
    """Read ``path`` ahead in a forked process, where one can start (plain_split's conditions)
    and the file is large enough to be worth it."""
    discard()
    with contextlib.suppress(OSError):  # unreadable: the run says so, where it reads the file
        if path.stat().st_size >= MIN_BYTES and can_fork():
            _slot.started = _Started(path)


def taken(path: Path, raw: bytes) -> Taken | None:
    """The read ahead of ``path`` for the run that read ``raw`` from it, if one was started; the
    caller ends it (:meth:`Taken.plain_data` does)."""
    started, _slot.started = _slot.started, None
    if started is not None and started.ours() and started.path == path:
        return Taken(started, raw)
    if started is not None:
        started.end()
    return None


def discard() -> None:
    """End a read ahead nobody took (a run that never came to reading)."""
    started, _slot.started = _slot.started, None
    if started is not None:
        started.end()


def read_ahead(path: Path) -> ReadAhead:
    """In the forked process: the file's plain reading, of the tail from :func:`_cut`, or all."""
    raw = path.read_bytes()
    text = source.read_text(raw, str(path))
    cut = _cut(text, len(raw))
    return ReadAhead(_digest(raw), cut, parse_plain(cut.tail(text) if cut else text))


def _cut(text: str, size: int) -> Cut | None:
    """Where the tail read ahead starts; the same for the same text in either process."""
    share = _MOST if size <= _MOSTLY_AHEAD_BYTES else TAIL_SHARE
    return find_cut(text, len(text) - int(len(text) * share)) if len(text) >= MIN_CHARS else None


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()
