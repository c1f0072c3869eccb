"""The demo site in a real browser, at a phone and a desktop size, the way partners read it.

One strict build of the repo's demo ``partners.yaml`` per module, served by ``http.server`` on
loopback, read by Debian's ``chromium`` through Playwright (Playwright's own browser download
is unreachable here; ``.ci/run`` installs chromium from apt) and checked with axe-core from
``tests/browser`` (``npm ci --prefix tests/browser``). Screenshots and the printed PDF land in
``test-artifacts/``; with ``UPDATE_DOCS_IMAGES=1`` the two pictures the README shows are
refreshed in ``docs-images/`` too, like golden files behind an explicit flag.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import itertools
import os
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import REPO, TEST_SECRET, SiteProject, make_project
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

from generator.addresses import private_token
from generator.dates_in_words import long_date
from generator.names_in_words import greeting_name
from generator.referral_labels import STAGE_EVENTS
from generator.views import STAGE_WORDS
from generator.words import introduction_line

# Debian's headless shell (apt-get install chromium-headless-shell) idles at a third of the CPU
# of the full browser, whose hidden omnibox popup keeps repainting; either one works.
BROWSERS = [Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium")]
CHROMIUM = Path(os.environ.get("CHROMIUM") or next((b for b in BROWSERS if b.is_file()), BROWSERS[0]))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DOCS_IMAGES = REPO / "docs-images"
README_IMAGES = {  # screenshot name → the README's copy
    "partner-page-phone-first-screen": "partner-page.png",
    "newsletter-post-desktop-first-screen": "newsletter-post.png",
}
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 800},
    "small-phone": {"width": 320, "height": 640},  # the narrowest in use (iPhone SE, small Androids)
    "phone-375": {"width": 375, "height": 812},  # the accessibility checks' phone (iPhone mini, X)
}
SIZES = ["phone", "desktop"]  # what most tests read at; phone-only checks add the small phone
TIMEOUT_MS = 60_000  # a loaded two-core CI machine can take seconds per navigation
expect.set_options(timeout=TIMEOUT_MS)
DEMO = yaml.safe_load((REPO / "partners.yaml").read_text(encoding="utf-8"))
STRESS = REPO / "tests" / "fixtures" / "visual-stress.yaml"
STRESS_DATA = yaml.safe_load(STRESS.read_text(encoding="utf-8"))
INSIGHTS_PATH = f"p/{private_token(TEST_SECRET.encode('utf-8'), 'insights', 'owner')}/"
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _updates(partner_id: str) -> int:
    return sum(len(r.get("updates", [])) for r in DEMO["referrals"] if r["partner"] == partner_id)


# The longest partner page: if it reads and prints well, the shorter ones do too.
PARTNER = max(DEMO["partners"], key=lambda p: (_updates(p["id"]), p["id"]))
REFERRALS = [r for r in DEMO["referrals"] if r["partner"] == PARTNER["id"]]


def partner_path(partner_id: str) -> str:
    return f"p/{private_token(TEST_SECRET.encode('utf-8'), 'partner', partner_id, 0)}/"


# ---------------------------------------------------------------- site, server, browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[tuple[Path, str]]:
    """A loopback server on a free port for ``root``/site, which the site is built into next."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root / "site"))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    with _serving(tmp_path_factory.mktemp("demo")) as root_and_url:
        yield root_and_url


def _published_at(root: Path, url: str, data: Path) -> SiteProject:
    """A project for ``data`` whose site_url is ``url``, so the site's own absolute links stay local."""
    project = make_project(root)
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    published = re.search(r"^site_url:\s*(\S+)", text, re.MULTILINE)
    assert published is not None
    config.write_text(text.replace(published.group(1), url), encoding="utf-8")
    shutil.copy(data, project.root / "partners.yaml")
    return project


@pytest.fixture(scope="module")
def site_url(served: tuple[Path, str]) -> str:
    """The demo built as if published at the loopback address."""
    root, url = served
    project = _published_at(root, url, REPO / "partners.yaml")
    for post in (REPO / "content" / "blog" / "posts").glob("*.md"):  # hand-written posts
        shutil.copy(post, project.content / "blog" / "posts" / post.name)
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    return url


@pytest.fixture(scope="module")
def stress_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/fixtures/visual-stress.yaml built and served: what the demo's tidy names never show."""
    with _serving(tmp_path_factory.mktemp("stress")) as (root, url):
        project = _published_at(root, url, STRESS)
        result = project.mkdocs_build("--strict")
        assert result.returncode == 0, result.stdout + result.stderr
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no browser at {CHROMIUM}: apt-get install chromium-headless-shell (or set CHROMIUM)")
    if not AXE.is_file():
        pytest.fail(f"no {AXE.relative_to(REPO)}: npm ci --prefix tests/browser")
    with sync_playwright() as playwright:
        # Playwright's own 30 s for a launch is a guess at speed; TIMEOUT_MS, as for the rest.
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield launched
        launched.close()


