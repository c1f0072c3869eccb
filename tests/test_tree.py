"""The referral tree, giving back, spotlight rotation and events, on data with known answers."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import markdown
import pytest
import yaml
from conftest import fixture_text

from generator.branch import partner_branch
from generator.models import PartnersFile
from generator.render import OUTLINE_DEPTH, SiteLayout, render_site
from generator.tree import PartnerLedger, ReferralTree
from generator.validate import load_text
from generator.views import monthly_issues

TODAY = dt.date(2026, 11, 20)
LAYOUT = SiteLayout(as_of=TODAY, secret=b"tree-test")


@pytest.fixture(scope="module")
def data() -> PartnersFile:
    return load_text(fixture_text("tree.yaml"), "tree.yaml", TODAY)


@pytest.fixture(scope="module")
def files(data: PartnersFile) -> dict[str, str]:
    return render_site(data, LAYOUT)


def partner_page(files: dict[str, str], data: PartnersFile, partner_id: str) -> str:
    partner = next(p for p in data.partners if p.id == partner_id)
    return files[LAYOUT.partner_page(partner)]


def test_branch_counts(data: PartnersFile) -> None:
    tree = ReferralTree.of(data, PartnerLedger.of(data))
    ann = partner_branch(tree, data.partners[0])
    assert ann.introducer is None
    assert [(i.name, i.led_to_wins, i.partners_below) for i in ann.brought_in] == [
        ("Bob Baker", 3, 2),
        ("A partner", 0, 0),
    ]
    assert (ann.partners_below, ann.wins_below) == (4, 3)
    dee = partner_branch(tree, data.partners[3])
    assert dee.introducer == "A partner"  # cal did not consent to be named
    assert dee.brought_in == () and dee.partners_below == 0


def test_partner_page_shows_branch_as_text_and_drawing(files: dict[str, str], data: PartnersFile) -> None:
    page = partner_page(files, data, "ann")
    assert "Your introduction of Bob Baker led to three new clients and two more partners." in page
    assert "Everything that grew from you: three new clients." in page
    svg = re.search(r"<svg[^>]*class=\"referral-tree\".*?</svg>", page, re.DOTALL)
    assert svg is not None
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg.group())
    assert labels == ["Ann Able", "Bob Baker", "A partner", "Dee Dunn", "A partner"]
    assert "PRIVATE" not in page  # Cal and Fay have not agreed to be named, even to Ann


def test_a_partners_own_page_shows_their_spotlight(files: dict[str, str], data: PartnersFile) -> None:
    # DESIGN's privacy table: a spotlight is public only with consent, and always on the partner's
    # own page. It was on no partner page: a partner could never read how we describe their
    # business, and one without consent found it nowhere at all (review10).
    ann = partner_page(files, data, "ann")
    assert (
        "In our newsletter's partner spotlight we tell readers about you: <q>Ann spotlight text.</q>" in ann
    )
    cal = partner_page(files, data, "cal")
    assert "should you agree to be named there: <q>PRIVATE-CAL-SPOTLIGHT</q>" in cal
    assert "spotlight" not in partner_page(files, data, "fay")  # none written for her


def test_no_private_partner_named_on_another_partners_page(files: dict[str, str], data: PartnersFile) -> None:
    for partner in data.partners:
        page = partner_page(files, data, partner.id)
        for other in ("PRIVATE-CAL", "PRIVATE-FAY"):
            if other != partner.name:
                assert other not in page, (partner.id, other)


def test_issues_thank_up_the_tree(data: PartnersFile) -> None:
    thanks = {
        issue.month.key: [p.id for p in issue.tree_thanks] for issue in monthly_issues(data, as_of=TODAY)
    }
    assert thanks == {
        "2026-03": ["ann"],  # bob won: ann introduced bob
        "2026-04": ["ann", "bob"],  # cal won: bob and ann above (cal is private anyway)
        "2026-05": ["ann", "bob"],  # dee won, three levels down: cal stays anonymous (counted)
        "2026-06": [],
    }


def test_post_names_the_ancestors(files: dict[str, str]) -> None:
    may = files["blog/posts/newsletter/2026-05.md"]
    # One win that month (Dee's): "this win", not "these wins". Cal, between Bob and Dee, is
    # thanked too, without a name.
    thanks = (
        "thanks also to Ann Able and Bob Baker, and to one more partner who prefers to stay behind "
        "the scenes, whose earlier introductions led to this win ("
    )
    assert thanks in may
    assert "PRIVATE-CAL" not in may
    march = files["blog/posts/newsletter/2026-03.md"]  # Bob's one win, Ann above him
    assert "thanks also to Ann Able, whose earlier introduction led to this win (" in march


UNNAMED_ROOT = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: quinn, name: PRIVATE-QUINN, referred_by: anne}
  - {id: dana, name: Dana Wu, public: true, referred_by: quinn}
referrals:
  - {id: r1, partner: dana, prospect: Max Roe, introduced: 2026-10-01, updates: [{date: 2026-11-04, stage: won}]}
"""


