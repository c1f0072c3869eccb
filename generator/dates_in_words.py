"""Dates and times in plain words: ``3 February 2026``, ``2 weeks ago``, ``18:00 to 21:30``."""

from __future__ import annotations

import datetime as dt

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


def long_date(day: dt.date, *, year: bool = True) -> str:
    """``2026-02-03`` → ``3 February 2026``; ``3 February`` without the ``year``, for a day in
    the month a text is about (a September issue's ride "(19 September)")."""
    return f"{day.day} {MONTH_NAMES[day.month]} {day.year}" if year else f"{day.day} {MONTH_NAMES[day.month]}"


def whole_months(day: dt.date, today: dt.date) -> int:
    """Calendar months from ``day`` to ``today``, as a reader counts them: 23 May to 20 November
    is five (days // 30 said six from 181 days on, a year from 360)."""
    return (today.year - day.year) * 12 + today.month - day.month - (today.day < day.day)


def time_ago(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    months = whole_months(day, today)
    if months < 2:
        return f"{days // 7} weeks ago"
    if months < 24:
        return f"{months} months ago"
    return f"{months // 12} years ago"


def event_when(
    day: dt.date, start: dt.time | None = None, end: dt.time | None = None, *, year: bool = True
) -> str:
    """``10 December 2026``, ``10 December 2026, 18:00`` or ``10 December 2026, 18:00 to 21:30``
    (without the ``year``: see long_date)."""
    hours = event_hours(start, end)
    date = long_date(day, year=year)
    return date if hours is None else f"{date}, {hours}"


def event_hours(start: dt.time | None, end: dt.time | None = None) -> str | None:
    """``18:00``, ``18:00 to 21:30``, ``21:00 to midnight`` or ``21:00 to 01:00 the next day``:
    the part of ``event_when`` after the date, if any."""
    if start is None:
        return None
    if end is None:
        return f"{start:%H:%M}"
    if end == dt.time(0, 0):  # "to 00:00 the next day" is true, but nobody says a party ends so
        return f"{start:%H:%M} to midnight"
    return f"{start:%H:%M} to {end:%H:%M}" + (" the next day" if end < start else "")
