"""An independent count of every figure a reader sees, straight from DESIGN.md's meaning.

Plain Python over what PyYAML reads from partners.yaml: none of the generator's loader, model,
views or words. A referral's stage is its latest update's ("introduced" with none); won = the
sale closed, lost = closed without a sale; the tree comes from ``referred_by``; a month's news is
dated by the introductions, updates and business given that fall in it. News may follow `won` or
`lost` (a lost prospect comes back, a client buys again): a referral counts as won only while its
latest update says so, once, in the month it last became a client.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import yaml

Raw = dict[str, Any]
CLOSED = ("won", "lost")


def read(text: str) -> Raw:
    raw = yaml.safe_load(text)
    for key in ("partners", "referrals", "given", "events"):
        raw[key] = raw.get(key) or []
    for referral in raw["referrals"]:
        referral["updates"] = referral.get("updates") or []
    return raw


def stage(referral: Raw) -> str:
    updates = referral["updates"]
    return str(updates[-1]["stage"]) if updates else "introduced"


def won_on(referral: Raw) -> dt.date | None:
    """The day a won referral last turned into a client (a sale after a sale is the same client)."""
    day, previous = None, "introduced"
    for update in referral["updates"]:
        if update["stage"] == "won" and previous != "won":
            day = update["date"]
        previous = update["stage"]
    return day if previous == "won" else None


def last_news(referral: Raw) -> dt.date:
    updates = referral["updates"]
    return updates[-1]["date"] if updates else referral["introduced"]  # type: ignore[no-any-return]


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@dataclass
class MonthNews:
    introductions: int = 0
    meetings: int = 0
    proposals: int = 0
    wins: int = 0
    updates: int = 0
    given: int = 0


def months(raw: Raw, as_of: dt.date | None = None) -> dict[str, MonthNews]:
    """Each month's news by the dates things happened in it; with ``as_of``, also the months up
    to then whose only news is an event held in them."""
    news: dict[str, MonthNews] = defaultdict(MonthNews)
    for event in raw["events"] if as_of else ():
        if month_of(event["date"]) <= month_of(as_of):
            news.setdefault(month_of(event["date"]), MonthNews())  # a gathering makes an issue
    for referral in raw["referrals"]:
        news[month_of(referral["introduced"])].introductions += 1
        for update in referral["updates"]:
            month = news[month_of(update["date"])]
            month.updates += 1
            month.meetings += update["stage"] == "met"
            month.proposals += update["stage"] == "proposal"
        won = won_on(referral)
        if won is not None:
            news[month_of(won)].wins += 1
    for item in raw["given"]:
        news[month_of(item["date"])].given += 1
    return dict(news)


@dataclass
class PartnerFigures:
    introductions: int
    won: int
    open: int
    given: int
    stages: Counter[tuple[str, str]]  # (prospect, stage) as listed on the page
    wins_below: int  # clients won by everyone the partner brought in, at any depth
    brought_in: int  # partners at any depth below


def children(raw: Raw) -> dict[str, list[str]]:
    ids = {p["id"] for p in raw["partners"]}
    below: dict[str, list[str]] = defaultdict(list)
    for partner in raw["partners"]:
        if partner.get("referred_by") in ids:
            below[partner["referred_by"]].append(partner["id"])
    return below


def descendants(raw: Raw, partner_id: str) -> list[str]:
    below, found, stack = children(raw), [], list(children(raw)[partner_id])
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(below[current])
    return found


def ancestors(raw: Raw, partner_id: str) -> list[str]:
    parent = {p["id"]: p.get("referred_by") for p in raw["partners"]}
    found, current = [], parent[partner_id]
    while current in parent:
        found.append(current)
        current = parent[current]
    return found


def own_wins(raw: Raw, partner_id: str) -> int:
    return sum(1 for r in raw["referrals"] if r["partner"] == partner_id and stage(r) == "won")


def partner(raw: Raw, partner_id: str) -> PartnerFigures:
    own = [r for r in raw["referrals"] if r["partner"] == partner_id]
    below = descendants(raw, partner_id)
    return PartnerFigures(
        introductions=len(own),
        won=sum(stage(r) == "won" for r in own),
        open=sum(stage(r) not in CLOSED for r in own),
        given=sum(1 for g in raw["given"] if g["partner"] == partner_id),
        stages=Counter((str(r["prospect"]), stage(r)) for r in own),
        wins_below=sum(own_wins(raw, pid) for pid in below),
        brought_in=len(below),
    )


@dataclass
class Row:
    referrals: int = 0
    won: int = 0
    lost: int = 0
    value: float = 0
    unvalued_wins: int = 0  # wins with no value: the sum leaves them out


def _add(row: Row, referral: Raw) -> None:
    row.referrals += 1
    result = stage(referral)
    row.won += result == "won"
    row.lost += result == "lost"
    if result == "won":
        if referral.get("value") is None:
            row.unvalued_wins += 1
        else:
            row.value += referral["value"]


@dataclass
class InsightFigures:
    total: Row = field(default_factory=Row)
    by_method: dict[str, Row] = field(default_factory=lambda: defaultdict(Row))
    by_asking: dict[str, Row] = field(default_factory=lambda: defaultdict(Row))
    per_month: dict[str, Row] = field(default_factory=lambda: defaultdict(Row))


def insights(raw: Raw) -> InsightFigures:
    figures = InsightFigures()
    for referral in raw["referrals"]:
        asked = referral.get("asked")
        _add(figures.total, referral)
        _add(figures.by_method[referral.get("method") or "not recorded"], referral)
        _add(figures.by_asking[{True: "asked", False: "earned"}.get(asked, "not recorded")], referral)
        _add(figures.per_month[month_of(referral["introduced"])], referral)
    return figures


def due(raw: Raw, as_of: dt.date) -> list[tuple[str, int]]:
    """(referral id, days without news) of open referrals quiet longer than due_after_days."""
    limit = raw["newsletter"].get("due_after_days", 30)
    quiet = [
        (r["id"], (as_of - last_news(r)).days)
        for r in raw["referrals"]
        if stage(r) not in CLOSED and (as_of - last_news(r)).days > limit
    ]
    return sorted(quiet, key=lambda item: -item[1])


# --- randomized datasets ---------------------------------------------------------------------

STAGE_PATHS = (
    (),
    ("contacted",),
    ("contacted", "met"),
    ("contacted", "met", "proposal"),
    ("contacted", "met", "proposal", "won"),
    ("met", "won"),
    ("won",),
    ("lost",),
    ("contacted", "lost"),
    ("contacted", "met", "proposal", "lost"),
    # News after a close: a lost file that comes back (and wins), a client who buys again, a
    # client whose file is opened again.
    ("lost", "contacted", "won"),
    ("won", "won"),
    ("won", "lost"),
    ("met", "won", "proposal"),
    ("lost", "lost"),
)
# Month and year edges: introductions and updates on first and last days.
EDGE_DAYS = (
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 31),
    dt.date(2026, 2, 1),
    dt.date(2026, 2, 28),
    dt.date(2026, 3, 1),
    dt.date(2026, 10, 31),
    dt.date(2026, 11, 1),
)


def random_dataset(seed: int, as_of: dt.date) -> str:
    rng = random.Random(seed)
    partners = []
    for index in range(rng.randint(3, 15)):
        entry: Raw = {
            "id": f"p{index}",
            "name": f"Partner {chr(65 + index)}son",
            "public": rng.random() < 0.6,
        }
        if index and rng.random() < 0.6:
            entry["referred_by"] = f"p{rng.randrange(index)}"
        partners.append(entry)
    referrals, given = [], []
    for index in range(rng.randint(0, 4 * len(partners))):
        referrals.append(_random_referral(rng, index, len(partners), as_of))
    for _ in range(rng.randint(0, len(partners))):
        given.append(
            {"partner": f"p{rng.randrange(len(partners))}", "date": _day(rng, as_of), "to": "Jo Park"}
        )
    newsletter = {"title": "Updates", "owner": "Mark Rodgers", "due_after_days": rng.choice([7, 30, 60])}
    events = [_random_event(rng, as_of) for _ in range(rng.randint(0, 4))]
    data = {
        "newsletter": newsletter,
        "partners": partners,
        "referrals": referrals,
        "given": given,
        "events": events,
    }
    return yaml.dump(data, Dumper=_NoAliases, sort_keys=False)


class _NoAliases(yaml.SafeDumper):
    """The same date object used twice is written twice, not as an alias (refused, rightly)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _random_event(rng: random.Random, as_of: dt.date) -> Raw:
    event: Raw = {
        "date": as_of + dt.timedelta(days=rng.randrange(-120, 200)),
        "title": f"Event {rng.randrange(1000)}",
    }
    if rng.random() < 0.6:
        event["time"] = rng.choice(["07:00", "12:30", "18:00"])
    return event


