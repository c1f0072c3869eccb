"""What the pages show, derived from the model: stages, months, issues. Pure functions."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, TypedDict

from .dates_in_words import MONTH_NAMES, event_when
from .issue_sentences import gathering, held_together
from .models import Event, Given, Partner, PartnersFile, Referral, Update
from .referral_labels import (
    ASKING_LABELS,
    BACK_IN_TOUCH,
    CLIENT_NO_MORE,
    METHOD_LABELS,
    NOT_RECORDED,
    REPEAT_WIN,
    STAGE_LABELS,
)
from .tree import PartnerLedger, ReferralTree

PROGRESS_STEPS = ("introduced", "contacted", "met", "proposal", "closed")
# Kept under these names for callers; the wording itself lives in referral_labels.py.
STAGE_WORDS = STAGE_LABELS
METHOD_WORDS = {**METHOD_LABELS, NOT_RECORDED: ASKING_LABELS[NOT_RECORDED]}
EVENT_HORIZON_DAYS = 92
SPOTLIGHTS_PER_ISSUE = 2


def stage_of(referral: Referral) -> str:
    return referral.updates[-1].stage if referral.updates else "introduced"


def won_on(referral: Referral) -> dt.date | None:
    """The day a referral whose latest update is `won` became a client: the first of the `won`
    updates it ends with. Lost in March and won in June is a June win; a client who buys again
    (won, then won) is thanked once, on the first; won, then lost, is no win."""
    updates = referral.updates
    if not updates or updates[-1].stage != "won":
        return None
    first = len(updates) - 1
    while first and updates[first - 1].stage == "won":
        first -= 1
    return updates[first].date


def with_news(updates: Sequence[Update]) -> list[tuple[Update, str]]:
    """Each update with what it tells (a key of referral_labels.STAGE_EVENTS): its stage, but a `won`
    right after a `won` is the client buying again, not a new client (won_on thanks the first),
    a `lost` right after a `won` a client who did not stay, and a `contacted` right after a
    `lost` is a closed file taken up again."""
    stages = [None, *(update.stage for update in updates)]
    return [
        (update, _news_after(update.stage, before)) for update, before in zip(updates, stages, strict=False)
    ]


def _news_after(stage: str, before: str | None) -> str:
    if stage == "won" and before == "won":
        return REPEAT_WIN
    if stage == "lost" and before == "won":
        return CLIENT_NO_MORE
    return BACK_IN_TOUCH if stage == "contacted" and before == "lost" else stage


def last_activity(referral: Referral) -> dt.date:
    return referral.updates[-1].date if referral.updates else referral.introduced


def is_open(referral: Referral) -> bool:
    return stage_of(referral) not in ("won", "lost")


def step_of(stage: str) -> int:
    """Position on the progress bar; won and lost both end at 'closed'."""
    return PROGRESS_STEPS.index("closed" if stage in ("won", "lost") else stage)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month]} {self.year}"


@dataclass(frozen=True)
class MonthlyIssue:
    """The public, anonymised story of one month."""

    month: Month
    referrals: int
    meetings: int
    proposals: int
    wins: int
    thanked: tuple[Partner, ...]
    unnamed_thanked: int
    good_news: tuple[tuple[Referral, Partner], ...]
    spotlights: tuple[Partner, ...] = ()
    events: tuple[Event, ...] = ()
    # Partners further up the tree from this month's wins: their earlier introductions led to
    # these wins. Those with consent are named, the others counted (everyone up the chain is
    # thanked, as the month's own thank-you counts the partners behind the scenes).
    tree_thanks: tuple[Partner, ...] = ()
    unnamed_tree_thanks: int = 0
    tree_wins: int = 0  # this month's wins below those partners: the rest came from no branch of theirs
    # Every update of the month (any stage), and the business given to partners: a month with
    # neither introductions nor updates has an issue only because of what was given.
    updates: int = 0
    given: int = 0
    # How many partners that business went to: two referrals to one partner went "to a
    # partner's business", not "to our partners' businesses".
    given_to: int = 0
    # The partners whose own introduction became a client this month, thanked before anyone
    # further up the tree ("thanks also" needs someone thanked first); those without consent
    # are counted, not named.
    won_by: tuple[Partner, ...] = ()
    unnamed_won_by: int = 0
    # The introductions still to thank once those wins are: a partner whose every introduction
    # of the month also became a client this month is thanked once, for the win.
    roll: tuple[Partner, ...] = ()
    unnamed_roll: int = 0
    roll_introductions: int = 0
    # Someone on the roll was just thanked for a win: the roll thanks their other introductions.
    roll_others: bool = False
    # The events held during the month itself: a month with no other news has an issue for
    # them, the invitation an owner sends (DESIGN: "hold social events ... keep them connected").
    held: tuple[Event, ...] = ()

    @property
    def only_events(self) -> bool:
        """Nothing was introduced, updated or given: the month's news is its events."""
        return bool(self.held) and not (self.referrals or self.updates or self.given)


