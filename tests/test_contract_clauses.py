"""DESIGN.md's data contract read clause by clause, black-box: a project made as a user makes one
(the repo's mkdocs.yml, content/ and overrides/ copied, partners.yaml written by hand), driven
only through ``python -m generator check|generate`` and ``mkdocs build``, its pages read for what
DESIGN promises. Clauses another test already proves are not repeated here."""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import (
    REPO,
    TEST_SECRET,
    TODAY,
    SiteProject,
    built_project,
    load_problems,
    load_valid,
    make_project,
    soup_of,
)

from generator import guard
from generator.render import SiteLayout

# A program that has had news: a post for each of two months, an event with its calendar file.
WITH_NEWS = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
partners:
  - id: anne-ortiz
    name: Anne Ortiz
    public: true
referrals:
  - id: r-1
    partner: anne-ortiz
    prospect: Dana Wu
    introduced: 2026-09-03
    updates:
      - date: 2026-10-10
        stage: won
events:
  - date: 2027-01-15
    title: Winter partner breakfast
"""

# The same program started over: no referral, no event, and Anne gone.
STARTED_OVER = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
partners:
  - id: bob-lee
    name: Bob Lee
"""


def generated(project: SiteProject) -> list[str]:
    """Every file below content/ but the two the repo ships (the blog's index and welcome post)."""
    shipped = {"blog/index.md", "blog/posts/welcome.md"}
    files = (path.relative_to(project.content).as_posix() for path in project.content.rglob("*"))
    return sorted(path for path in files if (project.content / path).is_file() and path not in shipped)


def copied_without_state(tmp_path: Path, data: str) -> SiteProject:
    """A project whose content/ was copied from one generated from ``data``, without the hidden
    .referral/ folder (``cp -r *``, a zip of the visible files, a fresh clone of a repo that
    committed content/): the generator's record of what it wrote is lost, its pages are not."""
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = make_project(tmp_path / "first")
    first.write_data(data)
    result = first.generator("generate")
    assert result.returncode == 0, result.stderr
    second = make_project(tmp_path / "second")
    shutil.rmtree(second.content)
    shutil.copytree(first.content, second.content)
    return second


def test_without_its_record_a_run_still_removes_its_stale_posts_and_calendar_files(tmp_path: Path) -> None:
    """DESIGN, Shape: the generator "removes its own stale files": a month with news no longer in
    the data loses its post, a deleted event its calendar file, even when this run writes no post
    and no event at all (so it has no reason of its own to look in those folders)."""
    project = copied_without_state(tmp_path, WITH_NEWS)
    assert [path for path in generated(project) if path.startswith(("blog/posts/", "events/"))]
    project.write_data(STARTED_OVER)
    result = project.generator("generate")
    assert result.returncode == 0, result.stderr
    left = generated(project)
    assert not [path for path in left if path.startswith(("blog/posts/", "events/"))], left
    assert not [path for path in left if "Anne Ortiz" in (project.content / path).read_text(encoding="utf-8")]


def test_a_month_and_an_event_gone_from_the_data_lose_their_files(tmp_path: Path) -> None:
    """The usual case of the one above: the same project, its record kept."""
    project = make_project(tmp_path)
    project.write_data(WITH_NEWS)
    assert project.generator("generate").returncode == 0
    assert [path for path in generated(project) if path.startswith(("blog/posts/", "events/"))]
    project.write_data(STARTED_OVER)
    result = project.generator("generate")
    assert result.returncode == 0, result.stderr
    assert not [path for path in generated(project) if path.startswith(("blog/posts/", "events/"))]
    assert "4 removed" in result.stdout  # two posts, the calendar file and Anne's page


