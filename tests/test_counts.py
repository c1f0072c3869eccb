"""Every sentence that prints a count, read with 0, 1, 2 and 1,000 of the counted thing: the
singular, "no" where a word reads better than 0, and the thousands set apart (review57)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from pathlib import Path

import pytest
import yaml
from conftest import TEST_SECRET

from generator import engines, guard
from generator.mail.run import MailRequest, compose_month, parse_month, run_mail, throwaway_preview
from generator.mail.send import SendReport
from generator.mail.summary import say_written, summarise
from generator.models import PartnersFile
from generator.render import SiteLayout, render_site
from generator.site_secret import gone_warning, moved_warning
from generator.validate import load_text
from generator.views import Month
from generator.writer import WriteReport

TODAY = dt.date(2026, 11, 20)
LAYOUT = SiteLayout(as_of=TODAY, secret=b"count-test")
COUNTS = (1, 2, 1000)
HEAD = "newsletter: {title: Count News, owner: Olive Owner}\n"


def _data(partners: int, referrals: int = 0, given: int = 0, given_to: int = 1) -> PartnersFile:
    """``partners`` public partners; ``referrals`` open ones from the first, with news in
    October; ``given`` referrals in March, spread over the first ``given_to`` partners."""
    lines = [HEAD, "partners:\n"]
    lines += [f"  - {{id: p{i}, name: Partner {i}, public: true}}\n" for i in range(partners)]
    lines.append("referrals:\n" if referrals else "referrals: []\n")
    lines += [
        f"  - {{id: r{j}, partner: p0, prospect: Prospect {j}, introduced: 2026-10-01,"
        " updates: [{date: 2026-10-05, stage: met}]}\n"
        for j in range(referrals)
    ]
    if given:
        lines.append("given:\n")
        lines += [
            f"  - {{partner: p{k % given_to}, date: 2026-03-02, to: Client {k}}}\n" for k in range(given)
        ]
    return load_text("".join(lines), "partners.yaml", TODAY)


def _summary_and_body(post: str) -> tuple[str, str]:
    """A newsletter issue's feed summary, as a feed reader gets it, and its Markdown body."""
    _, front, body = post.split("---\n", 2)
    return yaml.safe_load(front)["rss"]["feed_description"], body


# --- the business we sent to partners: how many partners, not how many referrals ---------------


@pytest.mark.parametrize("given", COUNTS)
def test_referrals_given_to_one_partner_went_to_a_partners_business(given: int) -> None:
    files = render_site(_data(2, given=given, given_to=1), LAYOUT)
    count = {1: "one referral", 2: "two referrals", 1000: "1,000 referrals"}[given]
    summary, body = _summary_and_body(files["blog/posts/newsletter/2026-03.md"])
    opening = (
        f"In March 2026 we sent {count} to a partner's business: giving back to those who send us theirs."
    )
    assert opening in body and summary.endswith(opening), (summary, body)
    assert f"): {count[0].upper()}{count[1:]} sent to a partner\n" in files["index.md"]


@pytest.mark.parametrize("given_to", (2, 1000))
def test_referrals_given_to_several_partners_went_to_our_partners_businesses(given_to: int) -> None:
    files = render_site(_data(given_to, given=given_to, given_to=given_to), LAYOUT)
    summary, body = _summary_and_body(files["blog/posts/newsletter/2026-03.md"])
    assert "to our partners' businesses: giving back" in body and "to our partners' businesses" in summary
    assert " sent to partners\n" in files["index.md"]


@pytest.mark.parametrize("given", COUNTS)
def test_a_month_under_way_feeds_its_giving_back_so_far_as_the_issue_says_it(given: int) -> None:
    as_of = dt.date(2026, 3, 20)  # March, the month of the business given, is not over
    data = load_text(
        HEAD
        + "partners:\n  - {id: p0, name: Partner 0, public: true}\nreferrals: []\ngiven:\n"
        + "".join(f"  - {{partner: p0, date: 2026-03-02, to: Client {k}}}\n" for k in range(given)),
        "partners.yaml",
        as_of,
    )
    post = render_site(data, SiteLayout(as_of=as_of, secret=b"count-test"))[
        "blog/posts/newsletter/2026-03.md"
    ]
    summary, body = _summary_and_body(post)
    count = {1: "one referral", 2: "two referrals", 1000: "1,000 referrals"}[given]
    said = f"So far in March 2026, we have sent {count} to a partner's business: giving back to those who send us theirs."
    assert said in body and summary.endswith(said), summary


