"""Under ``mkdocs serve``: after a save, read only the built files a rebuild can have changed.

Reading and decoding the files is most of a scan, and a rebuild (``--dirty`` above all)
rewrites few of them. So the guard keeps each file's decoded text from the last clean scan,
with the file's status taken before it was read. Any write to a file changes its status (its
change time, which no program can set back, and usually its size and modification time), and
a file replaced by another has a new inode: a file whose status is unchanged holds the text kept.

What is searched stays what a full scan searches: when the confidential values or their homes
changed since the last clean scan (a new note, a partner withdrawing consent), every kept text
is searched again, with the new values; when they did not, a kept text already proved clean
stays clean and only the files read now are searched. The sitemap, the search index and the
feeds are read every time. A failed scan, or another site or theme folder, starts over. No MkDocs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .leak_scan import Confidential, site_files, site_text
from .leak_text import PageFolder

Stamp = tuple[int, int, int, int]  # size, modification and change times (ns), inode

# Rewritten by every build and read by every crawler: always read again.
_ALWAYS_READ = frozenset({"sitemap.xml", "sitemap.xml.gz", "search/search_index.json"})
_FEED_PREFIX = "feed_"  # mkdocs-rss-plugin's feed_rss_created.xml, feed_json_updated.json, ...


def values_digest(values: Sequence[Confidential]) -> str:
    """A fingerprint of what a clean scan proves a file free of: every value, field and home."""
    rows = sorted([item.value, item.field, item.home, list(item.also)] for item in values)
    return hashlib.sha256(json.dumps(rows).encode("utf-8")).hexdigest()


def always_read(relative: str) -> bool:
    """The sitemap, the search index and the feeds."""
    return relative in _ALWAYS_READ or ("/" not in relative and relative.startswith(_FEED_PREFIX))


def _stamp(path: Path) -> Stamp:
    status = os.stat(path)
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


@dataclass(frozen=True)
class Seen:
    """A file as the scan saw it: its status before reading, and its ``site_text``."""

    stamp: Stamp
    text: str | None


@dataclass
class ScanPlan:
    """What to search now (site-relative path, text), how many files were read for it, and
    every file of the site as it is now."""

    texts: list[tuple[str, str | None]]
    read: int
    digest: str
    files: dict[str, Seen]


@dataclass
class ScanMemory:
    """The last clean scan: where, the fingerprint of its values, and every file it saw."""

    where: tuple[str, ...] = ()
    digest: str | None = None
    files: dict[str, Seen] = field(default_factory=dict)

    def plan(self, site_dir: Path, verbatim_from: Sequence[Path], digest: str) -> ScanPlan:
        """Read the new, changed and always-read files; search the kept texts too when the
        values or their homes changed."""
        where = (str(site_dir), *map(str, verbatim_from))
        if where != self.where:
            self.where, self.digest, self.files = where, None, {}
        texts: list[tuple[str, str | None]] = []
        files: dict[str, Seen] = {}
        folder = PageFolder()
        for path in site_files(site_dir):
            relative, stamp = path.relative_to(site_dir).as_posix(), _stamp(path)
            kept = self.files.get(relative)
            if kept is None or kept.stamp != stamp or always_read(relative):
                files[relative] = Seen(stamp, site_text(site_dir, relative, verbatim_from, folder))
                texts.append((relative, files[relative].text))
            else:
                files[relative] = kept
        read = len(texts)
        if digest != self.digest:
            texts = [(relative, seen.text) for relative, seen in files.items()]
        return ScanPlan(texts, read, digest, files)

    def remember(self, plan: ScanPlan) -> None:
        """The search of ``plan`` found nothing."""
        self.digest, self.files = plan.digest, plan.files

    def forget(self) -> None:
        """The search found a leak (the site moves to quarantine): the next scan reads all."""
        self.digest, self.files = None, {}
