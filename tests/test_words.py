"""The sentences partners read, one rule at a time: plurals, methods, greetings, no repeats."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from generator import (
    dates_in_words,
    issue_sentences,
    names_in_words,
    numbers_in_words,
    referral_labels,
    words,
)
from generator.cli import main
from generator.mail.run import compose_month
from generator.models import PartnersFile
from generator.render import SiteLayout, render_site
from generator.validate import load_text
from generator.views import Month

DAY = dt.date(2026, 2, 3)


@pytest.mark.parametrize(
    ("method", "asked", "expected"),
    [
        (None, None, "Introduced on 3 February 2026."),
        ("name", None, "Introduced on 3 February 2026 when you passed on their name."),
        (
            "letter",
            False,
            "Introduced on 3 February 2026 with your letter of introduction, without our asking.",
        ),
        ("call", True, "Introduced on 3 February 2026 with an introductory phone call, at our request."),
        ("lunch", None, "Introduced on 3 February 2026 over lunch, the three of us together."),
    ],
)
def test_every_method_reads_as_a_phrase(method: str | None, asked: bool | None, expected: str) -> None:
    assert words.introduction_line(DAY, method, asked) == expected


def test_every_method_and_stage_has_words() -> None:
    assert set(referral_labels.METHOD_LABELS) == {"name", "letter", "call", "lunch"}
    stages = {"introduced", "contacted", "met", "proposal", "won", "lost"}
    assert set(referral_labels.STAGE_LABELS) == stages
    # A client who buys again, a client who did not stay, or a closed file taken up again, has
    # news and a headline of its own (views.with_news), no stage.
    news = stages | {
        referral_labels.REPEAT_WIN,
        referral_labels.CLIENT_NO_MORE,
        referral_labels.BACK_IN_TOUCH,
    }
    assert set(referral_labels.STAGE_EVENTS) == set(referral_labels.STAGE_HEADLINES) == news
    assert "through" not in " ".join(referral_labels.FIXED_PHRASES)


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, "Thank you for the introduction you have sent us."),
        (2, "Thank you for the two introductions you have sent us."),
        (14, "Thank you for the 14 introductions you have sent us."),
    ],
)
def test_thanks_never_says_the_1_introduction(count: int, expected: str) -> None:
    assert words.thanks_for_introductions(count) == expected


def test_thanks_for_this_month() -> None:
    assert words.thanks_for_introductions(1, this_month=True) == (
        "Thank you for the introduction you sent us this month."
    )


@pytest.mark.parametrize(
    ("name", "greeting", "expected"),
    [
        ("Anne Ortiz", None, "Anne"),
        ("Anne Ortiz", "Annie", "Annie"),
        ("Anne Ortiz", "  ", "Anne"),
        ("Mary Jo Smith", None, "Mary"),
        ("Dr. Jo Park", None, "Dr. Jo Park"),
        ("Ms Jo Park", None, "Ms Jo Park"),
        ("Cher", None, "Cher"),
        ("Mary Ann de la Cruz", None, "Mary"),
        ("Jean-Luc Picard", None, "Jean-Luc"),
        ("J. Smith", None, "J. Smith"),
        ("O'Brien Partners", None, "O'Brien Partners"),
        ("anne ortiz", None, "anne ortiz"),
    ],
)
def test_greeting_uses_a_first_name_only_when_it_is_one(
    name: str, greeting: str | None, expected: str
) -> None:
    assert names_in_words.greeting_name(name, greeting) == expected


def test_still_in_progress_says_other_only_after_others() -> None:
    assert words.still_in_progress(1, others_mentioned=False) == (
        "Your introduction is still in progress. Your page has every detail."
    )
    assert words.still_in_progress(2, others_mentioned=False).startswith("Your two introductions are")
    assert words.still_in_progress(1, others_mentioned=True).startswith("One other introduction of yours is")


def test_tree_total_includes_own_clients_and_is_not_repeated() -> None:
    assert words.grew_from_you(2, 5, 2) == (
        "Everything that grew from you: seven new clients, two from your own introductions and five "
        "through the partners you brought in. Thank you for starting it."
    )
    # One client of their own came from one introduction of theirs (review9: "one from your own
    # introductions"); one partner brought in is "the partner" (review12: Luis in the demo).
    assert words.grew_from_you(1, 1, 1) == (
        "Everything that grew from you: two new clients, one from your own introduction and one "
        "through the partner you brought in. Thank you for starting it."
    )
    # One partner brought in and no clients of their own: the line above says it already.
    assert words.grew_from_you(0, 3, 1) is None
    assert (
        words.grew_from_you(0, 3, 2)
        == "Everything that grew from you: three new clients. Thank you for starting it."
    )
    assert words.grew_from_you(4, 0, 2) is None


def test_what_an_introduction_led_to() -> None:
    assert (
        words.introduction_led_to("Bo", 1, 2)
        == "Your introduction of Bo led to one new client and two more partners."
    )
    assert words.introduction_led_to("Bo", 0, 1) == "Your introduction of Bo led to one more partner."
    assert words.introduction_led_to("Bo", 0, 0) == (
        "Bo joined through you; their first introductions are still to come."
    )
    # Introductions of their own, none grown into a client yet: not "still to come" (review16).
    assert (
        words.introduction_led_to("Bo", 0, 0, 1)
        == "Bo joined through you and has sent us one introduction so far."
    )
    assert (
        words.introduction_led_to("Bo", 0, 0, 3)
        == "Bo joined through you and has sent us three introductions so far."
    )
    assert words.introduction_led_to("Bo", 1, 0, 3) == "Your introduction of Bo led to one new client."
    assert words.brought_in_line(1, 1) == "You brought one partner into our circle."
    assert words.brought_in_line(1, 3) == (
        "You brought one partner into our circle, and three partners have joined through your branch in all."
    )


def test_anonymous_partner_reads_in_a_sentence() -> None:
    assert (
        names_in_words.in_sentence(names_in_words.ANONYMOUS_PARTNER, "another partner") == "another partner"
    )
    assert names_in_words.in_sentence("Anne Ortiz", "another partner") == "Anne Ortiz"


@pytest.mark.parametrize(
    ("referrals", "wins", "expected"),
    [
        (0, 0, "Here is how the introductions you gave us moved forward in May 2026."),
        (1, 0, "In May 2026 our partners introduced one new person to us. Thank you!"),
        (0, 2, "In May 2026 two introductions became new clients. Thank you!"),
        (
            3,
            1,
            "In May 2026 our partners introduced three new people to us, and one introduction became a new client. Thank you!",
        ),
    ],
)
def test_issue_opening_tells_what_happened(referrals: int, wins: int, expected: str) -> None:
    assert issue_sentences.issue_opening("May 2026", referrals, wins) == expected


def test_an_issue_where_nothing_moved_forward_says_followed_up() -> None:
    assert issue_sentences.issue_opening("May 2026", 0, 0, updates=2, moved=0) == (
        "In May 2026 we followed up on the introductions you gave us."
    )
    assert issue_sentences.issue_opening("May 2026", 0, 0, updates=2, moved=1).endswith(
        "moved forward in May 2026."
    )


def test_an_issue_of_the_month_under_way_tells_what_happened_so_far() -> None:
    # Dated before its month ends, the post said "In November 2026 two introductions became new
    # clients." while that month's mail, dated the same day, said "so far in November 2026".
    def so_far(referrals: int, wins: int, **options: int) -> str:
        return issue_sentences.issue_opening("May 2026", referrals, wins, so_far=True, **options)

    assert so_far(1, 0) == "So far in May 2026, our partners have introduced one new person to us. Thank you!"
    assert so_far(0, 1) == "So far in May 2026, one introduction has become a new client. Thank you!"
    assert so_far(3, 2) == (
        "So far in May 2026, our partners have introduced three new people to us, and two introductions "
        "have become new clients. Thank you!"
    )
    assert (
        so_far(0, 0, updates=2, moved=0)
        == "So far in May 2026, we have followed up on the introductions you gave us."
    )
    assert so_far(0, 0).endswith("have moved forward so far in May 2026.")
    assert so_far(0, 0, updates=0, given=1).startswith("So far in May 2026, we have sent one referral to")


def test_month_summary_names_only_what_happened() -> None:
    assert issue_sentences.month_summary(0, 2) == "Two new clients"
    assert issue_sentences.month_summary(1, 1) == "One new introduction and one new client"
    assert issue_sentences.month_summary(0, 0) == "Progress on earlier introductions"


def test_history_step_and_headline_say_won_once() -> None:
    assert words.step_line(DAY, "won", "Rode home.") == "3 February 2026: Became a client. Rode home."
    assert words.step_line(DAY, "met", None) == "3 February 2026: We met."
    assert referral_labels.STAGE_HEADLINES["won"] == "A new client, thanks to you!"
    assert numbers_in_words.count_words(0, "new client") == "no new clients"


V11 = """\
newsletter:
  title: Greeting News
  owner: Olive Owner
  currency: EUR