def _day(rng: random.Random, as_of: dt.date) -> dt.date:
    if rng.random() < 0.4:
        return rng.choice(EDGE_DAYS)
    return as_of - dt.timedelta(days=rng.randrange(0, 400))


def _random_referral(rng: random.Random, index: int, partners: int, as_of: dt.date) -> Raw:
    introduced = _day(rng, as_of)
    referral: Raw = {
        "id": f"r{index}",
        "partner": f"p{rng.randrange(partners)}",
        "prospect": f"Prospect {index}",
        "introduced": introduced,
    }
    if rng.random() < 0.8:
        referral["method"] = rng.choice(["name", "letter", "call", "lunch"])
    if rng.random() < 0.8:
        referral["asked"] = rng.random() < 0.5
    if rng.random() < 0.7:
        referral["value"] = rng.choice([500, 1200, 12000, 999.5])
    day, updates = introduced, []
    for step in rng.choice(STAGE_PATHS):
        # Often the same day (won and lost in the month of the introduction), else a few weeks on.
        day = min(as_of, day + dt.timedelta(days=rng.choice([0, 0, 1, 20, 45])))
        updates.append({"date": day, "stage": step})
    if updates:
        referral["updates"] = updates
    return referral


def stage_at(referral: Raw, month: str) -> str:
    """Where a referral stood at the end of ``month`` (a month's message tells no later news)."""
    done = [u for u in referral["updates"] if month_of(u["date"]) <= month]
    return str(done[-1]["stage"]) if done else "introduced"


