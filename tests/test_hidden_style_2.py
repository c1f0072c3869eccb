"""Black-box tests from DESIGN.md alone, by a second author, on what test_hidden_style.py leaves out.

The v1.1 fields, the tree beyond two levels, the words for stages, giving back, Unicode and the
stated limits, the contract's interfaces (exit statuses, where messages go, the feed's files,
the private addresses) and what a second and third build do after edits. As in the first
file, every test runs the real commands in subprocesses on a copy of the skeleton from git;
nothing of the generator is imported. Sites are built once per module and shared.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema
import pytest
import yaml
from icalendar import Calendar
from test_hidden_style import ROOT, make_project, mkdocs_build, run, snapshot

pytestmark = pytest.mark.build

TODAY = date.today()
SOON = TODAY + timedelta(days=40)
LATER = TODAY + timedelta(days=70)

# A four-level branch (alpha → bravo → charlie → delta) with a partner in the middle who did not
# consent, every stage, giving back, every v1.1 field, and public partners in six scripts.
V11 = f"""\
newsletter:
  title: Second Author News
  owner: Olive Owner
  business: Owner and Sons Ltd
  email: olive@owner.example
  phone: "+1 555 0100"
  currency: EUR
  timezone: Europe/Paris
  logo: images/logo.png

partners:
  - id: alpha
    name: Alpha Ancestor
    public: true
    greeting: Zedgreeting
    spotlight: Alphaspotlight sells sturdy boots.
  - id: bravo
    name: Bravo Branch
    referred_by: alpha
    public: true
  - id: charlie
    name: Charlie Chain
    company: Charliecompany Holdings
    email: charlie.hidden@example.com
    referred_by: bravo
  - id: delta
    name: Delta Depth
    referred_by: charlie
    public: true
  - id: echo
    name: Echo Empty
    public: true
  - id: arabic
    name: مريم العلي
    public: true
  - id: hebrew
    name: דוד כהן
    public: true
  - id: chinese
    name: 王小明
    public: true
  - id: hindi
    name: अनिल कुमार
    public: true
  - id: thai
    name: สมชาย ใจดี
    public: true
  - id: emoji
    name: Rosa 🌹 Flores
    public: true
  - id: foxtrot
    name: Foxtrot Methods

referrals:
  - id: r-d1
    partner: delta
    prospect: Prospectwon Quill
    introduced: 2026-03-02
    method: call
    asked: true
    value: 987654
    updates:
      - date: 2026-03-05
        stage: contacted
      - date: 2026-03-10
        stage: met
        note: Notemetword went well.
        internal: Internalword budget.
      - date: 2026-03-20
        stage: proposal
      - date: 2026-04-01
        stage: won
  - id: r-c1
    partner: charlie
    prospect: Prospectlost Rook
    introduced: 2026-03-03
    updates:
      - date: 2026-03-15
        stage: lost
  - id: r-b1
    partner: bravo
    prospect: Prospectnew Finch
    introduced: 2026-03-04
  - id: r-a1
    partner: alpha
    prospect: Prospectmet Heron
    introduced: 2026-03-05
    updates:
      - date: 2026-03-09
        stage: met
        note: "Braces {{{{ 7*7 }}}} and {{% raw %}} stay literal."
  - {{id: r-u1, partner: arabic, prospect: Prospect Ar, introduced: 2026-05-02}}
  - {{id: r-u2, partner: hebrew, prospect: Prospect He, introduced: 2026-05-03}}
  - {{id: r-u3, partner: chinese, prospect: Prospect Zh, introduced: 2026-05-04}}
  - {{id: r-u4, partner: hindi, prospect: Prospect Hi, introduced: 2026-05-05}}
  - {{id: r-u5, partner: thai, prospect: Prospect Th, introduced: 2026-05-06}}
  - {{id: r-u6, partner: emoji, prospect: Prospect Em, introduced: 2026-05-07}}
  - {{id: r-f1, partner: foxtrot, prospect: Methodlunch Person, introduced: 2026-07-01, method: lunch, asked: false}}
  - {{id: r-f2, partner: foxtrot, prospect: Methodletter Person, introduced: 2026-07-02, method: letter}}
  - {{id: r-f3, partner: foxtrot, prospect: Methodname Person, introduced: 2026-07-03, method: name}}

given:
  - partner: bravo
    date: 2026-06-01
    to: Givento Person
    note: Givennoteword clinic

events:
  - date: {SOON.isoformat()}
    time: "18:30"
    end: "20:00"
    title: Winter Mixer Evening
    where: Main Hall
    description: Eventdescword sentence here.
  - date: {LATER.isoformat()}
    title: Spring Breakfast Allday
"""
UNICODE_NAMES = ["مريم العلي", "דוד כהן", "王小明", "अनिल कुमार", "สมชาย ใจดี", "Rosa 🌹 Flores"]
# Data no public page, search index, sitemap or feed may hold (DESIGN's privacy table).
NOT_PUBLIC = [
    "Prospectwon Quill",
    "Prospectlost Rook",
    "Prospectnew Finch",
    "Prospectmet Heron",
    "Methodlunch Person",
    "Methodletter Person",
    "Methodname Person",
    "Notemetword",
    "Internalword",
    "charlie.hidden@example.com",
    "Charlie Chain",
    "Givento Person",
    "Givennoteword",
    "Zedgreeting",
    "987654",
    "987,654",
    "987 654",
    "987\u202f654",
]
BIDI_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"))
EXTRA_FILES: dict[str, bytes] = {
    "content/images/logo.png": (ROOT / "docs-images/partner-page.png").read_bytes()
}


# ---------------------------------------------------------------- reading a built site


def text_of(markup: str) -> str:
    """A page as a reader sees it: no tags, entities decoded, bidi isolation marks dropped."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    plain = html.unescape(re.sub(r"<[^>]+>", " ", body)).translate(BIDI_ISOLATES)
    return re.sub(r"\s+", " ", plain)


