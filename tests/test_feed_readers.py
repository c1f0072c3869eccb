"""The RSS feed as feed readers read it (feedparser, strict), the sitemap as crawlers read it and
the post pages' head as link previews read it, from real Material builds."""

from __future__ import annotations

import calendar
import datetime as dt
import email.utils
import json
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SOURCE_DATE_EPOCH, SiteProject, engine_program, make_project

from generator import project as pipeline
from generator.engine_output import fix_feed_dates
from generator.plugin import ReferralNewsletterPlugin

# 20:00 UTC on 20 November 2026: 09:00 on the 21st in Auckland, where the owner lives.
EVENING_IN_UTC = str(int(SOURCE_DATE_EPOCH) + 20 * 3600)

DATA = """\
newsletter:
  title: Harbour Partner News
  owner: Tama Owner
  business: Harbour Boats
  email: tama@harbour.example
  timezone: Pacific/Auckland
partners:
  - {id: anne, name: Anne Public, public: true, email: anne@secret.example}
  - {id: hugh, name: Hugh Hidden, email: hugh@secret.example}
referrals:
  - id: r1
    partner: anne
    prospect: PROSPECT-ONE
    introduced: 2026-09-03
    updates:
      - {date: 2026-10-05, stage: met, note: NOTE-ONE, internal: INTERNAL-ONE}
  - id: r2
    partner: hugh
    prospect: PROSPECT-TWO
    introduced: 2026-11-02
    updates:
      - {date: 2026-11-04, stage: met, note: NOTE-TWO, internal: INTERNAL-TWO}
given:
  - {partner: anne, date: 2026-10-10, to: GIVEN-TO-ONE, note: GIVEN-NOTE-ONE}
events:
  - {date: 2026-11-28, title: Harbour barbecue night, where: The boat shed}
"""
CONFIDENTIAL = (
    "PROSPECT-ONE",
    "PROSPECT-TWO",
    "NOTE-ONE",
    "NOTE-TWO",
    "INTERNAL-ONE",
    "INTERNAL-TWO",
    "GIVEN-TO-ONE",
    "GIVEN-NOTE-ONE",
    "anne@secret.example",
    "hugh@secret.example",
    "Hugh Hidden",
)
FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")
RFC822_WITH_ZONE = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")


