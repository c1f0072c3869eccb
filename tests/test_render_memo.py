"""Partner pages reused between renders under ``mkdocs serve`` (generator/render_memo.py): after
every kind of edit, rendering with the memo gives exactly the files a fresh render gives, and
a note edit renders one partner page again, not every page (nor the insights page)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest
from conftest import FIXTURES, TEST_SECRET, TODAY

from generator.models import PartnersFile
from generator.render import SiteLayout, render_pages, render_site
from generator.render_memo import RenderMemo
from generator.validate import load_text

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode(), site_url="https://updates.example.com/")
START = (FIXTURES / "golden.yaml").read_text(encoding="utf-8")


def load(text: str) -> PartnersFile:
    return load_text(text, "partners.yaml", TODAY)


def replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


# Each edit applies to the text the ones before it left; what each one may change is in its name.
EDITS: list[tuple[str, Callable[[str], str]]] = [
    ("own update note", replace("thank you for joining us.", "thank you for coming along.")),
    ("own internal note", replace("budget is tight.", "budget is very tight.")),
    ("own prospect name", replace("prospect: Evan Brooks", "prospect: Evan Brookes")),
    ("given name and note", replace("to: Max Field", "to: Max Fields")),
    (
        "another partner's stage",
        replace(
            "stage: won\n        note: Lee picked up",
            "stage: lost\n        note: Lee picked up",
        ),
    ),
    ("a partner's name", replace("name: Priya Shah", "name: Priya Shah-Rao")),
    (
        "consent",
        replace(
            "    referred_by: anne-ortiz\n    public: true", "    referred_by: anne-ortiz\n    public: false"
        ),
    ),
    ("the tree", replace("    referred_by: steve-hall\n", "    referred_by: anne-ortiz\n")),
    ("a spotlight", replace("across the county.", "across two counties.")),
    ("an event", replace("where: Main St showroom", "where: The new showroom")),
    ("the newsletter", replace("owner: Mark Rodgers", "owner: Marc Rodgers")),
    (
        "a new referral",
        replace(
            "given:\n",
            "  - id: r-2026-006\n    partner: quinn-lee\n    prospect: Ada Lin\n    introduced: 2026-11-01\ngiven:\n",
        ),
    ),
    (
        "a prospect's consent",
        replace("    prospect: Dana Wu\n", "    prospect: Dana Wu\n    public: true\n"),
    ),
    ("a public prospect's name", replace("prospect: Dana Wu", "prospect: Dana Wu-Park")),
    (
        "a removed partner's referral and the partner",
        replace(
            "  - id: r-2026-005\n    partner: quinn-lee\n    prospect: Sam Rivera\n    introduced: 2026-03-15\n    method: name\n    asked: true\n",
            "",
        ),
    ),
]


def test_after_every_edit_the_memo_gives_what_a_fresh_render_gives() -> None:
    memo, text = RenderMemo(), START
    assert dict(render_pages(load(text), LAYOUT, memo)) == render_site(load(text), LAYOUT)
    for name, edit in EDITS:
        text = edit(text)
        data = load(text)
        assert dict(render_pages(data, LAYOUT, memo)) == render_site(data, LAYOUT), name


@pytest.mark.parametrize(
    "layout",
    [
        dataclasses.replace(LAYOUT, as_of=TODAY + dt.timedelta(days=40)),
        dataclasses.replace(LAYOUT, secret=b"another secret of enough length!"),
        dataclasses.replace(LAYOUT, site_url="https://elsewhere.example.com/"),
    ],
    ids=["date", "secret", "site address"],
)
def test_a_new_layout_renders_every_page_again(layout: SiteLayout) -> None:
    data, memo = load(START), RenderMemo()
    dict(render_pages(data, LAYOUT, memo))
    assert dict(render_pages(data, layout, memo)) == render_site(data, layout)
    assert memo.rendered == len(render_site(data, layout))


def test_a_note_edit_renders_only_its_partners_page() -> None:
    """Not the insights page, nor any public page: none of them shows a note."""
    memo = RenderMemo()
    dict(render_pages(load(START), LAYOUT, memo))
    assert memo.rendered == len(render_site(load(START), LAYOUT))
    dict(render_pages(load(EDITS[0][1](START)), LAYOUT, memo))
    assert memo.rendered == 1
    dict(render_pages(load(EDITS[0][1](START)), LAYOUT, memo))
    assert memo.rendered == 0
