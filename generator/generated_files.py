"""How the generator knows a file in the docs folder as its own where the manifest does not say:
the mark every generated file carries, and what a run cut short left behind (see writer's
docstring)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import yaml

from .host_files import GENERATED_COMMENT
from .problems import one_line

# How every generated page begins (markdown.front_matter writes it; a test checks they agree).
GENERATED_MARK = b"---\ngenerated_by: referral-newsletter\n"
# The same mark in the other files the generator writes, each in its own format's comments.
COMMENT_MARK = GENERATED_COMMENT.encode()  # .authors.yml, robots.txt, _headers
CALENDAR_MARK = b"\r\nPRODID:-//referral-newsletter//EN\r\n"  # .ics, near the top


def marked_pages(docs_dir: Path, folders: Iterable[str]) -> list[str]:
    """Pages directly inside ``folders`` (relative to ``docs_dir``) that carry the generator's mark."""
    found: list[str] = []
    for folder in sorted(set(folders)):
        base = docs_dir / folder
        if base.is_dir():
            found.extend(
                path.relative_to(docs_dir).as_posix()
                for path in sorted(base.iterdir())
                if path.is_file() and not path.is_symlink() and has_mark(path)
            )
    return found


def has_mark(path: Path) -> bool:
    with path.open("rb") as stream:
        head = stream.read(512)
    return head.startswith((GENERATED_MARK, COMMENT_MARK)) or (
        head.startswith(b"BEGIN:VCALENDAR") and CALENDAR_MARK in head
    )


def is_unmarked_file(path: Path) -> bool:
    """A file (not a link) with something in it but not the mark (empty: as a cut run leaves
    a page it had begun); False when it cannot be read."""
    try:
        return path.is_file() and not path.is_symlink() and path.stat().st_size > 0 and not has_mark(path)
    except OSError:
        return False


def left_by_a_cut_run(docs_dir: Path, listed: Iterable[str]) -> list[str]:
    """Of the files a run cut short had begun to create (``listed`` by its pending record), those
    that are still its own: empty or marked."""
    return [
        relative
        for relative in listed
        if (docs_dir / relative).is_file()
        and not (docs_dir / relative).is_symlink()
        and ((docs_dir / relative).stat().st_size == 0 or has_mark(docs_dir / relative))
    ]


def private_page_title(path: Path) -> str | None:
    """The title of a generated private page (front matter ``private: true``), as a reader reads
    it; None for any other file. Read before the page is removed, so that the owner can be told
    whose link stopped working: the address alone says nothing to them."""
    try:
        with path.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return None
    if not head.startswith(GENERATED_MARK) or b"\nprivate: true\n" not in head:
        return None
    front, _, _ = head[4:].partition(b"\n---\n")
    try:
        meta = yaml.safe_load(front.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    title = meta.get("title") if isinstance(meta, dict) else None
    # One line, its controls escaped: a hand edit may have put a line break or a terminal escape
    # in the title, where no partner's name can be, and the warning must stay one line.
    return one_line(html.unescape(title)) if isinstance(title, str) else None
