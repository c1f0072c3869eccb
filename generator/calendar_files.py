"""A downloadable .ics calendar entry for each event (icalendar, RFC 5545)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from zoneinfo import ZoneInfo

import icalendar

from .models import Event

EVENTS_DIR = "events"


def event_slug(event: Event) -> str:
    ascii_title = unicodedata.normalize("NFKD", event.title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:48].strip("-")
    return f"{event.date.isoformat()}-{words or 'event'}"


def event_paths(events: tuple[Event, ...]) -> tuple[str, ...]:
    """A unique ``events/<date>-<title>.ics`` path for each event, in the same order."""
    paths: list[str] = []
    for event in events:
        slug, number = event_slug(event), 1
        while (candidate := f"{EVENTS_DIR}/{slug}{'' if number == 1 else f'-{number}'}.ics") in paths:
            number += 1
        paths.append(candidate)
    return tuple(paths)


def event_calendar(
    event: Event, organiser: str, *, timezone: str, stamp: dt.datetime, path: str | None = None
) -> str:
    """One VEVENT: timed in the site's zone when the event has a time, else all day.

    ``stamp`` (DTSTAMP, when the file was made) is the build date, passed in: the same
    build date gives the same bytes. ``path``: the file's path from :func:`event_paths`.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//referral-newsletter//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    entry.add("uid", event_uid(event, organiser, path))
    entry.add("dtstamp", stamp.astimezone(dt.UTC))
    _add_times(entry, event, timezone)
    entry.add("summary", event.title)
    if event.where:
        entry.add("location", event.where)
    entry.add("description", event.description or f"{event.title}, hosted by {organiser}")
    calendar.add_component(entry)
    # A VTIMEZONE for every TZID used, so calendars without the zone database agree on the time.
    calendar.add_missing_timezones()
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")


def event_uid(event: Event, organiser: str, path: str | None = None) -> str:
    """The same on every build. Two events of one day and title (a morning and an afternoon
    session) get two paths from :func:`event_paths`, and the second its own UID from its path: a
    calendar keeps one entry per UID, so one would replace the other. The first keeps the UID it
    always had."""
    key = f"{event.date}\x00{event.title}\x00{organiser}"
    if path is not None and path != f"{EVENTS_DIR}/{event_slug(event)}.ics":
        key += f"\x00{path}"
    return f"{hashlib.sha256(key.encode()).hexdigest()[:24]}@referral-newsletter"


def _add_times(entry: icalendar.Event, event: Event, timezone: str) -> None:
    if event.time is None:
        entry.add("dtstart", event.date)
        entry.add("dtend", event.date + dt.timedelta(days=1))
        return
    zone = dt.UTC if timezone == "UTC" else ZoneInfo(timezone)
    entry.add("dtstart", dt.datetime.combine(event.date, event.time, zone))
    if event.end is not None:
        entry.add("dtend", dt.datetime.combine(event.end_day, event.end, zone))