class _TreeThanks(TypedDict):
    tree_thanks: tuple[Partner, ...]
    unnamed_tree_thanks: int
    tree_wins: int


@dataclass
class _MonthTally:
    referrals: list[Referral] = field(default_factory=list)
    stages: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    wins: list[Referral] = field(default_factory=list)
    given: list[Given] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


def monthly_issues(
    data: PartnersFile, tree: ReferralTree | None = None, *, as_of: dt.date
) -> list[MonthlyIssue]:
    """One issue per calendar month with any referral, update, business given or event, oldest
    first, up to the month of ``as_of`` (an event planned for a later month is not news yet).
    ``tree``: the data's referral tree when the caller has it already (it costs a pass)."""
    partners = {partner.id: partner for partner in data.partners}
    tree = tree or ReferralTree.of(data, PartnerLedger.of(data))
    tallies = _tally(data, Month.of(as_of))
    issues = [
        replace(
            _issue(month, tallies[month], partners, data.events),
            **_thanks_up_the_tree(tallies[month], tree),
        )
        for month in sorted(tallies)
    ]
    return _with_spotlights(issues, data.partners)


def _thanks_up_the_tree(tally: _MonthTally, tree: ReferralTree) -> _TreeThanks:
    """The ancestors of the month's winners (named with consent, else counted) and how many of
    the wins have any ancestor."""
    winners = {referral.partner for referral in tally.wins}
    ancestors = {a.id: a for pid in winners for a in tree.ancestors(pid)}
    named = sorted((a for a in ancestors.values() if a.public), key=lambda p: (p.name, p.id))
    return {
        "tree_thanks": tuple(named),
        "unnamed_tree_thanks": len(ancestors) - len(named),
        "tree_wins": sum(bool(tree.ancestors(referral.partner)) for referral in tally.wins),
    }


def _tally(data: PartnersFile, until: Month) -> dict[Month, _MonthTally]:
    # Keyed by (year, month) while counting: hashing a Month dataclass costs a Python call, and
    # there is one key per referral and per update (150,000 at 10,000 partners).
    tallies: dict[tuple[int, int], _MonthTally] = defaultdict(_MonthTally)
    for referral in data.referrals:
        tallies[referral.introduced.year, referral.introduced.month].referrals.append(referral)
        for update in referral.updates:
            tally = tallies[update.date.year, update.date.month]
            tally.stages[update.stage] += 1
        won = won_on(referral)
        if won is not None:
            tallies[won.year, won.month].wins.append(referral)
    for given in data.given:
        tallies[given.date.year, given.date.month].given.append(given)
    for event in data.events:
        if (event.date.year, event.date.month) <= (until.year, until.month):
            tallies[event.date.year, event.date.month].events.append(event)
    return {Month(year, month): tally for (year, month), tally in tallies.items()}


def _issue(
    month: Month, tally: _MonthTally, partners: dict[str, Partner], events: Iterable[Event]
) -> MonthlyIssue:
    givers = {referral.partner: partners[referral.partner] for referral in tally.referrals}
    named = tuple(sorted((p for p in givers.values() if p.public), key=lambda p: p.name))
    winners = {referral.partner: partners[referral.partner] for referral in tally.wins}
    won_by = tuple(sorted((p for p in winners.values() if p.public), key=lambda p: p.name))
    won_ids = {referral.id for referral in tally.wins}
    # Givers all of whose introductions of the month won: one pass, not one per giver (that was
    # 10 s at 10,000 partners, 1,500 givers by 2,000 introductions a month).
    still_open = {referral.partner for referral in tally.referrals if referral.id not in won_ids}
    thanked_for_win = givers.keys() - still_open
    # An introduction that won this month is thanked with the win, not counted again on the roll.
    roll_referrals = [r for r in tally.referrals if r.partner not in thanked_for_win and r.id not in won_ids]
    roll = tuple(p for p in named if p.id not in thanked_for_win)
    good_news = tuple(
        (referral, partners[referral.partner])
        for referral in tally.wins
        if referral.public and partners[referral.partner].public
    )
    return MonthlyIssue(
        month=month,
        referrals=len(tally.referrals),
        meetings=tally.stages["met"],
        proposals=tally.stages["proposal"],
        wins=len(tally.wins),
        thanked=named,
        unnamed_thanked=len(givers) - len(named),
        good_news=good_news,
        updates=sum(tally.stages.values()),
        given=len(tally.given),
        given_to=len({given.partner for given in tally.given}),
        won_by=won_by,
        unnamed_won_by=len(winners) - len(won_by),
        roll=roll,
        unnamed_roll=len(givers) - len(thanked_for_win) - len(roll),
        roll_introductions=len(roll_referrals),
        roll_others=any(r.partner in winners for r in roll_referrals),
        events=upcoming_events(events, after=month.last_day, days=EVENT_HORIZON_DAYS),
        held=tuple(sorted(tally.events, key=event_order)),
    )


