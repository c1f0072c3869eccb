"""Who is due an update: open referrals with no news for too long, oldest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import PartnersFile, Referral
from .names_in_words import name_order
from .numbers_in_words import digits
from .views import is_open, last_activity


@dataclass(frozen=True)
class DueReferral:
    index: int
    referral: Referral
    days_quiet: int

    def describe(self) -> str:
        referral = self.referral
        return (
            f"due an update: {referral.id} from {referral.partner}, "
            f"no news for {digits(self.days_quiet)} days (last on {last_activity(referral)})"
        )


def due_referrals(data: PartnersFile, as_of: dt.date) -> list[DueReferral]:
    limit = data.newsletter.due_after_days
    due = []
    for index, referral in enumerate(data.referrals):
        if is_open(referral):
            days_quiet = (as_of - last_activity(referral)).days  # once: 50,000 referrals at 10,000 partners
            if days_quiet > limit:
                due.append(DueReferral(index, referral, days_quiet))
    # Ids as the owner counts them: r-2 before r-10 (as text, r-10 came first).
    return sorted(
        due,
        key=lambda item: (-item.days_quiet, name_order(item.referral.partner), name_order(item.referral.id)),
    )
