"""Partner pages are written as HTML (generator/html_page.py) and MkDocs converts only their
Markdown part: the page a partner reads must be the one Python-Markdown made of the Markdown
they replaced, and the one any engine makes of the file without the plugin (Zensical)."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import markdown
import pytest
from bs4 import BeautifulSoup, Comment
from conftest import FIXTURES, REPO, TEST_SECRET, TODAY, SiteProject, built_project
from markdown.extensions import toc as toc_extension
from markupsafe import Markup, escape
from material.extensions import emoji
from mkdocs.utils.meta import get_data
from mkdocs.utils.yaml import yaml_load

from generator.html_page import (
    HTML_END,
    HTML_START,
    Headings,
    HtmlBodies,
    html_text,
    icon,
    one_line,
    toc_slug,
)
from generator.markdown import escape_text
from generator.render import SiteLayout, render_site
from generator.validate import load_partners, load_text

ICONS = sorted(path.stem for path in (REPO / "generator" / "templates" / "icons").glob("*.svg"))
TRICKY_HEADINGS = [
    "Your referrals",
    "Dana Wu",
    "Dana Wu",
    "Dana Wu_1",
    "Zoë Ødegård-Łukasz",
    "<script>alert(1)</script>",
    "!!! danger",
    "&amp; &lt; &#60;",
    "**bold** _it_ `code`",
    "???",
    "   spaced   out   ",
    "Coming up",
]


def site_markdown() -> tuple[list[Any], dict[str, Any]]:
    """mkdocs.yml's Markdown extensions and their settings, as MkDocs passes them on."""
    config = yaml_load((REPO / "mkdocs.yml").read_text("utf-8"))
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        settings[name] = options or {}
    return names, settings


def convert(text: str) -> str:
    names, settings = site_markdown()
    return markdown.Markdown(extensions=names, extension_configs=settings).convert(text)


@pytest.mark.parametrize("name", ICONS)
def test_each_icon_is_what_material_writes_for_its_shortcode(name: str) -> None:
    material = markdown.markdown(
        f":material-{name}:",
        extensions=["pymdownx.emoji"],
        extension_configs={"pymdownx.emoji": {"emoji_index": emoji.twemoji, "emoji_generator": emoji.to_svg}},
    )
    svg = (REPO / "generator" / "templates" / "icons" / f"{name}.svg").read_text("utf-8")
    assert material == f'<p><span class="twemoji">{svg}</span></p>'  # the copy is still Material's


@pytest.mark.parametrize("name", ICONS)
def test_each_icon_is_drawn_by_the_stylesheet_from_its_svg(name: str) -> None:
    svg = (REPO / "generator" / "templates" / "icons" / f"{name}.svg").read_text("utf-8").strip()
    stylesheet = (REPO / "overrides" / "stylesheets" / "extra.css").read_text("utf-8")
    rule = (
        f".md-typeset .icon-{name} {{\n  --referral-icon: url('data:image/svg+xml;charset=utf-8,{svg}');\n}}"
    )
    assert rule in stylesheet
    assert "'" not in svg and "#" not in svg  # nothing that would end the URL or cut it short
    assert icon(name) == f'<span class="twemoji icon-{name}"></span>'


def test_headings_get_the_ids_and_permalinks_toc_gives_them() -> None:
    by_toc = BeautifulSoup(
        convert("\n\n".join(f"## {escape_text(text)}" for text in TRICKY_HEADINGS)), "html.parser"
    )
    heading = Headings()
    ours = BeautifulSoup("\n".join(heading(2, text) for text in TRICKY_HEADINGS), "html.parser")

    def shown(soup: BeautifulSoup) -> list[tuple[str, str, str]]:
        return [
            (str(h2["id"]), h2.get_text(), str(h2.find("a", class_="headerlink")["href"]))
            for h2 in soup.find_all("h2")
        ]

    assert shown(ours) == shown(by_toc)
    assert len({id_ for id_, _, _ in shown(ours)}) == len(TRICKY_HEADINGS)


