"""The owner's dashboard figures: which ways of getting referrals actually work. Pure functions."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .models import METHODS, PartnersFile, Referral
from .referral_labels import NOT_RECORDED
from .tree import ReferralTree
from .views import Month, stage_of, won_on

OUTCOMES = ("won", "lost", "open")
_Key = TypeVar("_Key", bound=Hashable)


@dataclass(frozen=True)
class Conversion:
    """How the referrals of one group ended up."""

    label: str
    referrals: int
    won: int
    lost: int
    value_won: float
    unvalued_wins: int = 0  # wins with no value: left out of value_won, and the page says so

    @property
    def open(self) -> int:
        return self.referrals - self.won - self.lost

    @property
    def rate(self) -> float:
        """Share of referrals that became clients (0 when there are none)."""
        return self.won / self.referrals if self.referrals else 0.0


@dataclass(frozen=True)
class MonthOutcomes:
    month: Month
    won: int
    lost: int
    open: int


@dataclass(frozen=True)
class Insights:
    by_method: tuple[Conversion, ...]
    by_asking: tuple[Conversion, ...]
    by_partner: tuple[Conversion, ...]
    days_to_meeting: float | None
    days_to_win: float | None
    meetings_timed: int  # referrals the meeting median rests on
    wins_timed: int  # and the win median
    per_month: tuple[MonthOutcomes, ...]
    branches: tuple[tuple[str, int, int], ...]  # (partner name, partners below, clients won below)
    total: Conversion


def outcome(referral: Referral) -> str:
    stage = stage_of(referral)
    return stage if stage in ("won", "lost") else "open"


# A referral with its outcome, worked out once: the insights group every referral five ways.
Outcome = tuple[Referral, str]


def conversion(label: str, group: Iterable[Outcome]) -> Conversion:
    chosen = list(group)
    won = [referral for referral, result in chosen if result == "won"]
    return Conversion(
        label=label,
        referrals=len(chosen),
        won=len(won),
        lost=sum(1 for _, result in chosen if result == "lost"),
        value_won=sum(r.value or 0 for r in won),
        unvalued_wins=sum(r.value is None for r in won),
    )


def _grouped(rows: Iterable[Outcome], key: Callable[[Referral], _Key]) -> dict[_Key, list[Outcome]]:
    groups: dict[_Key, list[Outcome]] = defaultdict(list)
    for row in rows:
        groups[key(row[0])].append(row)
    return groups


def _days_to(referrals: Iterable[Referral], stage: str) -> list[int]:
    """Days from each referral's introduction to its first update at ``stage``, if it has one."""
    days = []
    for referral in referrals:
        for update in referral.updates:
            if update.stage == stage:
                days.append((update.date - referral.introduced).days)
                break
    return days


def _median(days: list[int]) -> float | None:
    return statistics.median(days) if days else None


def compute_insights(data: PartnersFile, tree: ReferralTree) -> Insights:
    referrals = data.referrals
    rows = [(referral, outcome(referral)) for referral in referrals]
    methods = _grouped(rows, lambda r: r.method or NOT_RECORDED)
    asking = _grouped(rows, lambda r: {True: "asked", False: "earned", None: NOT_RECORDED}[r.asked])
    partners = _grouped(rows, lambda r: r.partner)
    names = {p.id: p.name for p in data.partners}
    by_partner = sorted(
        (conversion(names[pid], group) for pid, group in partners.items()),
        key=lambda c: (-c.won, -c.value_won, -c.referrals, c.label),
    )
    branches = sorted(
        ((names[pid], tree.branches[pid].partners, tree.branches[pid].wins) for pid in tree.partners),
        key=lambda row: (-row[2], -row[1], row[0]),
    )
    to_meeting = _days_to(referrals, "met")
    # To the win that counts (views.won_on), not a first `won` the file later lost.
    to_win = [(won - r.introduced).days for r in referrals if (won := won_on(r)) is not None]
    return Insights(
        by_method=tuple(conversion(m, methods[m]) for m in (*METHODS, NOT_RECORDED) if m in methods),
        by_asking=tuple(conversion(a, asking[a]) for a in ("asked", "earned", NOT_RECORDED) if a in asking),
        by_partner=tuple(by_partner),
        days_to_meeting=_median(to_meeting),
        days_to_win=_median(to_win),
        meetings_timed=len(to_meeting),
        wins_timed=len(to_win),
        per_month=_per_month(rows),
        branches=tuple(row for row in branches if row[1])[:10],
        total=conversion("all", rows),
    )


def _per_month(rows: Iterable[Outcome]) -> tuple[MonthOutcomes, ...]:
    # (year, month) sorts as the months do, without a Month object per referral.
    months = _grouped(rows, lambda r: (r.introduced.year, r.introduced.month))
    table = []
    for year, month in sorted(months):
        outcomes = [result for _, result in months[year, month]]
        counts = {name: outcomes.count(name) for name in OUTCOMES}
        table.append(MonthOutcomes(Month(year, month), counts["won"], counts["lost"], counts["open"]))
    return tuple(table)