def test_thanks_up_the_tree_include_the_partners_who_prefer_not_to_be_named() -> None:
    # Anne introduced Quinn (no consent to be named), Quinn introduced Dana, Dana's introduction
    # became a client: everyone up the chain is thanked, Quinn without a name, as the month's
    # own thank-you counts the partners behind the scenes. Quinn was left out altogether.
    post = render_site(load_text(UNNAMED_ROOT, "partners.yaml", TODAY), LAYOUT)[
        "blog/posts/newsletter/2026-11.md"
    ]
    thanks = (
        "thanks also to Anne Ortiz, and to one more partner who prefers to stay behind the scenes, "
        "whose earlier introductions led to this win ("
    )
    assert thanks in post
    assert "PRIVATE-QUINN" not in post


def test_thanks_up_the_tree_when_nobody_above_may_be_named() -> None:
    # Quinn alone above Dana: the win still has a root to thank (there was no "thanks also").
    text = UNNAMED_ROOT.replace("  - {id: anne, name: Anne Ortiz, public: true}\n", "")
    text = text.replace(", referred_by: anne}", "}")
    post = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-11.md"]
    assert "thanks also to the partner whose earlier introduction led to this win (" in post
    assert "PRIVATE-QUINN" not in post


def test_post_thanks_up_the_tree_for_several_wins_in_the_plural() -> None:
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: steve, name: Steve Hall, public: true, referred_by: anne}
referrals:
  - {id: r1, partner: steve, prospect: Dana Wu, introduced: 2026-10-01, updates: [{date: 2026-11-04, stage: won}]}
  - {id: r2, partner: steve, prospect: Jo Park, introduced: 2026-10-02, updates: [{date: 2026-11-05, stage: won}]}
"""
    november = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)[
        "blog/posts/newsletter/2026-11.md"
    ]
    assert "thanks also to Anne Ortiz, whose earlier introductions led to these wins (" in november


def test_spotlights_rotate_least_recently_featured_first(data: PartnersFile) -> None:
    order = [[p.id for p in issue.spotlights] for issue in monthly_issues(data, as_of=TODAY)]
    assert order == [["ann", "bob"], ["dee", "ann"], ["bob", "ann"], ["eve", "dee"]]


def test_public_tree_names_only_consenting_partners(files: dict[str, str]) -> None:
    page = files["tree.md"]
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", page)
    assert labels == ["Ann Able", "Bob Baker", "A partner", "Dee Dunn", "A partner"]
    assert "PRIVATE" not in page and "PROSPECT" not in page
    outline = re.findall(r"^( *)- (.*)$", page.split("## The tree in words")[1], re.MULTILINE)
    assert [(len(indent) // 4, name) for indent, name in outline] == [
        (0, "Ann Able"),
        (1, "Bob Baker"),
        (2, "A partner"),
        (3, "Dee Dunn"),
        (1, "A partner"),
    ]
    assert "One more partner joined on their own" in page


def test_giving_back_balance(files: dict[str, str], data: PartnersFile) -> None:
    ann = partner_page(files, data, "ann")
    assert "You sent us one introduction; we sent you one referral." in ann
    assert "Gina Given" in ann
    bob = partner_page(files, data, "bob")
    assert "We have not yet sent business your way" in bob


def test_events_have_calendar_files_that_parse(files: dict[str, str]) -> None:
    ics = files["events/2026-12-10-holiday-mixer.ics"]
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Holiday mixer"
    assert event.decoded("dtstart") == dt.date(2026, 12, 10)
    assert str(event["location"]) == "The mill"


def test_past_events_drop_off_the_home_page(files: dict[str, str]) -> None:
    home = files["index.md"]
    assert "Holiday mixer" in home and "(events/2026-12-10-holiday-mixer.ics)" in home
    assert "Spring ride" not in home
    march = files["blog/posts/newsletter/2026-03.md"]
    assert "Spring ride" in march and "../../../events/2026-04-10-spring-ride.ics" in march
    assert "Spring ride" not in files["blog/posts/newsletter/2026-05.md"]


def test_a_partner_whose_branch_won_is_thanked_even_when_their_own_introduction_won_too() -> None:
    # DESIGN: "if Anne introduced Steve and Steve introduced Dana, Anne gets thanked when Dana
    # buys". A win of Anne's own the same month is no reason to leave her out: the issue names
    # no one for their own wins (prospects stay anonymous), so she was thanked for neither.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: steve, name: Steve Hall, public: true, referred_by: anne}
referrals:
  - id: r1
    partner: steve
    prospect: Dana Wu
    introduced: 2026-10-01
    updates: [{date: 2026-11-04, stage: won}]
  - id: r2
    partner: anne
    prospect: Jo Park
    introduced: 2026-10-02
    updates: [{date: 2026-11-05, stage: won}]
"""
    data = load_text(text, "partners.yaml", TODAY)
    (november,) = (issue for issue in monthly_issues(data, as_of=TODAY) if issue.month.key == "2026-11")
    assert [p.id for p in november.tree_thanks] == ["anne"]
    post = render_site(data, LAYOUT)["blog/posts/newsletter/2026-11.md"]
    # Her one earlier introduction (Steve) led to one of the two wins; her own win is thanked as hers.
    assert "thanks also to Anne Ortiz, whose earlier introduction led to one of these wins (" in post


