"""Make data safe to place in Markdown, and write front matter MkDocs reads back intact."""

from __future__ import annotations

import re
from typing import Any

import yaml

# Every character Python-Markdown, pymdown-extensions or Material give a meaning to inline
# (emphasis, links, attribute lists, emoji, snippets, tables, critic marks, raw HTML).
_MARKUP = re.compile(r"[\\`*_{}\[\]()#+\-!|<>&~^=:$%\"'@]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# libyaml's emitter and parser: 30x faster than PyYAML's pure-Python ones (5 ms a page).
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Markdown(str):
    """Text that is already Markdown and must not be escaped again."""


def escape_text(value: object) -> str:
    """Data as literal text: markup characters become numeric character references."""
    if isinstance(value, Markdown):
        return value
    flat = _LINE_BREAKS.sub(" ", str(value)).strip()
    return _MARKUP.sub(lambda match: f"&#{ord(match.group())};", flat)


def escape_html(value: object) -> str:
    """For places MkDocs/Material print unescaped (e.g. ``title:``), plain HTML escaping."""
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# First key of every generated page: when the manifest is lost, the writer tells its own old
# pages from hand-written ones by this line alone (see writer.GENERATED_MARK).
GENERATED_BY = {"generated_by": "referral-newsletter"}


def front_matter(meta: dict[str, Any]) -> str:
    """A YAML front-matter block, marked as generated, checked to parse back to exactly ``meta``."""
    meta = {**GENERATED_BY, **meta}
    text = yaml.dump(
        meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    if yaml.load(text, Loader=_Loader) != meta:
        raise ValueError(f"front matter does not survive a round trip: {meta!r}")
    return f"---\n{text}---\n"
