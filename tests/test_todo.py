"""The owner's to-do list on the insights page: due updates, quiet partners, favours owed."""

from __future__ import annotations

import datetime as dt

from generator.render import SiteLayout, render_site
from generator.svg_charts import bar_chart, text_width
from generator.todo import owner_todo
from generator.validate import load_text

TODAY = dt.date(2026, 11, 20)
DATA = """\
newsletter:
  title: To-do News
  owner: Olive Owner
partners:
  - {id: generous, name: Gina Generous, since: 2024-01-01}
  - {id: silent, name: Sam Silent, since: 2025-02-01}
  - {id: new, name: Nia New, since: 2026-10-01}
  - {id: thanked, name: Theo Thanked, since: 2024-01-01}
referrals:
  - {id: g1, partner: generous, prospect: P-ONE, introduced: 2026-01-10}
  - {id: g2, partner: generous, prospect: P-TWO, introduced: 2026-02-10}
  - {id: g3, partner: generous, prospect: P-THREE, introduced: 2026-04-10,
     updates: [{date: 2026-04-20, stage: won}]}
  - {id: t1, partner: thanked, prospect: P-FOUR, introduced: 2026-11-03}
  - {id: t2, partner: thanked, prospect: P-FIVE, introduced: 2026-11-01}
given:
  - {partner: thanked, date: 2026-11-02, to: G-TO}
"""


def _todo():  # type: ignore[no-untyped-def]
    return owner_todo(load_text(DATA, "partners.yaml", TODAY), TODAY)


def test_due_updates_oldest_first() -> None:
    assert [item.referral.id for item in _todo().due] == ["g1", "g2"]


def test_quiet_partners_longest_first_counting_from_joining_when_none_sent() -> None:
    quiet = _todo().quiet
    assert [(q.partner.id, q.last_introduction) for q in quiet] == [
        ("silent", None),
        ("generous", dt.date(2026, 4, 10)),
    ]


def test_partners_owed_a_referral() -> None:
    assert [(u.partner.id, u.referrals) for u in _todo().owed] == [("generous", 3)]


def test_insights_page_opens_with_the_to_do_list_and_no_prospect() -> None:
    data = load_text(DATA, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    todo = page[page.index("## To do") : page.index("## Conversion")]
    assert (
        '<li><strong>Gina Generous</strong>: referral <span class="token">g1</span>, introduced <span class="date">10 January 2026</span>'
        in todo
    )
    assert todo.index(">g1<") < todo.index(">g2<")
    assert (
        '<li><strong>Sam Silent</strong>: no introduction yet, partner since <span class="date">1 February 2025</span>'
        in todo
    )
    assert "<li><strong>Gina Generous</strong>: 3 introductions sent, none returned" in todo
    assert "Nia New" not in todo and "Theo Thanked" not in todo
    assert "P-" not in page


def test_bar_chart_labels_fit_inside_the_drawing() -> None:
    rows = [
        ("Introductory phone call", 100.0, "100% (12 of 12)"),
        ("Lunch for the three of us", 50.0, "50% (4 of 8)"),
    ]
    svg = bar_chart(rows, "t")
    width = float(svg.split('width="')[1].split('"')[0])
    label_left = float(svg.split('<text x="')[1].split('"')[0])
    assert label_left >= 0 and label_left + text_width("Lunch for the three of us", 13) <= width
    value_left = float(svg.split('<text x="')[2].split('"')[0])
    assert value_left + text_width("100% (12 of 12)", 13) <= width
    # The longest label and figure the insights page prints still fit a 390 px phone's column
    # (358 px): the chart used to be 650 px wide, and a phone cut its longer bars at the edge.
    assert width <= 358


def test_gone_quiet_means_six_calendar_months_without_an_introduction() -> None:
    # 23 May to 20 November is five months and 28 days: 181 days passed the old test
    # (more than 180), and the list said "no introduction for 6 months or more" (review14).
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: may20, name: May Twenty}
  - {id: may23, name: May Twentythree}
  - {id: joined, name: Jo Joined, since: 2026-05-21}
referrals:
  - {id: r1, partner: may20, prospect: P, introduced: 2026-05-20}
  - {id: r2, partner: may23, prospect: Q, introduced: 2026-05-23}
"""
    quiet = owner_todo(load_text(text, "partners.yaml", TODAY), TODAY).quiet
    assert [q.partner.id for q in quiet] == ["may20"]
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.insights_page]
    assert "May Twentythree" not in page.split("### Gone quiet")[1].split("\n## ")[0]
    assert '20 May 2026</span> <span class="date">(6 months ago)</span>' in page