partners:
  - {id: anne, name: Dr. Anne Ortiz, greeting: Annie}
  - {id: bo, name: Dr. Bo Bell}
referrals:
  - {id: r1, partner: anne, prospect: P-ONE, introduced: 2026-03-01, value: 1234.5,
     updates: [{date: 2026-03-10, stage: won}]}
  - {id: r2, partner: bo, prospect: P-TWO, introduced: 2026-03-02}
"""


def test_pages_greet_by_greeting_and_never_by_a_title_alone() -> None:
    today = dt.date(2026, 11, 20)
    data = load_text(V11, "partners.yaml", today)
    layout = SiteLayout(as_of=today, secret=b"s")
    files = render_site(data, layout)
    assert ">Thank you, Annie<" in files[layout.partner_page(data.partners[0])]
    assert ">Thank you, Dr. Bo Bell<" in files[layout.partner_page(data.partners[1])]
    assert "&#8364;1,234.50" in files[layout.insights_page] or "€1,234.50" in files[layout.insights_page]


def test_a_message_opens_in_the_singular_for_one_introduction() -> None:
    assert words.where_they_stood(1, "May 2026") == (
        "Here is where the introduction you gave us stood at the end of May 2026."
    )
    assert words.where_they_stood(2, "May 2026").startswith("Here is where the introductions you gave us")
    # Fewer with news than they gave: "the introduction you gave us" told a partner of three
    # that they had given one (review23).
    assert words.where_they_stood(1, "May 2026", False, sent=3) == (
        "Here is where one of your three introductions stands so far in May 2026."
    )
    assert words.where_they_stood(2, "May 2026", True, sent=2).startswith(
        "Here is where the introductions you"
    )


def test_partners_who_sent_thanks_one_or_many() -> None:
    assert words.partners_who_sent(1) == "One partner sent us an introduction this month. Thank you!"
    assert words.partners_who_sent(3) == "Three partners sent us introductions this month. Thank you all."


THANKS_DATA = """\
newsletter:
  title: T
  owner: Olive
