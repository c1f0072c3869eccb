"""Every figure a reader sees, checked against an independent count (tests/figures_oracle.py).

The pages are what ``generate`` writes (the same render, in process); they are read back as a
reader reads them, figures parsed out of the Markdown and HTML, and compared with the oracle's
count of partners.yaml: on the demo, on every fixture and on seeded random datasets with month
and year edges, trees three deep and wins with no value.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import functools
import html
import re
from collections import Counter
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import figures_oracle as oracle
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import FIXTURES, REPO, SOURCE_DATE_EPOCH, TEST_SECRET, TODAY

from generator.cli import main
from generator.mail.run import compose_month
from generator.render import SiteLayout, render_site
from generator.validate import load_text
from generator.views import Month

WORDS = {
    w: n
    for n, w in enumerate(
        ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    )
}
STAGE_TITLES = {
    "introduced": "Introduced",
    "contacted": "In touch",
    "met": "Met",
    "proposal": "Proposal made",
    "won": "New client",
    "lost": "File closed",
}
DATASETS = {
    "demo": REPO / "partners.yaml",
    **{path.stem: path for path in sorted(FIXTURES.glob("*.yaml"))},
}
SEEDS = range(30)
# The edges by name: a referral won and one lost in the month of their introduction; updates on
# the first and last day of a month and of a year; thanks three deep (anne > bob > cat > dan);
# a partner (bob) who brought in another and gave prospects; wins with and without a value; a win
# whose partner (dan) has no consent; a partner with nothing yet; news after a close: lost in
# March and won in June (a June win), a client who bought again (won in April, again in October), a client
# whose file opened again (open), won then lost (not a win).
EDGES = """
newsletter: {title: T, owner: Olive Owner, due_after_days: 30}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
  - {id: bob, name: Bob Baker, referred_by: anne, public: true}
  - {id: cat, name: Cat Cole, referred_by: bob}
  - {id: dan, name: Dan Dunn, referred_by: cat}
  - {id: eve, name: Eve Eng, public: true, since: 2026-01-01, email: eve@example.com}
referrals:
  - {id: r1, partner: bob, prospect: Ann Won, introduced: 2026-03-02, method: call, asked: true,
     value: 1000, public: true, updates: [{date: 2026-03-31, stage: won}]}
  - {id: r2, partner: bob, prospect: Len Lost, introduced: 2026-03-02, method: call,
     updates: [{date: 2026-03-02, stage: lost}]}
  - {id: r3, partner: dan, prospect: Dee Deep, introduced: 2025-12-31, method: lunch, asked: false,
     public: true, updates: [{date: 2025-12-31, stage: contacted}, {date: 2026-01-01, stage: met},
     {date: 2026-01-31, stage: proposal}, {date: 2026-02-01, stage: won}]}
  - {id: r4, partner: cat, prospect: Val Less, introduced: 2026-10-31, method: lunch,
     updates: [{date: 2026-11-01, stage: won}]}
  - {id: r5, partner: anne, prospect: Old Quiet, introduced: 2026-09-30, method: name}
  - {id: r6, partner: dan, prospect: Back Again, introduced: 2026-02-10, method: call, value: 700,
     updates: [{date: 2026-03-05, stage: lost}, {date: 2026-06-01, stage: contacted},
     {date: 2026-06-20, stage: won}]}
  - {id: r7, partner: eve, prospect: Buys Twice, introduced: 2026-04-01, method: letter, value: 50,
     updates: [{date: 2026-04-02, stage: won}, {date: 2026-10-09, stage: won}]}
  - {id: r8, partner: bob, prospect: Opened Again, introduced: 2026-04-03, method: letter,
     updates: [{date: 2026-04-04, stage: won}, {date: 2026-11-02, stage: proposal}]}
  - {id: r9, partner: cat, prospect: Fell Through, introduced: 2026-05-01, method: lunch,
     updates: [{date: 2026-05-02, stage: won}, {date: 2026-05-30, stage: lost}]}
given:
  - {partner: bob, date: 2025-12-31, to: Jo Park}
