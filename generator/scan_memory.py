"""Under ``mkdocs serve``: after a save, read only the built files a rebuild can have changed,
and search the others only for the values that changed.

Reading and decoding the files is most of a scan, and a rebuild (``--dirty`` above all)
rewrites few of them. So the guard keeps each file's decoded text from the last clean scan,
with the file's status taken before it was read. Any write to a file changes its status (its
change time, which no program can set back, and usually its size and modification time), and
a file replaced by another has a new inode: a file whose status is unchanged holds the text kept.
Unless it was changed within one tick of the file system's clock before it was read: a same-size
rewrite in that tick leaves every time as it was (whole seconds on FAT, HFS+ or ext3). Such a
file is unsettled and read again at the next scan, git's rule for "racily clean" index entries.

What is found stays what a full scan finds: the files read now are searched for every value;
a kept text is searched again only when the confidential values or their homes changed since
the last clean scan (a note edited, a partner withdrawing consent), and then, where that is
enough, only for the values that changed (leak_delta gives the argument). The sitemap, the
search index and the feeds are read every time. A failed scan, or another site or theme
folder, starts over. No MkDocs.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .leak_delta import Checked, Proved, away_from_home, recheck_matcher
from .leak_match import Matcher
from .leak_scan import Leak, scan_text, site_files, site_text
from .leak_text import PageFolder

Stamp = tuple[int, int, int, int]  # size, modification and change times (ns), inode

# Rewritten by every build and read by every crawler: always read again.
_ALWAYS_READ = frozenset({"sitemap.xml", "sitemap.xml.gz", "search/search_index.json"})
_FEED_PREFIX = "feed_"  # mkdocs-rss-plugin's feed_rss_created.xml, feed_json_updated.json, ...


def always_read(relative: str) -> bool:
    """The sitemap, the search index and the feeds."""
    return relative in _ALWAYS_READ or ("/" not in relative and relative.startswith(_FEED_PREFIX))


_SECOND_NS = 1_000_000_000
# A time without a fraction of a second comes from a coarse clock: FAT keeps two seconds.
_COARSE_TICK_NS = 2 * _SECOND_NS
# Else the kernel's coarse clock (a jiffy, up to 10 ms) or exFAT's 10 ms, with room to spare.
FINE_TICK_NS = 100_000_000


def file_stamp(path: str | os.PathLike[str]) -> Stamp:
    status = os.stat(path)
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def is_settled(stamp: Stamp, moment_ns: int) -> bool:
    """Whether a file with this status, read after ``moment_ns``, was last changed more than a
    tick of its clock before: a later write cannot then leave its times as they were."""
    times = stamp[1:3]
    coarse = any(when % _SECOND_NS == 0 for when in times)
    return max(times) + (_COARSE_TICK_NS if coarse else FINE_TICK_NS) <= moment_ns


@dataclass(frozen=True)
class Seen:
    """A file as the scan saw it: its status before reading, its ``site_text``, and whether
    its last search found a value away from home inside one at home (leak_scan.Verdict)."""

    stamp: Stamp
    text: str | None
    covers: bool = False
    settled: bool = True


@dataclass
class ScanMemory:
    """The last clean scan: where, what it proved of the values it checked, and every file it saw."""

    where: tuple[str, ...] = ()
    proved: Proved | None = None
    files: dict[str, Seen] = field(default_factory=dict)
    clock: Callable[[], int] = time.time_ns  # the moment a scan starts: tests move it

    def scan(self, site_dir: Path, verbatim_from: Sequence[Path], checked: Checked) -> tuple[list[Leak], int]:
        """The leaks of ``checked``'s values in the site, as a full scan finds them, and how
        many files were read for it."""
        where = (str(site_dir), *map(str, verbatim_from))
        if where != self.where:
            self.where, self.proved, self.files = where, None, {}
        files, fresh = self._read(site_dir, verbatim_from)
        everything = self.proved is None
        recheck = None if self.proved is None else recheck_matcher(self.proved, checked)
        leaks: set[Leak] = set()
        for relative, seen in files.items():
            whole = everything or relative in fresh
            if seen.text is None or not (whole or recheck):
                continue  # the values and the file are as the last clean scan saw them
            found, files[relative] = _search(relative, seen, seen.text, None if whole else recheck, checked)
            leaks.update(found)
        if leaks:
            self.forget()
        else:
            self.proved, self.files = Proved.by(checked), files
        return sorted(leaks), len(fresh)

    def _read(self, site_dir: Path, verbatim_from: Sequence[Path]) -> tuple[dict[str, Seen], set[str]]:
        """Every file of the site as it is now, and which of them were read: the new, the
        changed and the always-read ones."""
        files: dict[str, Seen] = {}
        fresh: set[str] = set()
        folder, moment = PageFolder(), self.clock()  # before any file's status: the earliest read
        for path in site_files(site_dir):
            relative, stamp = path.relative_to(site_dir).as_posix(), file_stamp(path)
            kept = self.files.get(relative)
            if kept is None or not kept.settled or kept.stamp != stamp or always_read(relative):
                text = site_text(site_dir, relative, verbatim_from, folder)
                files[relative] = Seen(stamp, text, settled=is_settled(stamp, moment))
                fresh.add(relative)
            else:
                files[relative] = kept
        return files, fresh

    def forget(self) -> None:
        """The search found a leak (the site moves to quarantine): the next scan reads all."""
        self.proved, self.files = None, {}


def _search(
    relative: str, seen: Seen, text: str, recheck: Matcher | None, checked: Checked
) -> tuple[list[Leak], Seen]:
    """A file's leaks, and how to remember it. Searched for every value when ``recheck`` is
    None (the file was read now, or no clean scan is known), when it covers, or when a value
    ``recheck`` finds is away from home in it; else for the changed values alone (leak_delta)."""
    places = checked.places
    if recheck is None or seen.covers or away_from_home(relative, text, recheck, places):
        verdict = scan_text(relative, text, checked.matcher, places)
        return verdict.leaks, dataclasses.replace(seen, covers=verdict.covers)
    return [], seen
