"""The referral tree (``referred_by``): who introduced whom, and what grew from each partner.

Everything is computed once, in time linear in the number of partners and referrals, so
partner pages and newsletter issues can ask about any branch cheaply.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from .models import Given, Partner, PartnersFile, Referral


def _is_won(referral: Referral) -> bool:
    return bool(referral.updates) and referral.updates[-1].stage == "won"


@dataclass(frozen=True)
class Branch:
    """What grew below one partner: partners brought in (at any depth) and their clients won."""

    partners: int
    wins: int


@dataclass(frozen=True)
class PartnerLedger:
    """Every partner's own records, grouped once."""

    referrals: dict[str, tuple[Referral, ...]]
    given: dict[str, tuple[Given, ...]]

    @classmethod
    def of(cls, data: PartnersFile) -> PartnerLedger:
        referrals: dict[str, list[Referral]] = defaultdict(list)
        given: dict[str, list[Given]] = defaultdict(list)
        for referral in data.referrals:
            referrals[referral.partner].append(referral)
        for item in data.given:
            given[item.partner].append(item)
        return cls(
            {key: tuple(value) for key, value in referrals.items()},
            {key: tuple(value) for key, value in given.items()},
        )

    def referrals_of(self, partner_id: str) -> tuple[Referral, ...]:
        return self.referrals.get(partner_id, ())

    def given_to(self, partner_id: str) -> tuple[Given, ...]:
        return self.given.get(partner_id, ())


@dataclass(frozen=True)
class ReferralTree:
    partners: dict[str, Partner]
    children: dict[str, tuple[str, ...]]
    roots: tuple[str, ...]
    own_wins: dict[str, int]
    branches: dict[str, Branch]
    own_sent: dict[str, int]  # each partner's own introductions

    @classmethod
    def of(cls, data: PartnersFile, ledger: PartnerLedger) -> ReferralTree:
        partners = {partner.id: partner for partner in data.partners}
        children: dict[str, list[str]] = defaultdict(list)
        roots = []
        for partner in data.partners:
            if partner.referred_by in partners:
                children[partner.referred_by].append(partner.id)
            else:
                roots.append(partner.id)
        frozen = {key: tuple(value) for key, value in children.items()}
        own_wins = cls._own_wins(partners, data.referrals)
        own_sent = {partner_id: len(referrals) for partner_id, referrals in ledger.referrals.items()}
        tree = cls(partners, frozen, tuple(roots), own_wins, {}, own_sent)
        return replace(tree, branches=tree._count_branches())

    @staticmethod
    def _own_wins(partners: dict[str, Partner], referrals: Iterable[Referral]) -> dict[str, int]:
        """Clients won from each partner's own referrals: one pass over the referrals in the
        file's order, not a generator per partner over its own (0.056 s at 10,000 partners,
        against 0.015 s: the records are visited in the order they lie in memory)."""
        wins = dict.fromkeys(partners, 0)
        for referral in referrals:
            if referral.partner in wins and _is_won(referral):
                wins[referral.partner] += 1
        return wins

    def _count_branches(self) -> dict[str, Branch]:
        """Bottom-up totals: each partner's branch excludes the partner's own referrals."""
        own_wins = self.own_wins
        branches: dict[str, Branch] = {}
        for partner_id in reversed(list(self.walk())):
            below = self.children_of(partner_id)
            branches[partner_id] = Branch(
                partners=sum(1 + branches[child].partners for child in below),
                wins=sum(own_wins[child] + branches[child].wins for child in below),
            )
        return branches

    def grew_from(self, partner_id: str) -> int:
        """Clients won by this partner and everyone below them: what one introduction led to."""
        return self.own_wins[partner_id] + self.branches[partner_id].wins

    def children_of(self, partner_id: str) -> tuple[str, ...]:
        return self.children.get(partner_id, ())

    def walk(self, start: str | None = None) -> Iterator[str]:
        """Partners in depth-first order (each before those it brought in)."""
        stack = [start] if start else list(reversed(self.roots))
        while stack:
            partner_id = stack.pop()
            yield partner_id
            stack.extend(reversed(self.children_of(partner_id)))

    def depth_below(self, start: str) -> Iterator[tuple[str, int]]:
        """``(partner id, depth)`` for the branch under ``start`` (depth 1 = brought in directly)."""
        stack = [(child, 1) for child in reversed(self.children_of(start))]
        while stack:
            partner_id, depth = stack.pop()
            yield partner_id, depth
            stack.extend((child, depth + 1) for child in reversed(self.children_of(partner_id)))

    def ancestors(self, partner_id: str) -> list[Partner]:
        """Who introduced this partner, who introduced them, and so on (nearest first)."""
        found: list[Partner] = []
        current = self.partners[partner_id].referred_by
        while current is not None and current in self.partners and len(found) < len(self.partners):
            found.append(self.partners[current])
            current = self.partners[current].referred_by
        return found