"""
ZERO = "newsletter: {title: T, owner: Olive Owner}\npartners:\n  - {id: anne, name: Anne Ortiz}\n"


def number(text: str) -> int:
    return WORDS[text.lower()] if text.lower() in WORDS else int(text.replace(",", ""))


@functools.lru_cache(maxsize=256)
def front_matter(page: str) -> dict[str, Any]:
    return yaml.safe_load(page.split("---\n")[1])  # type: ignore[no-any-return]


def render(text: str) -> tuple[oracle.Raw, dict[str, str]]:
    """The oracle's reading of ``text`` and the generated files; each partner's page is also
    given under ``partner:ID`` (its address is a keyed hash, not a figure under test)."""
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode(), site_url="https://x.example/")
    files = render_site(data, layout)
    for partner in data.partners:
        files[f"partner:{partner.id}"] = files[layout.partner_page(partner)]
    files["source:partners.yaml"] = text
    return oracle.read(text), files


def dataset_texts() -> list[Any]:
    named = [pytest.param(path.read_text(encoding="utf-8"), id=name) for name, path in DATASETS.items()]
    seeded = [pytest.param(oracle.random_dataset(seed, TODAY), id=f"seed{seed}") for seed in SEEDS]
    return [*named, pytest.param(EDGES, id="edges"), pytest.param(ZERO, id="zero"), *seeded]


@pytest.fixture(scope="module", params=dataset_texts())
def site(request: pytest.FixtureRequest) -> tuple[oracle.Raw, dict[str, str]]:
    return render(request.param)


# --- reading the pages back ---------------------------------------------------------------------


def posts(files: dict[str, str]) -> dict[str, str]:
    """Newsletter posts by month key (from their slug)."""
    found = {}
    for path, text in files.items():
        if path.startswith("blog/posts/") and path.endswith(".md"):
            found[front_matter(text)["slug"].removeprefix("newsletter-")] = text
    return found


def post_numbers(text: str) -> tuple[int, int, int, int]:
    table = re.search(r"^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    return (0, 0, 0, 0) if table is None else tuple(int(x) for x in table.groups())  # type: ignore[return-value]


def feed_numbers(text: str) -> tuple[int, ...]:
    summary = front_matter(text)["rss"]["feed_description"]
    found = re.search(
        r"in numbers: (\w+) new introductions?, (\w+) meetings?, (\w+) proposals? and (\w+) new clients?\.",
        summary,
    )
    if found is None:  # a month whose only news is its events: the gathering, no figures
        assert re.match(r"An invitation for|In \w+ \d{4} we got together", summary), summary
        return (0, 0, 0, 0)
    return tuple(number(x) for x in found.groups())


def home_cards(text: str) -> tuple[int, int, int]:
    cards = re.findall(r"\*\*(\w+) (?:referral partners?|introductions?|new clients?)\*\*", text)
    return tuple(number(x) for x in cards)  # type: ignore[return-value]


def partner_pages(raw: oracle.Raw, files: dict[str, str]) -> dict[str, str]:
    return {p["id"]: files[f"partner:{p['id']}"] for p in raw["partners"]}


@functools.lru_cache(maxsize=64)
def soup(text: str) -> BeautifulSoup:
    """A page's body parsed once: each partner page is read by several tests."""
    return BeautifulSoup(text.split("---\n", 2)[2], "html.parser")


def partner_cards(text: str) -> list[int]:
    cards = [strong.get_text() for strong in soup(text).select(".partner-summary strong")]
    # "1 former client" stands where "No new clients" would: a client who did not stay is no win.
    return [
        0 if card.startswith(("No ", "None ")) or "former" in card else number(card.split()[0])
        for card in cards
    ]


