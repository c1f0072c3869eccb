"""Private pages left behind by a dirty build: MkDocs rebuilds only changed pages under
``--dirty`` and never removes the output of a page whose source is gone, so the private page of
a partner removed from the data (or whose address changed) would stay in ``site/`` and be
published. A clean build empties ``site/`` first; this does the same for the private folder only.
The leak guard cannot catch such a page itself: its partner's values are no longer in the data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

# The sources MkDocs builds into ``p/<name>/index.html`` (or ``p/<name>.html``).
_SOURCES = ("{name}.md", "{name}/index.md", "{name}/README.md")


def remove_stale_private_pages(site_dir: Path, docs_dir: Path, private_dir: str) -> list[str]:
    """Remove built pages under ``site_dir/private_dir`` whose source is gone from ``docs_dir``;
    their site-relative paths, sorted. Anything else there (an asset, a file copied from the
    docs folder) is left as it is."""
    built, sources = site_dir / private_dir, docs_dir / private_dir
    if not built.is_dir() or built.is_symlink():
        return []
    removed = []
    for entry in sorted(built.iterdir()):
        if _is_stale_page(entry, sources):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(f"{private_dir}/{entry.name}")
    return removed


def _is_stale_page(entry: Path, sources: Path) -> bool:
    if entry.is_symlink():
        return False
    if entry.is_dir():
        name = entry.name
        page = entry / "index.html"
        if not page.is_file() or any(path.name != "index.html" for path in entry.rglob("*")):
            return False
    elif entry.suffix == ".html" and entry.name != "index.html":
        name = entry.stem
    else:
        return False
    return not any((sources / pattern.format(name=name)).exists() for pattern in _SOURCES)