def html_pages(site: Path) -> dict[str, str]:
    """Every built HTML page by its address relative to the site, as a reader reads it."""
    return {
        address(site, p): text_of(p.read_text(encoding="utf-8")) for p in sorted(site.rglob("index.html"))
    }


def address(site: Path, page: Path) -> str:
    """A page's address as the sitemap writes it after the site's URL: "" or "blog/"."""
    folder = page.parent.relative_to(site).as_posix()
    return "" if folder == "." else folder + "/"


def sitemap_paths(site: Path) -> set[str]:
    tree = ElementTree.parse(site / "sitemap.xml")
    locs = [e.text or "" for e in tree.iter() if e.tag.endswith("loc")]
    return {re.sub(r"^https?://[^/]+/", "", loc) for loc in locs}


def public_texts(site: Path) -> dict[str, str]:
    """What anyone can read: the pages in the sitemap, the 404 page, the search index, the
    sitemap, the feeds."""
    listed = sitemap_paths(site)
    public = {path: text for path, text in html_pages(site).items() if path in listed}
    for name in ("search/search_index.json", "sitemap.xml", "feed_rss_created.xml", "feed_rss_updated.xml"):
        public[name] = html.unescape((site / name).read_text(encoding="utf-8"))
    public["sitemap.xml.gz"] = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    public["404.html"] = text_of((site / "404.html").read_text(encoding="utf-8"))
    public["search words"] = " ".join(
        text_of(doc["title"] + " " + doc["text"])
        for doc in json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    )
    return public


def private_pages(site: Path) -> dict[str, str]:
    """The pages left out of the sitemap: the partners' own pages (and the owner's)."""
    listed = sitemap_paths(site)
    return {p: t for p, t in html_pages(site).items() if p not in listed}


def page_with(site: Path, marker: str) -> str:
    """The one private page that holds `marker` (a prospect only its partner sees)."""
    found = [text for text in private_pages(site).values() if marker in text]
    assert len(found) == 1, f"{marker!r} is on {len(found)} private pages, not one"
    return found[0]


def build_site(root: Path, data: str) -> Path:
    """A strict build: DESIGN's explicit `nav` and `not_in_nav` keep a valid project quiet."""
    project = v11_project(root) if data == V11 else make_project(root, data)
    result = strict_build(project)
    assert result.returncode == 0, result.stderr[-3000:]
    return project


def strict_build(project: Path) -> subprocess.CompletedProcess[str]:
    return run(project, "-m", "mkdocs", "build", "--strict")


