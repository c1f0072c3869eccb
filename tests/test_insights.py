"""The owner's insights page: conversion tables and charts with known answers."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from conftest import fixture_text

from generator.insights import Insights, compute_insights
from generator.render import SiteLayout, render_site
from generator.svg_charts import text_width
from generator.tree import PartnerLedger, ReferralTree
from generator.validate import load_text

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def insights() -> Insights:
    data = load_text(fixture_text("tree.yaml"), "tree.yaml", TODAY)
    return compute_insights(data, ReferralTree.of(data, PartnerLedger.of(data)))


def test_conversion_by_method(insights: Insights) -> None:
    rows = [(r.label, r.referrals, r.won, r.lost, r.value_won) for r in insights.by_method]
    assert rows == [
        ("name", 1, 0, 1, 0),
        ("letter", 1, 0, 0, 0),
        ("call", 1, 1, 0, 0),
        ("lunch", 2, 2, 0, 1500),
    ]
    assert insights.by_method[3].rate == 1.0


def test_conversion_by_asked_or_earned(insights: Insights) -> None:
    rows = [(r.label, r.referrals, r.won, r.value_won) for r in insights.by_asking]
    assert rows == [("asked", 2, 1, 1000), ("earned", 2, 2, 500), ("not recorded", 1, 0, 0)]


def test_conversion_by_partner_best_first(insights: Insights) -> None:
    rows = [(r.label, r.referrals, r.won, r.value_won) for r in insights.by_partner]
    assert rows == [
        ("Bob Baker", 1, 1, 1000),
        ("Dee Dunn", 1, 1, 500),
        ("PRIVATE-CAL", 1, 1, 0),
        ("Ann Able", 1, 0, 0),
        ("Eve Evans", 1, 0, 0),
    ]


def test_medians_and_months(insights: Insights) -> None:
    assert insights.days_to_meeting is None
    assert insights.days_to_win == 19
    assert (insights.meetings_timed, insights.wins_timed) == (0, 3)
    assert [(m.month.key, m.won, m.lost, m.open) for m in insights.per_month] == [
        ("2026-03", 1, 0, 1),
        ("2026-04", 1, 0, 0),
        ("2026-05", 1, 0, 0),
        ("2026-06", 0, 1, 0),
    ]


def test_most_productive_branches(insights: Insights) -> None:
    assert insights.branches == (("Ann Able", 4, 3), ("Bob Baker", 2, 2), ("PRIVATE-CAL", 1, 1))


def table_row(label: str, *figures: str) -> str:
    """A row of a conversion table as the page writes it: figures right-aligned."""
    cells = "".join(f'<td style="text-align: right;">{figure}</td>\n' for figure in figures)
    return f"<tr>\n<td>{label}</td>\n{cells}</tr>"


def test_insights_page_is_private_with_charts_and_tables() -> None:
    data = load_text(fixture_text("tree.yaml"), "tree.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    files = render_site(data, layout)
    page = files[layout.insights_page]
    assert layout.insights_page.startswith("p/") and len(layout.insights_page) == len("p/") + 26 + len(".md")
    assert "private: true" in page and "exclude: true" in page
    assert page.count("<svg") == 2
    # A win with no value: the sum says it leaves it out (review14).
    assert table_row("Introductory phone call", "1", "1", "100% (1 of 1) †", "\N{EN DASH} ‡") in page
    assert "‡ Leaves out 1 win with no value recorded" in page
    assert table_row("Lunch for the three of us", "2", "2", "100% (2 of 2) †", "$1,500") in page
    assert "† Fewer than 10 referrals: a hint, not yet a pattern." in page
    assert page.index("## To do") < page.index("## Conversion by introduction method")
    assert "PROSPECT" not in page
    assert not any(
        layout.insights_page.removesuffix(".md") in text
        for path, text in files.items()
        if path != layout.insights_page
    )


def test_insights_page_before_the_first_referral_says_so_instead_of_empty_tables() -> None:
    text = "newsletter:\n  title: T\n  owner: Olive Owner\npartners:\n  - id: anne\n    name: Anne Ortiz\n"
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    assert "No referrals yet: the figures fill in\nas your partners' introductions arrive." in page
    assert "0 still open" not in page and "Figures cover" not in page
    assert "<table>" not in page and "<svg" not in page
    assert page.count("<p>No referrals yet.</p>") == 4


def _one_partner(won: int, referrals: int) -> str:
    rows = "".join(
        f"  - {{id: r{n}, partner: anne, prospect: P{n}, introduced: 2026-01-{n:02d}, method: lunch"
        + (", updates: [{date: 2026-02-01, stage: won}]}\n" if n <= won else "}\n")
        for n in range(1, referrals + 1)
    )
    return (
        "newsletter:\n  title: T\n  owner: Olive Owner\npartners:\n  - id: anne\n    name: Anne Ortiz\n"
        f"referrals:\n{rows}"
    )


@pytest.mark.parametrize(
    ("won", "referrals", "shown"),
    [(1, 8, "13% (1 of 8)"), (5, 8, "63% (5 of 8)"), (3, 8, "38% (3 of 8)"), (1, 3, "33% (1 of 3)")],
)
def test_rates_round_halves_up_as_an_owner_works_them_out(won: int, referrals: int, shown: str) -> None:
    """1 of 8 is 12.5%: "13%", like 3 of 8 (37.5%) is "38%"; Python's own rounding gave 12% and 38%."""
    data = load_text(_one_partner(won, referrals), "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    assert (
        table_row("Lunch for the three of us", str(referrals), str(won), f"{shown} †", "\N{EN DASH} ‡")
        in page
    )
    assert table_row("Anne Ortiz", str(referrals), str(won), f"{shown} †", "\N{EN DASH} ‡") in page
    percent = shown.split()[0]
    assert f"Figures cover {referrals} referrals: {won} won\n({percent})" in page


