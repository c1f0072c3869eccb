"""Every text field is data, never markup: hostile values render as their literal text."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import TEST_SECRET, SiteProject, built_project
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import markdown as markdown_module
from generator.addresses import private_token
from generator.markdown import GENERATED_BY, TitledFrontMatter, escape_text, front_matter
from generator.validate import load_text

HOSTILE = [
    "<script>alert(1)</script>",
    "</div>",
    "</title><script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "<https://evil.example>",
    '{: onclick="x" }',
    "{{ config }}",
    '--8<-- ".env"',
    "--- dashes",
    "# hash",
    "!!! danger",
    "a | b | c",
    "<!-- more -->",
    "party 🎉 :smile:",
    "Title: with colon",
    "<img src=x onerror=alert(1)>",
    "**bold** _it_ `code` ~~del~~ ==mark== ^^ins^^",
    "&amp; &lt; &#60;",
]


def hostile(index: int) -> str:
    return HOSTILE[index % len(HOSTILE)]


def hostile_yaml() -> str:
    values = iter(range(100))
    q = lambda: json.dumps(hostile(next(values)), ensure_ascii=False)  # noqa: E731  (JSON is YAML)
    return f"""\
newsletter:
  title: {q()}
  owner: {q()}
  business: {q()}
  intro: {q()}
partners:
  - id: first
    name: {q()}
    company: {q()}
    profession: {q()}
    public: true
    spotlight: {q()}
  - id: second
    name: {q()}
    company: {q()}
    public: true
    spotlight: {q()}
referrals:
  - id: r1
    partner: first
    prospect: {q()}
    introduced: 2026-03-01
    updates:
      - date: 2026-03-02
        stage: met
        note: {q()}
  - id: r2
    partner: second
    prospect: {q()}
    introduced: 2026-03-03
    public: true
    updates:
      - date: 2026-03-04
        stage: won
        note: {q()}
given:
  - partner: first
    date: 2026-03-05
    to: {q()}
    note: {q()}
events:
  - date: 2027-01-01
    title: {q()}
    where: {q()}