partners:
  - id: ann
    name: Ann Able
    public: true
  - id: bob
    name: Bob Baker
referrals:
  - id: r1
    partner: ann
    prospect: P One
    introduced: 2026-05-04
  - id: r2
    partner: bob
    prospect: P Two
    introduced: 2026-06-04
  - id: r3
    partner: ann
    prospect: P Three
    introduced: 2026-07-04
  - id: r4
    partner: bob
    prospect: P Four
    introduced: 2026-07-05
"""


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2026-05", "A warm thank-you to Ann Able for the introduction this month."),
        ("2026-06", "A warm thank-you to the partner who sent us an introduction this month."),
        (
            "2026-07",
            "A warm thank-you to Ann Able, and to one more partner who prefers to stay behind the "
            "scenes, for the introductions this month.",
        ),
    ],
)
def test_an_issue_thanks_in_the_singular_and_without_a_stray_comma(month: str, expected: str) -> None:
    data = load_text(THANKS_DATA, "partners.yaml", dt.date(2026, 11, 20))
    files = render_site(data, SiteLayout(as_of=dt.date(2026, 11, 20), secret=b"words-test"))
    assert expected in files[f"blog/posts/newsletter/{month}.md"]


def test_the_feed_summary_thanks_in_the_singular() -> None:
    assert (
        issue_sentences.thank_you_line(["Ann Able"], 0, 1)
        == "A warm thank-you to Ann Able for the introduction this month."
    )
    assert (
        issue_sentences.thank_you_line([], 2, 3)
        == "A warm thank-you to the two partners who sent us introductions this month."
    )
    assert (
        issue_sentences.win_thanks([], 1, 1)
        == "A warm thank-you to the partner whose introduction became a new client this month."
    )


def test_a_partner_who_sent_nothing_yet_is_told_what_we_sent_without_a_reproach() -> None:
    text = THANKS_DATA.split("referrals:")[0] + "given:\n  - {partner: bob, date: 2026-10-01, to: Gil}\n"
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    layout = SiteLayout(as_of=dt.date(2026, 11, 20), secret=b"words-test")
    page = render_site(data, layout)[layout.partner_page(data.partners[1])]
    assert "<p>We sent you one referral.</p>" in page
    assert "You sent us no introductions" not in page


def mail_texts(data: PartnersFile, month: Month) -> dict[str, str]:
    """The plain and HTML parts of the one message of ``month`` (one partner has an address), the
    HTML as its reader sees it: without the hidden preheader a phone previews beside the subject."""
    layout = SiteLayout(as_of=dt.date(2026, 11, 20), secret=b"words-test")
    environ = {"REFERRAL_MAIL_FROM": "Olive <olive@example.com>"}
    (outgoing,) = compose_month(data, month, layout, "https://example.com/", environ)
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    parts = {kind: message.get_body((kind,)) for kind in ("plain", "html")}
    found = {kind: part.get_content() for kind, part in parts.items() if part is not None}
    found["html"] = re.sub(r'<div class="preheader".*?</div>', "", found["html"], count=1, flags=re.DOTALL)
    return found


def test_no_news_is_told_of_the_introductions_still_in_progress_only() -> None:
    # The demo's Anne, four introductions, three of them closed, read in December's mail "No news
    # on your introduction so far in December 2026." then "Your introduction is still in
    # progress.": one introduction, said twice, and "no news" on files long closed.
    assert words.no_news_on(1, "December 2026", False, sent=4) == (
        "One of your four introductions is still in progress, with no news so far in December 2026. "
        "Your page has every detail. Thank you for being one of our referral partners."
    )
    assert words.no_news_on(2, "May 2026", True, sent=3).startswith(
        "Two of your three introductions are still in progress, with no news in May 2026."
    )
    assert words.no_news_on(2, "May 2026", True, sent=2) == (
        "Your two introductions are still in progress, with no news in May 2026. Your page has every "
        "detail. Thank you for being one of our referral partners."
    )
    text = THANKS_DATA.replace("    name: Bob Baker\n", "    name: Bob Baker\n    email: bob@example.com\n")
    text = text.replace(
        "introduced: 2026-06-04\n", "introduced: 2026-06-04\n    updates: [{date: 2026-06-20, stage: lost}]\n"
    )
    text += "  - {id: r5, partner: ann, prospect: P Five, introduced: 2026-11-03}\n"  # November's issue
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    for kind, part in mail_texts(data, Month(2026, 11)).items():
        prose = " ".join(part.split())
        assert (
            "One of your two introductions is still in progress, with no news so far in November 2026."
            in prose
        )
        assert prose.count("still in progress") == 1, kind
        assert "No news on your introduction" not in prose, kind


def test_a_partner_with_no_introduction_yet_is_not_told_there_is_no_news_on_them() -> None:
    text = THANKS_DATA.replace("    name: Bob Baker\n", "    name: Bob Baker\n    email: bob@example.com\n")
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    may = mail_texts(data, Month(2026, 5))  # Bob's first introduction is in June
    assert len(may) == 2
    for part in may.values():
        assert "Thank you for being one of our referral partners." in part
        assert "No news on your introductions" not in part
    assert "Here is where the introduction you gave us stood" in mail_texts(data, Month(2026, 6))["plain"]


def test_a_history_without_any_note_has_no_empty_note_column() -> None:
    text = THANKS_DATA + (
        "    updates:\n      - {date: 2026-07-10, stage: met}\n"  # r4: no note
        "  - id: r5\n    partner: bob\n    prospect: P Five\n    introduced: 2026-07-06\n"
        "    updates:\n      - {date: 2026-07-11, stage: met, note: See you soon.}\n"
        "      - {date: 2026-07-12, stage: proposal}\n"
    )
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    layout = SiteLayout(as_of=dt.date(2026, 11, 20), secret=b"words-test")
    page = render_site(data, layout)[layout.partner_page(data.partners[1])]
    blocks = {
        block.split("<a ")[0].rsplit(">", 1)[-1]: block for block in page.split('<div class="referral">')
    }
    assert "<th>News</th>" in blocks["P Four"] and "Note" not in blocks["P Four"]
    assert blocks["P Five"].count("<th>Note</th>") == 1 and blocks["P Five"].count("<td></td>") == 1


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (7000, "USD", "$7,000"),
        (2500.5, "EUR", "€2,500.50"),
        (7000, "CAD", "CA$7,000"),
        (7000, "CHF", "CHF\u00a07,000"),  # letters: a space before the figure, never "CHF7,000"
        (2500.5, "SEK", "SEK\u00a02,500.50"),
    ],
)
def test_money_reads_as_written_in_english(value: float, currency: str, shown: str) -> None:
    assert numbers_in_words.money_in(value, currency) == shown


def test_a_month_of_business_given_only_mails_no_row_of_zeros_and_no_empty_heading() -> None:
    text = """\
