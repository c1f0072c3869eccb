"""A fast reader for the plain subset of YAML that partners.yaml is almost always written in.

The marked reader (:mod:`generator.source`) folds libyaml's event stream into data in Python:
about 2.5 s for a 10,000-partner file, most of it building one event and two position marks per
scalar. This module reads the common shape (block mappings and lists, one ``key: value`` per
line) with one regular-expression match per line, and gives up (returns ``None``) on anything
else, so the caller falls back to the marked reader and every message stays exactly what it was.

Why it never accepts what the marked reader refuses: it only returns data for a text in which

* every character is one YAML reads as printable (no tab, no carriage return, no control,
  line or paragraph separator, byte-order mark, surrogate or non-character), so the reader
  errors and the separator check of :func:`generator.source.parse` cannot arise;
* every line is blank, a whole-line comment, or ``INDENT [- ]KEY:[ VALUE]`` where KEY is a
  word of at most 64 characters that is not a null, and VALUE is a one-line plain scalar that
  starts with no indicator, holds no ``#``, no ``:`` before a space, a colon or the line end,
  and no space at its end, or a one-line quoted scalar without escapes (``'…'`` without ``''``, ``"…"`` without ``\\``). No tag, anchor or alias can
  stand where a node starts, no flow collection, block scalar, directive or second document can
  begin, and no scalar can run onto the next line;
* each line's indentation is exactly that of an open mapping or list (a deeper one only opens
  the value of a ``key:`` left empty just above), a ``- `` item is a mapping, no mapping
  repeats a key, and nothing is nested deeper than ``MAX_DEPTH``.

Such a text is a single document of block mappings and lists whose keys are plain words, whose
values are one-line scalars, with no duplicate, empty or non-text key and nothing the marked
reader reports. The data built here is what the marked reader builds: the same nesting, the text
of each scalar, ``None`` for a plain null or an empty value. ``tests/test_plain_yaml.py`` checks
both statements on the malformed corpus of the tests and on generated documents.
"""

from __future__ import annotations

import re
from typing import Any

# Nesting deeper than partners.yaml's own (file → section → record → updates → update) is
# left to the marked reader, which says what is wrong with it.
MAX_DEPTH = 8
SHARED_MAX = 32  # longer values (notes) are seldom repeated
_NULLS = frozenset({"~", "null", "Null", "NULL"})
# Anything outside YAML's printable set, and tab and carriage return (kept out for simplicity).
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_PRINTABLE_ASCII = b"\n" + bytes(range(0x20, 0x7F))  # what _OUTSIDE lets through below U+0080
_CHUNK = 1 << 20
_PLAIN = r"[^-?:,\[\]{}#&*!|>'\"%@` \n](?:[^ :#\n]++| ++(?=[^ #\n])|:(?=[^ :#\n]))*+"
_KEY = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
# One match per line, found in C without a list of lines (which cost twice the file in memory):
# a `key: value` line, a blank or comment line (no groups), or anything else (the last group).
_LINES = re.compile(
    rf"^(?:( *)(- )?({_KEY}):(?: (?:({_PLAIN})|'([^'\n]*)'|\"([^\"\\\n]*)\"))?| *(?:#[^\n]*)?|([^\n]+))$",
    re.MULTILINE,
)

Container = dict[str, Any] | list[Any]


class _Outside(Exception):
    """The text leaves the plain subset: the marked reader takes over."""


def parse_plain(text: str) -> dict[str, Any] | None:
    """The data of ``text`` when it is in the plain subset, else ``None``."""
    return parse_plain_part(text, 0, len(text))


def parse_plain_part(text: str, start: int, end: int) -> dict[str, Any] | None:
    """:func:`parse_plain` of ``text[start:end]``, without the copy (``start`` begins a line)."""
    if _outside(text, start, end):
        return None
    try:
        return _read(text, start, end)
    except _Outside:
        return None


def _outside(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a character :data:`_OUTSIDE` finds."""
    if not text.isascii():  # known without a pass over the text
        return _OUTSIDE.search(text, start, end) is not None
    # In an ASCII text (the usual file) those are the controls but the line feed: found by deleting
    # every other byte, a chunk at a time, in an eighth of the expression's time (0.075 -> 0.0095 s
    # for 10,000 partners' 22.8 MB, where each core waits for it before reading its half).
    for offset in range(start, end, _CHUNK):
        if text[offset : min(offset + _CHUNK, end)].encode("ascii").translate(None, _PRINTABLE_ASCII):
            return True
    return False


def _read(text: str, start: int, end: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    frames: list[tuple[int, Container]] = [(0, root)]  # (column of its keys or dashes, container)
    pending: tuple[dict[str, Any], str, int] | None = None  # a `key:` whose value may follow
    # Where the last key went, and the indentation of its keys: most lines add the next key there.
    mapping, mapping_indent = root, ""
    # One object per distinct field name and short value (stages, ids, dates, names) instead of
    # one per line: 70 MB less at the peak of loading 10,000 partners, and in the model after.
    # A null is None here, as a value and as a key (which leaves the subset): looked up once per
    # line for the sharing anyway, not in _NULLS as well (0.7 million lines at 10,000 partners).
    shared: dict[str, str | None] = dict.fromkeys(_NULLS)
    for match in _LINES.finditer(text, start, end):
        indent, dash, name, plain, single, double, other = match.groups()
        if name is None:
            if other is not None:
                raise _Outside
            continue  # blank or comment
        key = shared.setdefault(name, name)
        if pending is not None or dash is not None or indent != mapping_indent:
            column = len(indent)
            if pending is not None:
                _settle(pending, column, dash is not None, frames)
                pending = None
            mapping = _mapping_at(frames, column, dash is not None)
            mapping_indent = indent + "  " if dash else indent
        if key is None or key in mapping:
            raise _Outside
        if plain is not None:
            mapping[key] = shared.setdefault(plain, plain) if len(plain) <= SHARED_MAX else plain
        elif single is not None or double is not None:
            mapping[key] = single if single is not None else double
        else:
            pending = (mapping, key, len(mapping_indent))
    if pending is not None:
        pending[0][pending[1]] = None
    if not root:
        raise _Outside
    return root


def _settle(
    pending: tuple[dict[str, Any], str, int], column: int, dash: bool, frames: list[tuple[int, Container]]
) -> None:
    """A `key:` with nothing after it: a deeper line opens its value, anything else leaves it null."""
    owner, key, key_column = pending
    if column <= key_column:
        owner[key] = None
        return
    container: Container = [] if dash else {}
    owner[key] = container
    frames.append((column, container))
    if len(frames) > MAX_DEPTH:
        raise _Outside


def _mapping_at(frames: list[tuple[int, Container]], column: int, dash: bool) -> dict[str, Any]:
    """The mapping a line at ``column`` writes into (a new list item's, after a dash)."""
    while frames[-1][0] > column:  # the root, at column 0, is never left
        frames.pop()
    frame_column, container = frames[-1]
    if frame_column != column:
        raise _Outside
    if dash:
        if not isinstance(container, list):
            raise _Outside
        item: dict[str, Any] = {}
        container.append(item)
        frames.append((column + 2, item))
        if len(frames) > MAX_DEPTH:
            raise _Outside
        return item
    if not isinstance(container, dict):
        raise _Outside
    return container
