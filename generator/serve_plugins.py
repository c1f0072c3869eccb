"""Under ``mkdocs serve``: what the feed and search plugins remember from earlier rebuilds, made
to match the pages as they are now.

One plugin instance lives across a preview's rebuilds, and two of them keep stale text there:
mkdocs-rss-plugin (1.19) adds every post it renders to a list it empties only at start-up, so
a post's earlier text stayed in the served feeds; Material's search under ``--dirty`` merges the
last index with this rebuild's pages but drops the earlier entries of only the first page
rebuilt. After a partner was made private, their old spotlight stayed in both, the leak guard
moved the preview away, and every later save failed the same way until the server restarted.
No MkDocs import: the plugins are reached through the few attributes named below.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Rebuild:
    """The pages of one rebuild: every page it has (by source and address), and those it built."""

    sources: set[str] = field(default_factory=set)
    addresses: set[str] = field(default_factory=set)
    built: set[str] = field(default_factory=set)
    outputs: set[str] = field(default_factory=set)

    def know(self, files: Iterable[Any]) -> None:
        """The site's files, from MkDocs' ``File`` objects (``abs_src_path``, ``dest_uri``, and
        ``page.url`` for a page)."""
        for file in files:
            self.outputs.add(file.dest_uri)
            if file.page is None:
                continue
            if file.abs_src_path:
                self.sources.add(str(file.abs_src_path))
            self.addresses.add(file.page.url)


def remove_stale_outputs(site_dir: Path, before: set[str], now: set[str], private_dir: str) -> list[str]:
    """Remove what an earlier rebuild wrote for a file that is gone (a removed event's calendar
    file, a removed page): ``--dirty`` never removes it, so a deleted page was still served.
    The removed paths, relative to ``site_dir``, sorted. Private pages are left to
    stale_pages, which removes their folders too and never names their addresses."""
    removed = []
    for uri in sorted(uri for uri in before - now if not uri.startswith(f"{private_dir}/")):
        path = site_dir / uri
        if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(site_dir.resolve()):
            path.unlink()
            removed.append(uri)
    return removed


def latest_feed_items(items: Iterable[Any], sources: set[str]) -> list[Any]:
    """mkdocs-rss-plugin's items (``abs_path``: the post's file), the last one of each post only,
    and none of a post gone from the site."""
    latest: dict[str, Any] = {}
    for item in items:
        latest[str(item.abs_path)] = item  # a later rebuild's item replaces the earlier one
    return [item for source, item in latest.items() if source in sources]


def current_search_entries(
    previous: Iterable[dict[str, Any]], rebuilt: list[dict[str, Any]], rebuild: Rebuild
) -> list[dict[str, Any]]:
    """The last index's entries of pages still there and not built again, then this rebuild's."""
    kept = [
        entry
        for entry in previous
        if (page := str(entry.get("location", "")).split("#")[0]) in rebuild.addresses
        and page not in rebuild.built
    ]
    return kept + rebuilt


def forget_stale(plugins: Any, rebuild: Rebuild) -> None:
    """Run before the feed and search plugins write their files (their ``on_post_build``)."""
    rss = plugins.get("rss")
    if rss is not None and isinstance(getattr(rss, "pages_to_filter", None), list):
        rss.pages_to_filter = latest_feed_items(rss.pages_to_filter, rebuild.sources)
    search = plugins.get("material/search") or plugins.get("search")
    if search is not None:
        _merge_search_index(search, rebuild)


def _merge_search_index(search: Any, rebuild: Rebuild) -> None:
    """Material keeps the last index only under ``--dirty`` (``search_index_prev``)."""
    previous = getattr(search, "search_index_prev", None)
    index = getattr(search, "search_index", None)
    if previous is not None and index is not None and isinstance(getattr(index, "entries", None), list):
        index.entries = current_search_entries(previous.entries, index.entries, rebuild)
        search.search_index_prev = None  # merged here: Material's own merge would drop entries