@pytest.fixture(scope="module")
def v11(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from V11 (its project folder; the site is in site/)."""
    return build_site(tmp_path_factory.mktemp("v11"), V11)


# ---------------------------------------------------------------- v1.1 on one built site


def test_v11_file_checks_clean(v11: Path) -> None:
    result = run(v11, "-m", "generator", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"^\S+:\d+:\d+: (?!warning:)", result.stdout, re.M), result.stdout


def test_nothing_confidential_or_owner_only_is_public(v11: Path) -> None:
    """Prospects, notes, given.to, a non-consenting name, a greeting and values stay private."""
    leaks = {
        (where, word)
        for where, text in public_texts(v11 / "site").items()
        for word in NOT_PUBLIC
        if word in text
    }
    assert not leaks


def test_internal_note_and_partner_email_are_nowhere(v11: Path) -> None:
    everywhere = [
        p for p in (v11 / "site").rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".xml", ".ics"}
    ]
    for word in ("Internalword", "charlie.hidden@example.com"):
        assert not [str(p) for p in everywhere if word in p.read_text(encoding="utf-8")], word


def test_owner_contact_is_public(v11: Path) -> None:
    """newsletter.email and newsletter.phone are public: shown on the home page, as a mailto link."""
    home = (v11 / "site/index.html").read_text(encoding="utf-8")
    assert 'href="mailto:olive@owner.example' in home
    assert "+1 555 0100" in text_of(home)


def test_logo_is_the_sites_logo(v11: Path) -> None:
    home = (v11 / "site/index.html").read_text(encoding="utf-8")
    assert re.search(r'<img[^>]+src="[^"]*images/logo\.png"', home)
    assert (v11 / "site/images/logo.png").read_bytes() == EXTRA_FILES["content/images/logo.png"]


def test_values_reach_only_the_owners_private_insights(v11: Path) -> None:
    """`value` figures are for the owner, in `newsletter.currency`: on one private page that no
    partner's prospect is on, and where the data shows which ways of getting referrals close."""
    site = v11 / "site"
    value = re.compile(r"987[,\s\u202f]?654")
    pages = {path: text for path, text in html_pages(site).items() if value.search(text)}
    assert len(pages) == 1, sorted(pages)
    ((path, owner),) = pages.items()
    assert path in private_pages(site)
    assert re.search(r"€\s?987[,\s\u202f]?654|987[,\s\u202f]?654\s?(€|EUR)|EUR\s?987", owner), owner
    assert not [p for p in NOT_PUBLIC[:7] if p in owner]
    for method in ("lunch", "letter", "call"):
        assert re.search(rf"\b{method}\b", owner, re.I), method
    assert "(1 of 1)" in owner


def test_greeting_addresses_the_partner_on_their_own_page(v11: Path) -> None:
    """v1.1: `greeting` is for that partner's page (and mail) only."""
    site = v11 / "site"
    assert "Zedgreeting" in page_with(site, "Prospectmet Heron")
    holders = [p for p, t in html_pages(site).items() if "Zedgreeting" in t]
    assert len(holders) == 1, holders


def first_heading(site: Path, marker: str) -> str:
    """The first heading of the private page that holds `marker`, as read."""
    listed = sitemap_paths(site)
    pages = [
        p.read_text(encoding="utf-8")
        for p in sorted(site.rglob("index.html"))
        if address(site, p) not in listed
    ]
    (page,) = [markup for markup in pages if marker in text_of(markup)]
    found = re.search(r"<h1\b.*?</h1>", page, re.S)
    assert found, marker
    return text_of(found.group(0))


def test_default_greeting_is_the_first_word(v11: Path) -> None:
    """DESIGN: `greeting` defaults to the first word of `name`: "Delta Depth" is greeted as Delta.

    Only a Latin name is held to the first word alone: for a script without capitals the
    product greets by the whole name (it cannot tell a given name from "عبد" of "عبد الله"),
    which still opens with the first word.
    """
    heading = first_heading(v11 / "site", "Prospectwon Quill")
    assert "Delta" in heading and "Depth" not in heading, heading
    for prospect, first in (
        ("Prospect Ar", "مريم"),
        ("Prospect He", "דוד"),
        ("Prospect Hi", "अनिल"),
        ("Prospect Th", "สมชาย"),
    ):
        heading = first_heading(v11 / "site", prospect)
        assert first in heading, heading


def test_events_are_public_with_local_times_and_description(v11: Path) -> None:
    public = " ".join(public_texts(v11 / "site").values())
    assert "Winter Mixer Evening" in public and "Spring Breakfast Allday" in public
    assert "Eventdescword sentence here." in public and "Main Hall" in public
    assert "18:30" in public and "20:00" in public


def calendars(site: Path) -> dict[str, Calendar]:
    return {str(p.relative_to(site)): Calendar.from_ical(p.read_bytes()) for p in sorted(site.rglob("*.ics"))}


def test_each_event_has_a_calendar_file_in_its_time_zone(v11: Path) -> None:
    """README: a calendar file for each event; the times are local to newsletter.timezone."""
    cals = calendars(v11 / "site")
    events = {str(e["SUMMARY"]): e for cal in cals.values() for e in cal.walk("VEVENT")}
    assert set(events) == {"Winter Mixer Evening", "Spring Breakfast Allday"}
    timed = events["Winter Mixer Evening"].decoded("DTSTART")
    assert (timed.hour, timed.minute, str(timed.tzinfo)) == (18, 30, "Europe/Paris")
    assert timed.date() == SOON
    assert events["Winter Mixer Evening"].decoded("DTEND").hour == 20
    assert events["Spring Breakfast Allday"].decoded("DTSTART") == LATER  # all-day: a date
    home = (v11 / "site/index.html").read_text(encoding="utf-8")
    for name in cals:
        assert f'href="{name}"' in home, name
    for name, cal in cals.items():
        assert not [w for w in NOT_PUBLIC if w in cal.to_ical().decode()], name


def test_tree_four_levels_deep_thanks_every_ancestor(v11: Path) -> None:
    """Delta's win thanks Bravo and Alpha by name and Charlie (no consent) without a name."""
    site = v11 / "site"
    win_post = [t for p, t in public_texts(site).items() if p.startswith("blog/") and "Delta Depth" in t]
    assert win_post, "no newsletter post thanks Delta Depth for the win"
    assert any("Alpha Ancestor" in t and "Bravo Branch" in t for t in win_post)
    assert "Charlie Chain" not in " ".join(win_post)
    alpha = page_with(site, "Prospectmet Heron")
    assert re.search(r"\bclient\b|\bwon\b|\bwin\b", alpha), "Alpha's page says nothing of the win below"


def test_a_partner_without_consent_is_unnamed_on_the_other_partners_pages(v11: Path) -> None:
    """Charlie's neighbours in the tree read of him without his name: their pages are not his."""
    site = v11 / "site"
    for prospect in ("Prospectmet Heron", "Prospectnew Finch", "Prospectwon Quill"):
        assert "Charlie" not in page_with(site, prospect), prospect
    assert "Charlie Chain" in page_with(site, "Prospectlost Rook")


def test_stage_words_on_the_partners_page(v11: Path) -> None:
    """No updates reads "introduced"; `lost` is said gently (not "lost"); each stage in words."""
    site = v11 / "site"
    assert re.search(r"introduced", page_with(site, "Prospectnew Finch"), re.I)
    lost = page_with(site, "Prospectlost Rook")
    assert not re.search(r"\blost\b", lost, re.I)
    assert re.search(r"\bclosed\b", lost, re.I)
    won = page_with(site, "Prospectwon Quill")
    assert re.search(r"\bmet\b", won, re.I) and re.search(r"proposal", won, re.I)
    assert "Notemetword went well." in won


def test_how_each_referral_came_about_is_told_to_its_partner(v11: Path) -> None:
    """DESIGN: record how each referral came about (name, letter, call, lunch) and whether it was asked."""
    site = v11 / "site"
    foxtrot = page_with(site, "Methodlunch Person")
    assert re.search(r"\blunch\b", foxtrot) and re.search(r"\bletter\b", foxtrot)
    assert re.search(r"\b(call|phone)\b", page_with(site, "Prospectwon Quill"))


def test_public_counts_are_the_anonymised_totals(v11: Path) -> None:
    """Counts are public: 13 introductions, one of them won, from 12 partners."""
    home = public_texts(v11 / "site")[""]
    assert re.search(r"\b13 introductions\b", home), home
    assert re.search(r"\b(1|one) new client\b", home, re.I), home
    assert re.search(r"\b12 (referral )?partners\b", home), home


def test_given_shows_on_that_partners_page_only(v11: Path) -> None:
    site = v11 / "site"
    assert "Givento Person" in page_with(site, "Prospectnew Finch")
    assert "Givennoteword clinic" in page_with(site, "Prospectnew Finch")
    assert sum("Givento Person" in t for t in html_pages(site).values()) == 1


def test_partner_with_no_referrals_has_a_private_page(v11: Path) -> None:
    site = v11 / "site"
    echo = [t for t in private_pages(site).values() if "Echo" in t]
    assert len(echo) == 1
    assert not any(prospect in echo[0] for prospect in NOT_PUBLIC[:4])


def test_unicode_names_in_every_script_reach_public_pages_whole(v11: Path) -> None:
    public = public_texts(v11 / "site")
    posts = " ".join(t for p, t in public.items() if p.startswith("blog/"))
    for name in UNICODE_NAMES:
        assert name in posts, name
        assert name in public["search words"], name


def test_braces_in_a_note_stay_literal(v11: Path) -> None:
    """Template syntax in data is data: a note is shown as written, never evaluated."""
    alpha = page_with(v11 / "site", "Prospectmet Heron")
    assert "Braces {{ 7*7 }} and {% raw %} stay literal." in alpha


def test_company_of_a_partner_without_consent_is_not_public(v11: Path) -> None:
    """A company names its owner as surely as the name does ("Charliecompany Holdings")."""
    assert not [p for p, t in public_texts(v11 / "site").items() if "Charliecompany" in t]


def test_private_pages_are_unlisted_unlinked_and_unguessable(v11: Path) -> None:
    site = v11 / "site"
    private = private_pages(site)
    partner_pages = [p for p in private if any(m in private[p] for m in ("Prospect", "Echo", "Methodlunch"))]
    assert len(partner_pages) == 12
    for path in partner_pages:
        assert not re.search(
            r"alpha|bravo|charlie|delta|echo|foxtrot|arabic|hebrew|chinese|hindi|thai|emoji", path
        )
        assert len(re.sub(r"\W", "", path.rsplit("/", 2)[-2])) >= 16, path
    for where, text in public_texts(site).items():
        assert not [p for p in partner_pages if p.rstrip("/") in text], where
    public_html = [p for p in site.rglob("index.html") if address(site, p) in sitemap_paths(site)]
    for page in public_html:
        raw = page.read_text(encoding="utf-8")
        assert not [p for p in partner_pages if p.rstrip("/").rsplit("/", 1)[-1] in raw], page


def test_feed_files_hold_only_newsletter_posts(v11: Path) -> None:
    site = v11 / "site"
    for name in ("feed_rss_created.xml", "feed_rss_updated.xml"):
        channel = ElementTree.parse(site / name).getroot().find("channel")
        assert channel is not None
        links = [item.findtext("link") or "" for item in channel.iter("item")]
        assert links and all("/blog/" in link for link in links), links


def test_the_same_data_builds_the_same_bytes_in_another_folder(v11: Path, tmp_path: Path) -> None:
    """Deterministic output: no folder path, order of the disk or moment of the build in the site."""
    other = build_site(tmp_path / "elsewhere", V11)
    first = {name: sha for name, (sha, _) in snapshot(v11 / "site").items()}
    assert first == {name: sha for name, (sha, _) in snapshot(other / "site").items()}


# ---------------------------------------------------------------- the private address and the secret


def test_a_new_secret_moves_every_private_page_and_prunes_the_old(tmp_path: Path) -> None:
    project = v11_project(tmp_path)
    assert run(project, "-m", "generator", "generate").returncode == 0
    before = set(snapshot(project / "content"))
    result = run_with_secret(project, "another-secret-for-the-second-run-0987654321")
    assert result.returncode == 0, result.stderr
    after = set(snapshot(project / "content"))
    moved = before ^ after
    assert len(before - after) == len(after - before) >= 12, moved
    assert not [p for p in after if p in before and p.startswith("p/") and p != "p/index.md"]
    # The same secret gives the same addresses in another copy of the project.
    again = v11_project(tmp_path / "again")
    assert run(again, "-m", "generator", "generate").returncode == 0
    assert sorted(p for p in snapshot(again / "content") if p.startswith("p/")) == sorted(
        p for p in before if p.startswith("p/")
    )


def v11_project(root: Path) -> Path:
    root.mkdir(exist_ok=True)
    project = make_project(root, V11)
    for name, content in EXTRA_FILES.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_bytes(content)
    return project


def run_with_secret(project: Path, secret: str) -> subprocess.CompletedProcess[str]:
    """`generate` as `run` does it, with another secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFERRAL_")}
    env.update(REFERRAL_SITE_SECRET=secret, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


# ---------------------------------------------------------------- a second and a third build after edits

# Run 1: everyone but mu consents. Run 2: gamma renamed, kappa withdraws consent, r-3 moves from
# lambda to host, r-4 (a public prospect) moves from host to mu, r-5's prospect withdraws. Run 3: kappa consents again, lambda (no referrals left) leaves the program.
EDIT_1 = """\
newsletter:
  title: Edits Over Time
  owner: Olive Owner
partners:
  - id: host
    name: Hostpartner Keeper
    public: true
  - id: gamma
    name: Gammaold Namesake
    public: true
  - id: kappa
    name: Kappaconsent Person
    public: true
    spotlight: Kappaspotword repairs bicycles.
  - id: lambda
    name: Lambdamover Person
    public: true
  - id: mu
    name: Muquiet Person
referrals:
  - id: r-1
    partner: gamma
    prospect: Gammaprospect One
    introduced: 2026-06-02
    public: true
    updates:
      - {date: 2026-06-20, stage: won}
  - id: r-2
    partner: kappa
    prospect: Kappaprospect Two
    introduced: 2026-06-03
    public: true
    updates:
      - {date: 2026-06-21, stage: won}
  - id: r-3
    partner: lambda
    prospect: Moverprospect Three
    introduced: 2026-06-04
  - id: r-4
    partner: host
    prospect: Switchprospect Four
    introduced: 2026-06-05
    public: true
    updates:
      - {date: 2026-06-22, stage: won}
  - id: r-5
    partner: host
    prospect: Withdrawprospect Five
    introduced: 2026-06-06
    public: true
    updates:
      - {date: 2026-06-23, stage: won}
"""
EDIT_2 = (
    EDIT_1.replace("Gammaold Namesake", "Gammanew Namesake")
    .replace(
        "    name: Kappaconsent Person\n    public: true", "    name: Kappaconsent Person\n    public: false"
    )
    .replace("    partner: lambda\n", "    partner: host\n")
    .replace("partner: host\n    prospect: Switchprospect", "partner: mu\n    prospect: Switchprospect")
    .replace(
        "Withdrawprospect Five\n    introduced: 2026-06-06\n    public: true",
        "Withdrawprospect Five\n    introduced: 2026-06-06\n    public: false",
    )
)
EDIT_3 = EDIT_2.replace(
    "    name: Kappaconsent Person\n    public: false", "    name: Kappaconsent Person\n    public: true"
).replace("  - id: lambda\n    name: Lambdamover Person\n    public: true\n", "")
KAPPA = ["Kappaconsent Person", "Kappaspotword", "Kappaprospect Two"]


@pytest.fixture(scope="module")
def edits(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The project after each of three builds: a copy of site/ and content/ per run."""
    project = build_site(tmp_path_factory.mktemp("edits"), EDIT_1)
    runs = []
    for number, data in enumerate((EDIT_1, EDIT_2, EDIT_3), start=1):
        if number > 1:
            (project / "partners.yaml").write_text(data, encoding="utf-8")
            result = strict_build(project)
            assert result.returncode == 0, result.stderr[-3000:]
        kept = tmp_path_factory.mktemp(f"run{number}")
        shutil.copytree(project / "site", kept / "site")
        shutil.copytree(project / "content", kept / "content")
        runs.append(kept)
    return runs


def public_holders(run_dir: Path, word: str) -> list[str]:
    return [where for where, text in public_texts(run_dir / "site").items() if word in text]


def everywhere(run_dir: Path, word: str) -> list[str]:
    """Every file of the site or the content folder that holds `word`."""
    return [
        str(p.relative_to(run_dir))
        for p in sorted(run_dir.rglob("*"))
        if p.is_file() and p.suffix != ".gz" and word in p.read_bytes().decode("utf-8", "replace")
    ]


def test_first_run_names_the_consenting_partners_and_prospects(edits: list[Path]) -> None:
    """The baseline the later runs change: every place a consenting name may be."""
    first = edits[0]
    for word in ("Gammaold Namesake", *KAPPA):
        where = public_holders(first, word)
        assert "search words" in where and any(p.startswith("blog/") for p in where), (word, where)


def test_a_renamed_partner_loses_the_old_name_everywhere(edits: list[Path]) -> None:
    second = edits[1]
    assert not everywhere(second, "Gammaold")
    assert "search words" in public_holders(second, "Gammanew Namesake")


def address_with(site: Path, marker: str) -> str:
    (found,) = [path for path, text in private_pages(site).items() if marker in text]
    return found


def test_a_renamed_partner_keeps_the_address_they_were_sent(edits: list[Path]) -> None:
    """DESIGN: the address is a keyed hash of the partner *id*; a new name must not break the link."""
    first, second = edits[0], edits[1]
    assert address_with(first / "site", "Gammaprospect One") == address_with(
        second / "site", "Gammaprospect One"
    )
    assert "Gammanew Namesake" in page_with(second / "site", "Gammaprospect One")


def test_withdrawn_consent_drops_the_name_in_the_same_build(edits: list[Path]) -> None:
    """Pages, search index, sitemap and feeds drop the partner, their spotlight and prospect."""
    second = edits[1]
    for word in KAPPA:
        assert not public_holders(second, word), word
    assert page_with(second / "site", "Kappaprospect Two")


def test_a_prospect_loses_public_mention_when_either_consent_goes(edits: list[Path]) -> None:
    """r-4 moved to a partner without consent, r-5's own `public` turned false."""
    first, second = edits[0], edits[1]
    for word in ("Switchprospect Four", "Withdrawprospect Five"):
        assert "search words" in public_holders(first, word), word
        assert not public_holders(second, word), word
    assert "Muquiet" in page_with(second / "site", "Switchprospect Four")


def test_a_moved_referral_shows_on_its_new_partners_page_only(edits: list[Path]) -> None:
    second = edits[1]
    host = page_with(second / "site", "Moverprospect Three")
    assert "Hostpartner" in host and "Lambdamover" not in host
    # The month's thanks follow the referral: Lambda introduced nobody any more.
    assert [p for p in public_holders(edits[0], "Lambdamover Person") if p.startswith("blog/")]
    assert not [p for p in public_holders(second, "Lambdamover Person") if p.startswith("blog/")]


def test_consent_given_again_brings_the_name_back(edits: list[Path]) -> None:
    third = edits[2]
    for word in KAPPA:
        assert "search words" in public_holders(third, word), word


def test_a_partner_who_leaves_leaves_no_page_behind(edits: list[Path]) -> None:
    third = edits[2]
    assert everywhere(edits[1], "Lambdamover"), "run 2 should still have Lambdamover's page"
    assert not everywhere(third, "Lambdamover")
    assert len(private_pages(third / "site")) == len(private_pages(edits[1] / "site")) - 1


# ---------------------------------------------------------------- refusals the first file leaves out

REFUSE_BASE = f"""\
newsletter:
  title: Refusals
  owner: Olive Owner
  timezone: Europe/Paris
partners:
  - id: anne
    name: Anne Ortiz
    public: true
  - id: steve
    name: Steve Hall
    referred_by: anne
referrals:
  - id: r-1
    partner: steve
    prospect: Dana Wu
    introduced: 2026-02-03
    updates:
      - date: 2026-02-10
        stage: met
      - date: 2026-03-10
        stage: proposal
given:
  - partner: steve
    date: 2026-03-01
    to: Jo Park
events:
  - date: {SOON.isoformat()}
    time: "18:30"
    title: Mixer
"""
TOO_FAR = (
    TODAY.replace(year=TODAY.year + 5) + timedelta(days=1) if (TODAY.month, TODAY.day) != (2, 29) else TODAY
)
LONG = "N" * 201
NOTE = "w" * 5001
# (case, text replaced in REFUSE_BASE, its replacement with `# here` on each line a problem may
# be reported at, the field path). DESIGN: located errors, exit non-zero, nothing changed.
REFUSALS = [
    (
        "cycle",
        "name: Anne Ortiz\n",
        "name: Anne Ortiz\n    referred_by: steve  # here\n",
        r"partners\[[01]\]\.referred_by",
    ),
    ("self", "referred_by: anne\n", "referred_by: steve  # here\n", r"partners\[1\]\.referred_by"),
    ("unknown stage", "stage: proposal\n", "stage: signed  # here\n", r"referrals\[0\]\.updates\[1\]\.stage"),
    (
        "update out of order",
        "date: 2026-03-10\n",
        "date: 2026-02-05  # here\n",
        r"referrals\[0\]\.updates\[1\]\.date",
    ),
    (
        "update before intro",
        "date: 2026-02-10\n",
        "date: 2026-01-10  # here\n",
        r"referrals\[0\]\.updates\[0\]\.date",
    ),
    (
        "unknown referral partner",
        "partner: steve\n    prospect",
        "partner: stan  # here\n    prospect",
        r"referrals\[0\]\.partner",
    ),
    (
        "unknown given partner",
        "partner: steve\n    date",
        "partner: stan  # here\n    date",
        r"given\[0\]\.partner",
    ),
    (
        "given in the future",
        "date: 2026-03-01\n",
        f"date: {TODAY + timedelta(days=2)}  # here\n",
        r"given\[0\]\.date",
    ),
    ("given.to control", "to: Jo Park\n", 'to: "Jo\\u001bPark"  # here\n', r"given\[0\]\.to"),
    ("given.to too long", "to: Jo Park\n", f"to: {LONG}  # here\n", r"given\[0\]\.to"),
    ("given note too long", "to: Jo Park\n", f"to: Jo Park\n    note: {NOTE}  # here\n", r"given\[0\]\.note"),
    (
        "since in the future",
        "name: Steve Hall\n",
        f"name: Steve Hall\n    since: {TODAY + timedelta(days=2)}  # here\n",
        r"partners\[1\]\.since",
    ),
    (
        "greeting too long",
        "name: Steve Hall\n",
        f"name: Steve Hall\n    greeting: {LONG}  # here\n",
        r"partners\[1\]\.greeting",
    ),
    ("title too long", "title: Refusals\n", f"title: {LONG}  # here\n", r"newsletter\.title"),
    (
        "bad timezone",
        "timezone: Europe/Paris\n",
        "timezone: Europe/Atlantis  # here\n",
        r"newsletter\.timezone",
    ),
    (
        "bad currency",
        "timezone: Europe/Paris\n",
        "timezone: Europe/Paris\n  currency: Dollars  # here\n",
        r"newsletter\.currency",
    ),
    (
        "bad email",
        "timezone: Europe/Paris\n",
        "timezone: Europe/Paris\n  email: olive at example  # here\n",
        r"newsletter\.email",
    ),
    (
        "missing logo",
        "timezone: Europe/Paris\n",
        "timezone: Europe/Paris\n  logo: images/none.png  # here\n",
        r"newsletter\.logo",
    ),
    ("bad time", 'time: "18:30"\n', 'time: "25:00"  # here\n', r"events\[0\]\.time"),
    ("time in words", 'time: "18:30"\n', "time: 6pm  # here\n", r"events\[0\]\.time"),
    ("end with no time", 'time: "18:30"\n', 'end: "20:00"  # here\n', r"events\[0\]\.end"),
    (
        "event too far ahead",
        f"date: {SOON.isoformat()}\n",
        f"date: {TOO_FAR}  # here\n",
        r"events\[0\]\.date",
    ),
    ("event title too long", "title: Mixer\n", f"title: {LONG}  # here\n", r"events\[0\]\.title"),
    (
        "event where too long",
        "title: Mixer\n",
        f"title: Mixer\n    where: {LONG}  # here\n",
        r"events\[0\]\.where",
    ),
    ("given before 1900", "date: 2026-03-01\n", "date: 1899-12-31  # here\n", r"given\[0\]\.date"),
    (
        "since before 1900",
        "name: Steve Hall\n",
        "name: Steve Hall\n    since: 1899-12-31  # here\n",
        r"partners\[1\]\.since",
    ),
    (
        "update in the future",
        "date: 2026-03-10\n",
        f"date: {TODAY + timedelta(days=2)}  # here\n",
        r"referrals\[0\]\.updates\[1\]\.date",
    ),
    (
        "nested too deeply",
        "title: Mixer\n",
        f"title: Mixer\n    description: {'[' * 3000}{']' * 3000}  # here\n",
        r"events\[0\]\.description",
    ),
    (
        "description too long",
        "title: Mixer\n",
        f"title: Mixer\n    description: {NOTE}  # here\n",
        r"events\[0\]\.description",
    ),
]


def marked_lines(text: str) -> set[int]:
    return {number for number, line in enumerate(text.splitlines(), start=1) if line.endswith("# here")}


@pytest.mark.parametrize(("old", "new", "field"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS])
def test_refusal_is_located_and_changes_nothing(tmp_path: Path, old: str, new: str, field: str) -> None:
    assert old in REFUSE_BASE
    text = REFUSE_BASE.replace(old, new, 1)
    project = make_project(tmp_path, text)
    before = snapshot(project)
    result = run(project, "-m", "generator", "check")
    assert result.returncode != 0, result.stdout
    located = re.findall(rf"^partners\.yaml:(\d+):(\d+): ({field}): \S.*$", result.stdout, re.M)
    assert located, result.stdout + result.stderr
    assert {int(line) for line, _, _ in located} <= marked_lines(text), result.stdout
    assert all(int(column) >= 1 for _, column, _ in located)
    assert snapshot(project) == before


def test_valid_base_of_the_refusals_checks_clean(tmp_path: Path) -> None:
    """The refusals above fail for their one change, not for the rest of the file."""
    result = run(make_project(tmp_path, REFUSE_BASE), "-m", "generator", "check")
    assert result.returncode == 0, result.stdout


# ---------------------------------------------------------------- where messages go, exit statuses

BAD = REFUSE_BASE.replace("stage: proposal\n", "stage: signed  # here\n")
(BAD_AT,) = marked_lines(BAD)
BAD_LINE = re.compile(rf"^partners\.yaml:{BAD_AT}:\d+: referrals\[0\]\.updates\[1\]\.stage: .+$", re.M)


def test_generate_with_bad_data_says_where_on_stderr_and_writes_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, BAD)
    before = snapshot(project)
    result = run(project, "-m", "generator", "generate")
    assert result.returncode != 0
    assert BAD_LINE.search(result.stderr), result.stderr
    assert not BAD_LINE.search(result.stdout)
    assert snapshot(project) == before