def test_asked_or_earned_rows_read_as_labels_like_the_methods() -> None:
    """The method rows read "Letter of introduction"; these read "asked", "not recorded"."""
    data = load_text(fixture_text("tree.yaml"), "tree.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    section = page[page.index("## Asked for or earned") : page.index("## Time to results")]
    labels = re.findall(r"<tr>\n<td>([^<]*)</td>", section)
    assert labels == ["Asked for", "Earned", "Not recorded"]


def test_a_method_not_recorded_reads_like_the_other_rows() -> None:
    """It read "unknown", in lower case, in the table and the chart; asking reads "Not recorded"."""
    text = _one_partner(0, 2).replace(", method: lunch}", "}", 1)
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    assert table_row("Not recorded", "1", "0", "0% (0 of 1) †", "\N{EN DASH}") in page
    assert ">Not recorded<" in page[page.index("<svg") :]
    assert "unknown" not in page.lower()


def test_month_columns_read_as_months_with_the_year_below_and_fit_their_column() -> None:
    # The columns read "Nov26", "Dec26", "Jan27": a code to decipher. Charts write the month, with
    # the year under the first column and where a new year begins; each line fits its column
    # (36 px, at a size the phone shows unscaled: the figure scrolls instead of shrinking).
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: P1, introduced: 2026-11-03}
  - {id: r2, partner: ann, prospect: P2, introduced: 2026-12-03}
  - {id: r3, partner: ann, prospect: P3, introduced: 2027-01-05}
"""
    as_of = dt.date(2027, 1, 20)
    layout = SiteLayout(as_of=as_of, secret=b"s")
    page = render_site(load_text(text, "partners.yaml", as_of), layout)[layout.insights_page]
    chart = page[page.index("Referrals per month by outcome") :]
    labels = re.findall(
        r'<text x="[\d.]+" y="(\d+)" text-anchor="middle" font-size="(\d+)"[^>]*>([^<]+)</text>', chart
    )
    assert [(int(y), label) for y, _, label in labels] == [
        (206, "Nov"),
        (220, "2026"),
        (206, "Dec"),
        (206, "Jan"),
        (220, "2027"),
    ]
    assert all(text_width(label, int(size)) <= 36 and int(size) >= 12 for _, size, label in labels)


def test_a_year_that_begins_without_a_january_column_is_still_named() -> None:
    # Only months with introductions have a column: November 2026 and then February 2027 read
    # "Nov 2026", "Feb", as if February 2026 came after November; a year is named where it changes.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: P1, introduced: 2025-03-03}
  - {id: r2, partner: ann, prospect: P2, introduced: 2026-03-03}
  - {id: r3, partner: ann, prospect: P3, introduced: 2026-11-03}
  - {id: r4, partner: ann, prospect: P4, introduced: 2027-02-05}
"""
    as_of = dt.date(2027, 2, 20)
    layout = SiteLayout(as_of=as_of, secret=b"s")
    page = render_site(load_text(text, "partners.yaml", as_of), layout)[layout.insights_page]
    chart = page[page.index("Referrals per month by outcome") :]
    labels = re.findall(r'<text x="[\d.]+" y="\d+" text-anchor="middle"[^>]*>([^<]+)</text>', chart)
    # The months between are columns too (review54): up to three in a row empty ones, more a break.
    assert labels == ["Mar", "2025", "…", "Mar", "2026", "…", "Nov", "2026", "Dec", "Jan", "2027", "Feb"]