def partner_stages(text: str) -> Counter[tuple[str, str, str, str]]:
    """(prospect, stage, introduced, last news) of each referral on a partner's page."""
    titles = {label: key for key, label in STAGE_TITLES.items()} | {"No longer a client": "lost"}
    found: Counter[tuple[str, str, str, str]] = Counter()
    for box in soup(text).select("div.referral"):
        dates = [span.get_text() for span in box.select("ul span.date")]
        name, stage = (
            box.find("h3").get_text().rstrip("¶"),
            titles[box.select_one(".admonition-title").get_text()],
        )
        found[name, stage, dates[0], dates[1]] += 1
    return found


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the table under ``heading`` on the insights page, by first cell."""
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = soup("---\n---\n" + section).select("tbody tr")
    return {cells[0]: cells[1:] for cells in ([td.get_text() for td in row.find_all("td")] for row in rows)}


# --- the comparisons -----------------------------------------------------------------------------


def test_every_month_with_news_has_a_post_with_its_numbers(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    expected = oracle.months(raw, TODAY)
    shown = posts(files)
    assert set(expected) == set(shown)
    for month, news in expected.items():
        figures = (news.introductions, news.meetings, news.proposals, news.wins)
        assert post_numbers(shown[month]) == figures, month
        assert feed_numbers(shown[month]) == figures, month
        opening = shown[month].split("<!-- more -->")[0].split("---\n", 2)[2]
        people = re.search(r"introduced (\w+) new (?:person|people) to us", opening)
        became = re.search(
            r"(\w+) introductions? (?:became|has become|have become) (?:a )?new clients?", opening
        )
        assert (number(people[1]) if people else 0) == news.introductions, (month, opening)
        assert (number(became[1]) if became else 0) == news.wins, (month, opening)


def test_home_cards_count_partners_introductions_and_clients(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    wins = sum(oracle.stage(r) == "won" for r in raw["referrals"])
    assert home_cards(files["index.md"]) == (len(raw["partners"]), len(raw["referrals"]), wins)


def test_each_partner_page_counts_and_stages(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    pages = partner_pages(raw, files)
    assert len(pages) == len(raw["partners"])
    for partner_id, text in pages.items():
        figures = oracle.partner(raw, partner_id)
        # A partner with no introduction yet gets a welcome instead of the cards.
        cards = (
            [figures.introductions, figures.won, figures.open, figures.given] if figures.introductions else []
        )
        assert partner_cards(text) == cards, partner_id
        own = [r for r in raw["referrals"] if r["partner"] == partner_id]
        expected = Counter(
            (r["prospect"], oracle.stage(r), long_date(r["introduced"]), long_date(oracle.last_news(r)))
            for r in own
        )
        assert partner_stages(text) == expected, partner_id
        thanks = re.search(
            r"Thank you for the (?:(\w+) )?introductions? you have sent us", soup(text).get_text()
        )
        assert (number(thanks[1] or "one") if thanks else 0) == figures.introductions, partner_id


# The insights tables' row labels for each method, as a reader sees them (written out here, not
# taken from the generator, so the test reads the page as DESIGN.md words it).
METHOD_LABELS = {
    "name": "Name passed on",
    "letter": "Letter of introduction",
    "call": "Introductory phone call",
    "lunch": "Lunch for the three of us",
    "not recorded": "Not recorded",
}


def test_insights_totals_by_method_and_asking(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    figures = oracle.insights(raw)
    asking_labels = {"asked": "Asked for", "earned": "Earned", "not recorded": "Not recorded"}
    for heading, rows, labels in (
        ("Conversion by introduction method", figures.by_method, METHOD_LABELS),
        ("Asked for or earned", figures.by_asking, asking_labels),
    ):
        shown = table_rows(text, heading)
        assert set(shown) == {labels[key] for key in rows}, heading
        for key, row in rows.items():
            referrals, won, rate, _value = shown[labels[key]]
            assert (int(referrals), int(won)) == (row.referrals, row.won), (heading, key)
            assert rate.startswith(f"{round_half_up(row.won, row.referrals)}% ({row.won} of {row.referrals})")
    total = figures.total
    if total.referrals:
        assert f"Figures cover {total.referrals} referral" in text or "Figures cover one referral" in text
        assert f": {total.won} won" in text
        assert f"{total.lost} lost and {total.referrals - total.won - total.lost} still open" in text


def test_insights_months_by_outcome(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    figures = oracle.insights(raw)
    shown = table_rows(text, "Referrals per month, by outcome")
    expected = {
        month_label(month): [str(row.won), str(row.lost), str(row.referrals - row.won - row.lost)]
        for month, row in figures.per_month.items()
    }
    assert shown == expected


def round_half_up(part: int, whole: int) -> int:
    return int(100 * part / whole + 0.5 + 1e-9) if whole else 0


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{dt.date(int(year), int(month), 1):%B} {year}"


def test_oracle_reads_the_demo_as_the_readme_tells_it() -> None:
    """The oracle itself, on figures counted by hand from the demo's partners.yaml."""
    raw = oracle.read((REPO / "partners.yaml").read_text(encoding="utf-8"))
    assert oracle.partner(raw, "anne-ortiz").introductions == 4
    assert oracle.ancestors(raw, "keisha-brown")[:3] == ["luis-navarro", "dana-wu", "steve-hall"]


