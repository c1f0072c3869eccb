"""Names in running text: lists of names, right-to-left names set apart, what to call a
partner, and how a partner who did not consent to be named is shown."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import quote


def isolated(text: str) -> str:
    """``text`` set apart from the sentence around it, as HTML's ``<bdi>`` does, when it holds
    right-to-left letters: in "thanks to שרה לוי, عمر الفاروق and …" the comma between two
    right-to-left names joined them into one run, drawn in the opposite order (so were an event's
    title and place). Unicode's first-strong isolate and its pop say it in plain text too (the
    mail's text part); left-to-right text is returned as it is (ASCII at once: a character at a
    time, the insights page's 78,000 names took 0.15 s at 10,000 partners)."""
    if not text.isascii() and any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"\u2068{text}\u2069"
    return text


_FIGURES = re.compile(r"(\d+)")
NameOrder = tuple[tuple[str | int, ...], str]


def name_order(text: str) -> NameOrder:
    """A sort key that counts as a reader does: "Prospect 2" before "Prospect 10" (as text, "1"
    sorts before "2"), case aside; the text itself last, so that the order stays total."""
    parts: list[str | int] = list(_FIGURES.split(text.casefold()))
    # Figures at the odd places, words at the even: two keys compare number with number.
    parts[1::2] = map(int, parts[1::2])
    return tuple(parts), text


def join_names(names: Sequence[str]) -> str:
    """``[a, b, c]`` → ``a, b and c``, each name :func:`isolated`."""
    names = [isolated(name) for name in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def initials_avatar(name: str) -> str:
    """A small SVG with the owner's initials as a data URI: no request leaves the site."""
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        '<rect width="64" height="64" rx="32" fill="#3f51b5"/>'
        '<text x="32" y="41" font-family="sans-serif" font-size="26" fill="#fff" '
        f'text-anchor="middle">{html.escape(initials)}</text></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


# Titles and honorifics: "Dear Dr.," would be worse than the full name.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "sir", "dame", "rev", "the"})


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def greeting_name(name: str, greeting: str | None = None) -> str:
    """What to call a partner: their ``greeting``, else a plain first name, else the full name.

    The contract's default is the first word of the name; it is used only when it looks like a
    given name, so "Dr. Jo Park", "O'Brien Partners" or "anne ortiz" stay whole rather than
    becoming "Dear Dr.,".
    """
    if greeting and greeting.strip():
        return " ".join(greeting.split())
    words = name.split()
    first = words[0] if words else ""
    plain = first.replace("-", "")  # "Jean-Luc" is a first name; "O'Brien" or "J." are not
    looks_given = len(words) >= 2 and plain.isalpha() and first.lower() not in _TITLES
    return first if looks_given and first[:1].isupper() else " ".join(words)


# How a partner who did not consent to be named is shown on its own (a tree box, a list).
ANONYMOUS_PARTNER = "A partner"


def in_sentence(name: str, instead: str) -> str:
    """A partner's shown name inside a sentence: "by another partner", never "by A partner"."""
    return instead if name == ANONYMOUS_PARTNER else name