"""


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return built_project(tmp_path_factory.mktemp("hostile"), hostile_yaml())


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_no_element_or_attribute_is_smuggled_in(hostile_site: SiteProject) -> None:
    for page in pages(hostile_site.site):
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        where = page.relative_to(hostile_site.site)
        for script in soup.find_all("script"):
            assert "alert" not in (script.string or ""), where
        for element in soup.find_all(True):
            assert not [name for name in element.attrs if name.startswith("on")], (where, str(element)[:120])
            if element.name == "a":
                href = element.get("href", "")
                assert not href.startswith(("javascript:", "https://evil")), (where, href)
            assert not (element.name == "img" and element.get("src") == "x"), where


def visible_text(page: Path) -> str:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    article = soup.find("article")
    assert article is not None
    return re.sub(r"\s+", " ", article.get_text(" "))


def test_every_value_shows_as_literal_text(hostile_site: SiteProject) -> None:
    data = yaml.safe_load((hostile_site.root / "partners.yaml").read_text("utf-8"))
    secret = TEST_SECRET.encode()
    first = hostile_site.site / "p" / private_token(secret, "partner", "first") / "index.html"
    second = hostile_site.site / "p" / private_token(secret, "partner", "second") / "index.html"
    first_text, second_text = visible_text(first), visible_text(second)
    post = next(hostile_site.site.glob("blog/2026/03/*/index.html"))
    post_text = visible_text(post)
    home_text = visible_text(hostile_site.site / "index.html")
    assert data["partners"][0]["name"] in first_text
    assert data["referrals"][0]["prospect"] in first_text
    assert data["referrals"][0]["updates"][0]["note"] in first_text
    assert data["given"][0]["to"] in first_text and data["given"][0]["note"] in first_text
    assert data["referrals"][1]["updates"][0]["note"] in second_text
    assert data["events"][0]["title"] in home_text and data["events"][0]["where"] in home_text
    assert data["newsletter"]["title"] in home_text and data["newsletter"]["intro"] in home_text
    for partner in data["partners"]:
        assert partner["name"] in post_text and partner["spotlight"] in post_text
    assert data["referrals"][1]["prospect"] in post_text  # a public referral of a public partner


def test_titles_are_literal(hostile_site: SiteProject) -> None:
    data = yaml.safe_load((hostile_site.root / "partners.yaml").read_text("utf-8"))
    home = BeautifulSoup((hostile_site.site / "index.html").read_text("utf-8"), "html.parser")
    assert home.title is not None
    assert home.title.get_text().startswith(data["newsletter"]["title"])
    page = hostile_site.site / "p" / private_token(TEST_SECRET.encode(), "partner", "first") / "index.html"
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    assert soup.title is not None and soup.title.get_text().startswith(data["partners"][0]["name"])


def test_feed_item_titles_are_the_literal_title_escaped_once(hostile_site: SiteProject) -> None:
    """RSS titles are plain text: XML-escaped once, a reader shows the title as written."""
    title = yaml.safe_load((hostile_site.root / "partners.yaml").read_text("utf-8"))["newsletter"]["title"]
    channel = ET.fromstring(hostile_site.read_site("feed_rss_created.xml")).find("channel")
    assert channel is not None
    posts = [item for item in channel.findall("item") if "newsletter-" in (item.findtext("link") or "")]
    titles = [item.findtext("title") or "" for item in posts]
    assert titles and all(text.endswith(f": {title}") for text in titles), (title, titles)
    # The feed itself is the newsletter: a reader lists it under the newsletter's title.
    assert channel.findtext("title") == title


def test_post_author_line_is_the_literal_owner_and_business(hostile_site: SiteProject) -> None:
    newsletter = yaml.safe_load((hostile_site.root / "partners.yaml").read_text("utf-8"))["newsletter"]
    post = next(hostile_site.site.glob("blog/2026/03/*/index.html"))
    profile = BeautifulSoup(post.read_text("utf-8"), "html.parser").select_one(".md-post__profile")
    assert profile is not None
    strong = profile.select_one(".md-profile__description strong")
    image = profile.select_one("img")
    assert strong is not None and image is not None
    assert strong.get_text(strip=True) == newsletter["owner"] == image["alt"]
    assert profile.get_text(" ", strip=True).endswith(newsletter["business"])


def test_search_index_holds_literal_text(hostile_site: SiteProject) -> None:
    index = json.loads(hostile_site.read_site("search/search_index.json"))
    text = " ".join(
        BeautifulSoup(doc["title"] + " " + doc["text"], "html.parser").get_text() for doc in index["docs"]
    )
    assert "<script>alert(1)</script>" in text  # as text, once parsed like the search UI does


# What YAML can carry: no control characters (YAML refuses them) and no lone surrogates.
YAML_TEXT = st.characters(blacklist_categories=("Cc", "Cs"))

# The same Markdown pipeline as mkdocs.yml, for fast property checks without a full build.
EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.emoji",
    "pymdownx.snippets",
    "pymdownx.mark",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.smartsymbols",
]


@settings(max_examples=100, deadline=None)
@given(st.text(YAML_TEXT, min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_escaped_text_renders_literally(value: str) -> None:
    html = markdown.markdown(f"- {escape_text(value)} |\n", extensions=EXTENSIONS)
    soup = BeautifulSoup(html, "html.parser")
    expected = re.sub(r"\s+", " ", value).strip()
    assert re.sub(r"\s+", " ", soup.get_text()).strip() == f"{expected} |"
    assert [tag.name for tag in soup.find_all(True)] == ["ul", "li"]


@settings(max_examples=100, deadline=None)
@given(st.text(YAML_TEXT, max_size=40))
def test_front_matter_round_trips(value: str) -> None:
    meta = {"title": value, "search": {"exclude": True}, "date": dt.date(2026, 3, 31)}
    text = front_matter(meta)
    assert yaml.safe_load(text.strip().removeprefix("---").removesuffix("---")) == {**GENERATED_BY, **meta}


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from(["name", "company", "profession", "spotlight"]),
    st.text(YAML_TEXT, min_size=1, max_size=30).filter(str.strip),
)
def test_hostile_partner_fields_load_and_render(field: str, value: str) -> None:
    """Any text a partner field accepts renders into Markdown whose HTML shows that text."""
    from generator.render import SiteLayout, render_site

    partner = {"id": "a", "public": True, "name": "N", "spotlight": "S", field: value}
    document = {
        "newsletter": {"title": "T", "owner": "O"},
        "partners": [partner],
        "referrals": [{"id": "r", "partner": "a", "prospect": "P", "introduced": "2026-03-01"}],
    }
    text = json.dumps(document, ensure_ascii=False)  # JSON is YAML
    data = load_text(text, "partners.yaml", dt.date(2026, 11, 20))
    files = render_site(data, SiteLayout(as_of=dt.date(2026, 11, 20), secret=b"s"))
    post = files["blog/posts/newsletter/2026-03.md"]
    body = post.split("---\n", 2)[2]
    soup = BeautifulSoup(markdown.markdown(body, extensions=EXTENSIONS), "html.parser")
    assert re.sub(r"\s+", " ", value).strip() in re.sub(r"\s+", " ", soup.get_text())
    assert not soup.find_all(["script", "img", "a"])


def _pyyaml_front_matter(meta: dict[str, object]) -> str:
    text = yaml.dump(
        {**GENERATED_BY, **meta}, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10_000
    )
    return f"---\n{text}---\n"


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("AaZzéÜ09 ._'-:#&;\"yesnoNOlu"), max_size=20))
@example("no")
@example("Yes")
@example("null")
@example("On")
@example("Anne O'")
@example("12 000")
def test_front_matter_is_written_as_pyyaml_would(value: str) -> None:
    """The fast writer and PyYAML agree byte for byte, for any title and any list item."""
    meta = {"title": value, "private": True, "search": {"exclude": True}, "hide": [value or "toc", "footer"]}
    meta["date"] = dt.date(2026, 3, 31)
    assert front_matter(meta) == _pyyaml_front_matter(meta)


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from("AaZzéÜ09 ._'-:#&;\"yesnoNOlu"), max_size=20))
@example("no")
@example("title")
@example("Anne O'")
@example("12 000")
def test_titled_front_matter_is_written_as_pyyaml_would(value: str) -> None:
    """Partner pages' metadata written around each title: byte for byte PyYAML's, any title."""
    rest = {"private": True, "search": {"exclude": True}, "hide": ["navigation", "toc", "footer"]}
    assert TitledFrontMatter(rest)(value) == _pyyaml_front_matter({"title": value, **rest})


def test_usual_page_front_matter_is_written_without_pyyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Speed: partner pages and posts take the direct path (PyYAML was a tenth of a render)."""

    def refuse(meta: dict[str, object]) -> str:
        raise AssertionError(f"went through PyYAML: {meta!r}")

    monkeypatch.setattr(markdown_module, "_dumped_front_matter", refuse)
    partner = {"title": "Anne O'Brien", "private": True, "search": {"exclude": True}, "hide": ["toc"]}
    post = {"title": "November 2026", "date": dt.date(2026, 11, 30), "slug": "newsletter-2026-11"}
    assert front_matter(partner).startswith("---\ngenerated_by: referral-newsletter\ntitle: Anne O'Brien\n")
    assert "slug: newsletter-2026-11\n" in front_matter(post)