def test_mkdocs_build_with_bad_data_fails_located_and_builds_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, BAD)
    before = snapshot(project)
    result = mkdocs_build(project)
    assert result.returncode != 0
    # MkDocs' logger puts "ERROR   -  " before the located message.
    assert re.search(BAD_LINE.pattern.lstrip("^"), result.stderr, re.M), result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "site").exists()
    assert snapshot(project) == before


def test_check_names_the_path_as_given_from_another_folder(tmp_path: Path) -> None:
    project = make_project(tmp_path, BAD)
    (project / "data").mkdir()
    shutil.move(project / "partners.yaml", project / "data/other-name.yaml")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(elsewhere, "-m", "generator", "check", "../proj/data/other-name.yaml")
    assert result.returncode != 0
    assert re.search(
        rf"^\.\./proj/data/other-name\.yaml:{BAD_AT}:\d+: referrals\[0\]\.updates\[1\]\.stage: ",
        result.stdout,
        re.M,
    ), result.stdout
    assert list(elsewhere.iterdir()) == []


def test_check_names_a_public_text_that_names_a_prospect(tmp_path: Path) -> None:
    """A prospect's name is public only with both consents; the owner's spotlight naming it is
    their own public word (the leak guard lets it through), so `check` at least says where."""
    text = REFUSE_BASE.replace(
        "name: Anne Ortiz\n", "name: Anne Ortiz\n    spotlight: Anne works with Dana Wu.  # here\n"
    )
    result = run(make_project(tmp_path, text), "-m", "generator", "check")
    (line,) = marked_lines(text)
    assert re.search(
        rf"^partners\.yaml:{line}:\d+: (warning: )?partners\[0\]\.spotlight: .*\bDana Wu\b",
        result.stdout,
        re.M,
    ), result.stdout