def headline_at(referral: Raw, month: str) -> str:
    """``stage_at``, but a client won in an earlier month who bought again is "won-again"."""
    stage = stage_at(referral, month)
    done = {**referral, "updates": [u for u in referral["updates"] if month_of(u["date"]) <= month]}
    if stage == "won" and month_of(won_on(done) or dt.date.min) != month:
        return "won-again"
    return stage


@dataclass
class MailFigures:
    items: Counter[tuple[str, str]]  # (prospect, headline_at the end of the month) with news that month
    introduced: int  # introductions the partner made that month
    still_open: int  # open at the month's end, no news that month
    tree_wins: int  # clients won that month by partners below, at any depth
    given: int


def mail(raw: Raw, partner_id: str, month: str) -> MailFigures:
    mine = [r for r in raw["referrals"] if r["partner"] == partner_id and month_of(r["introduced"]) <= month]
    active = [
        r for r in mine if month in {month_of(r["introduced"]), *(month_of(u["date"]) for u in r["updates"])}
    ]
    below = set(descendants(raw, partner_id))
    return MailFigures(
        items=Counter((str(r["prospect"]), headline_at(r, month)) for r in active),
        introduced=sum(month_of(r["introduced"]) == month for r in mine),
        still_open=sum(r not in active and stage_at(r, month) not in CLOSED for r in mine),
        tree_wins=sum(
            1
            for r in raw["referrals"]
            if r["partner"] in below and (won := won_on(r)) is not None and month_of(won) == month
        ),
        given=sum(1 for g in raw["given"] if g["partner"] == partner_id and month_of(g["date"]) == month),
    )
