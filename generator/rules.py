"""Checks that span records: unique ids, references, the referral tree, update order, dates.

Records may be ``None`` where a record failed its own validation: positions are kept so
every finding names the right index, and the other records are still checked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .models import Event, Given, Partner, PartnersFile, Referral
from .moment import BuildMoment, When
from .problems import FieldPath

Finding = tuple[FieldPath, str]
Record = TypeVar("Record")


@dataclass(frozen=True)
class Records:
    """The sections the rules read; ``None`` stands for a record that failed its own validation."""

    partners: Sequence[Partner | None]
    referrals: Sequence[Referral | None]
    given: Sequence[Given | None]
    events: Sequence[Event | None] = ()
    timezone: str = "UTC"  # newsletter.timezone, when the newsletter itself is valid

    @classmethod
    def of(cls, data: PartnersFile) -> Records:
        return cls(data.partners, data.referrals, data.given, data.events, data.newsletter.timezone)


def check(data: Records, today: When, *, extra_partner_ids: Iterable[str] = ()) -> list[Finding]:
    """Every cross-record problem in the file, as (field path, message)."""
    partners = _present(data.partners)
    referrals = _present(data.referrals)
    known = {partner.id for _, partner in partners} | set(extra_partner_ids)
    today = owners_today(today, data.timezone)
    return [
        *_duplicates("partners", "partner", [(i, p.id) for i, p in partners]),
        *_duplicates("referrals", "referral", [(i, r.id) for i, r in referrals]),
        *_references("referrals", "partner", [(i, r.partner) for i, r in referrals], known),
        *_references("given", "partner", [(i, g.partner) for i, g in _present(data.given)], known),
        *_tree(partners, known),
        *_shared_emails(partners),
        *_all_updates(referrals, today),
        *_dates(data, today),
        *_local_times(data),
    ]


def owners_today(today: When, timezone: str) -> dt.date:
    """The owner's date at the build's moment; given only a date (in UTC), the latest date it
    is where the owner lives during it. East of UTC the owner's day starts first: in Auckland an
    update dated this morning is still "tomorrow" on a UTC runner, and was refused as in the
    future by CI's check."""
    if isinstance(today, BuildMoment):
        return today.date_in(timezone)
    try:
        zone = zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return today
    end_of_day = dt.datetime.combine(today, dt.time(23, 59, 59), dt.UTC)
    return max(today, end_of_day.astimezone(zone).date())


def _present(records: Sequence[Record | None]) -> list[tuple[int, Record]]:
    return [(index, record) for index, record in enumerate(records) if record is not None]


def _duplicates(section: str, noun: str, ids: list[tuple[int, str]]) -> Iterator[Finding]:
    first_index: dict[str, int] = {}
    for index, value in ids:
        if value in first_index:
            message = f"duplicate {noun} id '{value}' (also {section}[{first_index[value]}])"
            yield (section, index, "id"), message
        else:
            first_index[value] = index


def _shared_emails(partners: list[tuple[int, Partner]]) -> Iterator[Finding]:
    """Each monthly mail holds its partner's private link and news, so two partners mailed at one
    address (a couple, two people at one firm) would each read the other's: found here, at the
    second address, rather than on the day the mail is run."""
    first: dict[str, Partner] = {}
    for index, partner in partners:
        if not (partner.email and partner.mail):
            continue
        address = partner.email.strip().casefold()
        if address not in first:
            first[address] = partner
            continue
        yield ("partners", index, "email"), shared_email(first[address].id, partner.id)


def shared_email(first_id: str, second_id: str) -> str:
    return (
        f"partners '{first_id}' and '{second_id}' have the same email: each would receive "
        "the other's private link and news by mail; give each their own address, or set mail: false "
        "on one of them"
    )


def _references(
    section: str, field: str, values: list[tuple[int, str]], known: set[str]
) -> Iterator[Finding]:
    for index, value in values:
        if value not in known:
            yield (section, index, field), unknown_partner(value, known)


def unknown_partner(value: str, known: set[str], *, named: str | None = None) -> str:
    """The one message for a reference naming no partner; ``named`` is the id of the partner
    whose name the value is (``partner: Anne Ortiz``), the best hint there is."""
    close = [named] if named else difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"no partner has the id '{value}'{hint}"


SELF_REFERRED = "a partner cannot be referred by themselves"


def _tree(partners: list[tuple[int, Partner]], known: set[str]) -> Iterator[Finding]:
    index_of: dict[str, int] = {}
    for index, partner in partners:
        index_of.setdefault(partner.id, index)
    for index, partner in partners:
        if partner.referred_by is None:
            continue
        path: FieldPath = ("partners", index, "referred_by")
        if partner.referred_by == partner.id:
            yield path, SELF_REFERRED
        elif partner.referred_by not in known:
            yield path, unknown_partner(partner.referred_by, known)
    parent = {p.id: p.referred_by for _, p in partners if p.referred_by and p.referred_by != p.id}
    yield from _cycles(parent, index_of)


def _cycles(parent: dict[str, str], index_of: dict[str, int]) -> Iterator[Finding]:
    for cycle in cycles_of(parent):
        yield cycle_finding(cycle, index_of)


def cycles_of(parent: Mapping[str, str]) -> Iterator[list[str]]:
    """Each cycle of the tree once (its partners' ids); linear in the number of partners."""
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = finished
    for start in parent:
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in parent and node not in state:
            state[node] = 1
            walk.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            yield walk[walk.index(node) :]
        for visited in walk:
            state[visited] = 2


def cycle_finding(cycle: list[str], index_of: Mapping[str, int]) -> Finding:
    """A cycle, named at its first partner in file order."""
    first = min(cycle, key=lambda pid: index_of[pid])
    loop = " → ".join([*cycle, cycle[0]])
    return ("partners", index_of[first], "referred_by"), f"the referral tree has a cycle: {loop}"


