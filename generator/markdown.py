"""Make data safe to place in Markdown, and write front matter MkDocs reads back intact."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import yaml

# Every character Python-Markdown, pymdown-extensions or Material give a meaning to inline
# (emphasis, links, attribute lists, emoji, snippets, tables, critic marks, raw HTML).
_MARKUP = re.compile(r"[\\`*_{}\[\]()#+\-!|<>&~^=:$%\"'@]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_NEEDS_ESCAPE = re.compile(r"[\\`*_{}\[\]()#+\-!|<>&~^=:$%\"'@\r\n]")
# Digits and a dot opening a text ("2026. A great year") start an ordered list where the text
# opens a line (a spotlight, the intro), and Python-Markdown renumbers it from 1.
_LIST_NUMBER = re.compile(r"^(\d+)\.(?=\s)")
# Strings PyYAML writes as plain scalars, byte for byte (tests/test_injection.py compares): a
# word that is no YAML keyword, or letters first and a space inside (never a number, date or
# keyword then), without any character YAML gives a meaning to. Anything else goes to PyYAML.
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*")
_PLAIN_WORDS = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f.']* [A-Za-z0-9\u00c0-\u024f .']*")
_YAML_KEYWORDS = frozenset(
    [
        "y",
        "Y",
        "n",
        "N",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "true",
        "True",
        "TRUE",
        "false",
        "False",
        "FALSE",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "null",
        "Null",
        "NULL",
    ]
)
# libyaml's emitter and parser: 30x faster than PyYAML's pure-Python ones (5 ms a page).
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Markdown(str):
    """Text that is already Markdown and must not be escaped again."""


def escape_text(value: object) -> str:
    """Data as literal text: markup characters become numeric character references."""
    if type(value) is str:  # most values: plain text, tested first (860,000 calls at 10,000 partners)
        text = value
    elif isinstance(value, Markdown):
        return value
    else:
        text = str(value)
    # Most values (names, dates, counts) need no change: one search instead of two substitutions.
    if _NEEDS_ESCAPE.search(text) is None and text.strip() == text and not text[:1].isdigit():
        return text
    flat = _MARKUP.sub(lambda match: f"&#{ord(match.group())};", _LINE_BREAKS.sub(" ", text).strip())
    return _LIST_NUMBER.sub(r"\1&#46;", flat, count=1) if flat[:1].isdigit() else flat


def escape_html(value: object) -> str:
    """For places MkDocs/Material print unescaped (e.g. ``title:``), plain HTML escaping."""
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# First key of every generated page: when the manifest is lost, the writer tells its own old
# pages from hand-written ones by this line alone (see generated_files.GENERATED_MARK).
GENERATED_BY = {"generated_by": "referral-newsletter"}


def front_matter(meta: dict[str, Any]) -> str:
    """A YAML front-matter block, marked as generated, exactly as PyYAML writes it, that parses
    back to exactly ``meta``.

    Pages' metadata is small and regular: written directly when every value is one PyYAML
    writes plainly (a fortieth of the cost); anything else goes through PyYAML and a round trip.
    """
    meta = {**GENERATED_BY, **meta}
    lines = _plain_lines(meta, "")
    if lines is not None:
        return "---\n" + "".join(lines) + "---\n"
    return _dumped_front_matter(meta)


class TitledFrontMatter:
    """:func:`front_matter` of pages whose metadata differ in their title alone (10,000 partner
    pages): the lines before and after the title are written once, not once per page."""

    def __init__(self, rest: dict[str, Any]) -> None:
        self._rest = rest
        head, tail = _plain_lines(GENERATED_BY, ""), _plain_lines(rest, "")
        plain = head is not None and tail is not None and "title" not in rest
        self._around = ("---\n" + "".join(head or ()), "".join(tail or ()) + "---\n") if plain else None

    def __call__(self, title: str) -> str:
        scalar = _plain_scalar(title)
        if self._around is None or scalar is None:
            return front_matter({"title": title, **self._rest})
        return f"{self._around[0]}title: {scalar}\n{self._around[1]}"


def _plain_lines(meta: dict[str, Any], indent: str) -> list[str] | None:
    lines = []
    for key, value in meta.items():
        if not _is_plain(key):
            return None
        if isinstance(value, dict):
            inner = _plain_lines(value, indent + "  ")
            if inner is None or not inner:
                return None
            lines += [f"{indent}{key}:\n", *inner]
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(item, str) and _is_plain(item) for item in value)
        ):
            lines += [f"{indent}{key}:\n", *(f"{indent}- {item}\n" for item in value)]
        elif (scalar := _plain_scalar(value)) is not None:
            lines.append(f"{indent}{key}: {scalar}\n")
        else:
            return None
    return lines


def _plain_scalar(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is dt.date:
        return value.isoformat()
    if isinstance(value, str) and _is_plain(value):
        return value
    return None


# Pages' metadata repeats its keys and most values on every page (10,000 partner pages): only
# titles differ. The answer depends on the text alone, so a memo kept for the process changes
# no page; passing one through every render to scope it to a run would cost more than it keeps.
@functools.lru_cache(maxsize=1024)
def _is_plain(text: object) -> bool:
    if not isinstance(text, str) or text.endswith(" "):
        return False
    if _PLAIN_WORD.fullmatch(text):
        return text not in _YAML_KEYWORDS
    return bool(_PLAIN_WORDS.fullmatch(text)) and "  " not in text


def _dumped_front_matter(meta: dict[str, Any]) -> str:
    text = yaml.dump(
        meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    if yaml.load(text, Loader=_Loader) != meta:
        raise ValueError(f"front matter does not survive a round trip: {meta!r}")
    return f"---\n{text}---\n"