newsletter: {title: T, owner: O}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
given:
  - {partner: anne, date: 2026-10-03, to: Gil Green}
"""
    parts = mail_texts(load_text(text, "partners.yaml", dt.date(2026, 11, 20)), Month(2026, 10))
    assert "Gil Green" in parts["plain"] and "Gil Green" in parts["html"]
    assert "New referrals: 0" not in parts["plain"] and "New referrals" not in parts["html"]
    assert "IN THE NEWSLETTER" not in parts["plain"] and "in the newsletter" not in parts["html"]
    assert "\n\n\n" not in parts["plain"].replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("day", "today", "said"),
    [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 27), "11 months ago"),
        (dt.date(2026, 1, 31), dt.date(2026, 12, 30), "10 months ago"),
        (dt.date(2026, 1, 31), dt.date(2026, 12, 31), "11 months ago"),
        (dt.date(2026, 7, 31), dt.date(2026, 9, 29), "8 weeks ago"),
        (dt.date(2024, 12, 5), dt.date(2026, 12, 4), "23 months ago"),
        (dt.date(2024, 12, 4), dt.date(2026, 12, 4), "2 years ago"),
        (dt.date(2023, 12, 5), dt.date(2026, 12, 4), "2 years ago"),
        (dt.date(2026, 11, 20), dt.date(2026, 12, 3), "13 days ago"),
        (dt.date(2026, 11, 20), dt.date(2026, 12, 4), "2 weeks ago"),  # from the 14th day, in weeks
    ],
)
def test_ages_in_months_and_years_are_calendar_ones(day: dt.date, today: dt.date, said: str) -> None:
    """A partner reads "11 months ago" for 1 January on 27 December (360 days: days // 30 said 12)."""
    assert dates_in_words.time_ago(day, today) == said


def test_months_ago_are_calendar_months() -> None:
    # days // 30 ran ahead of the calendar: 360 days (25 November to 20 November) read
    # "12 months ago", 181 days (23 May to 20 November) "6 months ago" (review14).
    today = dt.date(2026, 11, 20)
    assert dates_in_words.time_ago(dt.date(2025, 11, 25), today) == "11 months ago"
    assert dates_in_words.time_ago(dt.date(2026, 5, 23), today) == "5 months ago"
    assert dates_in_words.time_ago(dt.date(2026, 5, 20), today) == "6 months ago"
    assert dates_in_words.time_ago(dt.date(2024, 11, 21), today) == "23 months ago"
    assert dates_in_words.time_ago(dt.date(2024, 11, 20), today) == "2 years ago"
    assert dates_in_words.time_ago(dt.date(2026, 9, 21), today) == "8 weeks ago"


def test_the_roll_after_a_win_thanks_the_winners_other_introductions() -> None:
    # review14: the partner just thanked for a win is thanked for the others, counted without it.
    assert (
        issue_sentences.thank_you_line([], 1, 1, after_wins=True, others=True)
        == "Thank you as well to the partner who sent us another introduction this month."
    )
    assert (
        issue_sentences.thank_you_line(["Bob Baker"], 0, 2, after_wins=True, others=True)
        == "Thank you as well to Bob Baker for the other introductions this month."
    )


def test_right_to_left_names_are_isolated_from_the_sentence_around_them() -> None:
    # "thanks to שרה לוי, عمر الفاروق and Kim" drew عمر الفاروق first: the comma between two
    # right-to-left names joined them into one run (tests/test_browser.py shows it in a browser).
    # Each such name is isolated, as <bdi> does; left-to-right names stay exactly as they were.
    assert (
        names_in_words.join_names(["שרה לוי", "عمر الفاروق", "Kim Lee"])
        == "\u2068שרה לוי\u2069, \u2068عمر الفاروق\u2069 and Kim Lee"
    )
    assert names_in_words.join_names(["Anne Ortiz", "山田太郎", "Zoë 🏍️"]) == "Anne Ortiz, 山田太郎 and Zoë 🏍️"
    assert names_in_words.isolated("Ortiz & Lane") == "Ortiz & Lane"


def test_an_events_right_to_left_title_and_place_are_isolated_in_both_parts_of_the_mail() -> None:
    text = THANKS_DATA.replace("    name: Bob Baker\n", "    name: Bob Baker\n    email: bob@example.com\n")
    text += "events:\n  - {date: 2026-11-28, title: عشاء الشركاء, where: قاعة النخيل}\n"
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    for kind, part in mail_texts(data, Month(2026, 11)).items():
        assert "\u2068عشاء الشركاء\u2069, \u2068قاعة النخيل\u2069" in part, kind  # noqa: RUF001


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 introductions"), (1, "1 introduction"), (2, "2 introductions")],
)
def test_a_figure_is_plural_for_none_and_for_many(count: int, expected: str) -> None:
    assert numbers_in_words.plural(count, "introduction") == expected


