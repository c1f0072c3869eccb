"""Pages of the owner's that MkDocs would build at the address of a generated page.

MkDocs builds ``tree.md`` and ``tree/index.md`` both at ``tree/index.html`` (and the blog plugin
gives a post of the owner's with a generated issue's slug the issue's address) and keeps
whichever it writes last, with no word said: one of the two pages vanishes from the site.
"""

from __future__ import annotations

from collections.abc import Iterable


def clashing_sources(files: Iterable[tuple[str, str]], own: Iterable[str]) -> list[tuple[str, str, str]]:
    """(the owner's source, the generated source, the address) for each of ``files`` (source,
    built path) built where a generated file (``own``, sources) is; sorted."""
    generated = set(own)
    sources_at: dict[str, list[str]] = {}
    for source, built in files:
        sources_at.setdefault(built, []).append(source)
    clashes = []
    for built, sources in sources_at.items():
        mine = sorted(source for source in sources if source in generated)
        if mine and len(sources) > 1:
            clashes += [(source, mine[0], built) for source in sources if source not in generated]
    return sorted(clashes)


def clash_message(clashes: list[tuple[str, str, str]], docs_dir: str) -> str:
    """One sentence per clash, naming both files and what to do."""
    return " ".join(
        f"{docs_dir}/{source} and the generated {docs_dir}/{generated} would both be built at {built}: "
        f"move or rename {docs_dir}/{source} (the generator owns {generated})."
        for source, generated, built in clashes
    )