def test_thanks_up_the_tree_count_only_the_wins_below_the_partners_thanked() -> None:
    # Three wins, two of them Steve's (below Anne) and one from Cy, who joined on his own:
    # Anne's introduction did not lead to "these wins", only to two of them.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: steve, name: Steve Hall, public: true, referred_by: anne}
  - {id: cy, name: Cy Sea, public: true}
referrals:
  - {id: r1, partner: steve, prospect: Dana Wu, introduced: 2026-10-01, updates: [{date: 2026-11-04, stage: won}]}
  - {id: r2, partner: steve, prospect: Jo Park, introduced: 2026-10-02, updates: [{date: 2026-11-05, stage: won}]}
  - {id: r3, partner: cy, prospect: Max Roe, introduced: 2026-10-03, updates: [{date: 2026-11-06, stage: won}]}
"""
    post = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-11.md"]
    assert "thanks also to Anne Ortiz, whose earlier introductions led to two of these wins (" in post


def test_with_no_branch_the_partners_on_their_own_are_not_called_more() -> None:
    text = "newsletter: {title: T, owner: O}\npartners:\n  - {id: a, name: A}\n  - {id: b, name: B}\n"
    page = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["tree.md"]
    assert "No branches yet" in page
    assert "Two partners joined on their own and have not introduced another partner yet." in page


def test_the_issue_of_the_month_under_way_is_not_dated_in_the_future(files: dict[str, str]) -> None:
    """Built on 20 November, November's issue read "30 November 2026" (and its feed item too),
    and its "Coming up" left out an event of 25 November."""
    text = fixture_text("tree.yaml").replace(
        "referrals:\n",
        "referrals:\n  - {id: r-nov, partner: ann, prospect: Pat Nov, introduced: 2026-11-03}\n",
        1,
    )
    text += "  - {date: 2026-11-25, title: Lunch at the mill}\n"
    month_files = render_site(load_text(text, "tree.yaml", TODAY), LAYOUT)
    november = month_files["blog/posts/newsletter/2026-11.md"]
    assert "\ndate: 2026-11-20\n" in november
    coming_up = november[november.index("## Coming up") :]
    assert (
        '**<span class="date">25 November 2026</span>**: Lunch at the mill' in coming_up
        and "Holiday mixer" in coming_up
    )
    # A month that is over keeps its last day, and the events that followed it.
    assert "\ndate: 2026-03-31\n" in files["blog/posts/newsletter/2026-03.md"]
    # Its opening says "so far", as the month's mail dated the same day does; a month over does not.
    assert "\nSo far in November 2026, our partners have introduced one new person to us." in november
    assert "\nIn March 2026 " in files["blog/posts/newsletter/2026-03.md"]


def test_a_month_whose_only_news_is_business_given_says_so() -> None:
    # January holds nothing but a referral sent to Ann: no introduction existed yet, so the
    # issue must not speak of "progress on earlier introductions".
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able, public: true}
given:
  - {partner: ann, date: 2026-01-15, to: Zed Client}
  - {partner: ann, date: 2026-02-15, to: Yan Client}
  - {partner: ann, date: 2026-02-16, to: Xia Client}
referrals:
  - {id: r1, partner: ann, prospect: Pat Doe, introduced: 2026-11-02}
"""
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    january, february = files["blog/posts/newsletter/2026-01.md"], files["blog/posts/newsletter/2026-02.md"]
    assert "In January 2026 we sent one referral to a partner's business" in january
    # Both went to Ann: one partner's business (review57; "our partners' businesses" said two).
    assert "In February 2026 we sent two referrals to a partner's business" in february
    feed_description = yaml.safe_load(january.split("---\n")[1])["rss"]["feed_description"]
    assert "we sent one referral to a partner's business" in feed_description
    assert "introductions you gave us moved forward" not in january + february
    home = files["index.md"]
    assert "(blog/posts/newsletter/2026-01.md): One referral sent to a partner" in home
    assert "(blog/posts/newsletter/2026-02.md): Two referrals sent to a partner" in home
    assert "Progress on earlier introductions" not in home
    assert "Zed Client" not in january + home  # given.to stays on Ann's own page


