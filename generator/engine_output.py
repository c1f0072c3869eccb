"""What Zensical leaves behind, made safe: feeds dated at build time, private pages in its cache.

Zensical 0.0.73 dates its feeds' channel at build time and caches every rendered page,
private ones included, in ``.cache/`` at the project root. These functions fix both after a
build (private cache entries wait in ``.referral/`` between builds).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from email.utils import format_datetime
from pathlib import Path

from . import project as pipeline
from .moment import day_start, in_whole_minutes

# Channel-level dates: Zensical stamps them with the build time.
_CHANNEL_DATE = re.compile(r"<(pubDate|lastBuildDate)>[^<]*</\1>")
# An item dated by a whole day: Zensical puts a post's date at 00:00 UTC.
_ITEM_DAY = re.compile(r"<pubDate>[A-Z][a-z]{2}, (\d{2} [A-Z][a-z]{2} \d{4}) 00:00:00 \+0000</pubDate>")
# A private page's path, p/<26 base32 characters>, as written in a cache entry (JSON may
# escape the slash). Public pages never name one: the leak guard makes sure of it.
_PRIVATE_PAGE = re.compile(rb"(?<![A-Za-z0-9])p(?:/|\\/)([a-z2-7]{26})(?![a-z0-9])")
PARKED_CACHE = "zensical-cache"  # in the state folder: private cache entries between builds


def build_time(environ: Mapping[str, str], timezone: str = "UTC") -> dt.datetime:
    """``SOURCE_DATE_EPOCH`` when set (reproducible builds), else the start of today where the
    owner lives (``timezone``): never before the issue dated today there, nor after the run."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    return day_start(pipeline.moment(environ).date_in(timezone), timezone)


def fix_feed_dates(site_dir: Path, environ: Mapping[str, str], timezone: str = "UTC") -> int:
    """Rewrite each RSS feed's channel dates to ``build_time`` and its items' dates of a whole
    day (Zensical's 00:00 UTC) to 00:00 where the owner lives, as the MkDocs build dates them:
    east of UTC the issue under way was dated after the build. The number of feeds changed."""
    stamp = format_datetime(build_time(environ, timezone))
    changed = 0
    for feed in sorted(site_dir.glob("*.xml")):
        text = feed.read_text(encoding="utf-8")
        if "<rss" not in text:
            continue
        head, item, rest = text.partition("<item>")
        fixed = _CHANNEL_DATE.sub(lambda match: f"<{match[1]}>{stamp}</{match[1]}>", head)
        fixed += _ITEM_DAY.sub(lambda match: _owners_midnight(match, timezone), item + rest)
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")
            changed += 1
    return changed


def _owners_midnight(match: re.Match[str], timezone: str) -> str:
    day = dt.datetime.strptime(match[1], "%d %b %Y").date()
    return f"<pubDate>{format_datetime(in_whole_minutes(day_start(day, timezone)))}</pubDate>"


def restore_cache(cache_dir: Path, state_dir: Path) -> int:
    """Before a build: put the private entries parked by ``clean_cache`` back, so Zensical
    need not render every private page again (at 1,000 partners, half the build)."""
    parked = state_dir / PARKED_CACHE
    entries = sorted(parked.iterdir()) if parked.is_dir() else []
    if entries:
        cache_dir.mkdir(exist_ok=True)
    for entry in entries:
        entry.replace(cache_dir / entry.name)
    return len(entries)


def clean_cache(cache_dir: Path, state_dir: Path, outcome: pipeline.Outcome) -> int:
    """After a build: no private page and no confidential value stays in ``cache_dir``.
    Entries of current private pages are parked in the state folder (private, never
    published, like the secret beside them); any other entry holding a confidential value
    or an old private page is removed. The number of entries taken out of the cache."""
    if not cache_dir.is_dir():
        return 0
    from . import guard  # here: engines, read for every command's --help, imports this module

    current = _private_tokens(outcome)
    parked = state_dir / PARKED_CACHE
    parked.mkdir(mode=0o700, parents=True, exist_ok=True)
    taken = 0
    # Not through links: what is listed here is moved or deleted, and a linked folder is not the cache's.
    for path in guard.site_files(cache_dir, through_links=False):
        tokens = {match[1].decode() for match in _PRIVATE_PAGE.finditer(path.read_bytes())}
        if tokens:  # a private page: its address identifies it without the full scan
            if tokens <= current:
                path.replace(parked / path.name)
            else:
                path.unlink()
            taken += 1
    leaks = guard.guard_site(cache_dir, outcome.data, outcome.layout, through_links=False)
    for entry in sorted({leak.file for leak in leaks}):
        (cache_dir / entry).unlink(missing_ok=True)
        taken += 1
    return taken


def _private_tokens(outcome: pipeline.Outcome) -> set[str]:
    layout = outcome.layout
    pages = [layout.partner_page(partner) for partner in outcome.data.partners]
    return {Path(page).stem for page in (*pages, layout.insights_page)}