# --- a partner's page: the summary cards ------------------------------------------------------


def _partner_page(data: PartnersFile) -> str:
    return render_site(data, LAYOUT)[LAYOUT.partner_page(data.partners[0])]


@pytest.mark.parametrize(
    ("referrals", "cards"),
    [
        (1, ("1 introduction", "1 in progress")),
        (2, ("2 introductions", "2 in progress")),
        (1000, ("1,000 introductions", "1,000 in progress")),
    ],
)
def test_the_in_progress_card_sets_the_thousands_apart_as_its_neighbours_do(
    referrals: int, cards: tuple[str, str]
) -> None:
    page = _partner_page(_data(1, referrals))
    for card in cards:
        assert f"<strong>{card}</strong>" in page


# --- the mail review: how many messages it wrote, and what --send will do with them ------------

LOG = Path("mail-out/sent.jsonl")


@pytest.mark.parametrize(
    ("written", "delivered", "expected"),
    [
        (1, 0, None),
        (
            1,
            1,
            "It was already delivered (see LOG); --send skips it (--send --resend PARTNER_ID sends it again).",
        ),
        (
            2,
            1,
            "1 of them was already delivered (see LOG); --send skips that one (--send --resend PARTNER_ID sends one again).",
        ),
        (
            2,
            2,
            "2 of them were already delivered (see LOG); --send skips those (--send --resend PARTNER_ID sends one again).",
        ),
        (
            1000,
            1000,
            "1,000 of them were already delivered (see LOG); --send skips those (--send --resend PARTNER_ID sends one again).",
        ),
    ],
)
def test_the_review_counts_the_messages_already_delivered(
    written: int, delivered: int, expected: str | None
) -> None:
    said: list[str] = []
    say_written(written, Path("mail-out/2026-03"), delivered, LOG, said.append)
    messages = {1: "1 message", 2: "2 messages", 1000: "1,000 messages"}[written]
    assert said[0] == f"Wrote {messages} to mail-out/2026-03/ for review; nothing was sent."
    assert said[1:] == ([expected.replace("LOG", str(LOG))] if expected else [])


ONE_MESSAGE = """\
newsletter: {title: T, owner: Olive Owner, email: olive@owner.example}
partners:
  - {id: solo, name: Sol Solo, email: sol@example.com}
referrals:
  - {id: r1, partner: solo, prospect: Pat Doe, introduced: 2026-03-05}
"""


def test_a_review_of_one_message_offers_to_deliver_it(tmp_path: Path) -> None:
    (tmp_path / "partners.yaml").write_text(ONE_MESSAGE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://partners.example.com/\n", encoding="utf-8")
    said: list[str] = []
    environ = {"REFERRAL_SITE_SECRET": TEST_SECRET, "SOURCE_DATE_EPOCH": "1795132800"}
    assert (
        run_mail(MailRequest(parse_month("2026-03"), tmp_path / "mail-out"), tmp_path, environ, said.append)
        == 0
    )
    assert said[-1].startswith("To deliver it: ") and said[-1].endswith(" mail --month 2026-03 --send"), said


# --- the leak guard's verdicts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scanned", "expected"),
    [(1, "scanned 1 file,"), (2, "scanned 2 files,"), (1000, "scanned 1,000 files,")],
)
def test_a_clean_scan_counts_its_files(scanned: int, expected: str) -> None:
    # `mkdocs serve --dirty` reads only the files a rebuild changed: often one.
    assert guard.clean_scan(scanned) == f"Leak guard: {expected} no confidential data found."


@pytest.mark.parametrize(("scanned", "files"), [(1, "1 file"), (1000, "1,000 files")])
def test_the_guard_commands_clean_verdict_reads_with_any_count(scanned: int, files: str) -> None:
    verdict = guard.site_verdict([], scanned, Path("site"))
    assert verdict == f"Leak guard: no confidential value out of place in {files} of site."