def shown_money(cell: str) -> float:
    digits = re.sub(r"[^\d.]", "", cell.split("‡")[0])
    return float(digits) if digits else 0.0


def test_insights_values_and_partner_rows(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    """Values won are the sum of the won referrals' values; a win with no value is said to be left
    out, never silently dropped from the sum."""
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    figures = oracle.insights(raw)
    shown = table_rows(text, "Conversion by introduction method")
    for key, row in figures.by_method.items():
        cell = shown[METHOD_LABELS[key]][3]
        assert shown_money(cell) == pytest.approx(row.value), (key, cell)
        assert ("‡" in cell) == bool(row.unvalued_wins), (key, cell)
    if any(row.unvalued_wins for row in figures.by_method.values()):
        assert "‡ " in text.split("## Conversion by introduction method", 1)[1].split("\n## ", 1)[0]


def test_insights_branches_and_medians(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    names = {p["id"]: p["name"] for p in raw["partners"]}
    rows = table_rows(text, "Most productive branches of the tree")
    expected = {
        names[pid]: [
            str(len(oracle.descendants(raw, pid))),
            str(sum(oracle.own_wins(raw, d) for d in oracle.descendants(raw, pid))),
        ]
        for pid in names
        if oracle.descendants(raw, pid)
    }
    for name, cells in rows.items():
        assert expected[name] == cells, name
    assert len(rows) == min(10, len(expected))
    meeting_days = sorted(
        next((u["date"] - r["introduced"]).days for u in r["updates"] if u["stage"] == "met")
        for r in raw["referrals"]
        if any(u["stage"] == "met" for u in r["updates"])
    )
    if meeting_days:
        assert f"first meeting: <strong>{median(meeting_days):g}</strong>" in text
    win_days = sorted(
        (won - r["introduced"]).days for r in raw["referrals"] if (won := oracle.won_on(r)) is not None
    )
    shown_win = f"{median(win_days):g}</strong> ({len(win_days)} referral" if win_days else "no wins yet"
    assert f"introduction to a win: <strong>{shown_win}" in text


def median(values: list[int]) -> float:
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def test_insights_due_list_and_the_due_command(
    site: tuple[oracle.Raw, dict[str, str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    expected = oracle.due(raw, TODAY)
    shown = re.findall(
        r"referral (?:<span class=\"token\">)?([^<,\s]+)(?:</span>)?, introduced .*?"
        r"no news for <span class=\"date\">(\d+) days",
        text,
    )
    assert sorted((rid, int(days)) for rid, days in shown) == sorted(expected)
    assert [int(days) for _, days in shown] == [days for _, days in expected]
    # `python -m generator due` on the same file, as the owner runs it.
    source = tmp_path / "partners.yaml"
    source.write_text(files["source:partners.yaml"], encoding="utf-8")
    # At noon on TODAY where the owner lives: `due` counts days to the owner's date (at the
    # conftest's midnight UTC it is still the 19th in the demo's Chicago).
    zone = ZoneInfo(raw["newsletter"].get("timezone", "UTC"))
    noon = dt.datetime.combine(TODAY, dt.time(12), zone)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(noon.timestamp())))
    assert main(["due", str(source)]) == 0
    printed = re.findall(r"due an update: (\S+) from \S+, no news for (\d+) days", capsys.readouterr().out)
    assert sorted((rid, int(days)) for rid, days in printed) == sorted(expected)
    assert [int(days) for _, days in printed] == [days for _, days in expected]  # longest wait first


def tree_section(text: str) -> str:
    page = soup(text).get_text()
    return (
        page.split("Your referral tree", 1)[1].split("Introduce someone", 1)[0]
        if "Your referral tree" in page
        else ""
    )


def test_each_partner_page_tells_what_grew_down_the_tree(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    below = oracle.children(raw)
    for partner_id, text in partner_pages(raw, files).items():
        section = tree_section(text)
        direct, everyone = below[partner_id], oracle.descendants(raw, partner_id)
        if not direct:
            assert "You brought" not in section, partner_id
            continue
        brought = re.search(
            r"You brought (\w+) partners? into our circle(?:, and (\w+) partners have joined)?", section
        )
        assert brought, section
        assert number(brought[1]) == len(direct), partner_id
        assert number(brought[2] or brought[1]) == len(everyone), partner_id
        led = re.findall(
            r"led to (\w+) new clients?(?: and (\w+) more partners?)?|led to (\w+) more partners?", section
        )
        # A partner brought in with nothing grown below them yet: their own introductions, if any.
        waiting = section.count("joined through you; their first introductions are still to come")
        sent = [
            number(n)
            for n in re.findall(r"joined through you and has sent us (\w+) introductions? so far", section)
        ]
        grown, quiet = [], []
        for child in direct:
            wins = oracle.own_wins(raw, child) + sum(
                oracle.own_wins(raw, d) for d in oracle.descendants(raw, child)
            )
            grown.append((wins, len(oracle.descendants(raw, child))))
            if grown[-1] == (0, 0):
                quiet.append(oracle.partner(raw, child).introductions)
        shown = [(number(w), number(p or "0")) if w else (0, number(only)) for w, p, only in led]
        assert sorted(shown + [(0, 0)] * (waiting + len(sent))) == sorted(grown), partner_id
        assert sorted(sent + [0] * waiting) == sorted(quiet), partner_id
        total = figures_total = oracle.partner(raw, partner_id)
        harvest = re.search(r"Everything that grew from you: (\w+) new clients?", section)
        if harvest:
            assert number(harvest[1]) == total.won + figures_total.wins_below, partner_id


def thanked(sentence: str | None) -> tuple[list[str], int]:
    """(names, partners counted behind the scenes) of one thank-you sentence's list of people."""
    if sentence is None:
        return [], 0
    sentence = unisolated(sentence)
    anonymous = re.fullmatch(r"the (?:partner|(\w+) partners)", sentence)
    if anonymous:
        return [], number(anonymous[1] or "one")
    more = re.search(r", and to (\w+) more partners? who prefers? to stay behind the scenes,?$", sentence)
    names = sentence[: more.start()] if more else sentence
    listed = names.split(", ")
    listed[-1:] = listed[-1].split(" and ")
    return sorted(listed), number(more[1]) if more else 0


def test_each_post_thanks_the_right_partners_up_the_tree(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    """Whose introduction won this month, named with consent and else counted; everyone further
    up the tree from them; a win's prospect welcomed by name only with both consents."""
    raw, files = site
    if any(re.search(r",| and ", p["name"]) for p in raw["partners"]):
        pytest.skip("a name with a comma or 'and' cannot be told apart in a list")
    people = {p["id"]: p for p in raw["partners"]}
    shown = posts(files)
    for month in oracle.months(raw):
        won = [
            r
            for r in raw["referrals"]
            if (day := oracle.won_on(r)) is not None and oracle.month_of(day) == month
        ]
        winners = {r["partner"] for r in won}
        up = {a for pid in winners for a in oracle.ancestors(raw, pid)}
        # The body: the front matter's feed summary says the same with YAML's escapes ("\U0001F3CD").
        text = shown[month].split("---\n", 2)[2].split("## Good news")[0].split("## Partner spotlight")[0]
        win_line = re.search(r"A warm thank-you to (.*?),? whose introductions? became", text)
        tree_line = re.search(r"thanks also to (.*?),? whose earlier", text)
        for line, group in ((win_line, winners), (tree_line, up)):
            names, unnamed = thanked(line[1] if line else None)
            expected = sorted(people[pid]["name"] for pid in group if people[pid].get("public"))
            assert (names, unnamed) == (expected, len(group) - len(expected)), (month, line)
        led = re.search(
            r"whose earlier introductions? led to (this win|these wins|(\w+) of these wins)", text
        )
        below_wins = sum(1 for r in won if oracle.ancestors(raw, r["partner"]))
        if led is None:
            assert below_wins == 0, month
        else:
            assert (len(won) if led[2] is None else number(led[2])) == below_wins, (month, led[0])
        welcomed = re.findall(r"^- Welcome, (.*)! Introduced by (.*)\.$", shown[month], re.M)
        expected_welcome = [
            (r["prospect"], people[r["partner"]]["name"])
            for r in won
            if r.get("public") and people[r["partner"]].get("public")
        ]
        assert sorted(welcomed) == sorted(expected_welcome), month


HEADLINES = {**STAGE_TITLES, "won": "A new client, thanks to you!", "won-again": "A returning client"}


def mail_texts(text: str, month: str) -> dict[str, str]:
    """Each recipient's plain-text message for ``month``, by partner id, as `mail` writes it."""
    data = load_text(text, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode(), site_url="https://x.example/")
    environ = {
        "REFERRAL_MAIL_FROM": "Mark Rodgers <mark@example.com>",
        "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
    }
    year, number_of_month = (int(part) for part in month.split("-"))
    found = {}
    for message in compose_month(data, Month(year, number_of_month), layout, "https://x.example/", environ):
        parsed = email.message_from_bytes(message.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        body = parsed.get_body(preferencelist=("plain",))
        assert body is not None
        found[message.partner_id] = body.get_content().replace("\r\n", "\n")
    return found


def test_each_mail_tells_the_partner_their_month(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    for month in sorted(oracle.months(raw))[-3:]:
        issue = oracle.months(raw)[month]
        for partner_id, body in mail_texts(files["source:partners.yaml"], month).items():
            figures = oracle.mail(raw, partner_id, month)
            titles = {label: key for key, label in HEADLINES.items()}
            items = re.findall(r"^\* (.+): (" + "|".join(map(re.escape, titles)) + r")$", body, re.M)
            assert Counter((name, titles[label]) for name, label in items) == figures.items, (
                month,
                partner_id,
            )
            prose = " ".join(body.split())
            thanks = re.search(r"for the (?:(\w+) )?introductions? you sent us this month", prose)
            assert (number(thanks[1] or "one") if thanks else 0) == figures.introduced, (month, partner_id)
            chain = re.search(r"Thanks to you, too: (\w+) new clients? came", prose)
            assert (number(chain[1]) if chain else 0) == figures.tree_wins, (month, partner_id)
            given = (
                prose.split("BUSINESS WE SENT YOUR WAY", 1)[1].split("YOUR PAGE")[0] if figures.given else ""
            )
            assert given.count("* ") == figures.given, (month, partner_id)
            assert still_in_progress(prose) == figures.still_open, (month, partner_id)
            numbers = re.findall(r"\* (?:New referrals|Meetings|Proposals|New clients): (\d+)", body)
            expected = [issue.introductions, issue.meetings, issue.proposals, issue.wins]
            assert [int(n) for n in numbers] == (expected if any(expected) else []), (month, partner_id)


def still_in_progress(prose: str) -> int:
    others = re.search(r"(\w+) other introductions? of yours (?:is|are) still in progress", prose)
    if others:
        return number(others[1])
    some = re.search(r"(\w+) of your \w+ introductions (?:is|are) still in progress", prose)
    if some:
        return number(some[1])
    yours = re.search(r"Your (?:(\w+) )?introductions? (?:is|are) still in progress", prose)
    return number(yours[1] or "one") if yours else 0


def test_home_lists_the_latest_months_with_their_numbers(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    raw, files = site
    news = oracle.months(raw, TODAY)
    listed = re.findall(
        r"^- \[(\w+ \d{4})\]\(blog/posts/[^)]*(\d{4}-\d{2})\.md\): (.*)$", files["index.md"], re.M
    )
    assert [key for _, key, _ in listed] == sorted(news, reverse=True)[:6]
    for label, key, summary in listed:
        assert label == month_label(key)
        month = news[key]
        intros = re.search(r"(\w+) new introductions?", summary, re.I)
        wins = re.search(r"(\w+) new clients?", summary, re.I)
        assert (number(intros[1]) if intros else 0) == month.introductions, key
        assert (number(wins[1]) if wins else 0) == month.wins, key


def test_the_demo_as_generate_writes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same figures in the files `python -m generator generate` writes for the demo."""
    text = (REPO / "partners.yaml").read_text(encoding="utf-8")
    (tmp_path / "partners.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFERRAL_SITE_SECRET", TEST_SECRET)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    for variable in ("CI", "GITHUB_ACTIONS", "REFERRAL_PREVIEW", "REFERRAL_PUBLISH"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["generate", "--data", "partners.yaml", "--docs-dir", "content"]) == 0
    capsys.readouterr()
    raw = oracle.read(text)
    files = {
        path.relative_to(tmp_path / "content").as_posix(): path.read_text(encoding="utf-8")
        for path in (tmp_path / "content").rglob("*.md")
    }
    ids = {p["name"]: p["id"] for p in raw["partners"]}
    for path, page in list(files.items()):
        title = front_matter(page).get("title")
        if path.startswith("p/") and title in ids:
            files[f"partner:{ids[title]}"] = page
    files["source:partners.yaml"] = text
    site = (raw, files)
    test_every_month_with_news_has_a_post_with_its_numbers(site)
    test_home_cards_count_partners_introductions_and_clients(site)
    test_each_partner_page_counts_and_stages(site)
    test_each_partner_page_tells_what_grew_down_the_tree(site)
    test_insights_totals_by_method_and_asking(site)
    test_insights_months_by_outcome(site)
    test_insights_values_and_partner_rows(site)
    test_each_post_thanks_the_right_partners_up_the_tree(site)


def coming_up(page: str) -> list[tuple[str, str]]:
    """(date, title) of each event under a page's "Coming up", in the order shown."""
    heading = re.search(r'^## Coming up$|^<h2 id="coming-up">', page, re.M)
    section = page[heading.end() :] if heading else ""
    found = re.findall(
        r'^- (?::material-calendar-star: )?\*\*<span class="date">([^<]+)</span>.*?\*\*: (.+?)(?:, .*)? \(\[add',
        section,
        re.M,
    )
    return [(day, unisolated(html.unescape(title))) for day, title in found]


def unisolated(text: str) -> str:
    """``text`` as a reader sees it: without the isolates set around right-to-left names."""
    return text.replace("\u2068", "").replace("\u2069", "")


def test_events_coming_up_on_the_home_and_partner_pages(site: tuple[oracle.Raw, dict[str, str]]) -> None:
    """Every event from today on, soonest first (by the clock within a day); none that is over."""
    raw, files = site
    if any("," in e["title"] for e in raw["events"]):
        pytest.skip("a title with a comma cannot be told from its place")
    ahead = sorted(
        (e for e in raw["events"] if e["date"] >= TODAY),
        key=lambda e: (e["date"], e.get("time") or "", e["title"]),
    )
    expected = [(long_date(e["date"]), e["title"]) for e in ahead]
    assert coming_up(files["index.md"]) == expected
    for partner_id, page in partner_pages(raw, files).items():
        assert coming_up(page) == expected, partner_id


def test_a_closed_referrals_progress_ticks_only_the_steps_in_its_history(
    site: tuple[oracle.Raw, dict[str, str]],
) -> None:
    # A sale closed straight from the introduction read "✓ In touch → ✓ Met → ✓ Proposal made →
    # ● New client" above a history of one line, "Became a client"; a closed file without a sale
    # already showed only its own steps (review14).
    raw, files = site
    labels = {"introduced": "Introduced", "contacted": "In touch", "met": "Met", "proposal": "Proposal made"}
    for partner_id, text in partner_pages(raw, files).items():
        boxes = {box.find("h3").get_text().rstrip("¶"): box for box in soup(text).select("div.referral")}
        for referral in raw["referrals"]:
            if referral["partner"] != partner_id or oracle.stage(referral) not in oracle.CLOSED:
                continue
            progress = boxes[referral["prospect"]].select_one(".referral-progress").get_text()
            ticked = re.findall(r"✓ ([^→]+?) \(done\)\s*(?:→|$)", progress)  # "(done)": for screen readers
            history = {"introduced", *(u["stage"] for u in referral["updates"])}
            assert ticked == [labels[s] for s in labels if s in history], (partner_id, referral["id"])


def test_insights_quiet_and_owed_lists_and_the_tree_pages_count(
    site: tuple[oracle.Raw, dict[str, str]],
) -> None:
    raw, files = site
    text = next(t for t in files.values() if "title: Referral insights" in t)
    sent = Counter(r["partner"] for r in raw["referrals"])
    given = {g["partner"] for g in raw["given"]}
    owed = re.findall(r"<li><strong>(.+?)</strong>: (\d+) introductions sent, none returned</li>", text)
    expected = [
        (p["name"], sent[p["id"]]) for p in raw["partners"] if sent[p["id"]] >= 2 and p["id"] not in given
    ]
    # A right-to-left name is isolated (U+2068 … U+2069) so the count after it stays in place.
    assert sorted((html.unescape(n).strip("\u2068\u2069"), int(c)) for n, c in owed) == sorted(expected)
    below = oracle.children(raw)
    alone = sum(1 for p in raw["partners"] if p.get("referred_by") is None and not below[p["id"]])
    starters = re.search(r"^(\w+) (?:more )?partners? joined on their own", files["tree.md"], re.M)
    assert (number(starters[1]) if starters else 0) == alone


# --- a month's figures at their edges ------------------------------------------------------------

EDGE_MONTH = """\
newsletter: {title: T, owner: O}
partners:
  - {id: pub, name: Pat Public, public: true, spotlight: Pat sells boats., since: 2026-10-31}
  - {id: hid, name: Hal Hidden}
referrals:
  - {id: r-1, partner: hid, prospect: P One, introduced: 2026-10-02}
  - {id: r-2, partner: hid, prospect: P Two, introduced: 2026-10-03}
  - {id: r-3, partner: pub, prospect: P Three, introduced: 2026-10-04}
events:
  - {date: 2026-10-31, title: Halloween drinks}
  - {date: 2026-11-01, title: November breakfast}
"""


def test_a_months_thanks_count_partners_not_introductions_and_its_edges_fall_right() -> None:
    from generator.views import monthly_issues

    data = load_text(EDGE_MONTH, "partners.yaml", dt.date(2026, 11, 20))
    october = monthly_issues(data, as_of=dt.date(2026, 11, 20))[0]
    assert october.month == Month(2026, 10) and october.referrals == 3
    # One partner behind the scenes, with two introductions: "the partner who prefers…", not two.
    assert [p.id for p in october.thanked] == ["pub"] and october.unnamed_thanked == 1
    # An event on the month's last day was held that month; "coming up" starts the day after.
    assert [e.title for e in october.held] == ["Halloween drinks"]
    assert [e.title for e in october.events] == ["November breakfast"]
    # A partner since the month's last day is a partner of that month: spotlighted.
    assert [p.id for p in october.spotlights] == ["pub"]
