"""The owner's private insights page (HTML, insights.html.j2): which ways of being introduced
lead to clients, referrals month by month by outcome, and the owner's to-do list."""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from . import dates_in_words, numbers_in_words
from .html_page import html_environment
from .insights import OUTCOMES, MonthOutcomes, compute_insights
from .markdown import front_matter
from .models import PartnersFile
from .svg_charts import bar_chart, stacked_columns
from .todo import owner_todo
from .tree import PartnerLedger, ReferralTree
from .views import METHOD_WORDS, Month


def render_insights_page(
    data: PartnersFile, tree: ReferralTree, ledger: PartnerLedger, as_of: dt.date
) -> str:
    meta = {
        "title": "Referral insights",
        "private": True,
        "search": {"exclude": True},
        "hide": ["navigation", "footer"],
    }
    insights = compute_insights(data, tree)
    methods = [
        (
            METHOD_WORDS.get(r.label, r.label),
            r.rate * 100,
            numbers_in_words.rate_with_count(r.won, r.referrals),
        )
        for r in insights.by_method
    ]
    rows = insights.per_month
    months = [
        (_column_label(row.month, index == 0 or rows[index - 1].month.year != row.month.year), _counts(row))
        for index, row in enumerate(rows)
    ]
    return (
        html_environment()
        .get_template("insights.html.j2")
        .render(
            meta=Markup(front_matter(meta)),
            newsletter=data.newsletter,
            insights=insights,
            total=insights.total,
            todo=owner_todo(data, as_of, ledger),
            partner_names={p.id: p.name for p in data.partners},
            as_of=as_of,
            currency=data.newsletter.currency,
            few=numbers_in_words.FEW_REFERRALS,
            method_chart=Markup(bar_chart(methods, "Conversion to a win by introduction method")),
            month_chart=Markup(stacked_columns(months, OUTCOMES, "Referrals per month by outcome")),
        )
    )


def _counts(row: MonthOutcomes) -> dict[str, int]:
    return {"won": row.won, "lost": row.lost, "open": row.open}


def _column_label(month: Month, new_year: bool) -> str:
    """A month under its chart column, as charts write it: "Nov", with the year below it under
    the first column and wherever the year changes ("Nov26" read as a code, not a month). Only
    months with introductions have a column, so a year may begin without its January: after
    "Nov 2026", a bare "Feb" read as February 2026."""
    short = dates_in_words.MONTH_NAMES[month.month][:3]
    return f"{short}\n{month.year}" if new_year else short