def test_headings_shared_by_pages_give_each_page_the_ids_a_page_of_its_own_gets() -> None:
    """The partner pages of a render share what each heading's text becomes (html_page.Headings):
    a heading already written on another page, or twice on this one, still gets the id toc
    gives it on this page alone, whatever the pages before it held."""
    pages = [
        [(2, "Your referrals"), (3, "Dana Wu"), (3, "Dana Wu"), (3, "Dana Wu_1"), (2, "Giving back")],
        [(3, "Dana Wu_1"), (3, "Dana Wu"), (3, "Dana Wu"), (2, "Your referrals"), (3, "")],
        [(3, text) for text in TRICKY_HEADINGS] + [(3, text) for text in TRICKY_HEADINGS],
        [(2, "Your referrals"), (3, Markup("Dana &amp; Wu")), (3, "Dana &amp; Wu"), (2, "  two\nlines ")],
    ]
    written: dict[tuple[int, str], tuple[str, str, Markup]] = {}
    for _ in range(2):
        for page in pages:
            shared, alone = Headings(written), Headings()
            assert [shared(level, text) for level, text in page] == [
                alone(level, text) for level, text in page
            ]
    assert written  # the pages did share it


def test_heading_ids_are_tocs_slugify_for_any_text() -> None:
    """toc_slug's shortcut for plain names gives what toc's own slugify gives, on random text."""
    rng = random.Random(20261204)
    alphabet = "aZ09_ -'.\té&<"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(20_000)]
    assert [toc_slug(text) for text in [*texts, *TRICKY_HEADINGS]] == [
        toc_extension.slugify(text, "-") for text in [*texts, *TRICKY_HEADINGS]
    ]


@pytest.mark.parametrize(
    "value",
    [
        *TRICKY_HEADINGS,
        'It\'s "quoted" & <b>bold</b>',
        "  two\nlines\r\n and more  ",
        "\n",
        "",
        42,
        dt.date(2026, 2, 3),
        None,
        Markup("<strong>kept</strong>"),
    ],
)
def test_html_pages_print_each_value_as_autoescape_did(value: object) -> None:
    """The HTML templates' finalize escapes by itself, byte for byte as Jinja's autoescape
    (markupsafe) did with the one-line finalize it replaces."""
    assert html_text(value) == str(escape(one_line(value)))


def test_only_the_markdown_is_handed_on_and_the_html_comes_back() -> None:
    bodies = HtmlBodies()
    plain = "# A hand-written page\n\nSome text.\n"
    assert bodies.set_aside("post.md", plain) == plain
    assert bodies.put_back("post.md", "<h1>A hand-written page</h1>") == "<h1>A hand-written page</h1>"
    page = (
        f"{HTML_START}\n<h1>Thank you</h1>\n\n<p>Body</p>\n{HTML_END}\n\n## Kept\n\n"
        f"{HTML_START}\n<table><tr><td>1</td></tr></table>\n{HTML_END}\n\n- an event\n"
    )
    handed_on = bodies.set_aside("p/x.md", page)
    assert "<p>Body</p>" not in handed_on and "<td>" not in handed_on
    assert "## Kept" in handed_on and handed_on.endswith("\n\n- an event\n")
    restored = bodies.put_back("p/x.md", convert(handed_on))
    assert article(restored) == article(convert(page))
    assert "Thank you</h1><p>Body</p><h2" in article(restored) and "<td>1</td>" in restored
    assert bodies.kept == {}
    unfinished = f"{HTML_START}\n<p>No end marker</p>\n"
    assert bodies.set_aside("p/y.md", unfinished) == unfinished and bodies.kept == {}


