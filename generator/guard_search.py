"""The leak guard worker's search (guard_worker): each built file searched as MkDocs writes it,
and at the end a verdict on every file of the site as it is then.

A verdict found on the way stands at the end only for the bytes it was found on. Reading and
hashing every file again at the end was most of the guard's last look (0.19 s of 0.29 s at 5,000
partners, while the build waited), so while MkDocs builds, each file read is *confirmed* once it
has settled (scan_memory: changed more than a tick of its clock before the moment it is read):
its status taken, its bytes read again and found the same as those searched. From then on any
write to it changes its status (its change time, which no program sets back, moves on), so at
the end a confirmed file whose status is unchanged is not read again. The others are read and
hashed as before: those read in the build's last tenth of a second, those rewritten since, and
those whose change time is from before the worker started (a dirty build's old files, or a file
system that keeps no change time: FAT gives none), where a status proves nothing.
No MkDocs here.
"""

from __future__ import annotations

import collections
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from .leak_delta import Checked
from .leak_scan import Leak, copied_verbatim, decoded_text, scan_text, site_relatives
from .leak_text import PageFolder
from .scan_memory import FINE_TICK_NS, Stamp, file_stamp, is_settled

# A change time this long before the worker started (a coarse clock's tick, FAT's two seconds)
# is from before the build: such a file's status is no proof it was not written since.
_BEFORE_START_NS = 2_000_000_000


class _Verdict(NamedTuple):
    digest: bytes  # of the bytes searched
    leaks: list[Leak]
    status: Stamp | None = None  # once confirmed: the file's status that proves the bytes unchanged


class SiteSearch:
    """Each file's verdict, kept with the digest of the bytes it was reached on, and once
    confirmed with the file's status then."""

    def __init__(
        self,
        site_dir: Path,
        checked: Checked | None,
        verbatim_from: tuple[Path, ...],
        started_ns: int,
        clock: Callable[[], int] = time.time_ns,  # tests move it
    ) -> None:
        self._site, self._checked, self._verbatim_from = site_dir, checked, verbatim_from
        self._started_ns, self._clock = started_ns, clock
        self._verdicts: dict[str, _Verdict] = {}
        self._unconfirmed: collections.deque[tuple[int, str]] = collections.deque()  # (due, file)
        self._folder = PageFolder()  # the pages' shared markup is folded once

    def read(self, relative: str) -> None:
        """Search a file MkDocs has written; confirm it once it has settled."""
        try:
            raw = (self._site / relative).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return  # not written after all (an empty page): the last look finds what is there
        self._verdicts[relative] = _Verdict(_digest(raw), self._leaks(relative, raw))
        self._unconfirmed.append((self._clock() + FINE_TICK_NS, relative))

    def sweep(self) -> None:
        """Search every file already in the site (the theme's, the sitemap) not searched yet."""
        try:
            relatives = site_relatives(self._site)
        except (FileNotFoundError, NotADirectoryError):
            return  # not made yet, or a folder removed meanwhile: the last look reads it all
        for relative in relatives:
            if relative not in self._verdicts:
                self.read(relative)

    def confirm(self) -> float | None:
        """Confirm the files whose time has come; the seconds until the next one's comes, or
        None when none is waiting."""
        now = self._clock()
        while self._unconfirmed and self._unconfirmed[0][0] <= now:
            self._confirm(self._unconfirmed.popleft()[1])
            now = self._clock()
        return (self._unconfirmed[0][0] - now) / 1e9 if self._unconfirmed else None

    def finish(self) -> tuple[list[Leak], int]:
        """The leaks of every file as it is now, and how many files the site holds: a verdict
        stands only for the same bytes, known by a confirmed status or by their digest."""
        relatives, leaks = site_relatives(self._site), set()
        for relative in relatives:
            path = self._site / relative
            kept = self._verdicts.get(relative)
            if kept is not None and kept.status is not None and kept.status == file_stamp(path):
                leaks.update(kept.leaks)
                continue
            raw = path.read_bytes()
            leaks.update(kept.leaks if kept and kept.digest == _digest(raw) else self._leaks(relative, raw))
        return sorted(leaks), len(relatives)

    def _confirm(self, relative: str) -> None:
        """The file's status, if its bytes are still those searched and nothing can have
        changed them unseen since; searched again if they are not."""
        kept, path, moment = self._verdicts.get(relative), self._site / relative, self._clock()
        try:
            status = file_stamp(path)  # before the bytes: a write after it changes the status
            raw = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return  # gone: the last look finds what is there
        if kept is None or kept.digest != _digest(raw):  # written again since it was searched
            self._verdicts[relative] = _Verdict(_digest(raw), self._leaks(relative, raw))
        elif status[2] < self._started_ns - _BEFORE_START_NS:
            return  # a change time from before the build proves nothing: read at the end
        elif is_settled(status, moment):
            self._verdicts[relative] = kept._replace(status=status)
            return
        self._unconfirmed.append((self._clock() + FINE_TICK_NS, relative))

    def _leaks(self, relative: str, raw: bytes) -> list[Leak]:
        checked = self._checked
        if checked is None or copied_verbatim(relative, raw, self._verbatim_from):
            return []
        text = decoded_text(relative, raw, self._folder)
        return scan_text(relative, text, checked.matcher, checked.places).leaks


def _digest(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()  # the fastest of hashlib here: SHA extensions in the CPU
