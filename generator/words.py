"""Numbers, dates and lists in plain words, the way a newsletter talks."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from urllib.parse import quote

# English whatever the machine's locale (calendar.month_name follows LC_TIME, and asks
# strftime on every lookup): the same data gives the same pages everywhere.
MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """``2026-02-03`` → ``3 February 2026``."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}"


def time_ago(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{days // 30} months ago"
    return f"{days // 365} years ago"


def plural(count: int, singular: str, many: str | None = None) -> str:
    word = singular if count == 1 else (many or f"{singular}s")
    return f"{count} {word}"


def join_names(names: Sequence[str]) -> str:
    """``[a, b, c]`` → ``a, b and c``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


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
