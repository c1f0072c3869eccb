"""End-to-end: the real ``mkdocs build`` on the small fixture, checked in the produced HTML.

One module-scoped build is shared by the read-only tests; tests that change the project work
on a copy of it (``clone``) or on a fresh project, so each costs at most one more build.
"""

from __future__ import annotations

import email
import email.policy
import gc
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import (
    SOURCE_DATE_EPOCH,
    TEST_SECRET,
    SiteProject,
    fixture_text,
    make_project,
    readable_text,
    soup_of,
    unwritable,
)

from generator import project as pipeline
from generator.addresses import private_token
from generator.problems import InvalidData
from generator.views import STAGE_WORDS

SITE_URL = "https://partners.example.com/"
MARKER = re.compile(r"SECRET-[A-Z0-9]+(?:-[A-Z0-9]+)*")
NEVER_PUBLISHED = ("SECRET-INTERNAL-", "SECRET-EMAIL-")
GENERATED_POSTS = ("newsletter-2026-02", "newsletter-2026-03", "newsletter-2026-04")
HAND_WRITTEN_SLUG = "hand-written-note"
HAND_WRITTEN = """\
---
title: A note written by hand
date: 2026-03-15
slug: hand-written-note
categories:
  - Newsletter
authors:
  - owner
---

# A note written by hand

HANDWRITTEN-EXCERPT shows in the listing.

<!-- more -->

HANDWRITTEN-BODY stays on the post page only.
"""
SMALL = yaml.safe_load(fixture_text("small.yaml"))
PARTNER_IDS = tuple(partner["id"] for partner in SMALL["partners"])
# MkDocs' words (at INFO, as mkdocs.yml's validation.nav.omitted_files says) before the pages
# that are in the docs folder but not in mkdocs.yml's nav.
NOT_IN_NAV_LINE = "but are not included in the"


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class BuiltSite:
    project: SiteProject
    result: subprocess.CompletedProcess[str]
    hand_written: Path
    hand_written_mtime: int


INSIGHTS_DIR = "p/" + private_token(TEST_SECRET.encode(), "insights", "owner")


def token(partner_id: str) -> str:
    return private_token(TEST_SECRET.encode("utf-8"), "partner", partner_id, 0)


def partner_dir(project: SiteProject, partner_id: str) -> Path:
    return project.site / "p" / token(partner_id)


def article(path: Path) -> Tag:
    found = soup_of(path).select_one("article.md-content__inner")
    assert found is not None, f"no article in {path}"
    return found


def post_html(project: SiteProject, slug: str) -> Path:
    """The built page of a blog post, wherever the blog plugin put it."""
    matches = [p for p in (project.site / "blog").rglob("index.html") if p.parent.name == slug]
    assert len(matches) == 1, f"post {slug}: {matches}"
    return matches[0]


def heading(page: Tag, text: str, level: str) -> Tag:
    """The first heading of ``level`` whose text (permalink aside) starts with ``text``."""
    found = [h for h in page.find_all(level) if h.get_text().startswith(text)]
    assert found, f"no {level} starting with {text!r}"
    return found[0]


def section(page: Tag, text: str, level: str = "h2") -> str:
    """Text from the heading starting with ``text`` up to the next heading of that level."""
    start = heading(page, text, level)
    parts = []
    for sibling in start.find_next_siblings():
        if sibling.name == level or (level == "h3" and sibling.name == "h2"):
            break
        parts.append(sibling.get_text(" "))
    return " ".join(parts)


def numbers_table(page: Tag) -> dict[str, int]:
    grid = heading(page, "The month in numbers", "h2").find_next("table")
    assert isinstance(grid, Tag)
    header = [th.get_text(strip=True) for th in grid.find_all("th")]
    values = [int(td.get_text(strip=True)) for td in grid.find_all("td")]
    return dict(zip(header, values, strict=True))


def site_files(project: SiteProject) -> Iterator[Path]:
    return (path for path in sorted(project.site.rglob("*")) if path.is_file())