GAPPED = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: P1, introduced: 2026-01-05}
  - {id: r2, partner: ann, prospect: P2, introduced: 2026-04-07}
  - {id: r3, partner: ann, prospect: P3, introduced: 2026-04-09}
  - {id: r4, partner: ann, prospect: P4, introduced: 2026-11-02}
"""


def test_months_without_introductions_are_not_drawn_as_consecutive_months() -> None:
    # January's and April's columns stood side by side, read as two consecutive months
    # (review54). February and March are empty columns on the baseline; May to October, six
    # months, a break in it, after which the year is named again.
    as_of = dt.date(2026, 11, 20)
    layout = SiteLayout(as_of=as_of, secret=b"s")
    page = render_site(load_text(GAPPED, "partners.yaml", as_of), layout)[layout.insights_page]
    chart = page[page.index("Referrals per month by outcome") :].split("</svg>")[0]
    columns = re.findall(r'<text x="([\d.]+)" y="206" text-anchor="middle"[^>]*>([^<]+)</text>', chart)
    assert [label for _, label in columns] == ["Jan", "Feb", "Mar", "Apr", "…", "Nov"]
    assert re.findall(r'<text x="[\d.]+" y="220"[^>]*>([^<]+)</text>', chart) == ["2026", "2026"]
    # One column per month, evenly spaced; bars only where there were introductions.
    xs = [float(x) for x, _ in columns]
    assert {b - a for a, b in itertools.pairwise(xs)} == {46}
    bars = [
        float(x)
        for x, height in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="36" height="([\d.]+)"', chart)
        if float(height)
    ]
    assert sorted({x + 18 for x in bars}) == [xs[0], xs[3], xs[5]]
    # A baseline under every month, and the break's strokes where it is cut.
    baselines = re.findall(r'<path d="M[\d.]+ 190h46" stroke="currentColor"', chart)
    assert len(baselines) == 5 and chart.count('stroke-width="1.5" fill="none"') == 1
    # The table lists the months with introductions, as before.
    table = page[page.index("<th>Month</th>") :]
    assert re.findall(r"<td>(\w+ 2026)</td>", table) == ["January 2026", "April 2026", "November 2026"]


TWO_MEETINGS = """\
newsletter: {title: T, owner: O}
partners:
  - {id: pub, name: Pat Public}
referrals:
  - id: r-1
    partner: pub
    prospect: P One
    introduced: 2026-01-01
    value: 0
    updates:
      - {date: 2026-01-11, stage: met}
      - {date: 2026-01-31, stage: met}
      - {date: 2026-02-10, stage: won}
"""


def test_days_to_a_meeting_count_the_first_and_a_win_worth_zero_is_valued() -> None:
    data = load_text(TWO_MEETINGS, "partners.yaml", TODAY)
    insights = compute_insights(data, ReferralTree.of(data, PartnerLedger.of(data)))
    assert (insights.days_to_meeting, insights.meetings_timed) == (10, 1)  # not the second meeting
    assert (insights.total.won, insights.total.value_won, insights.total.unvalued_wins) == (1, 0, 0)


BUSY_BUT_NOT_CLOSING = """\
newsletter: {title: T, owner: O}
partners:
  - {id: busy, name: Bo Busy}
  - {id: closer, name: Cy Closer}
referrals:
  - {id: r-1, partner: busy, prospect: P One, introduced: 2026-01-01}
  - {id: r-2, partner: busy, prospect: P Two, introduced: 2026-01-02}
  - {id: r-3, partner: busy, prospect: P Three, introduced: 2026-01-03}
  - id: r-4
    partner: closer
    prospect: P Four
    introduced: 2026-01-04
    updates: [{date: 2026-02-01, stage: won}]
"""


def test_partners_rank_by_clients_won_before_introductions() -> None:
    data = load_text(BUSY_BUT_NOT_CLOSING, "partners.yaml", TODAY)
    insights = compute_insights(data, ReferralTree.of(data, PartnerLedger.of(data)))
    assert [row.label for row in insights.by_partner] == ["Cy Closer", "Bo Busy"]
