"""Two files of the docs folder published at one address: one would silently replace the other.

MkDocs writes ``tree.md`` and ``tree/index.md`` to the same ``tree/index.html``, and Material's
blog gives a post the address of its date and slug, whatever its file is called; it reports
neither. When one of the two is the generator's, the site would lose a generated page or the
owner's own, so the build stops and names both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable


def address_clashes(files: Iterable[tuple[str, str]], own: Collection[str]) -> list[str]:
    """One sentence per address that more than one file, one of them in ``own``, is published
    at; ``files`` are (path in the docs folder, path in the site) pairs."""
    sources: dict[str, list[str]] = defaultdict(list)
    for source, address in files:
        sources[address].append(source)
    return [
        _sentence(address, sorted(paths), own)
        for address, paths in sorted(sources.items())
        if len(paths) > 1 and any(path in own for path in paths)
    ]


def _sentence(address: str, paths: list[str], own: Collection[str]) -> str:
    theirs = [path for path in paths if path not in own]
    # A post's address comes from its date and slug: renaming its file changes nothing.
    change = "change the date or slug of" if any("/posts/" in path for path in theirs) else "rename or move"
    return (
        f"{' and '.join(paths)} would be published at the same address ({address}), and one would "
        f"replace the other: {change} {' and '.join(theirs)}, then build again."
    )