class EventWhen(Protocol):
    """An event's day and hours in words (dates_in_words.event_when), or marked up for a page."""

    def __call__(
        self, day: dt.date, start: dt.time | None, end: dt.time | None, *, year: bool = True
    ) -> str: ...


def gathering_line(
    issue: MonthlyIssue, today: dt.date, text: Callable[[str], str] = str, when: EventWhen = event_when
) -> str | None:
    """The opening of a month whose only news is its events, as read on ``today``: those held
    as a get-together that took place, those still to come as an invitation.
    ``text`` prepares each title for where the line goes (escaped for a page), ``when`` its date."""
    if not issue.only_events:
        return None
    return gathering(
        issue.month.label,
        held=_events_told(issue, today, text, when),
        coming=_events_told(issue, today, text, when, to_come=True),
    )


def held_line(
    issue: MonthlyIssue, today: dt.date, text: Callable[[str], str] = str, when: EventWhen = event_when
) -> str | None:
    """In a month with other news, its events already held on ``today``, told after that news.
    "Coming up" lists only what is still to come, so the day after the September ride the
    September issue (and its mail) no longer said a word of it."""
    if issue.only_events:
        return None
    held = _events_told(issue, today, text, when)
    return held_together(held) if held else None


def _events_told(
    issue: MonthlyIssue, today: dt.date, text: Callable[[str], str], when: EventWhen, *, to_come: bool = False
) -> list[tuple[str, str]]:
    """The month's events (title, when) held before ``today``, or ``to_come`` from it on. Their
    days without the year: they are told in the issue of their own month."""
    return [
        (text(event.title), when(event.date, event.time, event.end, year=False))
        for event in issue.held
        if (event.date >= today) == to_come
    ]


def event_order(event: Event) -> tuple[dt.date, dt.time, str]:
    """Events as they happen: by day, then by the clock (an all-day event first), then title."""
    return (event.date, event.time or dt.time(), event.title)


def upcoming_events(events: Iterable[Event], *, after: dt.date, days: int | None = None) -> tuple[Event, ...]:
    """Events after ``after`` (within ``days`` if given), soonest first."""
    until = after + dt.timedelta(days=days) if days is not None else dt.date.max
    return tuple(sorted((e for e in events if after < e.date <= until), key=event_order))


def _with_spotlights(issues: list[MonthlyIssue], partners: Iterable[Partner]) -> list[MonthlyIssue]:
    """Feature consenting partners in turn: whoever was featured least recently goes first."""
    eligible = [p for p in partners if p.public and p.spotlight]
    order = {partner.id: index for index, partner in enumerate(eligible)}
    last_featured: dict[str, int] = {}
    result = []
    for number, issue in enumerate(issues):
        last_day = issue.month.last_day  # once per issue, not once per partner
        chosen = _never_featured(eligible, last_featured, last_day)
        if len(chosen) < SPOTLIGHTS_PER_ISSUE:
            ready = [p for p in eligible if p.since is None or p.since <= last_day]
            ready.sort(key=lambda p: (last_featured.get(p.id, -1), order[p.id]))
            chosen = tuple(ready[:SPOTLIGHTS_PER_ISSUE])
        for partner in chosen:
            last_featured[partner.id] = number
        result.append(replace(issue, spotlights=chosen))
    return result


def _never_featured(
    eligible: list[Partner], last_featured: dict[str, int], last_day: dt.date
) -> tuple[Partner, ...]:
    """The first partners in ``eligible``'s order who are ready by ``last_day`` and were never
    featured, up to an issue's number: when there are that many, they are exactly the ones
    the sort by (last featured, order) puts first, found without sorting every consenting
    partner again for each issue (5,000 of them, 25 issues: 0.04 s at 10,000 partners)."""
    found: list[Partner] = []
    for partner in eligible:
        if partner.id not in last_featured and (partner.since is None or partner.since <= last_day):
            found.append(partner)
            if len(found) == SPOTLIGHTS_PER_ISSUE:
                break
    return tuple(found)
