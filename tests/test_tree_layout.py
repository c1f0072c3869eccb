"""The public tree drawing: one branching figure, consenting partners named, the others grouped."""

from __future__ import annotations

import datetime as dt
import re

from generator.render import TREE_PAGE, SiteLayout, render_site
from generator.svg_tree import Node, tree_svg
from generator.validate import load_text

DATA = """\
newsletter: {title: Tree News, owner: Olive Owner}
partners:
  - {id: ann, name: Ann Able, public: true}
  - {id: bob, name: Bob Baker, public: true, referred_by: ann}
  - {id: p1, name: PRIVATE-ONE, referred_by: ann}
  - {id: p2, name: PRIVATE-TWO, referred_by: ann}
  - {id: p3, name: PRIVATE-THREE, referred_by: p2}
  - {id: cal, name: PRIVATE-CAL}
  - {id: dee, name: Dee Dunn, public: true, referred_by: cal}
  - {id: eve, name: PRIVATE-EVE}
  - {id: fay, name: PRIVATE-FAY, referred_by: eve}
"""


def _tree_page() -> str:
    today = dt.date(2026, 11, 20)
    files = render_site(load_text(DATA, "partners.yaml", today), SiteLayout(as_of=today, secret=b"s"))
    return files[TREE_PAGE]


def test_all_families_branch_in_one_drawing_with_unnamed_partners_grouped() -> None:
    page = _tree_page()
    assert page.count("<svg") == 1
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", page)
    # ann's two unnamed branches (three partners) are one box; cal stays as the link to dee;
    # eve's family has no one named, so it is one box of two.
    assert labels == ["Ann Able", "Bob Baker", "3 partners", "A partner", "Dee Dunn", "2 partners"]
    assert "PRIVATE" not in page


def test_the_drawing_branches_rather_than_stacking() -> None:
    page = _tree_page()
    boxes = re.findall(r'<rect x="([\d.]+)" y="([\d.]+)"', page)
    rows: dict[str, set[str]] = {}
    for x, y in boxes:
        rows.setdefault(y, set()).add(x)
    assert max(len(xs) for xs in rows.values()) >= 3  # siblings and families side by side
    assert len(rows) == 2  # two generations, not one column of chains


def test_a_wide_name_is_cut_to_the_room_of_its_box() -> None:
    # "李小龙北京贸易有限公司国际部经理" (16 characters, each as wide as two Latin letters) was cut
    # at 20 characters, so all of it was drawn, twice as wide as its box, across its neighbours.
    svg = tree_svg(
        [Node("李小龙北京贸易有限公司国际部经理", None), Node("Bartholomew Featherstonehaugh", 0)], "t"
    )
    assert ">李小龙北京贸易有限…</text>" in svg
    assert ">Bartholomew Feather…</text>" in svg  # Latin names are cut where they were
    assert ">山田太郎</text>" in tree_svg([Node("山田太郎", None)], "t")
