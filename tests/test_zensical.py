"""Zensical (issues 9 and 15): the demo built by ``python -m generator build --engine zensical``
(generate, ``zensical build``, leak guard), with the privacy guarantees of the MkDocs build.

Zensical runs from a virtual environment of its own (``conftest.engine_program``). Zensical runs
no MkDocs plugin, so the leak guard the plugin runs after ``mkdocs build`` is run here instead.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SOURCE_DATE_EPOCH, TEST_SECRET, SiteProject, engine_program, make_project

from generator import guard, validate
from generator.links import site_public_text
from generator.models import PartnersFile
from generator.project import today
from generator.render import SiteLayout

SITE_URL = "https://partners.example.com/"
POST = "blog/2026/11/newsletter-2026-11/"  # the demo's latest newsletter post
SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")
SEARCH_INDEX = "search.json"  # Zensical's (MkDocs writes search/search_index.json)


@dataclass(frozen=True)
class ZensicalSite:
    project: SiteProject
    result: subprocess.CompletedProcess[str]
    data: PartnersFile
    layout: SiteLayout

    @property
    def site(self) -> Path:
        return self.project.site

    def private_pages(self) -> list[str]:
        """Site folders of every partner's page and of the owner's insights page."""
        pages = [self.layout.partner_page(partner) for partner in self.data.partners]
        return [page.removesuffix(".md") + "/" for page in (*pages, self.layout.insights_page)]

    def public_html(self) -> list[Path]:
        return [path for path in self.site.rglob("*.html") if path.relative_to(self.site).parts[0] != "p"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> ZensicalSite:
    """The demo (partners.yaml and the hand-written welcome post), built once by the command
    users run; the checks below repeat its leak guard independently."""
    zensical = str(engine_program("zensical"))
    project = make_project(tmp_path_factory.mktemp("zensical"))
    shutil.copy(REPO / "partners.yaml", project.root / "partners.yaml")
    shutil.copy(REPO / "content" / "blog" / "posts" / "welcome.md", project.content / "blog" / "posts")
    result = project.generator("build", "--engine", "zensical", REFERRAL_ZENSICAL=zensical)
    as_of = today({"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    data = validate.load_partners(project.root / "partners.yaml", as_of)
    return ZensicalSite(project, result, data, SiteLayout(as_of=as_of, secret=TEST_SECRET.encode()))


def test_zensical_builds_home_posts_and_private_pages(built: ZensicalSite) -> None:
    assert built.result.returncode == 0, built.result.stdout + built.result.stderr
    for page in ("", POST, "blog/", *built.private_pages()):
        assert (built.site / page / "index.html").is_file(), page
    # The host hints and robots.txt are plain files of content/, copied as they are.
    assert (
        (built.site / "_headers")
        .read_text(encoding="utf-8")
        .startswith("# generated_by: referral-newsletter\n/p/*\n")
    )
    assert (built.site / "robots.txt").is_file()


def test_private_pages_ask_robots_not_to_index_them(built: ZensicalSite) -> None:
    for page in built.private_pages():
        soup = BeautifulSoup((built.site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
        robots = soup.find("meta", attrs={"name": "robots"})
        referrer = soup.find("meta", attrs={"name": "referrer"})
        assert robots is not None and "noindex" in str(robots.get("content")), page
        assert referrer is not None and referrer.get("content") == "no-referrer", page


def test_leak_guard_finds_nothing(built: ZensicalSite) -> None:
    # The scan the plugin runs after an MkDocs build, on every file Zensical wrote (its own theme
    # files included: no verbatim_from exemption, so this is stricter than the plugin).
    public = site_public_text(built.project.root / "mkdocs.yml")
    leaks = guard.guard_site(built.site, built.data, built.layout, public_text=public)
    assert not leaks, [leak.describe() for leak in leaks]
    command = built.project.generator("guard", "site")  # the same scan, as the README tells users
    assert command.returncode == 0, command.stdout + command.stderr
    scanned = {path.relative_to(built.site).as_posix() for path in guard.site_files(built.site)}
    assert {SEARCH_INDEX, "sitemap.xml", *FEEDS} <= scanned


def test_sitemap_lists_public_pages_only(built: ZensicalSite) -> None:
    root = ET.fromstring((built.site / "sitemap.xml").read_text(encoding="utf-8"))
    locs = [str(element.text) for element in root.iter(SITEMAP_LOC)]
    assert {SITE_URL, SITE_URL + POST} <= set(locs)
    assert not [loc for loc in locs if loc.startswith(SITE_URL + "p/")]


def test_search_index_holds_no_private_page(built: ZensicalSite) -> None:
    text = (built.site / SEARCH_INDEX).read_text(encoding="utf-8")
    locations = [item["location"] for item in json.loads(text)["items"]]
    assert POST in locations
    assert not [location for location in locations if location.startswith("p/")]
    assert not [page for page in built.private_pages() if page in text]


def test_feeds_and_public_pages_name_no_private_page(built: ZensicalSite) -> None:
    for feed in FEEDS:
        text = (built.site / feed).read_text(encoding="utf-8")
        assert SITE_URL + POST in text and SITE_URL + "p/" not in text, feed
    for path in built.public_html():
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        hrefs = [str(link.get("href")) for link in soup.find_all("a", href=True)]
        assert not [href for href in hrefs if "/p/" in "/" + href], path


def test_header_and_title_show_the_business(built: ZensicalSite) -> None:
    """The plugin puts the business in MkDocs' header; Zensical gets it from the generated
    config that inherits mkdocs.yml (the demo's mkdocs.yml says "Referral Partner Updates")."""
    page = BeautifulSoup((built.site / "index.html").read_text(encoding="utf-8"), "html.parser")
    business = built.data.newsletter.business
    assert business and page.title is not None and page.title.get_text().endswith(business)
    topics = [topic.get_text(" ", strip=True) for topic in page.select(".md-header__topic .md-ellipsis")]
    assert business in topics, topics
    assert (
        (built.project.root / ".referral-zensical.yml")
        .read_text(encoding="utf-8")
        .startswith("# generated_by: referral-newsletter\nINHERIT: mkdocs.yml\n")
    )


def test_feed_items_name_the_owner_by_address(built: ZensicalSite) -> None:
    """RSS 2.0 wants "address (Name)" in <author>: Zensical reads it from the authors file."""
    newsletter = built.data.newsletter
    for feed in FEEDS:
        authors = {item.text for item in ET.parse(built.site / feed).getroot().iter("author")}
        assert authors == {f"{newsletter.email} ({newsletter.owner})"}, (feed, authors)


def test_a_business_name_with_markup_reads_as_text(tmp_path: Path) -> None:
    """Zensical prints site_name unescaped in the header: a name's markup must not go live,
    and a plain "&" must read as written."""
    project = make_project(tmp_path)
    data = (REPO / "partners.yaml").read_text(encoding="utf-8")
    business = 'Rodgers & Sons <b>Bikes</b> &amp; "Parts"'
    project.write_data(data.replace("business: Rodgers Harley-Davidson", f"business: '{business}'", 1))
    result = project.generator(
        "build", "--engine", "zensical", REFERRAL_ZENSICAL=str(engine_program("zensical"))
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((project.site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.title is not None and page.title.get_text().endswith(business)
    assert business in [
        topic.get_text(" ", strip=True) for topic in page.select(".md-header__topic .md-ellipsis")
    ]
    assert not page.select("header b"), "the business name's <b> went live"
    assert page.select_one(".md-header__button.md-logo")["aria-label"] == business  # type: ignore[index]


def test_an_owner_and_business_with_a_plain_ampersand_read_as_written(tmp_path: Path) -> None:
    """The generated authors file serves Material (prints it unescaped) and Zensical (escapes it):
    on a post and in the feed, "Mark & Co" must not read "Mark &amp; Co"."""
    project = make_project(tmp_path)
    data = (REPO / "partners.yaml").read_text(encoding="utf-8")
    data = data.replace("owner: Mark Rodgers", "owner: Mark Rodgers & Co", 1)
    project.write_data(data.replace("business: Rodgers Harley-Davidson", "business: Rodgers & Sons", 1))
    result = project.generator(
        "build", "--engine", "zensical", REFERRAL_ZENSICAL=str(engine_program("zensical"))
    )
    assert result.returncode == 0, result.stdout + result.stderr
    post = next(project.site.glob("blog/*/*/newsletter-*/index.html"))
    profile = BeautifulSoup(post.read_text(encoding="utf-8"), "html.parser").select_one(".md-post__profile")
    assert profile is not None
    assert profile.get_text(" ", strip=True) == "Mark Rodgers & Co Rodgers & Sons"
    authors = {item.text for item in ET.parse(project.site / FEEDS[0]).getroot().iter("author")}
    assert authors and all((text or "").endswith("(Mark Rodgers & Co)") for text in authors), authors


def test_a_foreign_file_in_the_brand_configs_place_is_never_overwritten(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    shutil.copy(REPO / "partners.yaml", project.root / "partners.yaml")
    mine = project.root / ".referral-zensical.yml"
    mine.write_text("site_name: my own\n", encoding="utf-8")
    result = project.generator(
        "build", "--engine", "zensical", REFERRAL_ZENSICAL=str(engine_program("zensical"))
    )
    assert result.returncode != 0
    assert "refusing to overwrite" in result.stderr and ".referral-zensical.yml" in result.stderr
    assert mine.read_text(encoding="utf-8") == "site_name: my own\n"
