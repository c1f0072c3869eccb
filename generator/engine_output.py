"""What an engine leaves behind, made safe: feed dates, Zensical's cache, a failed build.

Zensical 0.0.73 dates its feeds' channel at build time and caches every rendered page,
private ones included, in ``.cache/`` at the project root. These functions fix both after a
build; ``quarantine`` moves a failed build out of the folder a host would publish.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from email.utils import format_datetime
from pathlib import Path

from . import guard
from . import project as pipeline

# Channel-level dates only: the items' own pubDate come from the posts and are reproducible.
_CHANNEL_DATE = re.compile(r"<(pubDate|lastBuildDate)>[^<]*</\1>")


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
    """Remove every cache entry that holds a confidential value or a private page's address
    (the leak guard's own scan, with no file at home); Zensical rebuilds them next time."""
    if not cache_dir.is_dir():
        return 0
    leaks = guard.guard_site(cache_dir, outcome.data, outcome.layout)
    entries = sorted({leak.file for leak in leaks})
    for entry in entries:
        (cache_dir / entry).unlink(missing_ok=True)
    return len(entries)
