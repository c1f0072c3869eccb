"""What one partner's message tells them: only their own records, never an internal note.

Templates get these plain values, never model objects, so no template can reach a field it
should not print (``internal``, another partner's prospects, anyone's email).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .. import dates_in_words, names_in_words
from ..models import Partner, PartnersFile, Referral, Update
from ..referral_labels import REPEAT_WIN
from ..tree import PartnerLedger, ReferralTree
from ..views import Month, MonthlyIssue, with_news, won_on


@dataclass(frozen=True)
class Step:
    """One piece of progress this month, with the note meant for the partner."""

    date: dt.date
    stage: str
    note: str | None


@dataclass(frozen=True)
class ReferralNews:
    prospect: str
    stage: str  # "introduced", "met", … "won", REPEAT_WIN, "lost": where it stood at the month's end
    introduced: dt.date | None  # set when the introduction itself happened this month
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class GivenNews:
    date: dt.date
    to: str
    note: str | None


@dataclass(frozen=True)
class EventNews:
    date: dt.date
    title: str
    where: str | None
    when: str  # "10 December 2026, 18:00 to 21:30"
    description: str | None = None  # the sentence the home page and the issue give it


@dataclass(frozen=True)
class IssueDigest:
    """The public issue in a few anonymised numbers."""

    referrals: int
    meetings: int
    proposals: int
    wins: int
    partners_thanked: int
    events: tuple[EventNews, ...]
    gathering: str | None = None  # the opening of a month whose only news is its events
    held: str | None = None  # the events already held in a month with other news (views.held_line)

    @property
    def has_numbers(self) -> bool:
        """Anything to count: a month of events or business given only shows no row of zeros."""
        return bool(self.referrals or self.meetings or self.proposals or self.wins)


@dataclass(frozen=True)
class PartnerNews:
    name: str
    greeting: str  # what the message calls them: "Anne"
    month: Month
    referrals: tuple[ReferralNews, ...]
    introduced: int  # introductions this partner made during the month
    sent: int  # introductions by the end of the month: "every introduction you gave us" needs one
    # Their other open referrals, with no news this month: only these can have "no news"; a file
    # closed (won or lost) in an earlier month is not waiting for any.
    still_open: int
    given: tuple[GivenNews, ...]
    tree_wins: int  # clients won this month through partners further down this partner's branch
    tree_named: tuple[str, ...]  # those partners who agreed to be named
    tree_unnamed: int  # and how many others
    digest: IssueDigest
    private_url: str
    issue_url: str


@dataclass(frozen=True)
class MonthRecords:
    """Everything about one month that every partner's message draws on, derived once."""

    issue: MonthlyIssue
    ledger: PartnerLedger
    tree: ReferralTree
    winners: tuple[str, ...]  # the partner behind each referral won this month
    gathering: str | None = None  # see views.gathering_line, as of the message's date
    held: str | None = None  # see views.held_line, as of the message's date

    @classmethod
    def of(
        cls, data: PartnersFile, issue: MonthlyIssue, gathering: str | None = None, held: str | None = None
    ) -> MonthRecords:
        ledger = PartnerLedger.of(data)
        winners = tuple(
            referral.partner
            for referral in data.referrals
            if (won := won_on(referral)) is not None and Month.of(won) == issue.month
        )
        return cls(issue, ledger, ReferralTree.of(data, ledger), winners, gathering, held)

    def tree_wins(self, partner: Partner) -> list[Partner]:
        """Partners below this one in the referral tree, once per client they brought in."""
        return [
            self.tree.partners[winner]
            for winner in self.winners
            if partner.id in {above.id for above in self.tree.ancestors(winner)}
        ]


def partner_news(records: MonthRecords, partner: Partner, *, private_url: str, issue_url: str) -> PartnerNews:
    month = records.issue.month
    mine = [r for r in records.ledger.referrals_of(partner.id) if r.introduced <= month.last_day]
    active = [r for r in mine if _active_in(r, month)]
    active_ids = {r.id for r in active}
    tree_wins = records.tree_wins(partner)
    return PartnerNews(
        name=line(partner.name),
        greeting=line(names_in_words.greeting_name(partner.name, partner.greeting)),
        month=month,
        referrals=tuple(_referral_news(r, month) for r in sorted(active, key=_news_order)),
        introduced=sum(Month.of(r.introduced) == month for r in mine),
        sent=len(mine),
        still_open=sum(r.id not in active_ids and _stage_at(r, month) not in ("won", "lost") for r in mine),
        given=tuple(
            GivenNews(g.date, line(g.to), _maybe_line(g.note))
            for g in sorted(records.ledger.given_to(partner.id), key=lambda g: g.date)
            if Month.of(g.date) == month
        ),
        tree_wins=len(tree_wins),
        tree_named=tuple(sorted({line(p.name) for p in tree_wins if p.public})),
        tree_unnamed=len({p.id for p in tree_wins if not p.public}),
        digest=_digest(records.issue, records.gathering, records.held),
        private_url=private_url,
        issue_url=issue_url,
    )


def _active_in(referral: Referral, month: Month) -> bool:
    dates = [referral.introduced, *(update.date for update in referral.updates)]
    return any(Month.of(day) == month for day in dates)


def _stage_at(referral: Referral, month: Month) -> str:
    """The stage at the end of ``month``: later news belongs to a later message."""
    done = [update for update in referral.updates if update.date <= month.last_day]
    return done[-1].stage if done else "introduced"


def _news_order(referral: Referral) -> tuple[dt.date, names_in_words.NameOrder, names_in_words.NameOrder]:
    """In the order introduced; those introduced the same day by the prospect's name as the
    partner counts ("Prospect 2" before "Prospect 10"), then by id."""
    return (
        referral.introduced,
        names_in_words.name_order(referral.prospect),
        names_in_words.name_order(referral.id),
    )


def _referral_news(referral: Referral, month: Month) -> ReferralNews:
    told = [(update, news) for update, news in with_news(referral.updates) if update.date <= month.last_day]
    steps = tuple(
        Step(update.date, news, _maybe_line(update.note))
        for update, news in told
        if Month.of(update.date) == month
    )
    introduced = referral.introduced if Month.of(referral.introduced) == month else None
    return ReferralNews(line(referral.prospect), _headline_stage(told, month), introduced, steps)


def _headline_stage(told: Sequence[tuple[Update, str]], month: Month) -> str:
    """Where the referral stood at the end of ``month``: a client won in an earlier month who
    bought again is a returning client, not "a new client, thanks to you!" a second time."""
    if not told:
        return "introduced"
    if told[-1][1] != REPEAT_WIN:
        return told[-1][1]
    won = next(update for update, news in reversed(told) if news == "won")  # where the run began
    return REPEAT_WIN if Month.of(won.date) != month else "won"


def _digest(issue: MonthlyIssue, gathering: str | None, held: str | None = None) -> IssueDigest:
    return IssueDigest(
        referrals=issue.referrals,
        meetings=issue.meetings,
        proposals=issue.proposals,
        wins=issue.wins,
        partners_thanked=len(issue.thanked) + issue.unnamed_thanked,
        events=tuple(
            EventNews(
                e.date,
                line(e.title),
                _maybe_line(e.where),
                dates_in_words.event_when(e.date, e.time, e.end),
                _maybe_line(e.description),
            )
            for e in issue.events
        ),
        gathering=_maybe_line(gathering),
        held=_maybe_line(held),
    )


def line(text: str) -> str:
    """Text on one line: a line break typed in the YAML must not reshape a message or header."""
    return " ".join(text.split())


def _maybe_line(text: str | None) -> str | None:
    return None if text is None else line(text)