def test_check_of_a_missing_file_is_one_located_problem(tmp_path: Path) -> None:
    result = run(tmp_path, "-m", "generator", "check", "no-such.yaml")
    assert result.returncode != 0
    assert re.search(r"^no-such\.yaml:1:1: \S.*$", result.stdout, re.M), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- valid at the stated limits


def at_the_limits() -> str:
    """Every limit DESIGN states, met exactly: 200-character names, a 5,000-character note,
    dates of 1900-01-01 and today, an event five years ahead."""
    five_years = TODAY.replace(year=TODAY.year + 5) if (TODAY.month, TODAY.day) != (2, 29) else TODAY
    name = "Ñ" * 100 + "ﻻ" * 100
    return f"""\
newsletter:
  title: {"T" * 200}
  owner: {"O" * 200}
partners:
  - id: {"p" * 63}
    name: {name}
    greeting: {"G" * 200}
    since: 1900-01-01
    public: true
  - id: quiet
    name: Quiet Partner
referrals:
  - id: r-limit
    partner: {"p" * 63}
    prospect: {"Q" * 200}
    introduced: {TODAY}
    updates:
      - date: {TODAY}
        stage: contacted
        note: {"x" * 5000}
        internal: {"i" * 5000}
  - id: r-old
    partner: quiet
    prospect: Old Timer
    introduced: 1900-01-01
events:
  - date: {five_years}
    title: {"E" * 200}
    where: {"W" * 200}
"""