# Every edge value at once (DESIGN, data contract v1 and v1.1; "today" is conftest's TODAY,
# 2026-11-20): HTML-special and non-Latin text in every text field, referral ids differing only
# in case, one prospect referred by two partners, a partner who referred nobody and one with
# every optional field absent, leap days and month and year boundaries, a referral introduced
# today, and the smallest and largest values each number and length allows.
LONG_ID = "a" + "-b" * 31  # 63 characters: the longest id the pattern allows
LONG_NAME = ("Zoë <b>&amp;</b> 'Ω' 李 " * 10)[:200]
LONG_NOTE = ("Notë <i>x</i> & y. " * 300)[:5000]
EDGES = f"""\
newsletter:
  title: "Ünïcødé <b>News</b> & 'Co'"
  owner: "O'Brien & <Sons>"
  due_after_days: 3650
partners:
  - id: "0"
    name: Bare Minimum
  - id: {LONG_ID}
    name: "{LONG_NAME}"
    company: "Café <Müller> & Söhne"
    profession: "Arzt \\"Ärztin\\" 医者"
    email: edge.partner@example.com
    since: 2024-02-29
    public: true
    spotlight: "<script>alert(1)</script> 李小龍 & *friends*"
    epoch: 999999999
  - id: zed
    name: "Zed <Zulu>"
    referred_by: {LONG_ID}
    public: true
    epoch: 0
referrals:
  - id: R-1
    partner: {LONG_ID}
    prospect: "Prøspect <one> & \\"two\\""
    introduced: 2024-02-29
    method: name
    asked: true
    public: false
    value: 1000000000000
    updates:
      - date: 2024-02-29
        stage: contacted
      - date: 2024-03-01
        stage: met
        note: "{LONG_NOTE}"
        internal: "Internal <i>never</i> & ever"
      - date: 2024-12-31
        stage: won
  - id: r-1
    partner: zed
    prospect: "Prøspect <one> & \\"two\\""
    introduced: 2025-12-31
    method: lunch
    asked: false
    value: 0
    updates:
      - date: 2026-01-01
        stage: lost
        note: "Gently <b>closed</b>"
  - id: today
    partner: zed
    prospect: "Introduced Today"
    introduced: 2026-11-20
    public: true
given: []
events: []
"""
PROSPECT = 'Prøspect <one> & "two"'


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return built_project(tmp_path_factory.mktemp("edges"), EDGES)


def private_pages(project: SiteProject) -> dict[str, str]:
    """Each partner's private page as a partner reads it (its text), by partner id."""
    lines = project.generator("links").stdout.splitlines()
    addresses = dict(line.rsplit("\t", 1) for line in lines if "\t" in line)
    names = {"Bare Minimum": "0", LONG_NAME: LONG_ID, "Zed <Zulu>": "zed"}
    return {
        names[name]: soup_of(project.site / urlsplit(address).path.strip("/") / "index.html").get_text(" ")
        for name, address in addresses.items()
        if name in names
    }


def public_text(project: SiteProject) -> str:
    """Everything a visitor can fetch but the private pages, with entities undone."""
    site = project.site
    files = (path for path in site.rglob("*") if path.is_file() and path.relative_to(site).parts[0] != "p")
    return "\n".join(html.unescape(path.read_text(encoding="utf-8", errors="replace")) for path in files)


@pytest.mark.build
def test_every_edge_value_at_once_passes_check(edges: SiteProject) -> None:
    assert (len(LONG_ID), len(LONG_NAME), len(LONG_NOTE)) == (63, 200, 5000)
    assert LONG_NAME[-1] != " " and LONG_NOTE[-1] != " "
    result = edges.generator("check")
    assert result.returncode == 0, result.stdout
    assert "valid (3 partners)" in result.stdout


@pytest.mark.build
def test_each_partner_page_shows_its_own_referrals_as_written(edges: SiteProject) -> None:
    pages = private_pages(edges)
    assert sorted(pages) == sorted(["0", LONG_ID, "zed"])
    # The same prospect, referred by two partners under ids differing only in case: on both pages.
    assert PROSPECT in pages[LONG_ID] and PROSPECT in pages["zed"]
    assert " ".join(LONG_NOTE.split()) in " ".join(pages[LONG_ID].split())
    assert "Gently <b>closed</b>" in pages["zed"] and "Gently" not in pages[LONG_ID]
    assert "Introduced Today" in pages["zed"] and "Introduced Today" not in pages[LONG_ID]
    # lost is said gently; a partner who referred nobody is told so, not shown a table of zeros.
    assert "File closed" in pages["zed"]
    assert "No referrals yet" in pages["0"] and PROSPECT not in pages["0"]


# README, What partners see: "the thank-you first, then every introduction they sent …, their
# branch of the referral tree, the business sent their way, and the events coming up".
PAGE_ORDER = ["Your referrals", "Your referral tree", "Giving back", "Coming up"]


@pytest.mark.build
def test_a_partner_page_keeps_its_sections_in_order(edges: SiteProject) -> None:
    lines = edges.generator("links").stdout.splitlines()
    address = next(line.rsplit("\t", 1)[1] for line in lines if line.startswith("Zed"))
    page = soup_of(edges.site / urlsplit(address).path.strip("/") / "index.html").find("article")
    assert page is not None
    headings = [heading.get_text(strip=True).rstrip("¶") for heading in page.find_all(["h1", "h2"])]
    assert headings[0] == "Thank you, Zed"
    assert headings[1:] == [title for title in PAGE_ORDER if title in headings], headings
    assert headings[1:3] == PAGE_ORDER[:2] and "Giving back" in headings