@pytest.mark.parametrize(
    ("fields", "pages", "found"),
    [
        (1, 1, "1 confidential value out of place in 1 file"),
        (1, 2, "1 confidential value out of place in 2 files"),
        (2, 1, "2 confidential values out of place in 1 file"),
        (1000, 3, "1,000 confidential values out of place in 3 files"),
    ],
)
def test_leaks_are_counted_as_values_and_files_not_places(fields: int, pages: int, found: str) -> None:
    """One prospect on a page and in the search index is one value in two files: the count of
    places said "2 confidential values" (review58)."""
    leaks = [
        guard.Leak(f"page-{p}/index.html", f"referrals[{f}].prospect")
        for f in range(fields)
        for p in range(pages)
    ]
    assert guard.site_verdict(leaks, 1000, Path("site")) == f"Leak guard: {found} (1,000 files read in site)."
    report = guard.leak_report(leaks).splitlines()
    assert report[0] == f"Leak guard: {found}:" and len(report) == 1 + fields * pages


# --- a new site secret, and private pages gone ------------------------------------------------


@pytest.mark.parametrize(
    ("pages", "moved"),
    [
        (1, "the private page moves to a new address; its old link will stop working;"),
        (2, "all 2 private pages move to new addresses; partners' old links will stop working;"),
        (1000, "all 1,000 private pages move to new addresses; partners' old links will stop working;"),
    ],
)
def test_a_new_secret_counts_the_private_pages_it_moves(pages: int, moved: str) -> None:
    # One page is the owner's insights page alone: a program with no partner yet.
    assert moved_warning(pages).startswith(f"the site secret is not the one the last run used: {moved}")


@pytest.mark.parametrize(("gone", "more"), [(6, "and 1 more"), (7, "and 2 more"), (1005, "and 1,000 more")])
def test_private_pages_gone_count_the_names_left_out(gone: int, more: str) -> None:
    names = [f"Partner {i:04}" for i in range(gone)]
    assert f"Partner 0004 {more} are gone from their addresses" in gone_warning(names)


# --- another engine's build: what left its cache ----------------------------------------------


@pytest.mark.parametrize(
    ("removed", "said"),
    [
        (0, "no private entries"),
        (1, "1 private entry"),
        (2, "2 private entries"),
        (1000, "1,000 private entries"),
    ],
)
def test_the_cache_cleaned_after_a_zensical_build_counts_its_entries(removed: int, said: str) -> None:
    assert engines.cache_cleaned(removed) == f"{said} taken out of .cache/"


# --- the insights page ------------------------------------------------------------------------


def _insights(text: str) -> str:
    return render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)[LAYOUT.insights_page]


def _wins_without_value(wins: int) -> str:
    referrals = "".join(
        f"  - {{id: r{j}, partner: p0, prospect: Prospect {j}, introduced: 2026-10-01,"
        " updates: [{date: 2026-10-05, stage: won}]}\n"
        for j in range(wins)
    )
    return f"{HEAD}partners:\n  - {{id: p0, name: Partner 0}}\nreferrals:\n{referrals}"


@pytest.mark.parametrize(
    ("wins", "footnote"),
    [
        (1, "Leaves out 1 win with no value recorded: add its <code>value</code> to count it."),
        (2, "Leaves out 2 wins with no value recorded: add each one's <code>value</code> to count them."),
        (
            1000,
            "Leaves out 1,000 wins with no value recorded: add each one's <code>value</code> to count them.",
        ),
    ],
)
def test_the_footnote_on_wins_without_a_value_agrees_with_its_count(wins: int, footnote: str) -> None:
    page = _insights(_wins_without_value(wins))
    assert f"<p>‡ {footnote}</p>" in page


# --- the public tree: partners who prefer privacy, counted in one box -------------------------


@pytest.mark.parametrize(
    ("hidden", "box"), [(1, ">A partner<"), (2, ">2 partners<"), (1000, ">1,000 partners<")]
)
def test_the_tree_drawing_counts_the_private_partners_of_a_branch(hidden: int, box: str) -> None:
    private = "".join(f"  - {{id: q{i}, name: Quiet {i}, referred_by: p0}}\n" for i in range(hidden))
    text = f"{HEAD}partners:\n  - {{id: p0, name: Partner 0, public: true}}\n{private}referrals: []\n"
    drawing = render_site(load_text(text, "partners.yaml", TODAY), LAYOUT)["tree.md"]
    assert box in drawing