@pytest.fixture(scope="module")
def golden_site(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return built_project(tmp_path_factory.mktemp("page-html"), (FIXTURES / "golden.yaml").read_text("utf-8"))


def article(html: str) -> str:
    """An HTML fragment compared by what it shows: entities decoded, comments dropped, blank
    space folded."""
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    text = str(soup)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", text)).strip()


def built_article(page: Path) -> str:
    found = BeautifulSoup(page.read_text("utf-8"), "html.parser").find("article")
    assert found is not None
    # Material's article starts with its own action buttons and ends with the page footer parts.
    return article("".join(str(child) for child in found.children))


def partner_pages(site: SiteProject) -> list[tuple[Path, Path]]:
    """(Markdown file, built page) of every partner in the golden fixture, in its order."""
    data = load_partners(site.root / "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
    sources = [layout.partner_page(partner) for partner in data.partners]
    return [(site.content / path, site.site / path.removesuffix(".md") / "index.html") for path in sources]


@pytest.mark.build
def test_partner_pages_built_by_mkdocs_equal_the_whole_file_converted(golden_site: SiteProject) -> None:
    pages = partner_pages(golden_site)
    assert len(pages) == 4
    for source, built in pages:
        body, _ = get_data(source.read_text("utf-8"))
        whole = article(convert(body))
        # Up to the events list, whose calendar links MkDocs (not Python-Markdown) resolves.
        cut = 'id="coming-up"'
        assert cut in whole, source
        assert built_article(built).split(cut)[0].endswith(whole.split(cut)[0]), source


@pytest.mark.build
def test_partner_page_keeps_its_headings_admonitions_cards_tables_and_icons(golden_site: SiteProject) -> None:
    _, built = partner_pages(golden_site)[0]
    html = built.read_text("utf-8")
    soup = BeautifulSoup(html, "html.parser")
    article_tag = soup.find("article")
    assert article_tag is not None
    heads = [
        (h.name, h.get("id"), h.find("a", class_="headerlink")["href"])
        for h in article_tag.find_all(["h1", "h2", "h3"])
    ]
    assert heads[0] == ("h1", "thank-you-anne", "#thank-you-anne")
    assert ("h3", "dana-wu", "#dana-wu") in heads and ("h2", "coming-up", "#coming-up") in heads
    assert article_tag.select("div.admonition.success > p.admonition-title")
    cards = article_tag.select("div.grid.cards.partner-summary > ul > li > p > span.twemoji")
    assert [card["class"] for card in cards][:2] == [
        ["twemoji", "icon-handshake-outline"],
        ["twemoji", "icon-trophy-outline"],
    ]
    assert [th.get_text() for th in article_tag.select("div.referral table thead th")][:3] == [
        "Date",
        "News",
        "Note",
    ]
    # The events list went through Markdown: its icon and its link MkDocs resolved.
    events = article_tag.find(id="coming-up").find_next("ul")
    assert events.select("span.twemoji > svg") and events.find("a")["href"].startswith("../../events/")
    for leftover in (":material-", "markdown=", "referral-newsletter:", "!!!", "{ ."):
        assert leftover not in str(article_tag), leftover


@pytest.mark.build
def test_insights_page_keeps_its_table_of_contents_and_equals_the_whole_file_converted(
    golden_site: SiteProject,
) -> None:
    path = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode()).insights_page
    body, _ = get_data((golden_site.content / path).read_text("utf-8"))
    built = golden_site.site / path.removesuffix(".md") / "index.html"
    assert built_article(built).endswith(article(convert(body)))
    # Its headings stay Markdown: toc lists them beside the page, with their permalinks.
    soup = BeautifulSoup(built.read_text("utf-8"), "html.parser")
    toc = soup.select("nav.md-nav--secondary a.md-nav__link")
    assert [a["href"] for a in toc][:3] == ["#to-do", "#due-an-update", "#gone-quiet"]
    assert soup.select("article h2#by-partner > a.headerlink")
    assert soup.select("article table td") and "referral-newsletter:" not in str(soup.find("article"))


TWO_GIVEN = """\
newsletter: {title: News, owner: Mark Rodgers}
partners:
  - {id: ann, name: Ann Able}
given:
  - {partner: ann, date: 2026-06-11, to: Luis Ferreira, note: Wants a quote}
  - {partner: ann, date: 2026-02-19, to: Dmitri Pellegrini}
"""


def test_business_sent_back_is_a_tight_list_as_its_markdown_was() -> None:
    data = load_text(TWO_GIVEN, "partners.yaml", TODAY)
    layout = SiteLayout(as_of=TODAY, secret=b"s")
    page = render_site(data, layout)[layout.partner_page(data.partners[0])]
    giving_back = page[page.index('id="giving-back"') :]
    items = BeautifulSoup(giving_back, "html.parser").find("ul").find_all("li")
    assert [li.get_text(" ", strip=True) for li in items] == [
        "11 June 2026: we sent Luis Ferreira your way. Wants a quote",
        "19 February 2026: we sent Dmitri Pellegrini your way.",
    ]
    assert all(li.find("p") is None and li.find("span", class_="twemoji") for li in items)