def marker_owners() -> dict[str, str]:
    """Every confidential marker in the fixture that may be published, and whose page it is on."""
    owners: dict[str, str] = {}
    for partner in SMALL["partners"]:
        for key in ("name", "company", "spotlight"):
            owners.update({m: partner["id"] for m in MARKER.findall(str(partner.get(key, "")))})
    for referral in SMALL["referrals"]:
        texts = [referral["prospect"]] + [str(u.get("note", "")) for u in referral.get("updates", [])]
        owners.update({m: referral["partner"] for t in texts for m in MARKER.findall(t)})
    for given in SMALL["given"]:
        owners.update({m: given["partner"] for m in MARKER.findall(f"{given['to']} {given['note']}")})
    return owners


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(path.relative_to(folder)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def clone(built: BuiltSite, target: Path) -> SiteProject:
    """A copy of the built project (data, content, manifest, site), mtimes preserved."""
    shutil.copytree(built.project.root, target, symlinks=True)
    return SiteProject(target)


def output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


def private_links(page: Path) -> list[str]:
    hrefs = [str(a.get("href", "")) for a in soup_of(page).find_all("a")]
    return [href for href in hrefs if re.search(r"(^|/)p/", href)]


# ---------------------------------------------------------------- the shared build


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    project = make_project(tmp_path_factory.mktemp("built"))
    project.write_data(fixture_text("small.yaml"))
    hand_written = project.content / "blog" / "posts" / "hand-written.md"
    hand_written.write_text(HAND_WRITTEN, encoding="utf-8")
    mtime = hand_written.stat().st_mtime_ns
    result = project.mkdocs_build("--strict")
    return BuiltSite(project, result, hand_written, mtime)


@pytest.fixture
def site(built: BuiltSite) -> SiteProject:
    assert built.result.returncode == 0, output(built.result)
    return built.project


# ---------------------------------------------------------------- 1. the build


def test_strict_build_succeeds_without_warnings(built: BuiltSite) -> None:
    assert built.result.returncode == 0, output(built.result)
    assert "WARNING" not in output(built.result)
    assert (built.project.site / "index.html").is_file()


# ---------------------------------------------------------------- 2. private pages


@pytest.mark.parametrize("partner", SMALL["partners"], ids=PARTNER_IDS)
def test_partner_page_shows_each_referral_and_its_stage(site: SiteProject, partner: dict[str, Any]) -> None:
    page = article(partner_dir(site, partner["id"]) / "index.html")
    h1 = page.find("h1")
    # The page greets the partner by first name; the full name is the page's title.
    first_name = partner.get("greeting") or partner["name"].split()[0]
    assert h1 is not None and h1.get_text().rstrip("¶") == f"Thank you, {first_name}"
    assert partner["name"] in page.find_parent("html").find("title").get_text()
    referrals = [r for r in SMALL["referrals"] if r["partner"] == partner["id"]]
    assert referrals
    for referral in referrals:
        updates = referral.get("updates", [])
        stage = updates[-1]["stage"] if updates else "introduced"
        title = heading(page, referral["prospect"], "h3").find_next("p", class_="admonition-title")
        assert title is not None and title.get_text(strip=True) == STAGE_WORDS[stage]
        text = section(page, referral["prospect"], "h3")
        for update in updates:
            if "note" in update:
                assert update["note"] in text


def test_partner_pages_show_the_expected_stage_words(site: SiteProject) -> None:
    expected = {
        "steve-hall": ("SECRET-PROSPECT-DANA", STAGE_WORDS["won"]),
        "anne-ortiz": ("SECRET-PROSPECT-EVAN", "File closed"),
        "quiet-quinn": ("SECRET-PROSPECT-FAY", "Introduced"),
    }
    for partner_id, (prospect, words) in expected.items():
        page = article(partner_dir(site, partner_id) / "index.html")
        title = heading(page, prospect, "h3").find_next("p", class_="admonition-title")
        assert title is not None and title.get_text(strip=True) == words


def test_partner_page_shows_business_given_but_no_internal_note_or_email(site: SiteProject) -> None:
    steve = readable_text(partner_dir(site, "steve-hall") / "index.html")
    assert "SECRET-GIVEN-JO" in steve and "SECRET-GIVEN-NOTE" in steve
    for partner_id in PARTNER_IDS:
        text = readable_text(partner_dir(site, partner_id) / "index.html")
        assert "SECRET-INTERNAL" not in text
        assert "SECRET-EMAIL" not in text and "@example.com" not in text and "mailto:" not in text


def test_partner_pages_are_hidden_from_robots_and_referrers(site: SiteProject) -> None:
    for partner_id in PARTNER_IDS:
        soup = soup_of(partner_dir(site, partner_id) / "index.html")
        assert soup.find("meta", attrs={"name": "robots", "content": "noindex,nofollow"})
        assert soup.find("meta", attrs={"name": "referrer", "content": "no-referrer"})
    public = soup_of(site.site / "index.html")
    assert not public.find("meta", attrs={"name": "robots"})


def test_no_navigation_links_to_private_pages(site: SiteProject) -> None:
    for page in (
        site.site / "index.html",
        post_html(site, "newsletter-2026-03"),
        site.site / "blog/index.html",
    ):
        assert private_links(page) == [], page


# ---------------------------------------------------------------- 3. newsletter posts


def test_march_post_counts_thanks_and_news(site: SiteProject) -> None:
    page = article(post_html(site, "newsletter-2026-03"))
    assert numbers_table(page) == {"New referrals": 3, "Meetings": 1, "Proposals": 1, "New clients": 2}
    assert "Anne Ortiz" in section(page, "Thank you")
    assert "Public Pat" in section(page, "Good news")
    assert "Spring ride" in section(page, "Coming up")
    assert "SECRET" not in readable_text(post_html(site, "newsletter-2026-03"))


def test_february_post_counts(site: SiteProject) -> None:
    page = article(post_html(site, "newsletter-2026-02"))
    assert numbers_table(page) == {"New referrals": 1, "Meetings": 1, "Proposals": 0, "New clients": 0}


# ---------------------------------------------------------------- 4. leak scan


def test_confidential_markers_appear_only_on_their_partners_page(site: SiteProject) -> None:
    owners = marker_owners()
    assert {"SECRET-PARTNER-QUINN", "SECRET-PROSPECT-DANA", "SECRET-GIVEN-JO"} <= set(owners)
    fixture_markers = set(MARKER.findall(fixture_text("small.yaml")))
    assert fixture_markers == set(owners) | {m for m in fixture_markers if m.startswith(NEVER_PUBLISHED)}
    seen: dict[str, set[str]] = {marker: set() for marker in owners}
    for path in site_files(site):
        relative = path.relative_to(site.site).as_posix()
        text = readable_text(path)
        for marker in set(MARKER.findall(text)):
            assert not marker.startswith(NEVER_PUBLISHED), f"{marker} published in {relative}"
            assert marker in owners, f"unknown marker {marker} in {relative}"
            at_home = relative.startswith(f"p/{token(owners[marker])}/")
            # The owner's private insights page lists every partner by name, and only names.
            on_insights = marker.startswith("SECRET-PARTNER-") and relative.startswith(f"{INSIGHTS_DIR}/")
            assert at_home or on_insights, f"{marker} leaked into {relative}"
            seen[marker].add(relative)
    # The scan found what each partner's page must show, so the decoding works. (Company and
    # spotlight are allowed there but not required.)
    required = {m for m in owners if not m.startswith(("SECRET-COMPANY-", "SECRET-SPOTLIGHT-"))}
    assert {"SECRET-PARTNER-QUINN", "SECRET-NOTE-EVAN-LOST", "SECRET-GIVEN-NOTE"} <= required
    assert not {marker for marker in required if not seen[marker]}


def test_private_addresses_appear_only_on_their_own_page(site: SiteProject) -> None:
    tokens = {partner_id: token(partner_id) for partner_id in PARTNER_IDS}
    for path in site_files(site):
        relative = path.relative_to(site.site).as_posix()
        text = readable_text(path)
        for partner_id, value in tokens.items():
            if value in text:
                assert relative.startswith(f"p/{value}/"), f"{partner_id}'s address in {relative}"


def test_search_sitemap_and_feeds_hold_nothing_private(site: SiteProject) -> None:
    for name in (
        "search/search_index.json",
        "sitemap.xml",
        "sitemap.xml.gz",
        "feed_rss_created.xml",
        "feed_rss_updated.xml",
    ):
        text = readable_text(site.site / name)
        assert "/p/" not in text and "SECRET" not in text, name
    index = json.loads(site.read_site("search/search_index.json"))
    locations = [doc["location"] for doc in index["docs"]]
    assert locations and not [loc for loc in locations if loc.startswith("p/")]
    assert not [loc for loc in locations if "/p/" in f"/{loc}"]


def test_sitemap_lists_home_and_posts(site: SiteProject) -> None:
    root = ET.fromstring(site.read_site("sitemap.xml"))
    locs = {el.text for el in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert SITE_URL in locs
    for slug in (*GENERATED_POSTS, HAND_WRITTEN_SLUG):
        url = SITE_URL + post_html(site, slug).parent.relative_to(site.site).as_posix() + "/"
        assert url in locs
    assert not [loc for loc in locs if "/p/" in str(loc)]


# ---------------------------------------------------------------- 5. a hand-written post


def test_hand_written_post_survives_and_is_listed(built: BuiltSite, site: SiteProject) -> None:
    assert built.hand_written.read_text(encoding="utf-8") == HAND_WRITTEN
    assert built.hand_written.stat().st_mtime_ns == built.hand_written_mtime
    manifest = json.loads((site.root / ".referral" / "manifest.json").read_text(encoding="utf-8"))
    assert not [path for path in manifest["files"] if "hand-written" in path]
    listing = soup_of(site.site / "blog" / "index.html")
    hrefs = [str(a.get("href")) for a in listing.find_all("a")]
    assert [href for href in hrefs if HAND_WRITTEN_SLUG in href]
    assert "HANDWRITTEN-EXCERPT" in listing.get_text()
    assert "HANDWRITTEN-BODY" not in listing.get_text()
    assert "HANDWRITTEN-BODY" in article(post_html(site, HAND_WRITTEN_SLUG)).get_text()


# ---------------------------------------------------------------- 11. home page and feed


def test_home_links_to_a_plain_follow_page_that_gives_the_feed_address(site: SiteProject) -> None:
    hrefs = [str(a.get("href", "")) for a in soup_of(site.site / "index.html").find_all("a")]
    assert "follow/" in hrefs
    follow = soup_of(site.site / "follow" / "index.html")
    assert [a for a in follow.find_all("a") if str(a.get("href", "")).endswith("feed_rss_created.xml")]
    assert SITE_URL + "feed_rss_created.xml" in follow.get_text()


@pytest.mark.parametrize("name", ["feed_rss_created.xml", "feed_rss_updated.xml"])
def test_feeds_follow_the_validators_rules_and_summarise_each_issue(site: SiteProject, name: str) -> None:
    text = site.read_site(name)
    assert "<?xml-stylesheet" not in text  # no XSLT: browsers are removing it
    assert not (site.site / "rss.xsl").exists()
    channel = ET.fromstring(text).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert items
    for item in items:
        # RSS 2.0: <author> is an email address ("mark@example.com (Mark Rodgers)"), if present.
        for author in item.findall("author"):
            assert re.fullmatch(r"[^@\s()]+@[^@\s()]+\.[a-z]+( \(.+\))?", author.text or ""), author.text
    generated = [i for i in items if "newsletter-" in (i.findtext("link") or "")]
    assert generated
    for item in generated:
        assert " in numbers: " in (item.findtext("description") or ""), item.findtext("link")


def test_feed_has_one_item_per_post(site: SiteProject) -> None:
    channel = ET.fromstring(site.read_site("feed_rss_created.xml")).find("channel")
    assert channel is not None
    links = [item.findtext("link") or "" for item in channel.findall("item")]
    expected = {
        SITE_URL + post_html(site, slug).parent.relative_to(site.site).as_posix() + "/"
        for slug in (*GENERATED_POSTS, HAND_WRITTEN_SLUG)
    }
    assert sorted(links) == sorted(expected)
    assert all(link.startswith(SITE_URL + "blog/") for link in links)


# ---------------------------------------------------------------- 6. a partner leaves


def test_deleted_partner_loses_their_page(built: BuiltSite, tmp_path: Path) -> None:
    project = clone(built, tmp_path / "site")
    quinn = token("quiet-quinn")
    assert (project.content / "p" / f"{quinn}.md").is_file()
    assert (project.site / "p" / quinn / "index.html").is_file()
    data = yaml.safe_load(fixture_text("small.yaml"))
    data["partners"] = [p for p in data["partners"] if p["id"] != "quiet-quinn"]
    data["referrals"] = [r for r in data["referrals"] if r["partner"] != "quiet-quinn"]
    project.write_data(yaml.safe_dump(data, sort_keys=False))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    assert not (project.content / "p" / f"{quinn}.md").exists()
    assert not (project.site / "p" / quinn).exists()
    assert (project.content / "p" / f"{token('steve-hall')}.md").is_file()
    assert (project.site / "p" / token("steve-hall") / "index.html").is_file()
    assert (project.content / "blog/posts/hand-written.md").read_text(encoding="utf-8") == HAND_WRITTEN


# ---------------------------------------------------------------- 7. and 8. generate alone


def test_second_generate_writes_nothing(built: BuiltSite, tmp_path: Path) -> None:
    project = clone(built, tmp_path / "site")
    before = snapshot(project.content)
    result = project.generator("generate")
    assert result.returncode == 0, output(result)
    assert "0 written" in result.stdout
    assert snapshot(project.content) == before


def test_generate_is_deterministic(tmp_path: Path) -> None:
    trees = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        project = make_project(tmp_path / name)
        project.write_data(fixture_text("small.yaml"))
        result = project.generator("generate")
        assert result.returncode == 0, output(result)
        trees.append({path: data for path, (data, _) in snapshot(project.content).items()})
    assert trees[0] == trees[1]
    assert f"p/{token('anne-ortiz')}.md" in trees[0]
    assert "blog/posts/newsletter/2026-03.md" in trees[0]


# ---------------------------------------------------------------- 9. bad data


def test_bad_data_fails_with_location_and_writes_nothing(built: BuiltSite, tmp_path: Path) -> None:
    project = clone(built, tmp_path / "site")
    good = fixture_text("small.yaml")
    bad = good.replace("stage: met\n", "stage: mett\n", 1)
    line = bad.splitlines().index("        stage: mett") + 1
    project.write_data(bad)
    before = snapshot(project.content)
    expected = f"partners.yaml:{line}:16: referrals[0].updates[0].stage"

    result = project.mkdocs_build()
    assert result.returncode != 0
    assert expected in output(result)
    assert snapshot(project.content) == before

    check = project.generator("check")
    assert check.returncode != 0
    assert expected in check.stdout
    assert snapshot(project.content) == before


def test_a_build_with_no_data_file_says_where_it_looked_and_how_to_name_one(project: SiteProject) -> None:
    """A plain `mkdocs build` said only "partners.yaml: cannot read the file: No such file or
    directory", as the commands did before review41: now the whole path and what to do."""
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert (
        f"partners.yaml:1:1: partners.yaml: cannot read the file: No such file or directory "
        f"({project.root / 'partners.yaml'}); create it, or name another as data_file under "
        f"referral-newsletter in {project.root / 'mkdocs.yml'}"
    ) in output(result)
    assert not (project.root / ".referral").exists()


# ---------------------------------------------------------------- 10. a foreign file


def test_foreign_file_is_never_overwritten(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    mine = project.content / "index.md"
    mine.write_text("# My own home page\n", encoding="utf-8")
    before = snapshot(project.content)
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert str(mine) in output(result)
    assert snapshot(project.content) == before


# A hand-written file that MkDocs publishes at a generated page's address: the same name in
# another form (tree/index.md beside tree.md), or a post given an issue's date and slug. One
# of the two pages silently replaced the other in site/, and --strict passed (review10).
@pytest.mark.parametrize(
    ("mine", "text"),
    [
        ("tree/index.md", "# MY-OWN-TREE\n"),
        (
            "blog/posts/mine/march.md",
            "---\ndate: 2026-03-15\nslug: newsletter-2026-03\ncategories:\n- Newsletter\n---\n"
            "# MY-OWN-POST\n\nHello.\n\n<!-- more -->\n\nMore.\n",
        ),
    ],
)
def test_a_foreign_file_published_at_a_generated_address_is_refused(
    project: SiteProject, mine: str, text: str
) -> None:
    project.write_data(fixture_text("small.yaml"))
    path = project.content / mine
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert f"{mine} and " in output(result) or f" and {mine}" in output(result), output(result)
    assert "published at the same address" in output(result)
    assert path.read_text(encoding="utf-8") == text
    assert not project.site.exists()


def test_a_run_leaves_the_cycle_collector_as_it_found_it(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    project.write_data(fixture_text("small.yaml"))
    run = pipeline.Project.at(project.root)
    as_of = pipeline.today({"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    environ = {"REFERRAL_SITE_SECRET": TEST_SECRET}
    assert gc.isenabled()
    pipeline.generate(run, as_of, environ)
    assert gc.isenabled()
    gc.disable()
    try:
        pipeline.generate(run, as_of, environ)
        assert not gc.isenabled()
    finally:
        gc.enable()
    project.write_data(fixture_text("small.yaml").replace("stage: met", "stage: mett", 1))
    with pytest.raises(InvalidData):
        pipeline.generate(run, as_of, environ)
    assert gc.isenabled()


def test_the_build_log_shows_ten_due_referrals_and_counts_the_rest(project: SiteProject) -> None:
    referrals = "".join(
        f"  - {{id: r{n}, partner: anne, prospect: P{n}, introduced: 2026-01-{n:02d}}}\n"
        for n in range(1, 13)
    )
    project.write_data(
        "newsletter:\n  title: T\n  owner: O\npartners:\n  - id: anne\n    name: Anne\nreferrals:\n"
        + referrals
    )
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    listed = [line for line in result.stderr.splitlines() if ": due an update: " in line]
    assert len(listed) == 10
    assert "2 more referrals are due an update: python -m generator due lists them all" in result.stderr
    due = project.generator("due")
    assert due.stdout.count(": due an update: ") == 12


# ---------------------------------------------------------------- a month of events only

EVENT_ONLY = """\
newsletter: {title: Event News, owner: Olive Owner, email: olive@example.com}
partners:
  - {id: anne, name: Anne Able, email: anne@example.com}
referrals:
  - {id: r1, partner: anne, prospect: SECRET-PROSPECT-DANA, introduced: 2026-09-05}
events:
  - {date: 2026-11-25, title: Holiday mixer, where: The mill, time: "18:00", end: "21:30"}
"""
# The month's own event without the year: the sentence has just named it (review54).
EVENT_INVITATION = "An invitation for November 2026: Holiday mixer (25 November, 18:00 to 21:30)."


def test_a_month_whose_only_news_is_an_event_is_posted_listed_in_the_feed_and_mailed(
    project: SiteProject,
) -> None:
    # November's only news is the mixer (the build is dated 20 November): the issue that invites
    # to it is built, listed on the home page and in the feed, and `mail --month` writes it.
    # October, with nothing at all, has no issue.
    project.write_data(EVENT_ONLY)
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    post = BeautifulSoup(project.read_site("blog/2026/11/newsletter-2026-11/index.html"), "html.parser")
    # The page's own spaces: a date is a span of its own (kept whole on a phone).
    assert EVENT_INVITATION in " ".join(post.get_text().split())
    assert not (project.site / "blog" / "2026" / "10").exists()
    home = " ".join(BeautifulSoup(project.read_site("index.html"), "html.parser").get_text(" ").split())
    assert "November 2026 : Partner get-together: Holiday mixer" in home
    channel = ET.fromstring(project.read_site("feed_rss_created.xml")).find("channel")
    assert channel is not None
    descriptions = {
        item.findtext("link"): item.findtext("description") or "" for item in channel.findall("item")
    }
    assert descriptions[SITE_URL + "blog/2026/11/newsletter-2026-11/"].startswith(EVENT_INVITATION)
    mailed = project.generator("mail", "--month", "2026-11", REFERRAL_MAIL_FROM="Olive <olive@example.com>")
    assert mailed.returncode == 0, mailed.stdout + mailed.stderr
    message = (project.root / "mail-out" / "2026-11" / "anne.eml").read_text("utf-8")
    assert "An invitation for November 2026: Holiday mixer" in " ".join(message.split())


# ---------------------------------------------------------------- use_directory_urls: false


def _addresses_in_mail(folder: Path) -> set[str]:
    """Every address of the site in the month's messages (both parts, decoded)."""
    found = set()
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        for part in message.walk():
            if part.get_content_maintype() == "text":
                found.update(re.findall(re.escape(SITE_URL) + r"[^\s\"<>)]*", part.get_content()))
    return found


def test_pages_built_as_html_files_get_working_links_and_stay_private(tmp_path: Path) -> None:
    """``use_directory_urls: false`` builds a partner's page at ``p/<token>.html``: links and
    mail sent ``p/<token>/``, which no host serves, so every partner's link was a 404. The private
    pages must still be kept out of the sitemap, search and feeds, and a removed partner's page
    out of a dirty rebuild."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "use_directory_urls: false\n", encoding="utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    links = project.generator("links")
    assert links.returncode == 0, output(links)
    addresses = {line.split("\t")[1] for line in links.stdout.splitlines()}
    mail = project.generator("mail", "--month", "2026-03", REFERRAL_MAIL_FROM="owner@example.com")
    assert mail.returncode == 0, output(mail)
    addresses |= _addresses_in_mail(project.root / "mail-out" / "2026-03")
    assert any("/p/" in address for address in addresses) and any("/blog/" in a for a in addresses)
    for address in addresses:
        assert (project.site / address.removeprefix(SITE_URL)).is_file(), address
    for name in ("search/search_index.json", "sitemap.xml", "feed_rss_created.xml", "feed_rss_updated.xml"):
        text = readable_text(project.site / name)
        assert "p/" not in text.replace("sitemap", "") and "SECRET" not in text, name
    home = soup_of(project.site / "index.html").find("a", string=re.compile("Follow the newsletter"))
    assert isinstance(home, Tag)
    follow_page = project.site / str(home["href"])
    follow = soup_of(follow_page).find("a", string="Open the feed itself")
    assert isinstance(follow, Tag)
    href = str(follow["href"])  # root-relative: the site is at the root of SITE_URL's host
    feed = project.site / href.lstrip("/") if href.startswith("/") else follow_page.parent / href
    assert feed.resolve() == project.site / "feed_rss_created.xml", href
    quinn = project.site / "p" / f"{token('quiet-quinn')}.html"
    assert quinn.is_file()
    data = yaml.safe_load(fixture_text("small.yaml"))
    data["partners"] = [p for p in data["partners"] if p["id"] != "quiet-quinn"]
    data["referrals"] = [r for r in data["referrals"] if r["partner"] != "quiet-quinn"]
    data["given"] = [g for g in data.get("given", []) if g["partner"] != "quiet-quinn"]
    project.write_data(yaml.safe_dump(data, sort_keys=False))
    again = project.mkdocs_build("--dirty")  # --strict refuses any dirty build
    assert again.returncode == 0, output(again)
    assert not quinn.exists()


def test_a_blog_dir_other_than_the_generators_fails_a_strict_build_saying_why(tmp_path: Path) -> None:
    """The generator writes the issues into blog/posts/: with the blog plugin's blog_dir set to
    another folder, the build passed with an empty newsletter, its issues built as plain pages."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    text = config.read_text("utf-8").replace("blog_dir: blog", "blog_dir: news")
    config.write_text(text.replace("- blog/index.md", "- news/index.md"), encoding="utf-8")
    (project.content / "blog").rename(project.content / "news")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 1
    assert "the blog plugin's blog_dir is 'news', but the newsletter's issues are written to blog/" in output(
        result
    )


@pytest.mark.parametrize(
    ("setting", "replacement"),
    [
        ('post_url_format: "{date}/{slug}"', 'post_url_format: "{slug}"'),
        ("post_url_date_format: yyyy/MM", "post_url_date_format: yyyy/MM/dd"),
        ('post_url_format: "{date}/{slug}"', 'post_url_format: "{categories}/{file}"'),
    ],
)
def test_the_mails_link_to_the_issue_follows_the_blogs_url_settings(
    tmp_path: Path, setting: str, replacement: str
) -> None:
    """The mail linked to blog/YYYY/MM/newsletter-YYYY-MM/ whatever mkdocs.yml's blog plugin
    said: with another post_url_format or post_url_date_format, "Read the issue online" was a 404."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8").replace(setting, replacement), encoding="utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    mail = project.generator("mail", "--month", "2026-03", REFERRAL_MAIL_FROM="owner@example.com")
    assert mail.returncode == 0, output(mail)
    issues = {a for a in _addresses_in_mail(project.root / "mail-out" / "2026-03") if "/p/" not in a}
    assert issues
    for address in issues:
        assert (project.site / address.removeprefix(SITE_URL) / "index.html").is_file(), address


@pytest.mark.parametrize(
    ("own_file", "generated"),
    [
        ("tree/index.md", "tree.md"),
        ("follow/index.md", "follow.md"),
        ("blog/posts/march.md", "blog/posts/newsletter/2026-03.md"),
    ],
)
def test_a_page_of_yours_built_at_a_generated_pages_address_is_refused_naming_both(
    tmp_path: Path, own_file: str, generated: str
) -> None:
    """MkDocs builds tree.md and tree/index.md (or a post of yours with a generated issue's slug)
    at one address and keeps whichever it writes last, without a word: your page or the
    generated one vanished from the site."""
    project = make_project(tmp_path)
    project.write_data(fixture_text("small.yaml"))
    own = project.content / own_file
    own.parent.mkdir(parents=True, exist_ok=True)
    slug = "newsletter-2026-03" if own_file.startswith("blog/") else "mine"
    own.write_text(HAND_WRITTEN.replace(HAND_WRITTEN_SLUG, slug), encoding="utf-8")
    result = project.mkdocs_build("--strict")
    assert result.returncode == 1
    said = output(result)
    assert f"{own_file} and {generated}" in said or f"{generated} and {own_file}" in said, said
    assert "would be published at the same address" in said
    assert not project.site.exists()


@pytest.mark.parametrize("nav_too", [False, True], ids=["not_in_nav removed", "nav and not_in_nav removed"])
def test_private_addresses_stay_out_of_the_build_log_and_nav_without_not_in_nav(
    tmp_path: Path, nav_too: bool
) -> None:
    """Without not_in_nav, MkDocs listed every private page ("p/<token>.md") among the pages
    not in the nav, in the build log, which CI shows to anyone who can read the repository;
    without nav as well, every public page's navigation linked to them (the leak guard then
    moved the site away, blaming the data)."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    text = re.sub(r"^not_in_nav: \|\n  /p/\n", "", config.read_text("utf-8"), flags=re.MULTILINE)
    if nav_too:
        text = re.sub(r"^nav:\n(?:  .*\n)+", "", text, flags=re.MULTILINE)
    assert "not_in_nav" not in text and ("\nnav:" not in text) == nav_too
    config.write_text(text, encoding="utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    for partner_id in PARTNER_IDS:
        assert token(partner_id) not in output(result), partner_id
    assert NOT_IN_NAV_LINE not in output(result)
    assert not private_links(project.site / "index.html")
    assert not private_links(project.site / "tree" / "index.html")


def test_no_build_logs_the_follow_page_as_missing_from_the_nav(tmp_path: Path) -> None:
    """Every build said 'The following pages exist in the docs directory, but are not included
    in the "nav" configuration: - follow.md', of a page the home page links to on purpose. The
    owner's own not_in_nav entries still hold: their page outside the nav is not named either."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    text = config.read_text("utf-8").replace("not_in_nav: |\n  /p/\n", "not_in_nav: |\n  /p/\n  /mine.md\n")
    assert "/mine.md" in text
    config.write_text(text, encoding="utf-8")
    (project.content / "mine.md").write_text("# Mine\n\nA page of the owner's, out of the nav.\n", "utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    assert NOT_IN_NAV_LINE not in output(result), output(result)
    assert (project.site / "follow" / "index.html").is_file()
    assert (project.site / "mine" / "index.html").is_file()


def test_generated_english_pages_say_so_under_a_french_theme(tmp_path: Path) -> None:
    """The generated pages are written in English whatever theme.language says: with language: fr
    the page said <html lang="fr"> around English text (screen readers read it with French rules,
    browsers offered to translate it from French; review13)."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    text = config.read_text("utf-8").replace(
        "  custom_dir: overrides\n", "  custom_dir: overrides\n  language: fr\n"
    )
    config.write_text(text, encoding="utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    heading = article(project.site / "tree" / "index.html").find("h1")
    assert isinstance(heading, Tag)
    declared = heading.find_parent(attrs={"lang": True})
    assert declared is not None and declared["lang"] == "en"


def test_a_build_run_from_a_folder_it_may_not_write_in_passes(tmp_path: Path) -> None:
    """`mkdocs build -f path/to/mkdocs.yml` from another folder: the feed plugin made its cache
    folder (.cache/plugins/rss) in the current folder, and stopped in a traceback where it could
    not (a read-only checkout, a CI step in /)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    command = [mkdocs, "build", "--strict", "-f", str(project.root / "mkdocs.yml")]
    with unwritable(elsewhere):
        result = subprocess.run(
            command, cwd=elsewhere, env=project.env(), capture_output=True, text=True, check=False
        )
    assert result.returncode == 0, output(result)
    assert (project.site / "feed_rss_created.xml").is_file()
    assert list(elsewhere.iterdir()) == []


def test_analytics_a_site_adds_stay_off_private_pages(tmp_path: Path) -> None:
    """Material's analytics (extra.analytics in mkdocs.yml) loaded Google's script on every page,
    private ones too, and it reports the page's address: each partner's private address went to
    Google. Public pages keep it."""
    project = make_project(tmp_path)
    config = project.root / "mkdocs.yml"
    analytics = "\nextra:\n  analytics:\n    provider: google\n    property: G-ABCDEF1234\n"
    config.write_text(config.read_text("utf-8") + analytics, encoding="utf-8")
    project.write_data(fixture_text("small.yaml"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, output(result)
    assert "G-ABCDEF1234" in project.read_site("index.html")
    private = [project.site / "p" / "index.html", *sorted(project.site.glob("p/*/index.html"))]
    assert len(private) == len(PARTNER_IDS) + 2  # and the stub index, the owner's insights page
    for page in private:
        assert "G-ABCDEF1234" not in page.read_text("utf-8"), page


def test_a_new_program_with_no_partners_or_referrals_sections_builds(project: SiteProject) -> None:
    """A new seller's first file holds the newsletter alone: `check`, `generate` and a strict
    `mkdocs build` all take it, as the schema does (a missing `partners:` was refused)."""
    project.write_data("newsletter: {title: New News, owner: Olive Owner}\n")
    assert project.generator("check").returncode == 0
    generated = project.generator("generate")
    assert generated.returncode == 0, generated.stdout + generated.stderr
    built = project.mkdocs_build("--strict")
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Our referral program has just begun" in project.read_site("index.html")