@pytest.mark.parametrize(("count", "expected"), [(1, "one"), (9, "nine"), (10, "ten"), (11, "11")])
def test_counts_up_to_ten_are_spelled_out(count: int, expected: str) -> None:
    assert numbers_in_words.number_word(count) == expected


def test_the_mails_html_part_has_headings_a_screen_reader_can_jump_between() -> None:
    # Its section titles were bold table cells: a screen reader's list of headings was empty.
    text = THANKS_DATA.replace("    name: Bob Baker\n", "    name: Bob Baker\n    email: bob@example.com\n")
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    html_part = mail_texts(data, Month(2026, 6))["html"]
    headings = re.findall(r"<(h[1-6])\b[^>]*>(.*?)</\1>", html_part)
    assert headings[0][0] == "h1" and headings[0][1].endswith(": June 2026")
    assert [level for level, _ in headings[1:]] == ["h2"] * (len(headings) - 1)
    assert "June 2026 in the newsletter" in [title for _, title in headings]


def test_a_right_to_left_prospect_opening_a_line_of_the_mail_leaves_the_line_left_to_right() -> None:
    # "* <Hebrew name>: Became a client": a mail program that sets each paragraph's direction by
    # its first letter (as many do for plain text) drew the line from the right, the name last.
    # Isolated, the name is skipped when the direction is chosen: the line starts with "Became".
    name = "\u05d9\u05d5\u05e1\u05d9"  # Yossi, in Hebrew letters
    text = THANKS_DATA.replace("    name: Bob Baker\n", "    name: Bob Baker\n    email: bob@example.com\n")
    text = text.replace("prospect: P Two\n", f"prospect: {name}\n")
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    for kind, part in mail_texts(data, Month(2026, 6)).items():
        assert f"\u2068{name}\u2069" in part, kind


