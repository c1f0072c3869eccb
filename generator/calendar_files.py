"""A downloadable .ics calendar entry for each event (icalendar, RFC 5545)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

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


def event_calendar(event: Event, organiser: str) -> str:
    """One all-day VEVENT; stamped with the event's own date so the file never changes by itself."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//referral-newsletter//EN")
    calendar.add("version", "2.0")
    entry = icalendar.Event()
    digest = hashlib.sha256(f"{event.date}\x00{event.title}\x00{organiser}".encode()).hexdigest()[:24]
    entry.add("uid", f"{digest}@referral-newsletter")
    entry.add("dtstamp", dt.datetime.combine(event.date, dt.time(), dt.UTC))
    entry.add("dtstart", event.date)
    entry.add("dtend", event.date + dt.timedelta(days=1))
    entry.add("summary", event.title)
    if event.where:
        entry.add("location", event.where)
    entry.add("description", f"{event.title}, hosted by {organiser}")
    calendar.add_component(entry)
    ical: bytes = calendar.to_ical()
    return ical.decode("utf-8")