def _new_context(browser: Browser, viewport: str, scheme: str) -> BrowserContext:
    context = browser.new_context(
        viewport=VIEWPORTS[viewport],
        color_scheme=scheme,
        reduced_motion="reduce",
        locale="en-GB",
        timezone_id="UTC",
        service_workers="block",
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture(scope="module")
def contexts(browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    made = {name: _new_context(browser, name, "light") for name in VIEWPORTS}
    yield made
    for context in made.values():
        context.close()


@pytest.fixture(scope="module")
def dark_context(browser: Browser) -> Iterator[BrowserContext]:
    """Its own context: Material keeps the palette a page was shown in for the next page."""
    context = _new_context(browser, "desktop", "dark")
    yield context
    context.close()


@dataclass
class Tab:
    """A page of the served site that records every request and every console error."""

    page: Page
    site_url: str
    viewport: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self._console(message.type, message.text, message.location))
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("response", lambda response: self._status(response.status, response.url))

    def _console(self, kind: str, text: str, location: dict[str, Any]) -> None:
        # Chromium probes /favicon.ico for a document that names no icon: the feed's XML view.
        # Every HTML page names Material's favicon, so this is the browser's guess, not a broken link.
        if kind == "error" and urlsplit(location.get("url", "")).path != "/favicon.ico":
            self.errors.append(f"{text} ({location.get('url')})")

    def _status(self, status: int, url: str) -> None:
        if status >= 400:  # the console says only "Failed to load resource"; this says which
            self.errors.append(f"{status} {url}")

    def open(self, path: str) -> None:
        response = self.page.goto(self.site_url + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"

    def screenshot(self, name: str, *, first_screen: bool = False) -> Path:
        stem = f"{name}-{self.viewport}" + ("-first-screen" if first_screen else "")
        path = SCREENSHOTS / f"{stem}.png"
        self.page.screenshot(path=path, full_page=not first_screen, animations="disabled")
        if stem in README_IMAGES and os.environ.get("UPDATE_DOCS_IMAGES") == "1":
            DOCS_IMAGES.mkdir(exist_ok=True)
            shutil.copy(path, DOCS_IMAGES / README_IMAGES[stem])
        return path

    def assert_clean(self) -> None:
        """No console errors, and nothing requested from anywhere but the loopback server."""
        assert self.errors == []
        assert any(url.startswith(self.site_url) for url in self.requests)
        parts = [urlsplit(url) for url in self.requests]
        foreign = [part.geturl() for part in parts if part.scheme != "data" and part.hostname != "127.0.0.1"]
        assert foreign == []


def _tab(context: BrowserContext, site_url: str, viewport: str) -> Iterator[Tab]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = context.new_page()
    yield Tab(page, site_url, viewport)
    page.close()


@pytest.fixture(params=SIZES)
def tab(request: pytest.FixtureRequest, contexts: dict[str, BrowserContext], site_url: str) -> Iterator[Tab]:
    yield from _tab(contexts[request.param], site_url, request.param)


@pytest.fixture(params=SIZES)
def stress_tab(
    request: pytest.FixtureRequest, contexts: dict[str, BrowserContext], stress_url: str
) -> Iterator[Tab]:
    yield from _tab(contexts[request.param], stress_url, request.param)


@pytest.fixture(params=["phone", "small-phone"])
def phone_tab(
    request: pytest.FixtureRequest, contexts: dict[str, BrowserContext], site_url: str
) -> Iterator[Tab]:
    yield from _tab(contexts[request.param], site_url, request.param)


@pytest.fixture
def desktop_tab(contexts: dict[str, BrowserContext], site_url: str) -> Iterator[Tab]:
    yield from _tab(contexts["desktop"], site_url, "desktop")


@pytest.fixture(params=["light", "dark"])
def scheme_tab(
    request: pytest.FixtureRequest,
    contexts: dict[str, BrowserContext],
    dark_context: BrowserContext,
    site_url: str,
) -> Iterator[Tab]:
    """A desktop page whose prefers-color-scheme is light or dark: mkdocs.yml picks the palette by it."""
    context = dark_context if request.param == "dark" else contexts["desktop"]
    yield from _tab(context, site_url, f"desktop-{request.param}")


# ---------------------------------------------------------------- what partners read


def test_partner_page_shows_each_referral_its_progress_and_timeline(tab: Tab) -> None:
    tab.open(partner_path(PARTNER["id"]))
    page = tab.page
    article = page.locator("article")
    greeting = greeting_name(PARTNER["name"], PARTNER.get("greeting"))
    expect(article.locator("h1")).to_have_text(re.compile(rf"Thank you, {re.escape(greeting)}"))
    thanks = article.locator(".admonition.success").first
    expect(thanks).to_be_visible()
    blocks = article.locator(".referral")
    expect(blocks).to_have_count(len(REFERRALS))
    assert _top(thanks) < _top(blocks.first), "the thank-you comes before the referrals"
    for referral in REFERRALS:
        _check_referral(blocks.filter(has=page.locator("h3", has_text=referral["prospect"])), referral)
    assert not ISO_DATE.search(article.inner_text()), "dates are written in words"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    tab.screenshot("partner-page")
    page.evaluate("window.scrollTo(0, 0)")
    tab.screenshot("partner-page", first_screen=True)
    tab.assert_clean()


# Words the reader takes as one, cut across two lines: each piece of ``text`` between
# separators, drawn on more than one line (its characters' boxes on different lines).
SPLIT_ACROSS_LINES = """([selector, separator]) => {
    const split = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        const chars = [];  // [text node, offset] of each character of element.textContent
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
        }
        const text = element.textContent;
        let start = 0;
        for (const piece of text.split(separator)) {
            const from = start + piece.length - piece.trimStart().length;
            const to = start + piece.trimEnd().length;
            start += piece.length + separator.length;
            if (to <= from) continue;
            const range = document.createRange();
            range.setStart(...chars[from]);
            range.setEnd(chars[to - 1][0], chars[to - 1][1] + 1);
            const middles = [...range.getClientRects()].filter(r => r.width > 0).map(r => (r.top + r.bottom) / 2);
            const height = parseFloat(getComputedStyle(element).fontSize);
            if (Math.max(...middles) - Math.min(...middles) > height / 2) split.push(text.slice(from, to));
        }
    }
    return split;
}"""


def test_progress_steps_are_read_in_words_by_a_screen_reader(desktop_tab: Tab) -> None:
    """A screen reader read "check mark Introduced right arrow black circle Met right arrow white circle …"."""
    desktop_tab.open(partner_path(PARTNER["id"]))
    lines = desktop_tab.page.locator(".referral-progress")
    expect(lines).to_have_count(len(REFERRALS))
    for line in lines.all():
        spoken = line.aria_snapshot()
        assert not re.search("[✓●○→]", spoken), spoken
        assert re.search(r"\(now\)", spoken), spoken
        assert re.search(r"\((?:done|to come)\)", spoken), spoken
        assert line.locator(".visually-hidden").first.is_hidden() is False  # read, yet not drawn:
        assert line.locator(".visually-hidden").first.evaluate("e => e.getBoundingClientRect().width") <= 1


@pytest.mark.parametrize("where", ["home", "post", "partner"])
def test_calendar_links_say_which_event_out_of_context(
    desktop_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """A screen reader's list of links read "add to your calendar" once per event, all alike."""
    desktop_tab.open(a11y_pages[where])
    links = desktop_tab.page.locator("article a[href$='.ics']")
    spoken = [" ".join(re.findall(r'link "(.*?)"', link.aria_snapshot())[0].split()) for link in links.all()]
    assert len(spoken) >= 2, "the demo has several events coming up"
    assert len(set(spoken)) == len(spoken), spoken
    titles = {f"add {event['title']} to your calendar" for event in DEMO["events"]}
    assert set(spoken) <= titles, spoken
    # The eye reads "(add to your calendar)" as before, the event's title beside it.
    assert links.first.locator(".visually-hidden").evaluate("e => e.getBoundingClientRect().width") <= 1


def test_progress_steps_stay_whole_on_a_line(tab: Tab) -> None:
    """A step such as "○ Proposal made" never ends one line with "○" and starts the next with its words."""
    tab.open(partner_path(PARTNER["id"]))
    assert tab.page.evaluate(SPLIT_ACROSS_LINES, [".referral-progress", "→"]) == []


# Dates ("11 April 2023"), ages ("(2 months ago)"), spans ("182 days") and hours ("18:00 to
# 21:00") drawn across two lines, in the elements
# ``selector`` names: each match of the pattern in an element's text, its characters' line boxes.
DATES_SPLIT = """selector => {
    const pattern = /\\d{1,2} [A-Z][a-z]+ \\d{4}|\\([^()]* ago\\)|\\d+ days\\b|\\d\\d:\\d\\d to \\d\\d:\\d\\d/g;
    const split = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        const chars = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
        }
        for (const match of element.textContent.matchAll(pattern)) {
            const range = document.createRange();
            range.setStart(...chars[match.index]);
            const last = chars[match.index + match[0].length - 1];
            range.setEnd(last[0], last[1] + 1);
            const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
            if (tops.size > 1) split.push(match[0]);
        }
    }
    return split;
}"""


def test_dates_on_a_partner_page_stay_on_one_line(tab: Tab) -> None:
    """A subtitle ending "since 11" with "April 2023" on the next line reads as two things."""
    tab.open(partner_path(PARTNER["id"]))
    assert tab.page.evaluate(DATES_SPLIT, ".partner-subtitle, .referral li, article > ul > li") == []


@pytest.mark.parametrize("where", ["partner", "insights", "home", "post"])
def test_dates_stay_whole_on_the_smallest_phone(
    phone_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """At 320 px "Introduced on 4 November" ended a line and "2026 over lunch" began the next; the
    insights to-do list split "2 September" | "2026" and "182" | "days" at 390 px; an event's
    hours read "18:00 to" | "21:00" at 320 px on the home page, posts and partner pages."""
    phone_tab.open(a11y_pages[where])
    assert phone_tab.page.evaluate(DATES_SPLIT, ".partner-subtitle, article li") == []


# [ids checked, ids cut]: the referral ids of the insights' to-do list cut across two lines ("r-2026-" | "013") at any
# width of their line from 360 px down to 160: where each line ends depends on the names before
# the id, so every width is tried rather than the one the demo happens to have.
IDS_SPLIT = """() => {
    const split = new Set();
    let checked = 0;
    for (const item of document.querySelectorAll('article li')) {
        const id = [...item.childNodes].map(node => node.textContent).join('').match(/referral (r-[\\w-]+)/);
        if (!id) continue;
        checked += 1;
        const walker = document.createTreeWalker(item, NodeFilter.SHOW_TEXT);
        let node = walker.nextNode();
        while (node && !node.data.includes(id[1])) node = walker.nextNode();
        const range = document.createRange();
        range.setStart(node, node.data.indexOf(id[1]));
        range.setEnd(node, node.data.indexOf(id[1]) + id[1].length);
        for (let width = 360; width >= 160; width -= 4) {
            item.style.width = `${width}px`;
            const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.bottom)));
            if (lines.size > 1) split.add(id[1]);
        }
        item.style.width = '';
    }
    return [checked, [...split]];
}"""


def test_referral_ids_stay_whole_at_any_width(desktop_tab: Tab, a11y_pages: dict[str, str]) -> None:
    desktop_tab.open(a11y_pages["insights"])
    checked, split = desktop_tab.page.evaluate(IDS_SPLIT)
    assert checked >= 5, "the demo's to-do list names referrals due an update"
    assert split == []


def test_update_tables_line_up_from_one_referral_to_the_next(desktop_tab: Tab) -> None:
    """Each referral's history table starts its columns where the one above does, as one ledger."""
    desktop_tab.open(partner_path(PARTNER["id"]))
    edges = desktop_tab.page.evaluate(
        """() => [...document.querySelectorAll('.referral table')].map(table =>
            [...table.querySelectorAll('thead th')].slice(0, 2).map(th => Math.round(th.getBoundingClientRect().right))
                .concat(Math.round(table.getBoundingClientRect().right)))"""
    )
    assert len(edges) >= 2
    assert len({tuple(edge) for edge in edges}) == 1, edges


def test_lines_led_by_an_icon_have_no_bullet_as_well(tab: Tab) -> None:
    """A bullet before "🎁 31 March 2026: …" would give the line two markers: the icon is its marker."""
    tab.open(partner_path(PARTNER["id"]))
    markers = tab.page.evaluate(
        """() => [...document.querySelectorAll('article li')]
            .filter(li => getComputedStyle(li).display === 'list-item')  // cards show no marker
            .filter(li => (li.firstElementChild?.matches('.twemoji') && !li.firstChild.data?.trim())
                || li.firstElementChild?.matches('p') && li.firstElementChild.firstElementChild?.matches('.twemoji'))
            .map(li => getComputedStyle(li).listStyleType)"""
    )
    assert len(markers) >= 4, "introduced, last news, business given back, events"
    assert set(markers) == {"none"}


def test_every_icon_is_drawn_in_the_colour_of_its_text(tab: Tab) -> None:
    """The icons come from the stylesheet (one copy each), not from an SVG in every page: each
    must still be drawn, at the size Material gives its icons, in the colour of the text."""
    tab.open(partner_path(PARTNER["id"]))
    icons = tab.page.evaluate(
        """() => [...document.querySelectorAll('article .twemoji[class*=" icon-"]')].map(icon => {
            const drawn = getComputedStyle(icon, '::before');
            const box = icon.getBoundingClientRect();
            return {
                name: [...icon.classList].find(name => name.startsWith('icon-')),
                mask: drawn.maskImage || drawn.webkitMaskImage,
                paint: drawn.backgroundColor,
                text: getComputedStyle(icon).color,
                width: box.width, height: box.height,
            };
        })"""
    )
    names = {icon["name"] for icon in icons}
    assert {"icon-handshake-outline", "icon-trophy-outline", "icon-calendar-start"} <= names
    for icon in icons:
        assert icon["mask"].startswith('url("data:image/svg+xml'), icon
        assert icon["paint"] == icon["text"], icon
        assert icon["width"] >= 12 and icon["height"] >= 12, icon
    tab.assert_clean()


def _check_referral(block: Locator, referral: dict[str, Any]) -> None:
    updates = referral.get("updates", [])
    stage = updates[-1]["stage"] if updates else "introduced"
    block.scroll_into_view_if_needed()
    expect(block.locator(".referral-progress")).to_be_visible()
    shown = block.evaluate(
        """block => {
          // What the eye reads: without the words kept for screen readers.
          const seen = element => {
            const copy = element.cloneNode(true);
            copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
            return copy.textContent.replace(/\u00a0/g, ' ');
          };
          return {
            title: block.querySelector('.admonition-title').innerText.trim(),
            progress: seen(block.querySelector('.referral-progress')),
            current: seen(block.querySelector('.referral-progress strong')).trim(),
            introduced: block.querySelector(':scope > ul > li').innerText.trim(),
            rows: [...block.querySelectorAll('table tbody tr')].map(row =>
                [...row.querySelectorAll('td')].map(cell => cell.innerText.trim())),
          };
        }"""
    )
    assert shown["title"] == STAGE_WORDS[stage]
    how = (referral["introduced"], referral.get("method"), referral.get("asked"))
    assert shown["introduced"] == introduction_line(*how), "one sentence, however it is marked up"
    # Told by symbols and words, not by colour alone: ✓ done, ● where it stands (bold), ○ to come.
    assert shown["current"] == f"● {STAGE_WORDS[stage]}"
    assert ("✓ Introduced" if updates else "● Introduced") in shown["progress"]
    assert ("○ Closed" in shown["progress"]) == (stage not in ("won", "lost"))
    if updates:
        expect(block.locator("table")).to_be_visible()
    expected = [[long_date(u["date"]), STAGE_EVENTS[u["stage"]], u.get("note", "")] for u in updates]
    assert shown["rows"] == expected


def _top(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return float(box["y"])


def test_newsletter_index_lists_posts_and_opens_one(tab: Tab) -> None:
    tab.open("blog/")
    page = tab.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("Newsletter")
    posts = page.locator("article.md-post")
    assert posts.count() >= 2
    tab.screenshot("newsletter-index", first_screen=True)
    newest = posts.first
    title = newest.locator("h2").inner_text()
    newest.get_by_role("link", name="Continue reading").click()
    page.wait_for_url(re.compile(r"/blog/\d{4}/\d{2}/[^/]+/$"))
    expect(page.locator("article h1")).to_contain_text(title)
    numbers = page.locator("article table").first
    expect(numbers).to_be_visible()
    expect(numbers.locator("th").first).to_be_visible()
    tab.screenshot("newsletter-post")
    page.evaluate("window.scrollTo(0, 0)")
    tab.screenshot("newsletter-post", first_screen=True)
    tab.assert_clean()


def test_newsletter_dates_read_like_the_rest_of_the_site(tab: Tab) -> None:
    """Issues are dated "30 November 2026", as every sentence of the site is, not "November 30, 2026"."""
    tab.open("blog/")
    dates = tab.page.locator("article.md-post .md-meta time, .md-post__meta time").all_inner_texts()
    assert dates, "the listing dates its issues"
    assert [date for date in dates if not re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", date.strip())] == []


def test_follow_link_on_the_home_page_explains_the_feed_and_leads_to_it(tab: Tab) -> None:
    tab.open("")
    page = tab.page
    expect(page.locator("article h1")).to_contain_text(DEMO["newsletter"]["title"])
    tab.screenshot("home", first_screen=True)
    link = page.get_by_role("link", name="Follow the newsletter")
    expect(link).to_be_visible()
    link.click()
    page.wait_for_url(re.compile(r"/follow/$"))
    # A plain page in words, with the address to copy: no XSLT view of the feed.
    expect(page.locator("article code")).to_contain_text("feed_rss_created.xml")
    tab.screenshot("follow", first_screen=True)
    with page.expect_response(lambda response: response.request.is_navigation_request()) as navigation:
        page.get_by_role("link", name="Open the feed itself").click()
    feed = navigation.value
    assert feed.ok and urlsplit(feed.url).path == "/feed_rss_created.xml"
    raw = page.request.get(feed.url).text()
    assert raw.startswith("<?xml") and "<rss" in raw and "<item>" in raw
    assert "<?xml-stylesheet" not in raw
    tab.assert_clean()


def test_newsletter_index_leads_to_the_follow_page_not_the_raw_feed(phone_tab: Tab) -> None:
    """The newsletter's index linked "RSS feed" straight to the feed's XML, which a phone shows
    as a page of code; the home page's link leads to the page that explains feeds (review40)."""
    phone_tab.open("blog/")
    page = phone_tab.page
    assert page.locator("article a[href$='.xml']").count() == 0
    page.get_by_role("link", name="follow the newsletter").click()
    page.wait_for_url(re.compile(r"/follow/$"))
    expect(page.locator("article code")).to_contain_text("feed_rss_created.xml")
    phone_tab.assert_clean()


def test_feed_address_is_shown_whole(tab: Tab) -> None:
    """The address to copy by hand wraps on a phone instead of running out of its box unseen."""
    tab.open("follow/")
    code = tab.page.locator("article code", has_text="feed_rss_created.xml")
    expect(code).to_be_visible()
    assert code.evaluate("code => code.scrollWidth <= code.clientWidth"), "part of the address is hidden"


# Contact links cut in two ("mark@rodgers-" | "hd.example.com", "+1" | "262 555 0142") or
# parted from their icon, on a line that had room for them whole.
CONTACT_LINKS_CUT = """() => [...document.querySelectorAll('.owner-contact a')].filter(link => {
    const lines = new Set([...link.getClientRects()].map(r => Math.round(r.top)));
    const icon = link.previousElementSibling.getBoundingClientRect();
    const first = link.getClientRects()[0];
    return lines.size > 1 || Math.abs(icon.top + icon.bottom - first.top - first.bottom) / 2 > first.height / 2;
}).map(link => link.textContent)"""


@pytest.mark.parametrize("where", ["home", "partner"])
def test_contact_links_stay_whole_beside_their_icon(tab: Tab, a11y_pages: dict[str, str], where: str) -> None:
    tab.open(a11y_pages[where])
    links = tab.page.locator(".owner-contact a")
    expect(links).to_have_count(2)
    assert tab.page.evaluate(CONTACT_LINKS_CUT) == []
    underlined = links.evaluate_all("links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert underlined == ["underline", "underline"], "links in a sentence are told by more than colour"


def test_contact_separator_ends_a_line_rather_than_starting_one(stress_tab: Tab) -> None:
    """With an email address as long as a phone's line, the "·" after it stays on its line."""
    stress_tab.open("")
    apart = stress_tab.page.evaluate(
        """() => {
            const line = document.querySelector('.owner-contact');
            const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
            let text = walker.nextNode();
            while (!text.data.includes('·')) text = walker.nextNode();
            const range = document.createRange();
            range.setStart(text, text.data.indexOf('·'));
            range.setEnd(text, text.data.indexOf('·') + 1);
            const email = [...line.querySelector('a[href^="mailto:"]').getClientRects()].pop();
            return Math.abs(range.getBoundingClientRect().bottom - email.bottom);
        }"""
    )
    assert apart < 5, "the separator starts a line of its own"
    stress_tab.assert_clean()


# The business's name in the header bar: true when it is cut ("Rodgers Harley-Davi…"), by
# Material's one-line ellipsis or by leaving the bar.
HEADER_NAME_CUT = """() => {
    const name = document.querySelector('.md-header__topic:first-child > .md-ellipsis');
    const bar = document.querySelector('.md-header').getBoundingClientRect();
    const box = name.getBoundingClientRect();
    return name.scrollWidth > name.clientWidth || name.scrollHeight > name.clientHeight
        || box.top < bar.top || box.bottom > bar.bottom;
}"""


def test_business_name_in_the_header_shows_whole_on_a_phone(phone_tab: Tab) -> None:
    phone_tab.open("")
    name = phone_tab.page.locator(".md-header__topic").first
    expect(name).to_have_text(DEMO["newsletter"]["business"])
    assert not phone_tab.page.evaluate(HEADER_NAME_CUT)
    phone_tab.screenshot("header", first_screen=True)


@pytest.fixture
def stress_phone_tab(contexts: dict[str, BrowserContext], stress_url: str) -> Iterator[Tab]:
    yield from _tab(contexts["phone"], stress_url, "phone")


def test_business_name_in_the_phone_menu_shows_whole(stress_phone_tab: Tab) -> None:
    """The stress fixture's "Smith & Sons Motorcycles & Co" is wider than the menu Material opens."""
    stress_phone_tab.open("")
    page = stress_phone_tab.page
    page.locator("label.md-header__button[for='__drawer']").click()
    title = page.locator(".md-nav--primary > .md-nav__title[for='__drawer']")
    expect(title).to_be_visible()
    expect(title).to_have_text(STRESS_DATA["newsletter"]["business"])
    assert title.evaluate("t => t.scrollWidth <= t.clientWidth && t.scrollHeight <= t.clientHeight")
    page.screenshot(path=SCREENSHOTS / "menu-stress-phone.png", animations="disabled")
    stress_phone_tab.assert_clean()


# Headings with an empty last line: [heading, px from its last line of words to its bottom].
HEADINGS_WITH_A_BLANK_LINE = """() => [...document.querySelectorAll('article :is(h1, h2, h3)')].map(heading => {
    const text = document.createRange();
    text.setStart(heading.firstChild, 0);
    text.setEnd(heading.firstChild, heading.firstChild.length);
    const last = Math.max(...[...text.getClientRects()].map(r => r.bottom));
    const style = getComputedStyle(heading);
    const bottom = heading.getBoundingClientRect().bottom - parseFloat(style.paddingBottom);
    return [heading.firstChild.textContent.trim(), Math.round(bottom - last)];
}).filter(([, gap]) => gap > 8)"""


@pytest.mark.parametrize("where", ["home", "insights"])
def test_headings_end_with_their_words_on_a_phone(
    phone_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """At 390 px the home page's title had a blank line under it: Material's hidden "¶" wrapped."""
    phone_tab.open(a11y_pages[where])
    assert phone_tab.page.evaluate(HEADINGS_WITH_A_BLANK_LINE) == []


def test_not_found_page_explains_and_leads_home(tab: Tab) -> None:
    """A stale link (a private address that changed) ends on a page that says why and leads on."""
    tab.open("404.html")  # http.server answers a missing path with its own page, not the site's
    page = tab.page
    expect(page.locator("article h1")).to_have_text("Page not found")
    expect(page.locator("article p").first).to_contain_text("address may have changed")
    page.locator("article").get_by_role("link", name="Go to the home page").click()
    page.wait_for_url(tab.site_url)
    expect(page.locator("article h1")).to_contain_text(DEMO["newsletter"]["title"])
    tab.assert_clean()


# The box a reader looks for first (their own on their page, the first family's founder on the
# tree page), whole inside the drawing as it first shows, before any sideways scrolling.
FIRST_BOX_SHOWN = """selector => {
    const box = document.querySelector(selector).getBoundingClientRect();
    const figure = document.querySelector('.referral-tree-figure').getBoundingClientRect();
    return box.left >= figure.left && box.right <= figure.right;
}"""


@pytest.mark.parametrize(
    ("where", "box"),
    [("partner", ".referral-tree rect[stroke-width='3']"), ("tree", ".referral-tree rect")],
)
def test_wide_tree_first_shows_the_box_that_matters(stress_tab: Tab, where: str, box: str) -> None:
    stress_tab.open(partner_path("anne") if where == "partner" else "tree/")
    figure = stress_tab.page.locator(".referral-tree-figure")
    if stress_tab.viewport == "phone":  # wider than the screen: the case this is about
        assert figure.evaluate("figure => figure.scrollWidth > figure.clientWidth")
    assert stress_tab.page.evaluate(FIRST_BOX_SHOWN, box)


# How dark each point of the tree drawing's horizontal connector lines is drawn (the drawing
# rendered alone on a canvas, ink summed across each line's few rows), away from the vertical
# lines: [lightest, darkest]. A line shared by several children must not be drawn darker.
CONNECTOR_INK = """async () => {
    const svg = document.querySelector('svg.referral-tree');
    const image = new Image();
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = svg.viewBox.baseVal.width;
    canvas.height = svg.viewBox.baseVal.height;
    const context = canvas.getContext('2d');
    context.drawImage(image, 0, 0);
    const ink = [];
    const edges = [...svg.querySelectorAll('path')]
        .map(path => path.getAttribute('d').match(/M([\\d.]+) ([\\d.]+) V([\\d.]+) H([\\d.]+)/).map(Number));
    const verticals = edges.flatMap(([, x1, , , x2]) => [x1, x2]);
    for (const [, x1, , middle, x2] of edges) {
        for (let x = Math.min(x1, x2); x < Math.max(x1, x2); x++) {
            if (verticals.some(v => Math.abs(v - x) < 3)) continue;
            const rows = context.getImageData(x, middle - 2, 1, 5).data;
            let sum = 0;
            for (let i = 3; i < rows.length; i += 4) sum += rows[i] / 255;
            ink.push(sum);
        }
    }
    return [Math.min(...ink), Math.max(...ink)];
}"""


def test_tree_connectors_are_one_even_grey(stress_tab: Tab) -> None:
    stress_tab.open("tree/")
    lightest, darkest = stress_tab.page.evaluate(CONNECTOR_INK)
    assert lightest > 0.2, "the connectors are drawn"
    assert darkest - lightest < 0.1, (lightest, darkest)


# A tree label cut short ends in "…"; in a right-to-left name that end is on the left.
# [label, whether the "…" is drawn left of the name's first letter] for each right-to-left label.
RTL_TREE_LABELS = """() => [...document.querySelectorAll('svg.referral-tree text')]
    .filter(text => /[\\u0590-\\u08ff]/.test(text.textContent))
    .map(text => {
        const first = text.getExtentOfChar(0), last = text.getExtentOfChar(text.getNumberOfChars() - 1);
        return [text.textContent, last.x + last.width / 2 < first.x + first.width / 2];
    })"""


def test_right_to_left_names_in_the_tree_are_cut_at_their_end(stress_tab: Tab) -> None:
    stress_tab.open("tree/")
    labels = stress_tab.page.evaluate(RTL_TREE_LABELS)
    cut = [label for label in labels if label[0].endswith("…")]
    assert cut, "the fixture has a right-to-left name too long for its box"
    assert all(left for _, left in cut), cut
    stress_tab.assert_clean()


# [text, gap on its left, gap on its right] of each right-to-left heading and note cell of a
# partner page: the text's own box against its element's content box.
RTL_TEXT_GAPS = """() => [...document.querySelectorAll('.referral > h3, .referral td')]
    .filter(element => /^[\\u0590-\\u08ff]/.test(element.textContent.trim()))
    .map(element => {
        const range = document.createRange();
        range.selectNodeContents(element.firstChild);
        const text = range.getBoundingClientRect(), box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
        return [element.textContent.trim(), text.left - left, right - text.right];
    })"""


def test_right_to_left_names_and_notes_read_from_the_right(stress_tab: Tab) -> None:
    stress_tab.open(partner_path("mohamed"))
    gaps = stress_tab.page.evaluate(RTL_TEXT_GAPS)
    assert len(gaps) == 2, "the fixture has a right-to-left prospect and note"
    assert all(right < 2 < left for _, left, right in gaps), gaps
    stress_tab.assert_clean()


# Where each of ``names`` is drawn in the first element of ``selector`` that holds them all:
# [name, left edge], in the order the sentence gives them.
NAMES_DRAWN = """([selector, names]) => {
    const element = [...document.querySelectorAll(selector)].find(e => names.every(n => e.textContent.includes(n)));
    if (!element) return [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const chars = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) chars.push([node, i]);
    }
    const text = element.textContent;
    return names.map(name => [name, text.indexOf(name)]).sort((a, b) => a[1] - b[1]).map(([name, at]) => {
        const range = document.createRange();
        range.setStart(...chars[at]);
        range.setEnd(chars[at + name.length - 1][0], chars[at + name.length - 1][1] + 1);
        return [name, range.getBoundingClientRect().left];
    });
}"""


@pytest.mark.parametrize(
    ("where", "selector", "names"),
    [
        ("blog/2026/11/newsletter-2026-11/", "article p", ["שרה לוי", "عمر الفاروق"]),  # names listed
        ("", "article li", ["عشاء الشركاء", "قاعة النخيل"]),  # an event and its place
        # The insights' to-do lists drew "محمد …: 2 introductions sent" as "2 :محمد …" (review40).
        (INSIGHTS_PATH, "article li", ["محمد عبد الله الهاشمي الأنصاري", "2 introductions sent"]),
    ],
)
def test_right_to_left_names_keep_their_place_in_an_english_sentence(
    stress_desktop_tab: Tab, where: str, selector: str, names: list[str]
) -> None:
    """The post's "A warm thank-you to שרה לוי, عمر الفاروق and …" showed عمر الفاروق first: the comma between
    two right-to-left names joined them into one right-to-left run; so did an event's title and
    place. Each name is isolated, as <bdi> would."""
    stress_desktop_tab.open(where)
    drawn = stress_desktop_tab.page.evaluate(NAMES_DRAWN, [selector, names])
    assert len(drawn) == len(names), "the fixture prints them in one sentence"
    lefts = [left for _, left in drawn]
    assert lefts == sorted(lefts), drawn
    stress_desktop_tab.assert_clean()


@pytest.fixture
def stress_desktop_tab(contexts: dict[str, BrowserContext], stress_url: str) -> Iterator[Tab]:
    yield from _tab(contexts["desktop"], stress_url, "desktop")


# ---------------------------------------------------------------- accessibility


@pytest.fixture(scope="module")
def a11y_pages(served: tuple[Path, str], site_url: str) -> dict[str, str]:
    site = served[0] / "site"
    posts = sorted(path.parent for path in (site / "blog").glob("[0-9]*/[0-9]*/*/index.html"))
    assert posts
    newest = posts[-1].relative_to(site).as_posix()
    insights = private_token(TEST_SECRET.encode("utf-8"), "insights", "owner")
    return {
        "home": "",
        "post": f"{newest}/",
        "partner": partner_path(PARTNER["id"]),
        "tree": "tree/",
        "insights": f"p/{insights}/",
        "follow": "follow/",
        "newsletter": "blog/",
        "404": "404.html",
    }


PAGE_KINDS = ["home", "post", "partner", "tree", "insights", "follow", "newsletter", "404"]

# What a phone reader would see go wrong: the page sliding sideways, a drawing's words cut off,
# a table whose last columns are hidden with nothing to say there is more.
LAYOUT_PROBLEMS = """() => {
    const problems = [];
    if (document.documentElement.scrollWidth > window.innerWidth) {
        problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${window.innerWidth}`);
    }
    for (const svg of document.querySelectorAll('article svg[viewBox]')) {
        const box = svg.viewBox.baseVal;
        for (const text of svg.querySelectorAll('text')) {
            const b = text.getBBox();
            if (b.x < box.x - 0.5 || b.y < box.y - 0.5 || b.x + b.width > box.x + box.width + 0.5
                || b.y + b.height > box.y + box.height + 0.5) {
                problems.push(`SVG text outside its figure: "${text.textContent}"`);
            }
        }
    }
    for (const table of document.querySelectorAll('article table')) {
        const wrap = table.closest('.md-typeset__scrollwrap');
        const box = wrap || table.parentElement;
        if (table.scrollWidth <= box.clientWidth + 1) continue;
        const style = getComputedStyle(box);
        const scrolls = ['auto', 'scroll'].includes(style.overflowX);
        const shown = style.backgroundImage.includes('gradient');
        if (!scrolls || !shown) {
            problems.push(`table clipped without a visible scroll: ${table.innerText.slice(0, 40)}`);
        }
    }
    return problems;
}"""


@pytest.mark.parametrize("where", PAGE_KINDS)
def test_every_page_kind_fits_the_screen(tab: Tab, a11y_pages: dict[str, str], where: str) -> None:
    tab.open(a11y_pages[where])
    assert tab.page.evaluate(LAYOUT_PROBLEMS) == []
    if where == "post":  # four figures fit a phone without scrolling at all
        overflow = "[...document.querySelectorAll('article table')].map(t => t.scrollWidth > t.parentElement.clientWidth + 1)"
        assert not any(tab.page.evaluate(overflow))
    tab.screenshot(f"fit-{where}", first_screen=True)
    tab.assert_clean()


@pytest.mark.parametrize("where", PAGE_KINDS)
def test_the_first_tab_offers_to_skip_to_the_content(
    phone_375_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """A partner's page (and the 404 page) had no "Skip to content": a keyboard reader on a phone
    tabbed through the header and the hidden menu, fifteen stops, before their own page."""
    phone_375_tab.open(a11y_pages[where])
    page = phone_375_tab.page
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to content")
    target = focused.get_attribute("href")
    assert target and target.startswith("#")
    page.keyboard.press("Enter")
    expect(page.locator(".md-content h1").first).to_have_attribute("id", target[1:])
    assert page.evaluate("location.hash") == target


# Words cut off inside the article: an element that hides what overflows it (not a scroll box,
# nor one visually hidden), holding more than it shows.
TEXT_CUT = """() => [...document.querySelectorAll('article *')].filter(element => {
    const style = getComputedStyle(element);
    const hides = [style.overflowX, style.overflowY].some(o => o === 'hidden' || o === 'clip');
    const shown = element.getBoundingClientRect().width > 1;  // not words kept for screen readers only
    return hides && shown
        && (element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1);
}).map(element => `${element.tagName}.${element.className}: ${element.textContent.trim().slice(0, 40)}`)"""


@pytest.mark.parametrize(
    "where",
    [
        "",
        "blog/2026/11/newsletter-2026-11/",
        "blog/",
        "tree/",
        "follow/",
        "long",
        "many",
        "norah",
        "mohamed",
        "yamada",
    ],
)
def test_hard_data_fits_a_phone(contexts: dict[str, BrowserContext], stress_url: str, where: str) -> None:
    """Names of 66 and 72 letters without a space, forty introductions, none, an emoji in a name,
    Arabic, Hebrew and Japanese: at 375 px nothing slides the page sideways and nothing is cut off."""
    tab = Tab(contexts["phone-375"].new_page(), stress_url, "phone-375")
    try:
        tab.open(where if "/" in where or not where else partner_path(where))
        assert tab.page.evaluate(LAYOUT_PROBLEMS) == []
        assert tab.page.evaluate(TEXT_CUT) == []
        tab.screenshot(f"hard-data-{where.strip('/').replace('/', '-') or 'home'}")
        tab.assert_clean()
    finally:
        tab.page.close()


# The figures of the insights page's tables (right-aligned cells) whose text takes more than one line.
WRAPPED_FIGURES = """() => [...document.querySelectorAll('article td[style*="text-align: right"]')]
    .filter(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size > 1;
    })
    .map(cell => cell.textContent)"""


def test_insights_figures_stay_on_one_line(tab: Tab, a11y_pages: dict[str, str]) -> None:
    tab.open(a11y_pages["insights"])
    figures = "document.querySelectorAll(`article td[style*='text-align: right']`).length"
    assert tab.page.evaluate(figures) > 20
    assert tab.page.evaluate(WRAPPED_FIGURES) == []
    assert tab.page.evaluate(LAYOUT_PROBLEMS) == []


# The insights' first chart on a phone: [content wider than its box, its figures' size in px].
BAR_CHART_SHOWN = """() => {
    const figure = document.querySelector('.chart-figure');
    const svg = figure.querySelector('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [figure.scrollWidth > figure.clientWidth + 1, Math.round(13 * scale * 10) / 10];
}"""


def test_insights_bar_chart_shows_every_bar_whole_on_a_phone(
    phone_tab: Tab, a11y_pages: dict[str, str]
) -> None:
    """The bars ran past a phone's edge, cut where the figure ends: all looked the same length."""
    phone_tab.open(a11y_pages["insights"])
    cut, text_px = phone_tab.page.evaluate(BAR_CHART_SHOWN)
    assert not cut
    assert text_px >= 11, "a smaller phone shrinks the chart a little, its words still legible"
    chart = SCREENSHOTS / f"insights-bar-chart-{phone_tab.viewport}.png"
    phone_tab.page.locator(".chart-figure").first.screenshot(path=chart, animations="disabled")


# The months chart as a phone first shows it: [its latest month's label and the key's words
# that are not whole inside the figure's box, whether it scrolls to older months].
MONTHS_SHOWN = """() => {
    const figure = document.querySelectorAll('.chart-figure')[1];
    const box = figure.getBoundingClientRect();
    const labels = [...figure.querySelectorAll('text')];
    const months = labels.filter(text => text.getAttribute('text-anchor') === 'middle');
    const wanted = [months[months.length - 1], ...labels.filter(text => !months.includes(text))];
    const hidden = wanted.filter(text => {
        const shown = text.getBoundingClientRect();
        return shown.left < box.left - 0.5 || shown.right > box.right + 0.5;
    }).map(text => text.textContent);
    return [hidden, figure.scrollWidth > figure.clientWidth];
}"""


def test_insights_months_chart_first_shows_the_latest_months_on_a_phone(
    phone_tab: Tab, a11y_pages: dict[str, str]
) -> None:
    """Wider than a phone, the chart showed its oldest months with the latest hidden at the right."""
    phone_tab.open(a11y_pages["insights"])
    hidden, scrolls = phone_tab.page.evaluate(MONTHS_SHOWN)
    assert scrolls, "the demo's months are wider than a phone: the case this is about"
    assert hidden == []


@pytest.mark.parametrize("where", PAGE_KINDS)
def test_no_serious_accessibility_violations(scheme_tab: Tab, a11y_pages: dict[str, str], where: str) -> None:
    scheme_tab.open(a11y_pages[where])
    page = scheme_tab.page
    expected = "slate" if scheme_tab.viewport.endswith("dark") else "default"
    assert page.evaluate("document.body.dataset.mdColorScheme") == expected
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if expected == "slate":  # only colours change with the scheme: the light run checks the rest
        options["runOnly"] = {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
    assert _serious_violations(page, options) == []
    scheme_tab.assert_clean()


def _serious_violations(page: Page, options: dict[str, Any]) -> list[str]:
    """axe-core's serious and critical findings on the page as shown: rule, help, first nodes."""
    page.add_script_tag(path=AXE)
    violations = page.evaluate(
        """async options => (await axe.run(document, options)).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')),
        }))""",
        options,
    )
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    return [f"{v['id']} ({v['impact']}): {v['help']}: {v['nodes'][:5]}" for v in serious]


@pytest.fixture
def phone_375_tab(contexts: dict[str, BrowserContext], site_url: str) -> Iterator[Tab]:
    yield from _tab(contexts["phone-375"], site_url, "phone-375")


@pytest.mark.parametrize("where", PAGE_KINDS)
def test_no_serious_accessibility_violations_on_a_phone(
    phone_375_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """At 375 px the insights' wider tables scroll sideways in a box a keyboard could not reach."""
    phone_375_tab.open(a11y_pages[where])
    assert _serious_violations(phone_375_tab.page, {"resultTypes": ["violations"]}) == []
    phone_375_tab.assert_clean()


def test_a_table_wider_than_a_phone_scrolls_by_keyboard(
    phone_375_tab: Tab, a11y_pages: dict[str, str]
) -> None:
    """Tab reaches each table box that scrolls, shows where the focus is, and the arrow keys scroll it."""
    phone_375_tab.open(a11y_pages["insights"])
    page = phone_375_tab.page
    wide = page.locator(".md-typeset__scrollwrap").filter(has=page.locator("table"))
    scrolling = [box for box in wide.all() if box.evaluate("box => box.scrollWidth > box.clientWidth + 1")]
    assert scrolling, "the demo's insights have a table wider than 375 px: the case this is about"
    for box in scrolling:
        assert box.get_attribute("tabindex") == "0"
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-label")
    page.keyboard.press("Tab")  # from the page itself, as a keyboard reader starts
    for _ in range(200):
        if page.evaluate("document.activeElement.classList.contains('md-typeset__scrollwrap')"):
            break
        page.keyboard.press("Tab")
    focused = page.locator(".md-typeset__scrollwrap:focus")
    expect(focused).to_have_count(1)
    assert focused.evaluate("box => getComputedStyle(box).outlineStyle") != "none", "focus is visible"
    page.keyboard.press("ArrowRight")
    expect(focused).not_to_have_js_property("scrollLeft", 0)


@pytest.mark.parametrize("where", ["tree", "insights"])
def test_a_drawing_wider_than_a_phone_scrolls_by_keyboard(
    phone_375_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """The tree and the months chart scroll sideways on a phone; a keyboard could not reach them
    (a box hidden from screen readers, not a Tab stop), so their right or left part stayed out of
    its sight. Tab reaches each, named by its drawing's title, and the arrow keys scroll it."""
    phone_375_tab.open(a11y_pages[where])
    page = phone_375_tab.page
    figures = page.locator(".chart-figure, .referral-tree-figure").all()
    scrolling = [box for box in figures if box.evaluate("box => box.scrollWidth > box.clientWidth + 1")]
    assert scrolling, f"the demo's {where} page has a drawing wider than 375 px: the case this is about"
    for box in scrolling:
        assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"
        title = box.locator("svg > title").text_content()
        assert title and box.get_attribute("aria-label") == title
        # A Tab stop hidden from screen readers would be announced as nothing.
        assert box.get_attribute("aria-hidden") is None
        assert box.locator("svg").get_attribute("aria-hidden") == "true"
    for box in figures:
        if box not in scrolling:
            assert box.get_attribute("tabindex") is None and box.get_attribute("aria-hidden") == "true"
    page.keyboard.press("Tab")
    for _ in range(200):
        if page.evaluate("document.activeElement.matches('.chart-figure, .referral-tree-figure')"):
            break
        page.keyboard.press("Tab")
    focused = page.locator(".chart-figure:focus, .referral-tree-figure:focus")
    expect(focused).to_have_count(1)
    assert focused.evaluate("box => getComputedStyle(box).outlineStyle") != "none", "focus is visible"
    before = focused.evaluate("box => box.scrollLeft")
    # The months chart starts at its right end (its newest months), the tree at its left.
    page.keyboard.press("ArrowLeft" if where == "insights" else "ArrowRight")
    expect(focused).not_to_have_js_property("scrollLeft", before)


# Each coloured shape of the insights charts against the page behind it, in the scheme shown:
# [its fill, its contrast ratio] (WCAG's 3:1 for parts of a graphic).
CHART_CONTRAST = """() => {
    const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
        .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const page = rgb(getComputedStyle(document.body).backgroundColor);
    const shapes = [...document.querySelectorAll('.chart-figure rect')].filter(r => r.getBBox().width * r.getBBox().height > 0);
    return shapes.map(shape => {
        const style = getComputedStyle(shape);
        const alpha = parseFloat(style.fillOpacity);
        const shown = rgb(style.fill).slice(0, 3).map((c, i) => c * alpha + page[i] * (1 - alpha));
        const [light, dark] = [luminance(shown), luminance(page)].sort((a, b) => b - a);
        return [style.fill, Math.round((light + 0.05) / (dark + 0.05) * 100) / 100];
    });
}"""


# The scroll shadow at a wide box's edge against the page behind it: its colour drawn over the
# page's, and the contrast ratio between the two.
SCROLL_SHADOW_CONTRAST = """() => {
    const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
        .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const page = rgb(getComputedStyle(document.body).backgroundColor);
    return [...document.querySelectorAll('.md-typeset__scrollwrap, .chart-figure, .referral-tree-figure')].map(box => {
        const shadow = getComputedStyle(box).backgroundImage.match(/radial-gradient\\([^,]*,\\s*(rgba?\\([^)]*\\))/)[1];
        const [r, g, b, alpha = 1] = rgb(shadow);
        const shown = [r, g, b].map((c, i) => c * alpha + page[i] * (1 - alpha));
        const [light, dark] = [luminance(shown), luminance(page)].sort((x, y) => y - x);
        return Math.round((light + 0.05) / (dark + 0.05) * 100) / 100;
    });
}"""


@pytest.mark.parametrize("where", ["insights", "tree"])
def test_the_shadow_that_says_a_box_scrolls_shows_in_both_schemes(
    scheme_tab: Tab, a11y_pages: dict[str, str], where: str
) -> None:
    """A black shadow at the edge of a wide table, chart or tree tells a phone reader there is
    more to the side; on the dark scheme's near-black page it was all but invisible (1.2:1)."""
    scheme_tab.open(a11y_pages[where])
    ratios = scheme_tab.page.evaluate(SCROLL_SHADOW_CONTRAST)
    assert ratios, "the page has a box that can scroll"
    assert min(ratios) >= 2, ratios


def test_chart_colours_stand_out_in_both_schemes(scheme_tab: Tab, a11y_pages: dict[str, str]) -> None:
    scheme_tab.open(a11y_pages["insights"])
    shapes = scheme_tab.page.evaluate(CHART_CONTRAST)
    assert len({fill for fill, _ in shapes}) == 4, "the bars, and won, lost and open"
    assert sorted({(fill, ratio) for fill, ratio in shapes if ratio < 3}) == []


# ---------------------------------------------------------------- print


def test_partner_page_prints_on_one_or_two_a4_pages(desktop_tab: Tab) -> None:
    desktop_tab.open(partner_path(PARTNER["id"]))
    page = desktop_tab.page
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".md-footer", ".md-search"):
        expect(page.locator(chrome).first).to_be_hidden()
    first = page.locator(".referral").first
    assert first.evaluate("element => getComputedStyle(element).breakInside") == "avoid"
    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "partner-page.pdf").write_bytes(pdf)
    assert 1 <= pdf_pages(pdf) <= 2
    desktop_tab.assert_clean()


# The width the page is laid out at on A4 paper: 210 mm less Material's @page margins (25 mm).
A4_PRINTED_WIDTH = round((210 - 2 * 25) / 25.4 * 96)

# Each chart or table box of the page that paper would cut: [class, content width, box width,
# a scroll shadow painted behind it].
CUT_ON_PAPER = """() => [...document.querySelectorAll('article .chart-figure, article .md-typeset__scrollwrap')]
    .map(box => [box.className, box.scrollWidth, box.clientWidth, getComputedStyle(box).backgroundImage])
    .filter(([, content, width, shadow]) => content > width + 1 || shadow !== 'none')"""


def test_insights_charts_and_tables_fit_on_paper(desktop_tab: Tab, a11y_pages: dict[str, str]) -> None:
    """The bar chart printed cut at "63% (5 of 8", with the scroll shadow printed beside it."""
    desktop_tab.open(a11y_pages["insights"])
    page = desktop_tab.page
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_PRINTED_WIDTH, "height": 1000})
    assert page.locator("article .chart-figure").count() == 2
    assert page.evaluate(CUT_ON_PAPER) == []
    assert page.evaluate(LAYOUT_PROBLEMS) == []


def pdf_pages(pdf: bytes) -> int:
    """Pages in a PDF chromium wrote: its page objects, checked against the page tree's count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf, re.DOTALL)]
    assert counts == [pages], (counts, pages)
    return pages


# The lines of the tree in words narrower than 40% of the screen: a name squeezed to a letter
# or two a line, or pushed off the screen.
SQUEEZED_TREE_LINES = """() => [...document.querySelectorAll('#the-tree-in-words ~ ul li')]
    .filter(item => item.getBoundingClientRect().width < window.innerWidth * 0.4)
    .map(item => item.firstChild.textContent.trim())"""


def test_a_deep_chain_in_words_fits_the_smallest_phone(
    contexts: dict[str, BrowserContext], tmp_path: Path
) -> None:
    """A chain of 46 partners, each introduced by the one before: the tree in words indented 40
    levels of 30 px, so at 320 px its tenth line held a letter a line and the page slid 900 px
    sideways; now the list stops indenting where a line still has room (review53)."""
    partners = "".join(
        f"  - {{id: c{n}, name: Chainpartner {n}, public: true"
        + (f", referred_by: c{n - 1}}}\n" if n else "}\n")
        for n in range(46)
    )
    data = tmp_path / "chain.yaml"
    data.write_text(
        f"newsletter: {{title: Chain News, owner: Olive Owner}}\npartners:\n{partners}", encoding="utf-8"
    )
    (tmp_path / "project").mkdir()
    with _serving(tmp_path / "project") as (root, url):
        result = _published_at(root, url, data).mkdocs_build("--strict")
        assert result.returncode == 0, result.stdout + result.stderr
        tab = Tab(contexts["small-phone"].new_page(), url, "small-phone")
        try:
            tab.open("tree/")
            assert tab.page.evaluate(LAYOUT_PROBLEMS) == []
            assert tab.page.evaluate(SQUEEZED_TREE_LINES) == []
            expect(tab.page.get_by_text("Chainpartner 45, introduced by Chainpartner 44")).to_be_visible()
            tab.screenshot("deep-chain-tree")
            tab.assert_clean()
        finally:
            tab.page.close()


HELD_IN_A_MONTH_WITH_NEWS = """\
newsletter: {title: Ride News, owner: Olive Owner}
partners:
  - {id: anne, name: Anne Ortiz, public: true}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-04-02}
events:
  - {date: 2026-04-10, title: Partner appreciation ride to Lake Geneva, time: "08:00", end: "15:00"}
  - {date: 2026-04-25, title: Bike wash morning}
"""


# The month's own events are dated without the year there ("(10 April, 08:00 to 15:00)").
HELD_DATES_SPLIT = DATES_SPLIT.replace("\\d{1,2} [A-Z][a-z]+ \\d{4}", "\\d{1,2} [A-Z][a-z]+(?: \\d{4})?")
assert HELD_DATES_SPLIT != DATES_SPLIT


def test_the_held_events_dates_stay_whole_at_every_phone_width(
    contexts: dict[str, BrowserContext], tmp_path: Path
) -> None:
    """The "Getting together" sentence of a month with other news split "(10 April" | "2026,
    08:00 to 15:00)" on a phone, where "Coming up" keeps a date and its hours each on one line.
    Where a line ends depends on the titles before, so every width from 360 px down is tried."""
    data = tmp_path / "held.yaml"
    data.write_text(HELD_IN_A_MONTH_WITH_NEWS, encoding="utf-8")
    (tmp_path / "project").mkdir()
    with _serving(tmp_path / "project") as (root, url):
        result = _published_at(root, url, data).mkdocs_build("--strict")
        assert result.returncode == 0, result.stdout + result.stderr
        tab = Tab(contexts["small-phone"].new_page(), url, "small-phone")
        try:
            tab.open("blog/2026/04/newsletter-2026-04/")
            sentence = tab.page.locator("#getting-together + p")
            expect(sentence).to_contain_text("Thank you to everyone who came.")
            split: set[str] = set()
            for width in range(360, 196, -4):
                sentence.evaluate(f"p => p.style.width = '{width}px'")
                split.update(tab.page.evaluate(HELD_DATES_SPLIT, "#getting-together + p"))
            assert split == set()
            tab.assert_clean()
        finally:
            tab.page.close()


GAPPED_MONTHS = """\
newsletter: {title: Ride News, owner: Olive Owner}
partners:
  - {id: anne, name: Anne Ortiz}
referrals:
  - {id: r1, partner: anne, prospect: Dana Wu, introduced: 2026-01-05}
  - {id: r2, partner: anne, prospect: Paul Penn, introduced: 2026-04-07}
  - {id: r3, partner: anne, prospect: Quin Park, introduced: 2026-11-02}
"""

# The months chart as drawn: [each column's month label and the centre of its box in px, each
# baseline stroke's contrast against the page behind it].
MONTH_COLUMNS = """() => {
    const rgb = colour => colour.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(c => c / 255)
        .map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const page = luminance(rgb(getComputedStyle(document.body).backgroundColor));
    const contrast = colour => {
        const [light, dark] = [luminance(rgb(colour)), page].sort((a, b) => b - a);
        return Math.round((light + 0.05) / (dark + 0.05) * 100) / 100;
    };
    const figure = document.querySelectorAll('.chart-figure')[1];
    const labels = [...figure.querySelectorAll('text[text-anchor="middle"][y="206"]')].map(text => {
        const box = text.getBoundingClientRect();
        return [text.textContent, box.left + box.width / 2];
    });
    return [labels, [...figure.querySelectorAll('path')].map(path => contrast(getComputedStyle(path).stroke))];
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_months_chart_shows_the_months_without_introductions(
    browser: Browser, tmp_path: Path, scheme: str
) -> None:
    """January's and April's columns stood side by side, read as consecutive months (review54):
    February and March are empty columns on a baseline, May to October one break in it, each
    month a column's width apart and the baseline as visible as the bars, on a phone and a desktop."""
    data = tmp_path / "gapped.yaml"
    data.write_text(GAPPED_MONTHS, encoding="utf-8")
    (tmp_path / "project").mkdir()
    with _serving(tmp_path / "project") as (root, url):
        result = _published_at(root, url, data).mkdocs_build("--strict")
        assert result.returncode == 0, result.stdout + result.stderr
        for viewport in ("small-phone", "desktop"):
            context = _new_context(browser, viewport, scheme)
            try:
                tab = Tab(context.new_page(), url, viewport)
                tab.open(INSIGHTS_PATH)
                shown = tab.page.evaluate("document.body.dataset.mdColorScheme")
                assert shown == ("slate" if scheme == "dark" else "default")
                labels, strokes = tab.page.evaluate(MONTH_COLUMNS)
                assert [label for label, _ in labels] == ["Jan", "Feb", "Mar", "Apr", "…", "Nov"]
                steps = [b - a for (_, a), (_, b) in itertools.pairwise(labels)]
                assert max(steps) - min(steps) < 1 and min(steps) >= 40, steps
                assert len(strokes) == 6 and min(strokes) >= 3, strokes
                tab.page.locator(".chart-figure").nth(1).screenshot(
                    path=SCREENSHOTS / f"insights-gapped-months-{viewport}-{scheme}.png",
                    animations="disabled",
                )
                tab.assert_clean()
            finally:
                context.close()
