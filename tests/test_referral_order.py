"""A partner's referrals in the order the partner counts: on their page the latest news first,
in their monthly message in the order introduced, and referrals alike in those dates by the
prospect's name, "Prospect 2" before "Prospect 10". Ties were broken by the ids' text, which
put "r-10" between "r-1" and "r-2" (review58)."""

from __future__ import annotations

import datetime as dt
import email
import re
from email import policy

from conftest import TEST_SECRET

from generator import validate
from generator.due import due_referrals, first_due
from generator.mail.run import compose_month, parse_month
from generator.names_in_words import name_order
from generator.render import SiteLayout, render_site

AS_OF = dt.date(2026, 11, 20)
LAYOUT = SiteLayout(as_of=AS_OF, secret=TEST_SECRET.encode())
# Entered in the file in neither order; one day for all, so only the tie-break orders them.
DATA = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: pat, name: Pat Partner, email: pat@example.com}
referrals:
""" + "".join(
    f"  - {{id: r-{n}, partner: pat, prospect: Prospect {n}, introduced: 2026-03-02}}\n"
    for n in (10, 2, 1, 11)
)
COUNTED = ["Prospect 1", "Prospect 2", "Prospect 10", "Prospect 11"]


def _in_order_of_appearance(text: str) -> list[str]:
    return re.findall(r"Prospect \d+", text)


def test_the_partner_page_lists_alike_referrals_by_name_as_counted() -> None:
    data = validate.load_text(DATA, "partners.yaml", AS_OF)
    page = render_site(data, LAYOUT)[LAYOUT.partner_page(data.partners[0])]
    assert list(dict.fromkeys(_in_order_of_appearance(page))) == COUNTED


def test_the_monthly_message_lists_alike_referrals_by_name_as_counted() -> None:
    data = validate.load_text(DATA, "partners.yaml", AS_OF)
    [message] = compose_month(data, parse_month("2026-03"), LAYOUT, "https://partners.example.com/", {})
    parsed = email.message_from_bytes(message.data, policy=policy.default)
    for kind in ("plain", "html"):
        part = parsed.get_body((kind,))
        assert part is not None
        assert list(dict.fromkeys(_in_order_of_appearance(part.get_content()))) == COUNTED


def test_name_order_counts_figures_and_sets_case_aside() -> None:
    names = ["r-2026-010", "prospect 2", "Prospect 10", "r-2026-9", "Prospect 2", "alpha"]
    assert sorted(names, key=name_order) == [
        "alpha",
        "Prospect 2",
        "prospect 2",
        "Prospect 10",
        "r-2026-9",
        "r-2026-010",
    ]


def test_the_owners_due_list_counts_ids_too() -> None:
    """The owner's list of referrals due an update (`due`, `check`, the build log): r-2 before
    r-10 when they have been quiet as long."""
    data = validate.load_text(DATA, "partners.yaml", AS_OF)
    assert [item.referral.id for item in due_referrals(data, AS_OF)] == ["r-1", "r-2", "r-10", "r-11"]


def test_the_owners_due_list_counts_partner_ids_before_referral_ids() -> None:
    """Oldest first; alike in days, by partner as counted (p-2 before p-10), then by id."""
    text = (
        """\
newsletter: {title: T, owner: Olive Owner}
partners:
"""
        + "".join(f"  - {{id: p-{n}, name: Partner {n}}}\n" for n in (10, 2, 1))
        + """\
referrals:
"""
        + "".join(
            f"  - {{id: r-{r}, partner: p-{p}, prospect: Prospect {r}, introduced: {day}}}\n"
            for r, p, day in [
                (10, 2, "2026-03-02"),
                (3, 10, "2026-03-02"),
                (2, 2, "2026-03-02"),
                (20, 1, "2026-04-02"),
                (1, 10, "2026-03-02"),
                (4, 1, "2026-03-02"),
            ]
        )
    )
    data = validate.load_text(text, "partners.yaml", AS_OF)
    due = [(item.referral.partner, item.referral.id) for item in due_referrals(data, AS_OF)]
    # The build log's first few: the same, however many, ties across the cut too.
    for count in range(len(due) + 2):
        first, total = first_due(data, AS_OF, count)
        assert ([(item.referral.partner, item.referral.id) for item in first], total) == (
            due[:count],
            len(due),
        )
    assert due == [
        ("p-1", "r-4"),
        ("p-2", "r-2"),
        ("p-2", "r-10"),
        ("p-10", "r-1"),
        ("p-10", "r-3"),
        ("p-1", "r-20"),
    ]