@pytest.mark.build
def test_never_published_values_are_on_no_page_even_the_partners_own(edges: SiteProject) -> None:
    everything = "\n".join(
        html.unescape(path.read_text(encoding="utf-8", errors="replace"))
        for path in edges.site.rglob("*")
        if path.is_file()
    )
    assert "Gently <b>closed</b>" in everything  # the partner's own note: on their page
    assert "Internal <i>never</i>" not in everything
    assert "edge.partner@example.com" not in everything


@pytest.mark.build
def test_public_files_name_only_what_both_consents_allow(edges: SiteProject) -> None:
    public = public_text(edges)
    assert LONG_NAME in public and "Zed <Zulu>" in public
    assert "<script>alert(1)</script> 李小龍 & *friends*" in public  # a consenting partner's spotlight
    for private in (PROSPECT, "Introduced Today", "Bare Minimum", "Gently", "Notë"):
        assert private not in public, private


@pytest.mark.build
def test_months_on_leap_days_and_year_boundaries_get_their_issues(edges: SiteProject) -> None:
    posts = edges.content / "blog" / "posts" / "newsletter"
    assert sorted(path.stem for path in posts.iterdir()) == [
        "2024-02",
        "2024-03",
        "2024-12",
        "2025-12",
        "2026-01",
        "2026-11",
    ]
    assert "date: 2024-02-29\n" in (posts / "2024-02.md").read_text(encoding="utf-8")
    # The month under way is dated today, never ahead; its issue counts today's introduction.
    under_way = (posts / "2026-11.md").read_text(encoding="utf-8")
    assert "date: 2026-11-20\n" in under_way and "So far in November 2026" in under_way


# Each date field out of its range in a record that also fails for another reason.
MIXED = """\
newsletter:
  title: T
  owner: O
partners:
  - id: a
    name: A
    since: 2030-01-01
    public: maybe
referrals:
  - id: r
    partner: a
    prospect: P
    introduced: 1899-12-31
    method: dinner
    updates:
      - date: 2029-01-01
        stage: mett
given:
  - partner: a
    date: 2030-01-01
    to: X
    bogus: 1
events:
  - date: 2040-01-01
    title: E
    time: "25:00"
"""


def test_a_record_with_a_mistake_still_has_its_dates_checked() -> None:
    """README and STYLE: mistakes are reported all at once, so an editor fixing every line
    `check` names is not then shown a second list: a date out of range is named beside the
    other mistake of its record, not only once that mistake is fixed."""
    assert load_problems(MIXED) == [
        "partners.yaml:7:12: partners[0].since: 2030-01-01 is in the future (today is 2026-11-20)",
        "partners.yaml:8:13: partners[0].public: 'maybe' is not true or false",
        "partners.yaml:13:17: referrals[0].introduced: 1899-12-31 is before 1900-01-01; write the real date (YYYY-MM-DD)",
        "partners.yaml:14:13: referrals[0].method: 'dinner' is not one of name, letter, call, lunch",
        "partners.yaml:16:15: referrals[0].updates[0].date: 2029-01-01 is in the future (today is 2026-11-20)",
        "partners.yaml:17:16: referrals[0].updates[0].stage: 'mett' is not one of contacted, met, proposal, won, lost;"
        " did you mean 'met'?",
        "partners.yaml:20:11: given[0].date: 2030-01-01 is in the future (today is 2026-11-20)",
        "partners.yaml:22:5: given[0].bogus: unknown field 'bogus'; known fields: partner, date, to, note",
        "partners.yaml:24:11: events[0].date: 2040-01-01 is more than 5 years ahead (the latest event date is 2031-11-20)",
        "partners.yaml:26:11: events[0].time: '25:00' is not a time of day; write it as HH:MM from 00:00 to 23:59, e.g. 18:30",
    ]


# DESIGN's example with every section, each required field on a line of its own.
COMPLETE = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
partners:
  - id: anne-ortiz
    name: Anne Ortiz
  - id: steve-hall
    name: Steve Hall
    referred_by: anne-ortiz
referrals:
  - id: r-2026-001
    partner: steve-hall
    prospect: Dana Wu
    introduced: 2026-02-03
    updates:
      - date: 2026-02-10
        stage: met
given:
  - partner: steve-hall
    date: 2026-03-01
    to: Jo Park
events:
  - date: 2026-12-10
    title: Holiday partner mixer