def test_a_month_of_first_contacts_and_closed_files_says_followed_up_without_a_table_of_zeros() -> None:
    # March holds only a first contact, April only a file closed: neither moved forward, and a
    # table of four zeros under "moved forward" told readers the opposite of what it said.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able, public: true}
referrals:
  - id: r1
    partner: ann
    prospect: Pat Doe
    introduced: 2026-02-02
    updates:
      - {date: 2026-03-04, stage: contacted}
      - {date: 2026-04-09, stage: lost}
  - id: r2
    partner: ann
    prospect: Sam Roe
    introduced: 2026-02-03
    updates:
      - {date: 2026-05-04, stage: met}
"""
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    for month in ("03", "04"):
        post = files[f"blog/posts/newsletter/2026-{month}.md"]
        assert "2026 we followed up on the introductions you gave us." in post
        assert "moved forward" not in post and "## The month in numbers" not in post
    may = files["blog/posts/newsletter/2026-05.md"]
    assert "Here is how the introductions you gave us moved forward in May 2026." in may
    assert "| 0 | 1 | 0 | 0 |" in may


def test_a_new_programs_home_says_no_introductions_rather_than_zero() -> None:
    text = "newsletter: {title: T, owner: O}\npartners:\n  - {id: ann, name: Ann Able}\n"
    home = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["index.md"]
    assert "**1 referral partner**" in home
    assert "**No introductions**" in home and "**No new clients**" in home  # as the partner pages say
    assert "**0 " not in home


def test_a_partner_page_with_no_client_yet_says_so_far_while_introductions_are_open() -> None:
    # "No new clients" topped the page of a partner whose introductions were all still in
    # progress, as if they had come to nothing; the home page says "so far" (review40).
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: Pat Doe, introduced: 2026-10-01}
"""
    files = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Ann" in t)
    assert "<strong>No new clients</strong></p>\n<p>from your introduction, so far</p>" in page
    lost = text.replace("2026-10-01}", "2026-10-01, updates: [{date: 2026-11-02, stage: lost}]}")
    files = render_site(load_text(lost, "partners.yaml", TODAY), LAYOUT)
    page = next(t for p, t in files.items() if p.startswith("p/") and "Thank you, Ann" in t)
    assert "<strong>No new clients</strong></p>\n<p>from your introduction</p>" in page


def test_the_home_page_does_not_credit_introductions_for_no_clients() -> None:
    # "No new clients" over "thanks to your introductions" reads as if the introductions were
    # the reason there are none.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: Pat Doe, introduced: 2026-10-01}
"""
    home = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["index.md"]
    assert "**No new clients**\n\n    from your introductions, so far\n" in home
    assert "thanks to your introductions" not in home
    won = text.replace("2026-10-01}", "2026-10-01, updates: [{date: 2026-11-02, stage: won}]}")
    home = render_site(load_text(won, "partners.yaml", TODAY), LAYOUT)["index.md"]
    assert "**1 new client**\n\n    thanks to your introductions\n" in home


@pytest.mark.parametrize(
    ("steve_public", "thanks"),
    [
        ("true", "A warm thank-you to Steve Hall, whose introduction became a new client this month."),
        ("false", "A warm thank-you to the partner whose introduction became a new client this month."),
    ],
)
def test_a_win_thanks_the_partner_who_gave_it_before_the_tree(steve_public: str, thanks: str) -> None:
    # A month whose only news is Steve's win thanked Anne ("thanks also", up the tree) and never
    # Steve, whose introduction it was: DESIGN asks to thank the whole tree, "not only the last
    # person", so the last person comes first; without his consent he is thanked unnamed.
    text = f"""\