def test_values_at_the_stated_limits_check_and_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, at_the_limits())
    checked = run(project, "-m", "generator", "check")
    assert checked.returncode == 0, checked.stdout
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr[-3000:]
    pages = html_pages(project / "site")
    assert any("x" * 5000 in text for text in private_pages(project / "site").values())
    assert not any("i" * 5000 in text for text in pages.values())


def test_a_thousand_partners_check(tmp_path: Path) -> None:
    """DESIGN measures 1,000-partner files: one must pass `check`."""
    partners = "".join(
        f"  - id: p{n:04d}\n    name: Partner {n}\n    referred_by: p{n // 2:04d}\n" for n in range(1, 1001)
    )
    referrals = "".join(
        f"  - id: r{n:04d}\n    partner: p{n:04d}\n    prospect: Prospect {n}\n    introduced: 2026-01-{n % 28 + 1:02d}\n"
        for n in range(1, 1001)
    )
    data = f"newsletter:\n  title: Big\n  owner: O\npartners:\n  - id: p0000\n    name: Root\n{partners}referrals:\n{referrals}"
    result = run(make_project(tmp_path, data), "-m", "generator", "check")
    assert result.returncode == 0, result.stdout[-2000:]
    assert "1001" in result.stdout.replace(",", "").splitlines()[-1]


