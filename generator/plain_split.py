"""Reading a large plain partners.yaml on two cores: a forked process reads the second half of
its longest list while this one reads the rest (0.9 s for the plain reader at 10,000 partners).

The text is cut where a second reader can start as if at the top of a file: at an item of a
top-level section's list (``referrals:``, then ``  - partner: …`` lines), the tail read as that
section's header followed by the items from the cut on. The plain reader reads line by line, and
at such an item the only state it carries is "an item of that list, at that column", which the
header recreates; the halves' data joined (the section's two lists end to end, the other
sections side by side) is the data of the whole text, and a text either half leaves the plain
subset in is one the whole leaves it in. ``tests/test_plain_split.py`` checks that against the
plain reader for every cut of many texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .forked import can_fork, forked
from .plain_yaml import parse_plain, parse_plain_part

# Below this, forking and pickling the tail cost about what reading it on the other core saves
# (at 1,000 partners, 2.2 MB, the split saves 0.02 s of 0.08 s; at 10,000, 0.36 s of 0.95 s).
MIN_CHARS = 1_000_000
# The tail shorter than half: its records are also validated and pickled there, and unpickled
# here (0.42: both halves ready within 0.02 s of each other at 10,000 partners).
_TAIL_SHARE = 0.42
_SECTION = re.compile(r"^([A-Za-z_][A-Za-z0-9_]{0,63}):\n(?:(?: *(?:#[^\n]*)?)\n)*( +)- ", re.MULTILINE)
# A line at the left margin, found by its line break: 10x faster than `^` in MULTILINE mode.
_MARGIN = re.compile(r"\n[^ \n#]")


@dataclass(frozen=True)
class Cut:
    """Where the tail starts (an item line of ``section``'s list, whose items sit at ``column``)."""

    offset: int
    section: str
    column: int

    def tail(self, text: str) -> str:
        return f"{self.section}:\n{text[self.offset :]}"


# Work on one half's data that needs nothing of the other half, done where the half was read.
Prepare = Callable[[dict[str, Any]], dict[str, Any]]


def parse_plain_fast(text: str, prepare: Prepare | None = None) -> dict[str, Any] | None:
    """What :func:`parse_plain` gives, read on two cores when the text is large. With
    ``prepare``, each half's data goes through it on its own core before the halves are joined
    (validate: each record's model); it must keep every top-level list a list, and the caller
    must accept the joined data with or without it (a half whose process failed comes unprepared)."""
    cut = find_cut(text, len(text) - int(len(text) * _TAIL_SHARE)) if len(text) >= MIN_CHARS else None
    if cut is None or not can_fork():
        return parse_plain(text)
    with forked(lambda: _prepared(parse_plain(cut.tail(text)), prepare)) as pending:
        head = _prepared(parse_plain_part(text, 0, cut.offset), prepare)
        delivered = pending.result()
    tail = delivered[0] if delivered is not None else parse_plain(cut.tail(text))
    return joined(head, tail, cut.section)


def _prepared(data: dict[str, Any] | None, prepare: Prepare | None) -> dict[str, Any] | None:
    return data if data is None or prepare is None else prepare(data)


def parse_in_two(text: str, cut: Cut) -> dict[str, Any] | None:
    """The same reading in this process alone: what the tests compare with the plain reader."""
    return joined(parse_plain_part(text, 0, cut.offset), parse_plain(cut.tail(text)), cut.section)


def find_cut(text: str, near: int) -> Cut | None:
    """The first item line at or after ``near`` of the top-level list holding it, if any, but
    never the list's first item (the head must hold one: an empty ``name:`` is null)."""
    section = _section_at(text, near)
    if section is None:
        return None
    name, column, first, end = section
    item = text.find(f"\n{' ' * column}- ", max(near - 1, first), end)  # never the first item
    if item < 0:
        return None
    return Cut(item + 1, name, column)


def _section_at(text: str, offset: int) -> tuple[str, int, int, int] | None:
    """The top-level section holding ``offset`` if it is a list: its name, its items' column,
    where its first item begins and where it ends (at the next line at the left margin, or the
    end of the text)."""
    margin = _last_margin_line(text, offset)
    header = _SECTION.match(text, margin) if margin is not None else None
    if header is None:
        return None
    following = _MARGIN.search(text, header.end() - 1)
    end = following.start() + 1 if following else len(text)
    name, indent = header.group(1), header.group(2)
    return (name, len(indent), header.end(2), end) if offset < end else None


def _last_margin_line(text: str, offset: int) -> int | None:
    """Where the last line starting at the left margin (not blank, not a comment) before
    ``offset`` begins."""
    last = None if text[:1] in ("", " ", "\n", "#") else 0
    for line in _MARGIN.finditer(text, 0, offset):
        last = line.start() + 1
    return last


def joined(head: dict[str, Any] | None, tail: dict[str, Any] | None, section: str) -> dict[str, Any] | None:
    """The whole text's data from its halves' (None when either leaves the plain subset, or the
    tail repeats a key the head has: the whole text repeats it)."""
    if head is None or tail is None or not isinstance(head.get(section), list):
        return None
    first = tail.pop(section)
    if not isinstance(first, list) or any(name in head for name in tail):
        return None
    head[section].extend(first)
    head.update(tail)
    return head
