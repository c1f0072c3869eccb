"""The serve guard after a save that changed the confidential values (leak_delta): kept pages
are searched only for the values that changed, and it still finds exactly what a full scan
finds, whatever was edited, in whatever order."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_SECRET, TODAY, fixture_text
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import guard, leak_scan, scan_memory, validate
from generator.guard import Leak
from generator.models import PartnersFile
from generator.render import SiteLayout
from generator.scan_memory import ScanMemory

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
FIXTURE = fixture_text("small.yaml")
# Texts of the fixture a save may change, each held by a field with its own home.
SLOTS = {
    "steve's note": "SECRET-NOTE-DANA-MET",  # Steve's page
    "quinn's spotlight": "SECRET-SPOTLIGHT-QUINN",  # Quinn's page (Quinn gave no consent)
    "evan, anne's prospect": "SECRET-PROSPECT-EVAN",  # Anne's page
    "an internal note": "SECRET-INTERNAL-DANA",  # no page at all
    "jo, sent to steve": "SECRET-GIVEN-JO",  # Steve's page; a name, so its heading id is looked for too
}
# Consent a save may withdraw: Steve's (his name and spotlight), Public Pat's.
TOGGLES = {
    "steve": "referred_by: anne-ortiz\n    public: true\n",
    "pat": "method: letter\n    public: true\n",
}
OPENING = "took a test ride on the new touring model with a "  # longer than an anchor (48)
# Values that contain one another, share a long opening, or repeat in a way that lets one long
# form hide another starting inside it.
TEXTS = [
    "Dana Wu",
    "Met Dana Wu for lunch",
    OPENING + "friend",
    OPENING + "friend and family",
    "abcd " * 29 + "abcd",
    "abcd " * 11 + "secret",
    "Steve finds warehouse space.",  # Steve's spotlight: public while he consents
    "SECRET-COMPANY-QUINN",  # held by Quinn's company too
]
PAGES = ["index.html", "steve", "anne", "quinn"]
FILES = {
    "index.html": "<h1>Test Partner News</h1><p>Thanks to Steve Hall.</p>",
    "blog/a/index.html": "<p>A quiet month.</p>",
    "sitemap.xml": "<urlset></urlset>",
    "search/search_index.json": '{"docs": []}',
}


def load(folder: Path, slots: dict[str, str], withdrawn: frozenset[str]) -> PartnersFile:
    text = FIXTURE
    for slot, value in slots.items():
        text = text.replace(SLOTS[slot], value)
    for who in withdrawn:
        text = text.replace(TOGGLES[who], TOGGLES[who].replace("true", "false"))
    (folder / "partners.yaml").write_text(text, encoding="utf-8")
    return validate.load_partners(folder / "partners.yaml", TODAY)


def page_path(data: PartnersFile, page: str) -> str:
    if page == "owner":
        return LAYOUT.insights_page.removesuffix(".md") + "/index.html"
    if page == "index.html":
        return page
    partner = next(p for p in data.partners if page in p.id)
    return LAYOUT.partner_page(partner).removesuffix(".md") + "/index.html"


def write(root: Path, relative: str, text: str) -> None:
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(text, encoding="utf-8")


def scan(root: Path, data: PartnersFile, memory: ScanMemory) -> list[Leak]:
    """The serve scan, checked against a full scan of the same site."""
    leaks, _read = guard.guard_changed(root, data, LAYOUT, memory)
    assert leaks == guard.guard_site(root, data, LAYOUT)
    return leaks


class Session:
    """A served site: the data as saved so far, and the pages as built so far."""

    def __init__(self, folder: Path) -> None:
        # Scans an hour after the writes: each file is settled once read (test_scan_memory.py).
        self.memory = ScanMemory(clock=lambda: time.time_ns() + 3600 * 10**9)
        self.folder, self.root = folder, folder / "site"
        self.slots: dict[str, str] = {}
        self.withdrawn: frozenset[str] = frozenset()
        self.loaded: dict[tuple[object, ...], PartnersFile] = {}
        for relative, text in FILES.items():
            write(self.root, relative, text)

    def data(self) -> PartnersFile:
        key = (*sorted(self.slots.items()), *sorted(self.withdrawn))
        if key not in self.loaded:
            self.loaded[key] = load(self.folder, self.slots, self.withdrawn)
        return self.loaded[key]

    def page(self, page: str, texts: list[str]) -> None:
        write(self.root, page_path(self.data(), page), "".join(f"<p>{text}</p>\n" for text in texts))

    def build(self, page: str, extras: list[str]) -> None:
        """A page as a build writes it: the values it shows (at home there), and ``extras``."""
        shown = [self.slots.get(slot, SLOTS[slot]) for slot, home in SHOWN_ON.items() if home == page]
        self.page(page, [*shown, *extras])

    def scan(self) -> list[Leak]:
        return scan(self.root, self.data(), self.memory)


SHOWN_ON = {"steve's note": "steve", "quinn's spotlight": "quinn", "evan, anne's prospect": "anne"}
# Steve's note at home on his page hides Quinn's spotlight "abcd abcd … secret" in this text.
HIDING = "abcd " * 30 + "secret"
VALUES = st.sampled_from(TEXTS)
EXTRAS = st.lists(st.sampled_from([*TEXTS, HIDING]), max_size=2)
# A save changes a value or two, or a partner's consent; the build after it rewrites some pages
# (the others are kept as they are).
SAVE = st.tuples(
    st.dictionaries(st.sampled_from(sorted(SLOTS)), VALUES, max_size=2),
    st.frozensets(st.sampled_from(sorted(TOGGLES)), max_size=1),
    st.dictionaries(st.sampled_from(PAGES), EXTRAS),
)


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({slot: VALUES for slot in SLOTS}), st.lists(SAVE, min_size=1, max_size=4))
def test_the_serve_scan_finds_what_a_full_scan_finds_after_any_saves(
    first: dict[str, str],
    saves: list[tuple[dict[str, str], frozenset[str], dict[str, list[str]]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        session = Session(Path(folder))
        session.slots = dict(first)
        for page in PAGES:
            session.build(page, [])
        session.scan()
        for changes, flipped, rebuilt in saves:
            session.slots |= changes
            session.withdrawn ^= flipped
            for page, extras in sorted(rebuilt.items()):
                session.build(page, extras)
            session.scan()


def test_a_value_edited_away_no_longer_covers_the_name_inside_it(tmp_path: Path) -> None:
    # Quinn's page shows Quinn's spotlight, which names Anne's prospect: accounted for. Once the
    # spotlight is edited (and the page not yet rebuilt), the name on it is a leak.
    session = Session(tmp_path)
    session.slots |= {"quinn's spotlight": "Met Dana Wu for lunch", "evan, anne's prospect": "Dana Wu"}
    session.page("quinn", ["Met Dana Wu for lunch"])
    assert session.scan() == []
    session.slots["quinn's spotlight"] = "Left a voicemail."
    assert session.scan() == [Leak(page_path(session.data(), "quinn"), "referrals[1].prospect")]


def test_a_value_edited_into_one_it_already_had_no_longer_covers_either(tmp_path: Path) -> None:
    # No value is new (Quinn's company already held the text): only the covering one is gone.
    session = Session(tmp_path)
    session.slots |= {"quinn's spotlight": "Met Dana Wu for lunch", "evan, anne's prospect": "Dana Wu"}
    session.page("quinn", ["Met Dana Wu for lunch"])
    assert session.scan() == []
    session.slots["quinn's spotlight"] = "SECRET-COMPANY-QUINN"
    assert session.scan() == [Leak(page_path(session.data(), "quinn"), "referrals[1].prospect")]


def test_a_value_that_loses_one_of_its_homes_is_found_there(tmp_path: Path) -> None:
    # "Dana Wu" is Anne's prospect and Steve's note: at home on both pages, until Steve's note
    # changes (and his page is not yet rebuilt). The value itself is not new.
    session = Session(tmp_path)
    session.slots |= {"steve's note": "Dana Wu", "evan, anne's prospect": "Dana Wu"}
    session.page("steve", ["Dana Wu"])
    assert session.scan() == []
    session.slots["steve's note"] = "Met Dana Wu for lunch"
    assert session.scan() == [Leak(page_path(session.data(), "steve"), "referrals[1].prospect")]


def test_a_value_that_becomes_a_name_is_looked_for_by_its_heading_id_too(tmp_path: Path) -> None:
    # Steve's note "Dana Wu" is no name, so a heading id "dana-wu" elsewhere says nothing; once
    # Steve is sent business for Dana Wu, the same value (same home) is a name.
    session = Session(tmp_path)
    session.slots["steve's note"] = "Dana Wu"
    session.page("index.html", ['<h2 id="dana-wu">Our month</h2>'])
    assert session.scan() == []
    session.slots["jo, sent to steve"] = "Dana Wu"
    assert session.scan() == [
        Leak("index.html", "given[0].to"),
        Leak("index.html", "referrals[0].updates[0].note"),
    ]


def test_a_long_value_edited_away_no_longer_hides_one_starting_inside_it(tmp_path: Path) -> None:
    # Steve's note at home on his page hides Quinn's spotlight, which starts inside it: the
    # matcher finds long values sharing an opening without overlaps. When the note changes,
    # the spotlight is found on Steve's page (and nothing else about the page changed).
    session = Session(tmp_path)
    hider, hidden = "abcd " * 29 + "abcd", "abcd " * 11 + "secret"
    session.slots |= {"steve's note": hider, "quinn's spotlight": hidden}
    session.page("steve", ["abcd " * 30 + "secret"])
    assert session.scan() == []
    session.slots["steve's note"] = "Left a voicemail."
    assert session.scan() == [Leak(page_path(session.data(), "steve"), "partners[2].spotlight")]


def test_a_new_value_on_a_page_kept_from_the_last_scan_is_found(tmp_path: Path) -> None:
    session = Session(tmp_path)
    session.page("anne", ["Left a voicemail, will call again."])
    assert session.scan() == []
    session.slots["steve's note"] = "Left a voicemail, will call again."
    assert session.scan() == [Leak(page_path(session.data(), "anne"), "referrals[0].updates[0].note")]


def test_after_a_note_edit_only_the_files_read_again_are_searched_for_every_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[str] = []

    def counted(relative: str, *args: Any) -> leak_scan.Verdict:
        searched.append(relative)
        return leak_scan.scan_text(relative, *args)

    monkeypatch.setattr(scan_memory, "scan_text", counted)
    session = Session(tmp_path)
    session.page("steve", ["SECRET-NOTE-DANA-MET"])
    session.page("quinn", ["SECRET-SPOTLIGHT-QUINN"])
    assert session.scan() == []
    searched.clear()
    session.slots["steve's note"] = "Met Dana Wu for lunch"
    assert session.scan() == []
    assert sorted(searched) == ["search/search_index.json", "sitemap.xml"]