# ---------------------------------------------------------------- the JSON Schema for editors


def schema() -> Any:
    return json.loads((ROOT / "schema/partners.schema.json").read_text(encoding="utf-8"))


def as_json(text: str) -> object:
    """The YAML as an editor's schema checker sees it: dates as ISO strings."""
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def test_schema_accepts_every_v1_and_v11_field() -> None:
    jsonschema.validate(as_json(V11), schema())
    jsonschema.validate(as_json(REFUSE_BASE), schema())


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("stage: proposal\n", "stage: signed\n"),
        ("id: anne\n", "id: Anne Ortiz\n"),
        ('time: "18:30"\n', 'time: "25:00"\n'),
        ("    prospect: Dana Wu\n", ""),
    ],
    ids=["stage", "id", "time", "missing prospect"],
)
def test_schema_refuses_what_check_refuses(old: str, new: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(as_json(REFUSE_BASE.replace(old, new, 1)), schema())


# ---------------------------------------------------------------- values YAML, Markdown or a template would reread

ODD_NAMES = [
    "null",
    "~",
    "2026-01-01",
    "0755",
    "- item",
    "[a] {b} *c &d !e %f @g `h`",
    "Anne: \"the\" #1 'x'",
    "---",
    "<!-- more -->",
    "{% raw %}{{ page.title }}",
    "Back\\slash | pipe",
    "!!python/object:os.system",
    "</title><script>alert(1)</script>",
]
ODD = (
    'newsletter:\n  title: "yes"\n  owner: Olive Owner\n  timezone: America/New_York\npartners:\n'
    + "".join(
        f"  - {{id: odd{n}, name: {json.dumps(name)}, public: true}}\n" for n, name in enumerate(ODD_NAMES)
    )
    + "referrals:\n"
    + "".join(
        f"  - {{id: r{n}, partner: odd{n}, prospect: Oddprospect{n}, introduced: 2026-05-0{n % 9 + 1}}}\n"
        for n in range(len(ODD_NAMES))
    )
    # Unquoted, YAML 1.1 reads 18:30 as the number 1110 and 09:05 as a string.
    + f"events:\n  - date: {SOON}\n    title: Unquoted Times\n    time: 18:30\n    end: 21:05\n"
)


@pytest.fixture(scope="module")
def odd(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("odd"), ODD)


def test_names_yaml_markdown_or_jinja_would_reread_are_shown_as_written(odd: Path) -> None:
    """DESIGN's traps: front matter, raw HTML, an excerpt marker, template syntax in data.

    The text read strips every tag, so "<!-- more -->" found in it was escaped, not passed through.
    """
    site = odd / "site"
    public = public_texts(site)
    posts = " ".join(t for p, t in public.items() if p.startswith("blog/"))
    for n, name in enumerate(ODD_NAMES):
        assert name in posts, name
        heading = first_heading(site, f"Oddprospect{n} ")
        assert name in heading or name.split()[0] in heading, (name, heading)


def test_an_unquoted_time_is_read_as_the_time_written(odd: Path) -> None:
    """`time: 18:30` without quotes is what an editor types; YAML 1.1 would make it 1110."""
    home = text_of((odd / "site/index.html").read_text(encoding="utf-8"))
    assert "18:30" in home and "21:05" in home and "1110" not in home
    (event,) = [e for cal in calendars(odd / "site").values() for e in cal.walk("VEVENT")]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (18, 30, "America/New_York")


# ---------------------------------------------------------------- hand files and stale calendar files


def test_generate_keeps_hand_files_in_owned_folders_and_prunes_a_renamed_event(tmp_path: Path) -> None:
    """DESIGN: the generator removes its own stale files and never touches a file it did not create."""
    project = v11_project(tmp_path)
    hand = {"content/events/notes.txt": "my notes\n", "content/p/README.md": "# Mine\n"}
    for name, text in hand.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(text, encoding="utf-8")
    assert run(project, "-m", "generator", "generate").returncode == 0
    before = {p.name for p in (project / "content/events").iterdir()}
    assert len([n for n in before if n.endswith(".ics")]) == 2, before
    data = (project / "partners.yaml").read_text(encoding="utf-8")
    (project / "partners.yaml").write_text(
        data.replace("Winter Mixer Evening", "Winter Gala"), encoding="utf-8"
    )
    assert run(project, "-m", "generator", "generate").returncode == 0
    after = {p.name for p in (project / "content/events").iterdir()}
    assert len([n for n in after if n.endswith(".ics")]) == 2, after
    assert not [n for n in after if "mixer" in n.lower()]
    for name, text in hand.items():
        assert (project / name).read_text(encoding="utf-8") == text


def test_a_note_edit_rewrites_only_that_partners_page(tmp_path: Path) -> None:
    """DESIGN: the generator writes only files whose bytes changed (digest and mtime kept)."""
    project = v11_project(tmp_path)
    assert run(project, "-m", "generator", "generate").returncode == 0
    before = snapshot(project / "content")
    data = (project / "partners.yaml").read_text(encoding="utf-8")
    edited = data.replace("Notemetword went well.", "Notemetword went very well.")
    assert edited != data
    (project / "partners.yaml").write_text(edited, encoding="utf-8")
    assert run(project, "-m", "generator", "generate").returncode == 0
    after = snapshot(project / "content")
    changed = [name for name in after if after[name] != before.get(name)]
    assert len(changed) == 1 and set(after) == set(before), changed
    assert "Notemetword went very well." in (project / "content" / changed[0]).read_text(encoding="utf-8")


# ---------------------------------------------------------------- a long chain of introductions

CHAIN = 300


def chain_of_introductions(length: int) -> str:
    """Each partner introduced by the one before: the simplest 1,000-partner file has this shape."""
    partners = "".join(
        f"  - id: c{n}\n    name: Chainpartner {n}\n    public: true\n"
        + (f"    referred_by: c{n - 1}\n" if n else "")
        for n in range(length)
    )
    referral = f"  - id: r-last\n    partner: c{length - 1}\n    prospect: Chainprospect Last\n    introduced: 2026-05-02\n"
    return f"newsletter:\n  title: Chain\n  owner: Olive Owner\npartners:\n{partners}referrals:\n{referral}"


def test_a_long_chain_of_introductions_builds_and_reads_whole(tmp_path: Path) -> None:
    """A tree as deep as it is long: DESIGN's tree has no depth limit, and `check` accepts it."""
    project = build_site(tmp_path, chain_of_introductions(CHAIN))
    tree = [text for path, text in public_texts(project / "site").items() if path == "tree/"]
    assert tree
    assert not [n for n in range(CHAIN) if not re.search(rf"Chainpartner {n}\b", tree[0])]
    assert f"Chainpartner {CHAIN - 2}" in page_with(project / "site", "Chainprospect Last")
