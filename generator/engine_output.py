"""What an engine leaves behind, made safe: feed dates, Zensical's cache, a failed build.

Zensical 0.0.73 dates its feeds' channel at build time and caches every rendered page,
private ones included, in ``.cache/`` at the project root. These functions fix both after a
build; ``quarantine`` moves a failed build out of the folder a host would publish.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Mapping
from email.utils import format_datetime
from pathlib import Path

from . import guard
from . import project as pipeline

# Channel-level dates only: the items' own pubDate come from the posts and are reproducible.
_CHANNEL_DATE = re.compile(r"<(pubDate|lastBuildDate)>[^<]*</\1>")
QUARANTINE = "quarantine"
# A private page's path, p/<26 base32 characters>, as written in a cache entry (JSON may
# escape the slash). Public pages never name one: the leak guard makes sure of it.
_PRIVATE_PAGE = re.compile(rb"(?<![A-Za-z0-9])p(?:/|\\/)[a-z2-7]{26}(?![a-z0-9])")


def build_time(environ: Mapping[str, str]) -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the start of today (UTC)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return dt.datetime.combine(pipeline.today(environ), dt.time(), dt.UTC)


def fix_feed_dates(site_dir: Path, environ: Mapping[str, str]) -> int:
    """Rewrite each RSS feed's channel dates to ``build_time``; the number of feeds changed."""
    stamp = format_datetime(build_time(environ))
    changed = 0
    for feed in sorted(site_dir.glob("*.xml")):
        text = feed.read_text(encoding="utf-8")
        if "<rss" not in text:
            continue
        head, item, rest = text.partition("<item>")
        fixed = _CHANNEL_DATE.sub(lambda match: f"<{match[1]}>{stamp}</{match[1]}>", head) + item + rest
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed


def clean_cache(cache_dir: Path, outcome: pipeline.Outcome) -> int:
    """Remove every cache entry of a private page, past or present, and any other entry that
    holds a confidential value (the leak guard's scan, no file at home); Zensical rebuilds
    them next time. The number removed."""
    if not cache_dir.is_dir():
        return 0
    # Most entries are private pages: their address identifies them without the full scan.
    private = [path for path in guard.site_files(cache_dir) if _PRIVATE_PAGE.search(path.read_bytes())]
    for path in private:
        path.unlink()
    leaks = guard.guard_site(cache_dir, outcome.data, outcome.layout)
    leaking = sorted({leak.file for leak in leaks})
    for entry in leaking:
        (cache_dir / entry).unlink(missing_ok=True)
    return len(private) + len(leaking)


def quarantine(site_dir: Path, state_dir: Path) -> str:
    """Move a failed build's output out of the published folder; where, for the error message.

    Only what the engines treat as their output moves (entries not starting with a dot), so a
    ``.git`` of a deploy checkout stays; nothing to move (the plugin moved it already) is fine.
    """
    entries = sorted(entry for entry in site_dir.glob("*") if not entry.name.startswith("."))
    if not entries:
        return ""
    target = state_dir / QUARANTINE / site_dir.name
    if target.exists():  # the previous failed build, also moved here by us
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for entry in entries:
        shutil.move(entry, target / entry.name)
    return f"; nothing is left to publish: the output was moved to {target}"
