"""The HTML part of a partner's message in a real browser at a phone's width, as a mail app
shows it (Debian's chromium through Playwright, as test_browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright
from test_browser import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS
from test_mail import NOTHING_YET, _composed

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}

# An event's sentence long enough to wrap on a phone, as most with a description are.
WITH_AN_EVENT = NOTHING_YET + (
    "events:\n  - {date: 2026-04-10, title: Spring ride, where: The mill, time: '10:00',"
    " description: Coffee first; bring a friend.}\n"
)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.is_file():
        pytest.fail(f"no browser at {CHROMIUM}: apt-get install chromium-headless-shell (or set CHROMIUM)")
    with sync_playwright() as started:
        yield started


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
    )
    yield launched
    launched.close()


def _shown(browser: Browser, html: str) -> Page:
    page = browser.new_page(viewport=PHONE)
    page.set_default_timeout(TIMEOUT_MS)  # as test_browser's pages: Playwright's 30 s guesses at speed
    page.set_content(html)
    return page


def _html(data: str, partner: str) -> str:
    part = _composed(data)[partner].get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_every_line_of_the_message_keeps_its_margin_on_a_phone(browser: Browser) -> None:
    # Coming up's lines had no right padding: on a 360 px phone "Coffee" ran to the screen's
    # edge, where every other line keeps the 24 px margin of the card (review44).
    page = _shown(browser, _html(WITH_AN_EVENT, "olive"))
    too_far = page.evaluate(
        """() => {
            const right = document.querySelector('.frame').getBoundingClientRect().right - 24;
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const found = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                if (!node.textContent.trim()) continue;
                const range = document.createRange();
                range.selectNodeContents(node);
                for (const rect of range.getClientRects()) {
                    if (rect.right > right + 0.5) found.push(node.textContent.trim());
                }
            }
            return found;
        }"""
    )
    page.close()
    assert too_far == []


def test_the_preview_line_is_not_shown_in_the_message(browser: Browser) -> None:
    # The opening sentence a phone previews beside the subject is hidden in the message itself:
    # the reader sees it once, under "Dear Olive," (review44).
    page = _shown(browser, _html(WITH_AN_EVENT, "olive"))
    shown = " ".join(page.inner_text("body").split())
    page.close()
    assert shown.count("Here is where the introduction you gave us stood at the end of March 2026.") == 1
    assert shown.startswith("T: March 2026 Dear Ola,")


# What many mail apps do to a light message on a phone in dark mode: darken it themselves. The
# full browser does it as they do (the headless shell ignores these switches).
FORCED_DARK = ["--force-dark-mode", "--enable-features=WebContentsForceDark"]
FULL_CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def darkening_browser(playwright: Playwright) -> Iterator[Browser]:
    if not FULL_CHROMIUM.is_file():
        pytest.fail(f"no browser at {FULL_CHROMIUM}: apt-get install chromium")
    launched = playwright.chromium.launch(
        executable_path=str(FULL_CHROMIUM), args=[*CHROMIUM_ARGS, *FORCED_DARK], timeout=TIMEOUT_MS
    )
    yield launched
    launched.close()


def _gap_and_card(browser: Browser) -> tuple[bytes, bytes]:
    """Screenshots of the gap between the first two figures and of the card beside them."""
    page = _shown(browser, _html(WITH_AN_EVENT, "olive"))
    first, second = (page.locator(".stat").nth(n).bounding_box() for n in (0, 1))
    frame = page.locator(".frame").first.bounding_box()
    assert first is not None and second is not None and frame is not None
    top = first["y"] + 10
    gap = {"x": (first["x"] + first["width"] + second["x"]) / 2 - 1, "y": top, "width": 2, "height": 20}
    card = {"x": frame["x"] + frame["width"] - 12, "y": top, "width": 2, "height": 20}
    shots = page.screenshot(clip=gap), page.screenshot(clip=card)
    page.close()
    return shots


def test_the_months_figures_keep_the_cards_background_between_them_when_darkened(
    browser: Browser, darkening_browser: Browser
) -> None:
    # The four figures were set apart by white borders, which a darkening mail app drew as a light
    # grey grid on the dark card; the gap between two figures is now the card itself (review44).
    between, beside = _gap_and_card(darkening_browser)
    assert between == beside  # the same pixels: one uniform colour
    assert beside != _gap_and_card(browser)[1]  # and the card was darkened