# --- counts of 1,000 and more: thousands set apart, as the amounts are ("$18,000") ----------

MANY_AS_OF = dt.date(2026, 11, 20)


def _many_referrals(count: int) -> str:
    """One partner with ``count`` introductions, all on 2 January 2023 and never heard of since."""
    rows = "".join(
        f"  - {{id: r{n}, partner: ann, prospect: Prospect {n}, introduced: 2023-01-02}}\n"
        for n in range(count)
    )
    partners = "partners:\n  - {id: ann, name: Ann Able, email: ann@example.com, public: true}\n"
    return f"newsletter: {{title: T, owner: Olive Owner}}\n{partners}referrals:\n{rows}"


def test_counts_of_a_thousand_and_more_set_their_thousands_apart() -> None:
    # "no news for 1418 days", "Figures cover 1234 referrals", "| 1234 |" beside "$18,000"
    # (review54): every count of days, partners or referrals reads as the amounts do.
    data = load_text(_many_referrals(1234), "partners.yaml", MANY_AS_OF)
    layout = SiteLayout(as_of=MANY_AS_OF, secret=b"s")
    files = render_site(data, layout)
    insights = files[layout.insights_page]
    assert "Figures cover 1,234 referrals: 0 won (0%), 0 lost and 1,234 still open." in " ".join(
        insights.split()
    )
    assert 'no news for <span class="date">1,418 days</span>' in insights
    assert '<td style="text-align: right;">1,234</td>' in insights
    assert "**1,234 introductions**" in files["index.md"]
    post = files["blog/posts/newsletter/2023-01.md"]
    assert "| 1,234 | 0 | 0 | 0 |" in post
    assert "January 2023 in numbers: 1,234 new introductions," in post
    environ = {"REFERRAL_MAIL_FROM": "Olive <olive@example.com>"}
    (outgoing,) = compose_month(data, Month(2023, 1), layout, "https://example.com/", environ)
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    text, html = (" ".join(message.get_body((kind,)).get_content().split()) for kind in ("plain", "html"))  # type: ignore[union-attr]
    assert "* New referrals: 1,234" in text and "for the 1,234 introductions" in text
    assert '<div class="number">1,234</div>' in re.sub(r' style="[^"]*"', "", html)


def test_the_due_list_and_a_problem_count_set_their_thousands_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    noon = dt.datetime.combine(MANY_AS_OF, dt.time(12), dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))
    source = tmp_path / "partners.yaml"
    source.write_text(_many_referrals(2), encoding="utf-8")
    assert main(["due", str(source)]) == 0
    assert "no news for 1,418 days (last on 2023-01-02)" in capsys.readouterr().out
    source.write_text(_many_referrals(1001).replace("partner: ann,", "partner: nobody,"), encoding="utf-8")
    assert main(["check", str(source)]) == 1
    assert "\n1,001 problems found; nothing was generated." in capsys.readouterr().out
    assert numbers_in_words.plural(10000, "partner") == "10,000 partners"
    assert numbers_in_words.rate_with_count(1500, 3000) == "50% (1,500 of 3,000)"
    assert numbers_in_words.digits(1234.5) == "1,234.5"
