"""What an editor most likely meant by a value the contract refuses, when only one reading
makes sense: ``no`` → ``false``, ``9:30`` → ``09:30``, ``2026/02/03`` → ``2026-02-03``,
``$12,000`` → ``12000``. Each returns ``None`` when the value is not clear enough to guess.
"""

from __future__ import annotations

import datetime as dt
import re

_BOOLEAN_WORDS = {
    "yes": "true",
    "y": "true",
    "on": "true",
    "1": "true",
    "no": "false",
    "n": "false",
    "off": "false",
    "0": "false",
}
_CLOCK = re.compile(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?m\.?)?", re.IGNORECASE)
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([./])(\d{1,2})\2(\d{4})")
_CURRENCY_MARKS = re.compile(r"^\s*(?:[$€£¥]|[A-Z]{3}\s)?\s*|\s*(?:[$€£¥]|\s[A-Z]{3})?\s*$")
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:([,.' ])\d{3})(?:\1\d{3})*(?:(?!\1)[.,]\d{1,2})?")
# 24.900: a thousands separator in most of Europe, or 24.9 with a stray zero. A deal value
# is never given to a thousandth, so this reading is refused rather than guessed.
DOTTED_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")


def meant_boolean(value: str) -> str | None:
    word = value.strip().lower()
    return word if word in ("true", "false") else _BOOLEAN_WORDS.get(word)


def meant_clock(value: str) -> str | None:
    found = _CLOCK.fullmatch(value.strip())
    if not found:
        return None
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = (found.group(3) or "").lower()
    if half and not 1 <= hour <= 12:
        return None
    if half:
        hour = hour % 12 + (12 if half == "p" else 0)
    return f"{hour:02d}:{minute:02d}" if hour < 24 and minute < 60 else None


def meant_date(value: str) -> str | None:
    """Year first in any separator, or day first with dots (03.02.2026); a slashed day first
    only when the day is over 12 (3/2/2026 is 3 February to some and March 2 to others)."""
    text = value.strip()
    year_first = _YEAR_FIRST.fullmatch(text)
    if year_first:
        year, month, day = (int(part) for part in year_first.groups())
        return _iso(year, month, day)
    day_first = _DAY_FIRST.fullmatch(text)
    if day_first:
        first, separator, second, last = day_first.groups()
        if separator == "." or int(first) > 12:
            return _iso(int(last), int(second), int(first))
    return None


def meant_number(value: str) -> str | None:
    """``$12,000`` → ``12000``; ``12.000,50 €`` → ``12000.50``."""
    text = _CURRENCY_MARKS.sub("", value)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):  # `$12000`, `12000 USD`
        return text if text != value else None
    grouped = _GROUPED.fullmatch(text)
    if not grouped:
        return None
    separator = grouped.group(1)
    plain = text.replace(separator, "")
    if separator != ",":
        plain = plain.replace(",", ".")
    return plain if plain != value else None


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None