newsletter: {{title: T, owner: O}}
partners:
  - {{id: anne, name: Anne Ortiz, public: true}}
  - {{id: steve, name: Steve Hall, public: {steve_public}, referred_by: anne}}
referrals:
  - {{id: r1, partner: steve, prospect: Dana Wu, introduced: 2026-09-01, updates: [{{date: 2026-11-04, stage: won}}]}}
"""
    post = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-11.md"]
    assert "## Thank you" in post
    assert thanks in post
    assert post.index(thanks) < post.index("thanks also to Anne Ortiz")
    assert "Dana" not in post
    # The feed's summary thanks him too, as the post does (it gave only the numbers).
    feed = yaml.safe_load(post.split("---\n")[1])["rss"]["feed_description"]
    assert feed.endswith(f"one new client. {thanks}")
    assert "Steve" not in feed if steve_public == "false" else "Steve Hall" in feed


def test_a_partner_who_brought_in_a_partner_is_not_told_they_have_introduced_no_one() -> None:
    # Anne's only introduction is Steve, a partner: her page said "No referrals yet. When you
    # introduce someone to us" above "Your introduction of Steve Hall led to one new client".
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: steve, name: Steve Hall, public: true, referred_by: anne}
referrals:
  - {id: r1, partner: steve, prospect: Dana Wu, introduced: 2026-09-01, updates: [{date: 2026-11-04, stage: won}]}
"""
    data = load_text(text, "partners.yaml", TODAY)
    files = render_site(data, LAYOUT)
    anne = partner_page(files, data, "anne")
    assert "Your introduction of Steve Hall led to one new client." in anne
    assert "When you introduce someone to us" not in anne
    assert "No referrals of your own yet: your referral tree below shows where" in anne
    steve_alone = text.replace(", referred_by: anne", "")
    data = load_text(steve_alone, "partners.yaml", TODAY)
    assert "No referrals yet. When you introduce someone to us," in partner_page(
        render_site(data, LAYOUT), data, "anne"
    )


def test_a_second_partner_who_prefers_not_to_be_named_reads_as_another() -> None:
    # The demo's Ray Delgado brought in two partners who did not consent to be named; his page
    # read "Your introduction of a partner who prefers not to be named led to one new client." and
    # then "A partner who prefers not to be named joined through you…", as if the same one.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: ray, name: Ray Delgado, public: true}
  - {id: hana, name: Hana Kim, referred_by: ray}
  - {id: sam, name: Sam Turner, referred_by: ray}
  - {id: tia, name: Tia Lund, referred_by: ray}
referrals:
  - {id: r1, partner: hana, prospect: Dana Wu, introduced: 2026-09-01, updates: [{date: 2026-11-04, stage: won}]}
  - {id: r2, partner: sam, prospect: Eli Fox, introduced: 2026-10-01}
"""
    data = load_text(text, "partners.yaml", TODAY)
    ray = partner_page(render_site(data, LAYOUT), data, "ray")
    assert "<li>Your introduction of a partner who prefers not to be named led to one new client.</li>" in ray
    assert (
        "<li>Another partner who prefers not to be named joined through you and has sent us one introduction so far.</li>"
        in ray
    )
    assert "<li>Another partner who prefers not to be named joined through you; their first" in ray
    assert ray.count("a partner who prefers not to be named") + ray.count("A partner who prefers") == 1


def test_an_introduction_that_became_a_client_the_same_month_is_thanked_once() -> None:
    # Introduced on the 1st, a client on the 4th: the roll thanked Steve twice in a row, once
    # for the win and once "for the introduction this month". Bob's introduction is still thanked.
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: steve, name: Steve Hall, public: true}
  - {id: bob, name: Bob Bee, public: true}
referrals:
  - {id: r1, partner: steve, prospect: Dana Wu, introduced: 2026-11-01, updates: [{date: 2026-11-04, stage: won}]}
  - {id: r2, partner: bob, prospect: Jo Park, introduced: 2026-11-02}
"""
    post = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-11.md"]
    assert post.split("<!-- more -->")[1].count("Steve Hall") == 1  # the feed summary lists the givers
    assert "A warm thank-you to Steve Hall, whose introduction became a new client this month." in post
    # Two thanks in a row do not open with the same words (review12, reading the demo's May).
    assert "Thank you as well to Bob Bee for the introduction this month." in post
    assert post.split("<!-- more -->")[1].count("A warm thank-you") == 1
    alone = render_site(load_text(text.split("  - {id: r2")[0], "partners.yaml", TODAY), LAYOUT)
    assert alone["blog/posts/newsletter/2026-11.md"].split("<!-- more -->")[1].count("A warm thank-you") == 1