def test_the_business_name_reads_literally_in_the_header_and_tab(hostile_site: SiteProject) -> None:
    business = yaml.safe_load((hostile_site.root / "partners.yaml").read_text("utf-8"))["newsletter"][
        "business"
    ]
    soup = BeautifulSoup((hostile_site.site / "index.html").read_text("utf-8"), "html.parser")
    header = soup.select_one(".md-header__topic .md-ellipsis")
    assert header is not None and header.get_text(strip=True) == business
    title = soup.find("title")
    assert title is not None and title.get_text().endswith(business)


# A spotlight or the home page's intro opens a line of its own, where Markdown starts blocks.
@settings(max_examples=200, deadline=None)
@given(st.text(YAML_TEXT, min_size=1, max_size=40).filter(lambda s: s.strip()))
@example("2026. A great year for Steve.")
@example("1. First in line")
def test_escaped_text_opening_a_line_renders_literally(value: str) -> None:
    html = markdown.markdown(f"{escape_text(value)}\n", extensions=EXTENSIONS)
    soup = BeautifulSoup(html, "html.parser")
    assert re.sub(r"\s+", " ", soup.get_text()).strip() == re.sub(r"\s+", " ", value).strip()
    assert [tag.name for tag in soup.find_all(True)] == ["p"]