def _all_updates(referrals: list[tuple[int, Referral]], today: dt.date) -> list[Finding]:
    """:func:`_updates` of every referral, in order. A referral whose updates are dated from its
    introduction on, each no earlier than the one before and none outside 1900-01-01..today,
    has nothing to report there, as the usual one (49,923 of them at 10,000 partners): told by
    one loop, not two generators each (0.085 s, on one core before any page)."""
    findings: list[Finding] = []
    for index, referral in referrals:
        previous = referral.introduced
        for update in referral.updates:
            day = update.date
            if not (previous <= day <= today and day >= EARLIEST):
                findings += _updates(index, referral, today)
                break
            previous = day
    return findings


def _updates(index: int, referral: Referral, today: dt.date) -> Iterator[Finding]:
    yield from update_order(index, referral.introduced, [update.date for update in referral.updates])
    for number, update in enumerate(referral.updates):
        if not EARLIEST <= update.date <= today:  # the usual case skips two generators per date
            yield from _not_future(("referrals", index, "updates", number, "date"), update.date, today)


def update_order(
    index: int, introduced: dt.date | None, dates: Sequence[dt.date | None]
) -> Iterator[Finding]:
    """A referral's updates oldest first, none before its introduction. ``None`` stands for a
    date that is missing or invalid (a record that failed for another reason), skipped here."""
    # News may follow `won` or `lost` (a lost prospect comes back, a client buys again): the
    # latest update sets the stage, so only the dates are checked here.
    previous = introduced
    for number, day in enumerate(dates):
        if day is None:
            continue
        path: FieldPath = ("referrals", index, "updates", number, "date")
        if introduced is not None and day < introduced:
            yield path, f"{day} is before the introduction on {introduced}"
        elif previous is not None and day < previous:
            message = f"{day} is out of order: it is listed after an update of {previous}; list updates oldest first"
            yield path, message
        previous = day if previous is None else max(previous, day)


# Dates outside these bounds are typing mistakes, and year 9999 overflows date arithmetic
# (the calendar files' end date, the upcoming-events window): any date `check` accepts must build.
EARLIEST = dt.date(1900, 1, 1)
EVENT_YEARS_AHEAD = 5


def _dates(data: Records, today: dt.date) -> Iterator[Finding]:
    """Past dates no later than today; events within a few years of it."""
    for index, partner in _present(data.partners):
        if partner.since is not None and not EARLIEST <= partner.since <= today:
            yield from _not_future(("partners", index, "since"), partner.since, today)
    for index, referral in _present(data.referrals):
        if not EARLIEST <= referral.introduced <= today:
            yield from _not_future(("referrals", index, "introduced"), referral.introduced, today)
    for index, given in _present(data.given):
        if not EARLIEST <= given.date <= today:
            yield from _not_future(("given", index, "date"), given.date, today)
    for index, event in _present(data.events):
        yield from date_limits(("events", index, "date"), event.date, today, event=True)


def date_limits(path: FieldPath, day: dt.date, today: dt.date, *, event: bool = False) -> Iterator[Finding]:
    """Where a date may fall: from 1900-01-01 to today, an event's up to five years ahead."""
    if not event:
        yield from _not_future(path, day, today)
        return
    yield from _not_ancient(path, day)
    latest = _years_after(today, EVENT_YEARS_AHEAD)
    if day > latest:
        yield path, f"{day} is more than {EVENT_YEARS_AHEAD} years ahead (the latest event date is {latest})"


def _local_times(data: Records) -> Iterator[Finding]:
    """Event times that do not exist in the newsletter's time zone: the hour skipped when the
    clocks go forward. A calendar moves such a time by the offset change, so "02:30 to 03:30"
    on that night becomes an event of no length, while the page says an hour."""
    for index, event in _present(data.events):
        yield from nonexistent_times(index, event, data.timezone)


def nonexistent_times(index: int, event: Event, timezone: str) -> Iterator[Finding]:
    """An event's start or end in the hour the clocks skip in ``timezone``."""
    zone = zoneinfo.ZoneInfo(timezone)
    for name in ("time", "end"):
        clock: dt.time | None = getattr(event, name)
        if clock is None:
            continue
        day = event.end_day if name == "end" else event.date
        local = dt.datetime.combine(day, clock, tzinfo=zone)
        if local.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
            skipped = _skipped(local)
            yield ("events", index, name), f"{clock:%H:%M} does not exist on {day} in {timezone}: {skipped}"


def _skipped(local: dt.datetime) -> str:
    """What the clocks skip around ``local``, a time that does not exist: an hour in most zones,
    half an hour on Lord Howe Island, a whole day where a zone crossed the date line (Samoa lost
    30 December 2011)."""
    before, after = (local.replace(fold=fold).utcoffset() or dt.timedelta() for fold in (0, 1))
    jump = after - before  # in a gap, fold 0 takes the offset before it and fold 1 the one after
    if jump >= dt.timedelta(days=1):
        return "the clocks skip that whole day there; choose another day"
    minutes = int(jump.total_seconds()) // 60
    span = {60: "hour", 30: "half hour"}.get(minutes) or (
        f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes"
    )
    return f"the clocks go forward that night; choose a time outside the {span} they skip"


def _not_future(path: FieldPath, day: dt.date, today: dt.date) -> Iterator[Finding]:
    yield from _not_ancient(path, day)
    if day > today:
        yield path, f"{day} is in the future (today is {today})"


def _not_ancient(path: FieldPath, day: dt.date) -> Iterator[Finding]:
    if day < EARLIEST:
        yield path, f"{day} is before {EARLIEST}; write the real date (YYYY-MM-DD)"


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
