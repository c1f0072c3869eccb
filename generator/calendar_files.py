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


def event_calendar(event: Event, organiser: str, *, timezone: str, stamp: dt.datetime) -> str:
    """One VEVENT: timed in the site's zone when the event has a time, else all day.

    ``stamp`` (DTSTAMP, when the file was made) is the build date, passed in: the same
    build date gives the same bytes.
    """
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//referral-newsletter//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    digest = hashlib.sha256(f"{event.date}\x00{event.title}\x00{organiser}".encode()).hexdigest()[:24]
    entry.add("uid", f"{digest}@referral-newsletter")
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


def _add_times(entry: icalendar.Event, event: Event, timezone: str) -> None:
    if event.time is None:
        entry.add("dtstart", event.date)
        entry.add("dtend", event.date + dt.timedelta(days=1))
        return
    zone = dt.UTC if timezone == "UTC" else ZoneInfo(timezone)
    entry.add("dtstart", dt.datetime.combine(event.date, event.time, zone))
    if event.end is not None:
        entry.add("dtend", dt.datetime.combine(event.date, event.end, zone))
