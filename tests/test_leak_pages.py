"""The leak guard's piecewise folding of a site's pages (leak_text.PageFolder): exactly the text
``page_text`` gives, whatever sits next to a cut, and the same leaks found in multi-line pages."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import guard
from generator.guard import Confidential, Leak
from generator.leak_text import PageFolder, page_text

# Pieces of markup and escapes that could change meaning when cut at a ">" ending a line.
FRAGMENTS = [
    ">\n",
    ">\n  \n",  # where pages are cut into blocks of pieces
    ">",
    "\n",
    "\r",
    " ",
    "<",
    "<!--",
    "-->",
    "&lt;!--",
    "&amp;",
    "&amp",
    "&lt",
    "&#32;",
    "&#x3e;",
    "%20",
    "%3E",
    "%25",
    "\\u0041",
    "\\ud83c\\udfcd",
    "\\n",
    "\\",
    ' d="M0 0h24"',
    'd="',
    '"',
    "<b>",
    "</b>",
    "<strong\n>",
    "<td>",
    "</td",
    "<p class='x'>",
    "Dana",
    "Wu",
    "Canary",
    "\u00ad",
    "\u200b",
    "\x00",  # what joins the pieces folded together: a page's own, or one an escape makes
    "%00",
    "\\u0000",
    "İ",
    "山田",
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join), min_size=1, max_size=4))
@example(["<p>a</p>\n<!-- x\n<p>b</p>\n-->\n<p>c</p>\n"])  # a comment across cuts
@example(["<p>a</p>\n&lt;!-- x&gt;\n<p>b</p>\n--&gt;\n<p>c</p>\n"])  # an escaped one
@example(['<svg>\n<path\n d="M0\n0">\n</svg>\n'])  # path data across lines
@example(["<p>x</p>\n<b\n>Dana</b>\n<i>Wu</i>\n"])  # a tag across a line break
def test_pieces_fold_exactly_as_the_whole_page(pages: list[str]) -> None:
    assert_folded_as_whole_pages(pages)


def assert_folded_as_whole_pages(pages: list[str]) -> None:
    folder = PageFolder()  # one folder for several pages, as in a scan: pieces are reused
    for page in [*pages, *pages]:
        assert folder.page_text(page) == page_text(page)


LINES = st.lists(st.sampled_from(FRAGMENTS), max_size=8).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(LINES, min_size=3, max_size=12).map(">\n".join), min_size=1, max_size=4))
@example(["<p>a>\n%00>\n<b>x</b>>\n&amp;#0;>\n\\u0000>\n<p>"])  # escapes that make a NUL
@example(['<p>a</p>>\n<i>x</i>>\n  \nd="M0 0">\n<p>b</p>\n'])  # path data opening a block
def test_pages_of_many_pieces_fold_exactly_as_the_whole_page(pages: list[str]) -> None:
    """Many pieces new to the folder at once: they are folded together (leak_text._BETWEEN)."""
    assert_folded_as_whole_pages(pages)


CANARY = Confidential("Canary Prospect 1", "referrals[0].prospect", "p/token/")
PAGE = (
    '<!doctype html>\n<html lang="en">\n  <head>\n    <title>Updates</title>\n  </head>\n  <body>\n'
    '<svg viewBox="0 0 24 24">\n<path d="M2 14h2v3h5v-3l4 4-4 4v-3H9\n 5z"/>\n</svg>\n'
    "<article>\n{body}\n</article>\n  </body>\n</html>\n"
)


def test_leaks_split_across_lines_of_pages_sharing_their_markup_are_found(tmp_path: Path) -> None:
    bodies = {
        "a.html": "<p>Canary\n</p>\n<p>Prospect 1</p>",  # cells of a page read as words
        "b.html": "<p>Canary Pros<!-- <b>\n</b> -->pect 1</p>",  # a comment across a cut
        "c.html": "<p>Canary <strong\n>Pro</strong>spect 1</p>",
        "d.html": "<p>Canary&amp;amp;#32;\n</p>\nProspect 1",
        "p/token/index.html": "<p>Canary Prospect 1</p>",  # at home
        "e.html": "<p>Canary</p>\n<p>Prosp</p>\n<p>ect 1</p>",  # not the value
    }
    root = tmp_path / "site"
    for name, body in bodies.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(PAGE.format(body=body), encoding="utf-8")
    assert guard.scan_site(root, [CANARY]) == [
        Leak(name, "referrals[0].prospect") for name in ("a.html", "b.html", "c.html", "d.html")
    ]


def header(extra: str = "") -> str:
    """Material-like markup shared by every page: many lines, each ending in a tag."""
    items = "".join(
        f'<li class="md-nav__item"><a href="../{i}/" class="md-nav__link">Item {i}</a></li>\n'
        for i in range(40)
    )
    return f"<!doctype html>\n<html>\n<body>\n<nav>\n{items}{extra}</nav>\n"


def test_a_leak_in_markup_shared_by_every_page_or_changed_in_one_is_found(tmp_path: Path) -> None:
    dana = Confidential("Dana Wu", "referrals[0].prospect", "p/home/")
    pages = {f"page{i}.html": header() + f"<p>Page {i}</p>\n</body>\n</html>\n" for i in range(6)}
    pages["page4.html"] = header('<li class="md-nav__item">Dana Wu</li>\n') + "<p>Page 4</p>\n"
    pages["p/home/index.html"] = header() + "<p>Dana Wu</p>\n"
    root = tmp_path / "one"
    for name, text in pages.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    assert guard.scan_site(root, [dana]) == [Leak("page4.html", "referrals[0].prospect")]
    # The same value in the markup every page shares: found on every page but its home.
    everywhere = {name: text.replace("Item 7<", "Dana Wu<") for name, text in pages.items()}
    root = tmp_path / "all"
    for name, text in everywhere.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    found = guard.scan_site(root, [dana])
    assert [leak.file for leak in found] == sorted(name for name in everywhere if not name.startswith("p/"))
