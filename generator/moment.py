"""The moment a run happens, and the date it is then where the owner lives."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass


@dataclass(frozen=True)
class BuildMoment:
    """One instant per run (``SOURCE_DATE_EPOCH`` or the clock, read once).

    Pages are dated by the owner's date, the instant's date in ``newsletter.timezone``, which is
    known only once the data is read: so the instant travels to it, not a date taken in UTC (at
    09:00 in Auckland a UTC runner's date is still yesterday's, and last night's event was
    still "coming up").
    """

    instant: dt.datetime  # timezone-aware

    @property
    def utc_date(self) -> dt.date:
        return self.instant.astimezone(dt.UTC).date()

    def date_in(self, timezone: str) -> dt.date:
        """The date at this instant in ``timezone``."""
        return self.instant.astimezone(zone_of(timezone)).date()


# A run's moment, or a plain date: then that is the owner's date, wherever they are (tests, and
# the code that had a date before the moment: a date stays valid everywhere a moment is).
When = dt.date | BuildMoment


def owners_date(when: When, timezone: str) -> dt.date:
    """The date pages are dated by: ``when`` in the owner's ``timezone``."""
    if isinstance(when, BuildMoment):
        return when.date_in(timezone)
    return when


def zone_of(timezone: str) -> dt.tzinfo:
    """``newsletter.timezone``; UTC for a zone that does not exist (check refuses it, at its line)."""
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def day_start(day: dt.date, timezone: str) -> dt.datetime:
    """The moment ``day`` begins where the owner lives: a file or message dated by the owner's
    date at 00:00 UTC would be dated up to 14 hours ahead of its making east of UTC."""
    return dt.datetime.combine(day, dt.time(), zone_of(timezone))


def in_whole_minutes(moment: dt.datetime) -> dt.datetime:
    """``moment``, said in UTC when its offset has seconds: a zone's local mean time before it
    kept whole minutes (Europe/Amsterdam until 1937, +01:19:32 in summer; Africa/Monrovia until
    1972). RFC 822 dates, a feed's, give the zone as +HHMM only: "+011932" was read a day and
    a half off by feedparser."""
    offset = moment.utcoffset()
    if offset is None or not offset % dt.timedelta(minutes=1):
        return moment
    return moment.astimezone(dt.UTC)