def _built(root: Path, data: str = DATA, **env: str) -> SiteProject:
    project = make_project(root)
    project.write_data(data)
    # The owner's own post, written by hand: a feed item like the generated issues.
    shutil.copy(REPO / "content" / "blog" / "posts" / "welcome.md", project.content / "blog" / "posts")
    result = project.mkdocs_build("--strict", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return _built(tmp_path_factory.mktemp("feed"), SOURCE_DATE_EPOCH=EVENING_IN_UTC)


def _channel(project: SiteProject, feed: str) -> ET.Element:
    channel = ET.fromstring(project.read_site(feed)).find("channel")
    assert channel is not None
    return channel


def _date(text: str | None) -> dt.datetime:
    """An RFC 822 date and its zone ("-0000", zone unknown, reads back as a naive time)."""
    assert text is not None
    moment = email.utils.parsedate_to_datetime(text)
    assert moment.tzinfo is not None, text
    return moment


@pytest.mark.build
@pytest.mark.parametrize("feed", FEEDS)
def test_the_feed_is_valid_rss_2_with_every_required_element(site: SiteProject, feed: str) -> None:
    parsed = feedparser.parse(site.read_site(feed))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    channel = _channel(site, feed)
    assert channel.findtext("title") == "Harbour Partner News"
    assert channel.findtext("link") == "https://partners.example.com/"
    assert channel.findtext("description")
    for item in channel.findall("item"):
        link = item.findtext("link")
        assert item.findtext("title") and link and link.startswith("https://partners.example.com/blog/")
        assert item.findtext("guid") == link
        assert RFC822_WITH_ZONE.match(item.findtext("pubDate") or ""), item.findtext("pubDate")


@pytest.mark.build
@pytest.mark.parametrize("feed", FEEDS)
def test_no_issue_is_dated_after_the_feed_was_built_east_of_utc(site: SiteProject, feed: str) -> None:
    # At 09:00 on 21 November in Auckland the issue under way is dated the 21st; the feed
    # plugin put that date at 00:00 UTC, 4 hours after the build (lastBuildDate), which readers
    # show as a post from the future. Each issue's date is also in its own month, in Auckland.
    channel = _channel(site, feed)
    built = _date(channel.findtext("lastBuildDate"))
    auckland = dt.timezone(dt.timedelta(hours=13))
    for item in channel.findall("item"):
        published = _date(item.findtext("pubDate"))
        assert published <= built, (item.findtext("title"), published, built)
        if (month := re.search(r"newsletter-(\d{4})-(\d{2})", item.findtext("link") or "")) is not None:
            local = published.astimezone(auckland)
            assert (local.year, local.month) == (int(month[1]), int(month[2]))
    newest = _date(channel.find("item").findtext("pubDate"))  # type: ignore[union-attr]
    assert newest.astimezone(auckland).date() == dt.date(2026, 11, 21)


@pytest.mark.build
@pytest.mark.parametrize("feed", FEEDS)
@pytest.mark.parametrize("element", ["pubDate", "lastBuildDate"])
def test_the_channel_says_its_zone(site: SiteProject, feed: str, element: str) -> None:
    # The feed plugin wrote "-0000", which RFC 2822 reserves for "zone unknown": Python's
    # email.utils reads it as a naive time, and a strict reader may take it as local time.
    text = _channel(site, feed).findtext(element) or ""
    assert RFC822_WITH_ZONE.match(text), text
    moment = email.utils.parsedate_to_datetime(text)
    assert moment.tzinfo is not None, text
    assert moment == dt.datetime.fromtimestamp(int(EVENING_IN_UTC), dt.UTC)


@pytest.mark.build
def test_the_feed_holds_the_posts_newest_first_and_no_private_value(site: SiteProject) -> None:
    channel = _channel(site, "feed_rss_created.xml")
    links = [item.findtext("link") or "" for item in channel.findall("item")]
    assert links == [
        "https://partners.example.com/blog/2026/11/newsletter-2026-11/",
        "https://partners.example.com/blog/2026/10/newsletter-2026-10/",
        "https://partners.example.com/blog/2026/09/newsletter-2026-09/",
        "https://partners.example.com/blog/2026/03/welcome/",
    ]
    text = site.read_site("feed_rss_created.xml") + site.read_site("feed_rss_updated.xml")
    assert [value for value in CONFIDENTIAL if value in text] == []


@pytest.mark.build
def test_an_issue_from_before_the_owners_zone_kept_whole_minutes_is_read_at_its_date(tmp_path: Path) -> None:
    # Amsterdam's clocks ran 1:19:32 ahead of UTC in the summer of 1935: the feed plugin dated
    # May's issue "Fri, 31 May 1935 00:00:00 +011932", a zone RFC 822 does not have, which
    # feedparser read as 29 May, 14:48 UTC. Said in UTC, it is the same instant, read as such.
    data = """\
newsletter: {title: Old News, owner: Olive Owner, timezone: Europe/Amsterdam}
partners:
  - {id: ann, name: Ann Able}
referrals:
  - {id: r1, partner: ann, prospect: P One, introduced: 1935-05-03}
"""
    project = _built(tmp_path, data)
    midnight = dt.datetime(1935, 5, 31, tzinfo=ZoneInfo("Europe/Amsterdam"))
    for feed in FEEDS:
        parsed = feedparser.parse(project.read_site(feed))
        (issue,) = [entry for entry in parsed.entries if "newsletter-1935-05" in entry.link]
        assert RFC822_WITH_ZONE.match(issue.published), issue.published
        assert email.utils.parsedate_to_datetime(issue.published) == midnight
        assert calendar.timegm(issue.published_parsed) == midnight.timestamp()


@pytest.mark.build
def test_guids_links_and_dates_stay_put_when_another_partner_s_note_changes(tmp_path: Path) -> None:
    # A guid that changes makes every feed reader show the issue again as new.
    project = _built(tmp_path)
    before = {feed: project.read_site(feed) for feed in FEEDS}
    project.write_data(DATA.replace("NOTE-TWO", "NOTE-TWO now edited"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert {feed: project.read_site(feed) for feed in FEEDS} == before


@pytest.mark.build
def test_a_post_s_meta_author_is_the_owner_s_name_and_the_feed_s_is_rss_s_form(site: SiteProject) -> None:
    # The feed wants "address (Name)"; the post's <meta name="author"> read as a Python list,
    # "['tama@harbour.example (Tama Owner)']", in link previews and search results.
    post = BeautifulSoup(site.read_site("blog/2026/10/newsletter-2026-10/index.html"), "html.parser")
    meta = post.find("meta", attrs={"name": "author"})
    assert meta is not None and meta["content"] == "Tama Owner"
    authors = {item.findtext("author") for item in _channel(site, "feed_rss_created.xml").findall("item")}
    assert authors == {"tama@harbour.example (Tama Owner)"}


@pytest.mark.engines
def test_under_zensical_no_issue_is_dated_after_the_feed_was_built_east_of_utc(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    project.write_data(DATA)
    zensical = str(engine_program("zensical"))
    result = project.generator(
        "build", "--engine", "zensical", REFERRAL_ZENSICAL=zensical, SOURCE_DATE_EPOCH=EVENING_IN_UTC
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for feed in FEEDS:
        channel = _channel(project, feed)
        built = _date(channel.findtext("lastBuildDate"))
        assert all(_date(item.findtext("pubDate")) <= built for item in channel.findall("item")), feed


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.build
def test_posts_give_machines_the_day_they_are_dated_not_midnight_utc(site: SiteProject) -> None:
    # Material wrote <time datetime="2026-11-21 00:00:00+00:00"> for the issue dated the 21st in
    # Auckland: 13:00 there, four hours after the build, and the 20th to a reader who converts
    # it west of UTC. The day itself, as the page and the feed date the post.
    pages = [site.site / "blog" / "index.html", *sorted((site.site / "blog").glob("20*/*/*/index.html"))]
    stamps = [
        stamp for page in pages for stamp in BeautifulSoup(page.read_text("utf-8"), "html.parser")("time")
    ]
    assert len(stamps) >= len(pages)
    for stamp in stamps:
        shown = dt.datetime.strptime(stamp.get_text(strip=True), "%d %B %Y").date()
        assert stamp["datetime"] == shown.isoformat(), stamp


@pytest.mark.build
def test_the_sitemap_lists_public_pages_each_dated_when_it_last_changed(site: SiteProject) -> None:
    # Every page's lastmod was the build date: each build told crawlers that every past issue
    # had changed that day. A post's is its own date, never after the build date (the issue under
    # way is dated the 21st in Auckland, the 20th in UTC); pages that follow the data, the build date.
    root = ET.fromstring(site.read_site("sitemap.xml"))
    assert root.tag == f"{SITEMAP}urlset"
    lastmod = {(url.findtext(f"{SITEMAP}loc") or ""): url.findtext(f"{SITEMAP}lastmod") for url in root}
    assert all(loc.startswith("https://partners.example.com/") for loc in lastmod)
    assert [loc for loc in lastmod if "/p/" in loc] == []
    site_url = "https://partners.example.com/"
    assert lastmod[site_url + "blog/2026/09/newsletter-2026-09/"] == "2026-09-30"
    assert lastmod[site_url + "blog/2026/10/newsletter-2026-10/"] == "2026-10-31"
    assert lastmod[site_url + "blog/2026/11/newsletter-2026-11/"] == "2026-11-20"
    assert lastmod[site_url + "blog/2026/03/welcome/"] == "2026-03-02"
    assert lastmod[site_url] == lastmod[site_url + "blog/"] == "2026-11-20"  # the build's UTC date
    assert f"Sitemap: {site_url}sitemap.xml" in site.read_site("robots.txt").splitlines()


@pytest.mark.build
def test_search_finds_the_public_words_and_no_private_page_or_value(site: SiteProject) -> None:
    index = json.loads(site.read_site("search/search_index.json"))
    locations = {doc["location"].partition("#")[0] for doc in index["docs"]}
    assert {"", "tree/", "blog/2026/10/newsletter-2026-10/", "blog/2026/03/welcome/"} <= locations
    assert [location for location in locations if location.startswith("p/")] == []

    def found(words: str) -> set[str]:
        return {
            doc["location"].partition("#")[0] for doc in index["docs"] if words in doc["text"] + doc["title"]
        }

    assert "" in found("Harbour Partner News")
    assert "blog/2026/09/newsletter-2026-09/" in found("Anne Public")
    assert "blog/2026/11/newsletter-2026-11/" in found("Harbour barbecue night")
    text = site.read_site("search/search_index.json")
    assert [value for value in CONFIDENTIAL if value in text] == []


def test_a_pinned_build_date_is_the_start_of_the_owners_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without SOURCE_DATE_EPOCH the plugin pins the feeds' build date; at 20:00 UTC on 10
    # December it was midnight UTC on the 10th, before the issue dated the 11th in Auckland.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")  # unset for the plugin; restored after the test
    now = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(pipeline, "_now", lambda: now)
    plugin = ReferralNewsletterPlugin()
    plugin._pin_build_date_to_owners_day(plugin._build_moment(), "Pacific/Auckland")
    pinned = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC)
    assert pinned == dt.datetime(2026, 12, 10, 11, 0, tzinfo=dt.UTC)  # 00:00 on the 11th there
    assert pinned <= now


def test_the_first_pinned_build_date_is_the_runs_utc_day_whatever_the_machines_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Before the data names the owner's zone, the pin is the start of the run's UTC day: the
    # machine's own date (UTC+14 here, already the 11th) put it a day ahead.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    monkeypatch.setenv("TZ", "Etc/GMT-14")
    time.tzset()
    monkeypatch.setattr(pipeline, "_now", lambda: dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC))
    try:
        ReferralNewsletterPlugin()._build_moment()
        pinned = dt.datetime.fromtimestamp(int(os.environ["SOURCE_DATE_EPOCH"]), dt.UTC)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert pinned == dt.datetime(2026, 12, 10, tzinfo=dt.UTC)


def test_zensical_s_whole_day_items_are_dated_at_midnight_where_the_owner_lives(tmp_path: Path) -> None:
    feed = tmp_path / "feed_rss_created.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<lastBuildDate>Fri, 04 Dec 2026 10:22:14 +0000</lastBuildDate>"
        "<item><title>November</title><pubDate>Sat, 21 Nov 2026 00:00:00 +0000</pubDate></item>"
        "<item><title>Timed</title><pubDate>Tue, 03 Mar 2026 08:30:00 +0000</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    assert fix_feed_dates(tmp_path, {"SOURCE_DATE_EPOCH": EVENING_IN_UTC}, "Pacific/Auckland") == 1
    text = feed.read_text(encoding="utf-8")
    assert "<lastBuildDate>Fri, 20 Nov 2026 20:00:00 +0000</lastBuildDate>" in text
    assert "<pubDate>Sat, 21 Nov 2026 00:00:00 +1300</pubDate>" in text  # 11:00 UTC on the 20th
    assert "<pubDate>Tue, 03 Mar 2026 08:30:00 +0000</pubDate>" in text  # a post's own time stays


def test_zensical_s_items_from_before_the_owners_zone_kept_whole_minutes_are_said_in_utc(
    tmp_path: Path,
) -> None:
    # Midnight in Amsterdam on 31 May 1935 was "+011932", which RFC 822 cannot say.
    feed = tmp_path / "feed_rss_created.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        "<item><title>May</title><pubDate>Fri, 31 May 1935 00:00:00 +0000</pubDate></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    assert fix_feed_dates(tmp_path, {"SOURCE_DATE_EPOCH": EVENING_IN_UTC}, "Europe/Amsterdam") == 1
    assert "<pubDate>Thu, 30 May 1935 22:40:28 +0000</pubDate>" in feed.read_text(encoding="utf-8")
