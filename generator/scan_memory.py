"""Under ``mkdocs serve``: after a save, read only the built files that can hold a new leak.

A clean scan proves every file it read free of the values it looked for, away from the homes
they had. While those values and homes stay the same, a file whose bytes did not change stays
clean. Any write to a file changes its status (its change time, which no program can set back,
and usually its size and modification time), and a file replaced by another has a new inode;
so a file whose status is the one seen before the last clean scan read it holds the bytes that
scan read. Any change to the values or their homes (a new prospect, a partner withdrawing
consent) makes the next scan a full one, as does a failed scan. No MkDocs here.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .leak_scan import Confidential, site_files

Stamp = tuple[int, int, int, int]  # size, modification and change times (ns), inode

# Written by every build and read by every visitor or crawler: always read again.
_ALWAYS_SCANNED = frozenset({"sitemap.xml", "sitemap.xml.gz", "search/search_index.json"})
_FEED_PREFIX = "feed_"  # mkdocs-rss-plugin's feed_rss_created.xml, feed_json_updated.json, ...


def values_digest(values: Sequence[Confidential], site_dir: Path, verbatim_from: Sequence[Path]) -> str:
    """A fingerprint of what a scan proves a file free of: every value with its field and homes,
    the folder scanned and the theme folders whose copies are skipped."""
    rows = sorted([item.value, item.field, item.home, list(item.also)] for item in values)
    context = [str(site_dir), sorted(str(folder) for folder in verbatim_from)]
    return hashlib.sha256(json.dumps([context, rows]).encode("utf-8")).hexdigest()


def always_scanned(relative: str) -> bool:
    """The sitemap, the search index and the feeds."""
    return relative in _ALWAYS_SCANNED or ("/" not in relative and relative.startswith(_FEED_PREFIX))


def _stamp(path: Path) -> Stamp:
    status = os.stat(path)
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


@dataclass
class ScanPlan:
    """The files to read now, and every file's status taken before any was read."""

    digest: str
    files: list[Path]
    stamps: dict[str, Stamp]


@dataclass
class ScanMemory:
    """What the last clean scan proved: the values' fingerprint and each file's status then."""

    digest: str | None = None
    stamps: dict[str, Stamp] = field(default_factory=dict)

    def plan(self, site_dir: Path, digest: str) -> ScanPlan:
        """Every file when the values or their homes changed; else only new or changed files
        (status taken before reading, so a file written during the scan is read next time)."""
        files = site_files(site_dir)
        stamps = {path.relative_to(site_dir).as_posix(): _stamp(path) for path in files}
        if digest != self.digest:
            return ScanPlan(digest, files, stamps)
        changed = [
            path
            for path, (relative, stamp) in zip(files, stamps.items(), strict=True)
            if always_scanned(relative) or self.stamps.get(relative) != stamp
        ]
        return ScanPlan(digest, changed, stamps)

    def remember(self, plan: ScanPlan) -> None:
        """The scan of ``plan`` found nothing."""
        self.digest, self.stamps = plan.digest, plan.stamps

    def forget(self) -> None:
        """The scan failed or the site moved away: the next scan reads everything."""
        self.digest, self.stamps = None, {}