"""
# Each required field left out (the text it goes from, what is left) and where check says so:
# at the first line of its record.
REQUIRED = {
    "2:3: newsletter.title": ("  title: Referral Partner Updates\n", ""),
    "2:3: newsletter.owner": ("  owner: Mark Rodgers\n", ""),
    "5:5: partners[0].id": ("  - id: anne-ortiz\n    name", "  - name"),
    "5:5: partners[0].name": ("    name: Anne Ortiz\n", ""),
    "11:5: referrals[0].id": ("  - id: r-2026-001\n    partner", "  - partner"),
    "11:5: referrals[0].partner": ("    partner: steve-hall\n    prospect", "    prospect"),
    "11:5: referrals[0].prospect": ("    prospect: Dana Wu\n", ""),
    "11:5: referrals[0].introduced": ("    introduced: 2026-02-03\n", ""),
    "16:9: referrals[0].updates[0].date": ("      - date: 2026-02-10\n        stage", "      - stage"),
    "16:9: referrals[0].updates[0].stage": ("        stage: met\n", ""),
    "19:5: given[0].partner": ("  - partner: steve-hall\n    date", "  - date"),
    "19:5: given[0].date": ("    date: 2026-03-01\n", ""),
    "19:5: given[0].to": ("    to: Jo Park\n", ""),
    "23:5: events[0].date": ("  - date: 2026-12-10\n    title", "  - title"),
    "23:5: events[0].title": ("    title: Holiday partner mixer\n", ""),
}


def test_the_complete_example_is_valid() -> None:
    assert len(load_valid(COMPLETE).partners) == 2


@pytest.mark.parametrize("where", list(REQUIRED))
def test_each_required_field_left_out_is_named_where_its_record_starts(where: str) -> None:
    """DESIGN marks these fields required (given's and events' as its example writes them)."""
    text = COMPLETE.replace(*REQUIRED[where], 1)
    assert text != COMPLETE
    found = [problem for problem in load_problems(text) if "required" in problem]
    assert found == [f"partners.yaml:{where}: required, but missing"]


def test_every_optional_field_left_out_takes_designs_default() -> None:
    data = load_valid(COMPLETE)
    anne, steve = data.partners
    referral, given, event = data.referrals[0], data.given[0], data.events[0]
    assert (anne.public, steve.public, referral.public) == (False, False, False)  # "default false"
    assert (anne.company, anne.profession, anne.email, anne.since, anne.referred_by, anne.spotlight) == (
        None,
    ) * 6
    assert (referral.method, referral.asked, referral.value, referral.updates[0].note) == (None,) * 4
    assert (data.newsletter.business, given.note, event.where) == (None,) * 3
    assert (data.newsletter.currency, data.newsletter.timezone) == ("USD", "UTC")


# A note in the words every issue prints: "Thank you!" ends the opening of any month with an
# introduction or a win ("In March 2026 our partners introduced … to us. Thank you!").
THANKED = COMPLETE.replace("        stage: met\n", "        stage: met\n        note: Thank you!\n")


def test_a_note_in_the_words_every_issue_prints_is_no_secret() -> None:
    data = load_valid(THANKED)
    layout = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
    fields = {item.field for item in guard.confidential_values(data, layout)}
    assert "referrals[0].prospect" in fields  # the guard still looks for what is secret
    assert "referrals[0].updates[0].note" not in fields


@pytest.mark.build
def test_a_note_saying_thank_you_builds(tmp_path: Path) -> None:
    """A valid file builds: a partner's note that reads like the issue's own words is no leak
    (the leak guard stopped this build, naming the note in the February issue)."""
    project = built_project(tmp_path, THANKED)
    issue = html.unescape(project.read_site("blog/2026/02/newsletter-2026-02/index.html"))
    assert "Thank you!" in issue and "Dana Wu" not in issue


# DESIGN, Known traps: "pin mkdocs>=1.6,<2 and keep the core free of MkDocs imports so it can move
# to ProperDocs or Zensical later".
CORE_IMPORTS = """
import importlib, pkgutil, sys
import generator
names = [m.name for m in pkgutil.walk_packages(generator.__path__, "generator.")]
for name in names:
    if name not in ("generator.plugin", "generator.__main__"):
        importlib.import_module(name)
print(len(names), sorted({name.split(".")[0] for name in sys.modules} & {"mkdocs", "material"}))
"""


def test_no_module_but_the_plugin_imports_mkdocs() -> None:
    result = subprocess.run([sys.executable, "-c", CORE_IMPORTS], capture_output=True, text=True, check=True)
    count, imported = result.stdout.split(" ", 1)
    assert int(count) > 50 and imported.strip() == "[]", result.stdout


def test_mkdocs_is_pinned_below_2() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "mkdocs>=1.6,<2" in project["dependencies"]
    pins = (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [pin for pin in pins if pin.startswith("mkdocs==")] == ["mkdocs==1.6.1"]