def test_a_giver_thanked_for_a_win_is_thanked_for_the_other_introductions_only() -> None:
    # Bob introduced two people in March: one became a client on the 31st, the other's file was
    # closed the same day. The roll thanked him again "for the introductions" (two: the won one
    # counted a second time); it is his other introduction that is still to thank (review14).
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: bob, name: Bob Baker, public: true}
  - {id: cat, name: Cat Cole}
referrals:
  - {id: r1, partner: bob, prospect: Ann Won, introduced: 2026-03-02, updates: [{date: 2026-03-31, stage: won}]}
  - {id: r2, partner: bob, prospect: Len Lost, introduced: 2026-03-02, updates: [{date: 2026-03-02, stage: lost}]}
"""
    post = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-03.md"]
    assert "A warm thank-you to Bob Baker, whose introduction became a new client this month." in post
    assert "Thank you as well to Bob Baker for the other introduction this month." in post
    assert "for the introductions this month" not in post
    # Cat's introduction is hers, not an "other" one: only a winner's introductions are.
    cat = text + "  - {id: r3, partner: cat, prospect: Cy Open, introduced: 2026-03-05}\n"
    post = render_site(load_text(cat, "partners.yaml", TODAY), LAYOUT)["blog/posts/newsletter/2026-03.md"]
    assert (
        "Thank you as well to Bob Baker, and to one more partner who prefers to stay behind the scenes, for the other introductions this month."
        in post
    )


THREE_LOST = """\
newsletter: {title: Updates, owner: Mark Rodgers}
partners:
  - {id: marcus, name: Marcus Lee}
referrals:
  - {id: r1, partner: marcus, prospect: Ada One, introduced: 2026-02-02, updates: [{date: 2026-03-02, stage: lost}]}
  - {id: r2, partner: marcus, prospect: Bo Two, introduced: 2026-04-02, updates: [{date: 2026-05-02, stage: lost}]}
  - {id: r3, partner: marcus, prospect: Cy Three, introduced: 2026-06-02, updates: [{date: 2026-07-02, stage: lost}]}
  - {id: r4, partner: marcus, prospect: Di Four, introduced: 2026-08-02}
"""


def test_a_partner_is_thanked_once_for_files_closed_without_a_sale() -> None:
    data = load_text(THREE_LOST, "three-lost.yaml", TODAY)
    page = partner_page(render_site(data, LAYOUT), data, "marcus")
    assert page.count("This one did not go ahead.") == 3
    assert page.count("Thank you all the same: every introduction counts.") == 1
    # On the closed file shown first (the latest news first): Cy's, closed in July.
    thanks = page.index("Thank you all the same")
    assert page.rindex("Cy Three", 0, thanks) > page.rfind("Bo Two", 0, thanks)
    assert "Ada One" not in page[:thanks] and "Bo Two" not in page[:thanks]


def test_a_chain_deeper_than_markdown_can_nest_reads_in_words() -> None:
    """A chain of 300 partners, each introduced by the one before, nested its list 300 deep and
    Python-Markdown stopped the build with a RecursionError; deeper than OUTLINE_DEPTH the outline
    stops indenting and names who introduced each partner (review51)."""
    partners = "".join(
        f"  - {{id: c{n}, name: Chain {n}, public: true" + (f", referred_by: c{n - 1}}}\n" if n else "}\n")
        for n in range(300)
    )
    text = f"newsletter: {{title: T, owner: O}}\npartners:\n{partners}"
    page = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["tree.md"]
    words = page[page.index("## The tree in words") :]
    html = markdown.markdown(words, extensions=["attr_list", "md_in_html", "tables"])
    assert html.count("<ul>") == OUTLINE_DEPTH + 1
    assert "<li>Chain 40" in html and "<li>Chain 299, introduced by Chain 298</li>" in html