# --- the home page's cards --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("partners", "card", "caption"),
    [
        (1, "1 referral partner", "someone who trusts us"),
        (2, "2 referral partners", "people who trust us"),
        (1000, "1,000 referral partners", "people who trust us"),
    ],
)
def test_the_partners_card_and_its_caption_agree(partners: int, card: str, caption: str) -> None:
    home = render_site(_data(partners), LAYOUT)["index.md"]
    assert f"**{card}**\n\n    {caption} with their friends and clients\n" in home


# --- what a run wrote -------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "files"), [(1, "1 file"), (2, "2 files"), (1000, "1,000 files")])
def test_the_write_report_counts_the_files_kept(count: int, files: str) -> None:
    assert f"({files} kept from the last run without rendering)" in str(WriteReport(kept=count))


@pytest.mark.parametrize(
    ("count", "pages"), [(1, "1 earlier page"), (2, "2 earlier pages"), (1000, "1,000 earlier pages")]
)
def test_the_write_report_counts_the_pages_recognised_without_a_manifest(count: int, pages: str) -> None:
    assert f"(no manifest: {pages} recognised by their generated_by mark)" in str(
        WriteReport(recovered=count)
    )


# --- the monthly message's thanks to the month's givers ---------------------------------------


@pytest.mark.parametrize(
    ("referrals", "sent"),
    [
        (1, "One partner sent us an introduction this month."),
        (2, "One partner sent us two introductions this month."),
        (1000, "One partner sent us 1,000 introductions this month."),
    ],
)
def test_the_message_thanks_one_partner_for_all_they_sent(referrals: int, sent: str) -> None:
    data = load_text(
        HEAD.replace("}", ", email: olive@example.com}")
        + "partners:\n  - {id: p0, name: Partner 0, email: p0@example.com}\nreferrals:\n"
        + "".join(
            f"  - {{id: r{j}, partner: p0, prospect: Prospect {j}, introduced: 2026-10-01}}\n"
            for j in range(referrals)
        ),
        "partners.yaml",
        TODAY,
    )
    (outgoing,) = compose_month(data, Month(2026, 10), LAYOUT, "https://example.com/", {})
    message = email.message_from_bytes(outgoing.data, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert sent in " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("stopped", "tally", "send"),
    [
        (1, "0 delivered, 0 already delivered before, 0 failed, 0 uncertain, 1 not sent", "to send it;"),
        (2, "0 delivered, 0 already delivered before, 0 failed, 0 uncertain, 2 not sent", "to send them;"),
        (
            1000,
            "0 delivered, 0 already delivered before, 0 failed, 0 uncertain, 1,000 not sent",
            "to send them;",
        ),
    ],
)
def test_an_interrupted_send_says_what_is_left_to_send(stopped: int, tally: str, send: str) -> None:
    said: list[str] = []
    summarise(SendReport(stopped=[f"p{i}" for i in range(stopped)]), LOG, said.append)
    assert said[0].startswith(tally)
    assert f"Run the same command again {send} nobody it lists as delivered gets a second copy." in said[1]


@pytest.mark.parametrize(
    ("messages", "said"),
    [
        (
            1,
            "this message's private link was made with a throwaway secret and leads to no page (its subject "
            "says so). Read it for its wording only; to send it, run",
        ),
        (
            2,
            "these messages' private links were made with a throwaway secret and lead to no page (each "
            "subject says so). Read them for their wording only; to send them, run",
        ),
        (
            1000,
            "these messages' private links were made with a throwaway secret and lead to no page (each "
            "subject says so). Read them for their wording only; to send them, run",
        ),
    ],
)
def test_a_ci_preview_says_its_links_lead_nowhere_of_one_message_or_many(messages: int, said: str) -> None:
    assert said in throwaway_preview(messages)


def test_a_ci_preview_of_one_message_speaks_of_it(tmp_path: Path) -> None:
    (tmp_path / "partners.yaml").write_text(ONE_MESSAGE, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_url: https://partners.example.com/\n", encoding="utf-8")
    said: list[str] = []
    environ = {"REFERRAL_PREVIEW": "1", "CI": "true", "SOURCE_DATE_EPOCH": "1795132800"}
    assert (
        run_mail(MailRequest(parse_month("2026-03"), tmp_path / "mail-out"), tmp_path, environ, said.append)
        == 0
    )
    assert "this message's private link was made with a throwaway secret and leads to no page" in said[-1], (
        said
    )
