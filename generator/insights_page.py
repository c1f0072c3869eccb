"""The owner's private insights page (HTML, insights.html.j2): which ways of being introduced
lead to clients, referrals month by month by outcome, and the owner's to-do list."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence

from markupsafe import Markup

from . import dates_in_words, names_in_words, numbers_in_words
from .due import DueReferral
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
    months = _month_columns(insights.per_month)
    todo = owner_todo(data, as_of, ledger)
    return (
        html_environment()
        .get_template("insights.html.j2")
        .render(
            meta=Markup(front_matter(meta)),
            newsletter=data.newsletter,
            insights=insights,
            total=insights.total,
            todo=todo,
            due_rows=due_rows(todo.due, {p.id: p.name for p in data.partners}),
            as_of=as_of,
            currency=data.newsletter.currency,
            few=numbers_in_words.FEW_REFERRALS,
            method_chart=Markup(bar_chart(methods, "Conversion to a win by introduction method")),
            month_chart=Markup(stacked_columns(months, OUTCOMES, "Referrals per month by outcome")),
        )
    )


DueRow = tuple[str, str, str, str]


def due_rows(due: Sequence[DueReferral], partner_names: Mapping[str, str]) -> list[DueRow]:
    """Each referral due an update as its row says it: the partner's name, the referral's id,
    the day it was introduced and the days without news (the page's HTML escapes them)."""
    return [
        (
            names_in_words.isolated(partner_names[item.referral.partner]),
            item.referral.id,
            _long_date(item.referral.introduced),
            numbers_in_words.digits(item.days_quiet),
        )
        for item in due
    ]


# The 28,000 rows of 10,000 partners were introduced on about 700 days.
_long_date = functools.lru_cache(maxsize=4096)(dates_in_words.long_date)


# Up to this many months in a row without an introduction are drawn as empty columns; more
# are one break in the baseline (six quiet years would be 72 blank columns to scroll past).
EMPTY_MONTHS_DRAWN = 3


def _month_columns(rows: Sequence[MonthOutcomes]) -> list[tuple[str, dict[str, int] | None]]:
    """The chart's columns, from the first month with an introduction to the last. Only those
    months had a column, so January and April stood side by side, read as consecutive months:
    a month between them is an empty column, a longer run of them a break (None)."""
    columns: list[tuple[str, dict[str, int] | None]] = []
    shown: Month | None = None  # the month of the last column drawn, after a break none
    for index, row in enumerate(rows):
        between = _months_between(rows[index - 1].month, row.month) if index else []
        if len(between) > EMPTY_MONTHS_DRAWN:
            columns.append(("…", None))
            between, shown = [], None
        for month in [*between, row.month]:
            counts = _counts(row) if month == row.month else {}
            columns.append((_column_label(month, shown is None or shown.year != month.year), counts))
            shown = month
    return columns


def _months_between(first: Month, last: Month) -> list[Month]:
    """The months after ``first`` and before ``last``."""
    count = (last.year - first.year) * 12 + last.month - first.month - 1
    return [Month(first.year + (first.month + n) // 12, (first.month + n) % 12 + 1) for n in range(count)]


def _counts(row: MonthOutcomes) -> dict[str, int]:
    return {"won": row.won, "lost": row.lost, "open": row.open}


def _column_label(month: Month, new_year: bool) -> str:
    """A month under its chart column, as charts write it: "Nov", with the year below it under
    the first column, after a break and wherever the year changes ("Nov26" read as a code)."""
    short = dates_in_words.MONTH_NAMES[month.month][:3]
    return f"{short}\n{month.year}" if new_year else short
