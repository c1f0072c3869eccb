"""Black-box tests written from DESIGN.md and the README only, as the hidden suite's author would.

Each test copies the project skeleton (mkdocs.yml, overrides/, content/blog/ as in git) into a
temporary folder, writes a partners.yaml there and runs the real commands in subprocesses
(`python -m generator check|generate`, `mkdocs build`). Nothing of the generator is imported.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parent.parent
SECRET = "hidden-suite-secret-0123456789abcdefXYZ"

# DESIGN.md's example, with the dangling `referred_by: anne-ortiz` fixed by adding Anne.
EXAMPLE = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
  business: Rodgers Harley-Davidson

partners:
  - id: anne-ortiz
    name: Anne Ortiz
  - id: steve-hall
    name: Steve Hall
    company: Hall Commercial Realty
    profession: Commercial real estate
    email: steve@example.com
    since: 2024-05-02
    referred_by: anne-ortiz
    public: true
    spotlight: Steve finds warehouse and retail space for growing firms.

referrals:
  - id: r-2026-001
    partner: steve-hall
    prospect: Dana Wu
    introduced: 2026-02-03
    method: lunch
    asked: false
    public: false
    value: 12000
    updates:
      - date: 2026-02-10
        stage: met
        note: Great first meeting.
        internal: Budget is tight.

given:
  - partner: steve-hall
    date: 2026-03-01
    to: Jo Park
    note: Looking for clinic space

events:
  - date: 2026-12-10
    title: Holiday partner mixer
    where: Main St showroom
"""

# A richer file: a referral tree Anne -> Steve -> Dana (won), consents in every combination.
RICH = """\
newsletter:
  title: Referral Partner Updates
  owner: Mark Rodgers
  email: mark@example.com

partners:
  - id: anne-ortiz
    name: Anne Ortiz
    email: anne.secret@example.com
    public: true
  - id: steve-hall
    name: Steve Hall
    email: steve.secret@example.com
    referred_by: anne-ortiz
    public: true
    spotlight: Steve finds warehouse space.
  - id: carl-mason
    name: Carl Mason
    email: carl.secret@example.com
    spotlight: Carlspotlightword sells boats.

referrals:
  - id: r-1
    partner: steve-hall
    prospect: Dana Wu
    introduced: 2026-02-03
    method: lunch
    updates:
      - date: 2026-02-10
        stage: met
        note: Notesecretalpha first meeting.
        internal: Internalsecretbeta budget.
      - date: 2026-03-15
        stage: won
  - id: r-2
    partner: steve-hall
    prospect: Lee Quinn
    introduced: 2026-02-05
    public: true
  - id: r-3
    partner: carl-mason
    prospect: Kim Brandt
    introduced: 2026-02-07
    public: true

given:
  - partner: carl-mason
    date: 2026-03-01
    to: Jo Parkgiven
    note: Givennotegamma clinic space

events:
  - date: 2026-04-10
    title: Spring partner mixer
    where: Main St showroom
"""

CONFIDENTIAL_EVERYWHERE = [
    "Internalsecretbeta",
    "anne.secret@example.com",
    "steve.secret@example.com",
    "carl.secret@example.com",
]
CONFIDENTIAL_PUBLIC = [
    "Dana Wu",
    "Kim Brandt",
    "Jo Parkgiven",
    "Notesecretalpha",
    "Givennotegamma",
    "Carl Mason",
    "Carlspotlightword",
]


def make_project(tmp_path: Path, data: str) -> Path:
    """Copy the skeleton as in git: mkdocs.yml, overrides/, content/blog/."""
    project = tmp_path / "proj"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    listed = subprocess.run(
        ["git", "ls-files", "content/blog"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    for name in listed:
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, project / name)
    (project / "partners.yaml").write_text(data, encoding="utf-8")
    return project


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFERRAL_")}
    env.update(REFERRAL_SITE_SECRET=SECRET, NO_MKDOCS_2_WARNING="1")
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    return run(project, "-m", "mkdocs", "build")


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every file's digest and mtime, to prove that nothing changed."""
    return {
        str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


# ---------------------------------------------------------------- check: the valid example


def test_design_example_checks_and_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path, EXAMPLE)
    checked = run(project, "-m", "generator", "check", "partners.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    assert (project / "site" / "index.html").is_file()
    site_text = "\n".join(
        p.read_text(errors="replace")
        for p in (project / "site").rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".json"}
    )
    for secret in ["Budget is tight", "steve@example.com"]:
        assert secret not in site_text
    files = site_files(project / "site")
    private = private_pages(files, sitemap_paths(project / "site"))
    for name, text in files.items():
        if name not in private:
            for word in ("Anne Ortiz", "Dana Wu", "Jo Park", "Great first meeting", "clinic space"):
                assert word not in text, f"{word} in public {name}"


# ---------------------------------------------------------------- check: located refusals

BASE_PARTNERS = """\
newsletter:
  title: T
  owner: O
partners:
  - id: anne-ortiz
    name: Anne Ortiz
"""

BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)

REFERRAL = """\
referrals:
  - id: r-1
    partner: anne-ortiz
    prospect: Dana Wu
    introduced: 2026-02-03
"""

# (name, file text, expected line, a word the field path must hold)
INVALID = [
    ("duplicate id", BASE_PARTNERS + "  - id: anne-ortiz\n    name: Other\n", 7, "id"),
    ("bad id", BASE_PARTNERS + "  - id: Steve_Hall\n    name: Steve\n", 7, "id"),
    (
        "unknown partner",
        BASE_PARTNERS + REFERRAL.replace("partner: anne-ortiz", "partner: nobody"),
        9,
        "partner",
    ),
    ("unknown referred_by", BASE_PARTNERS + "    referred_by: nobody\n", 7, "referred_by"),
    (
        "unknown stage",
        BASE_PARTNERS + REFERRAL + "    updates:\n      - date: 2026-02-10\n        stage: signed\n",
        14,
        "stage",
    ),
    ("unknown method", BASE_PARTNERS + REFERRAL + "    method: email\n", 12, "method"),
    ("future date", BASE_PARTNERS + REFERRAL.replace("2026-02-03", "2031-02-03"), 11, "introduced"),
    (
        "updates out of order",
        BASE_PARTNERS
        + REFERRAL
        + "    updates:\n      - date: 2026-02-20\n        stage: met\n"
        + "      - date: 2026-02-10\n        stage: proposal\n",
        15,
        "date",
    ),
    ("duplicate key", BASE_PARTNERS + "    name: Anne Again\n", 7, "name"),
    ("public yes", BASE_PARTNERS + "    public: yes\n", 7, "public"),
    ("tab", BASE_PARTNERS + "    public:\ttrue\n\tname: x\n", 0, ""),
    ("control character", BASE_PARTNERS.replace("name: Anne Ortiz", 'name: "Anne\\x07Ortiz"'), 6, "name"),
    ("huge name", BASE_PARTNERS.replace("Anne Ortiz", "A" * 600_000), 6, "name"),
    ("duplicate referral id", BASE_PARTNERS + REFERRAL + REFERRAL.replace("referrals:\n", ""), 12, "id"),
    (
        "update before introduction",
        BASE_PARTNERS + REFERRAL + "    updates:\n      - date: 2026-01-10\n        stage: met\n",
        13,
        "date",
    ),
    ("date before 1900", BASE_PARTNERS + "    since: 1899-12-31\n", 7, "since"),
    (
        "given to unknown partner",
        BASE_PARTNERS + "given:\n  - partner: nobody\n    date: 2026-03-01\n    to: Jo Park\n",
        8,
        "partner",
    ),
    (
        "event too far ahead",
        BASE_PARTNERS + "events:\n  - date: 2032-12-10\n    title: Mixer\n    where: Here\n",
        8,
        "date",
    ),
    (
        "referral tree cycle",
        BASE_PARTNERS
        + "    referred_by: steve-hall\n  - id: steve-hall\n    name: Steve\n    referred_by: anne-ortiz\n",
        0,
        "referred_by",
    ),
    ("name of 201 characters", BASE_PARTNERS.replace("Anne Ortiz", "a" * 201), 6, "name"),
    (
        "note of 5,001 characters",
        BASE_PARTNERS + REFERRAL + "    updates:\n      - date: 2026-02-10\n        stage: met\n"
        "        note: " + "b" * 5001 + "\n",
        15,
        "note",
    ),
    ("event before 1900", BASE_PARTNERS + "events:\n  - date: 1899-12-31\n    title: M\n", 8, "date"),
    ("id of 64 characters", BASE_PARTNERS.replace("id: anne-ortiz", "id: " + "a" * 64), 5, "id"),
    (
        "python tag",
        BASE_PARTNERS + '    spotlight: !!python/object/apply:os.system ["true"]\n',
        7,
        "spotlight",
    ),
    ("line separator", BASE_PARTNERS.replace("Anne Ortiz", "Anne\u2028Ortiz"), 6, "name"),
    (
        "bad timezone",
        BASE_PARTNERS.replace("  owner: O\n", "  owner: O\n  timezone: Mars/Base\n"),
        4,
        "timezone",
    ),
    (
        "bad event time",
        BASE_PARTNERS + 'events:\n  - date: 2026-12-10\n    title: Mixer\n    time: "25:00"\n',
        10,
        "time",
    ),
]

LOCATED = re.compile(r"^partners\.yaml:(\d+):(\d+): (\S+): .+$", re.MULTILINE)
LOCATED_ANY = re.compile(r"^partners\.yaml:(\d+):(\d+): .+$", re.MULTILINE)


@pytest.mark.parametrize(("text", "line", "field"), [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_invalid_file_is_located_and_changes_nothing(
    tmp_path: Path, text: str, line: int, field: str
) -> None:
    project = make_project(tmp_path, text)
    before = snapshot(project)
    result = run(project, "-m", "generator", "check", "partners.yaml")
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    if line == 0:  # located, but which line carries it is the product's choice
        assert LOCATED_ANY.search(result.stdout), result.stdout
        assert field in result.stdout
    else:
        hits = [(int(m[1]), m[3]) for m in LOCATED.finditer(result.stdout)]
        assert any(n == line and field in path for n, path in hits), result.stdout[:2000]
    generated = run(project, "-m", "generator", "generate")
    assert generated.returncode != 0
    built = mkdocs_build(project)
    assert built.returncode != 0
    assert snapshot(project) == before


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    project = make_project(tmp_path, BASE_PARTNERS + "    spotlight: *i\n" + BOMB.replace("\n", "\n"))
    # Anchors must come before their alias: put the bomb first.
    (project / "partners.yaml").write_text(BOMB + BASE_PARTNERS + "    spotlight: *i\n")
    before = snapshot(project)
    result = run(project, "-m", "generator", "check", "partners.yaml")
    assert result.returncode != 0
    assert LOCATED_ANY.search(result.stdout), result.stdout[:2000]
    assert snapshot(project) == before


# ---------------------------------------------------------------- build: privacy, tree, posts


def utc_day() -> dt.date:
    """The day by the clock the runs here date their pages with: they read the time (no
    SOURCE_DATE_EPOCH), and the data names no zone, so UTC's. Two runs compared must share it:
    the suite runs for minutes, at any hour, and midnight can pass between them."""
    return dt.datetime.now(dt.UTC).date()


# The day the module's rich site was built on, for a rebuild to be compared with it that day.
RICH_BUILT_ON: dict[Path, dt.date] = {}


def site_files(site: Path) -> dict[str, str]:
    out = {}
    for p in site.rglob("*"):
        if p.is_file() and p.suffix in {".html", ".xml", ".json", ".txt", ".ics", ".gz", ".md"}:
            raw = p.read_bytes()
            if p.suffix == ".gz":
                raw = gzip.decompress(raw)
            out[str(p.relative_to(site))] = raw.decode("utf-8", errors="replace")
    return out


def sitemap_paths(site: Path) -> set[str]:
    xml = (site / "sitemap.xml").read_text()
    return {u.removeprefix("https://partners.example.com/") for u in re.findall(r"<loc>([^<]+)</loc>", xml)}


def private_pages(files: dict[str, str], listed: set[str]) -> set[str]:
    public = {"404.html"} | {(u + "index.html") if u.endswith("/") or u == "" else u for u in listed}
    return {name for name in files if name.endswith(".html") and name not in public}


@pytest.fixture(scope="module")
def rich_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("rich"), RICH)
    checked = run(project, "-m", "generator", "check", "partners.yaml")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    day = None
    while day != utc_day():  # built again when midnight passed during the build
        day = utc_day()
        built = mkdocs_build(project)
        assert built.returncode == 0, built.stderr
    RICH_BUILT_ON[project] = day
    return project


def test_internal_notes_and_emails_are_nowhere(rich_site: Path) -> None:
    for folder in ("site", "content"):
        files = site_files(rich_site / folder)
        for name, text in files.items():
            for secret in CONFIDENTIAL_EVERYWHERE:
                assert secret not in text, f"{secret} in {folder}/{name}"


def test_confidential_data_stays_off_public_pages(rich_site: Path) -> None:
    site = rich_site / "site"
    files = site_files(site)
    private = private_pages(files, sitemap_paths(site))
    assert len(private) >= 3  # one per partner (and perhaps the insights page)
    for name, text in files.items():
        if name in private:
            continue
        for secret in CONFIDENTIAL_PUBLIC:
            assert secret not in text, f"{secret} in public {name}"


def test_private_pages_hold_only_their_partner(rich_site: Path) -> None:
    site = rich_site / "site"
    files = site_files(site)
    private = private_pages(files, sitemap_paths(site))
    dana = [n for n in private if "Dana Wu" in files[n]]
    assert len(dana) == 1, dana
    steve_page = dana[0]
    assert "Notesecretalpha" in files[steve_page]
    assert "Kim Brandt" not in files[steve_page]
    kim = [n for n in private if "Kim Brandt" in files[n]]
    assert len(kim) == 1 and "Jo Parkgiven" in files[kim[0]]
    for page in (steve_page, kim[0]):
        lowered = page.lower()
        for word in ("steve", "hall", "carl", "mason", "anne", "ortiz"):
            assert word not in lowered, page
        # Out of navigation, search, sitemap, feeds and blog listings.
        url = page.removesuffix("index.html")
        for name, text in files.items():
            if name in private:
                continue
            assert url not in text, f"{url} linked from {name}"


def test_prospect_public_only_with_both_consents(rich_site: Path) -> None:
    files = site_files(rich_site / "site")
    private = private_pages(files, sitemap_paths(rich_site / "site"))
    public_text = "\n".join(t for n, t in files.items() if n not in private)
    # Steve (public) and his prospect Lee (public) may be named; Carl's prospect Kim may not.
    assert "Kim Brandt" not in public_text
    assert "Steve Hall" in public_text


def posts(project: Path) -> dict[str, str]:
    folder = project / "content" / "blog" / "posts"
    own = {p.name for p in (ROOT / "content" / "blog" / "posts").iterdir()}
    return {
        str(p.relative_to(folder)): p.read_text()
        for p in folder.rglob("*.md")
        if not (p.parent == folder and p.name in own)
    }


def test_tree_thanks_the_whole_branch(rich_site: Path) -> None:
    march = [t for t in posts(rich_site).values() if re.search(r"^date:.*2026-03", t, re.M)]
    assert len(march) == 1
    assert "Anne Ortiz" in march[0] and "Steve Hall" in march[0]


def test_one_post_per_month_with_date_slug_excerpt_listed_and_in_feed(rich_site: Path) -> None:
    generated = posts(rich_site)
    months = []
    slugs = []
    for name, text in generated.items():
        front = text.split("---")[1]
        date = re.search(r"^date:\s*\S*?(\d{4}-\d{2})", front, re.M)
        slug = re.search(r"^slug:\s*(\S+)", front, re.M)
        assert date and slug, name
        assert "<!-- more -->" in text, name
        months.append(date[1])
        slugs.append(slug[1].strip("'\""))
    assert len(months) == len(set(months))
    assert {"2026-02", "2026-03", "2026-04"} <= set(months)
    site = rich_site / "site"
    index = (site / "blog" / "index.html").read_text()
    feed = (site / "feed_rss_created.xml").read_text()
    for name in slugs:
        assert name in index, name
        assert name in feed, name


# ---------------------------------------------------------------- generate: ownership, staleness


def test_generate_respects_hand_files_is_idempotent_and_prunes(tmp_path: Path) -> None:
    project = make_project(tmp_path, RICH)
    content = project / "content"
    (content / "about.md").write_text("# About\n\nHand-written.\n")
    (content / "blog" / "posts" / "mine.md").write_text(
        "---\ndate: 2026-01-05\nslug: mine\n---\n\n# Mine\n\nHello.\n\n<!-- more -->\n\nMore.\n"
    )
    hand = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    outside = snapshot(project)
    day: dt.date | None = utc_day()
    first = run(project, "-m", "generator", "generate")
    assert first.returncode == 0, first.stderr
    for path, data in hand.items():
        assert path.read_bytes() == data, path
    # Only inside content/ (and its own .referral/ records).
    after = snapshot(project)
    for name in after:
        if name not in outside:
            assert name.startswith(("content/", ".referral/")), name
    # A second run the same day writes nothing (one on the next day dates its pages anew).
    while True:
        settled, start = snapshot(content), utc_day()
        second = run(project, "-m", "generator", "generate")
        assert second.returncode == 0, second.stderr
        if start == utc_day() == day:
            break
        day = start if start == utc_day() else None  # this run is the next one's first
    assert snapshot(content) == settled
    # Carl deleted, March's and April's news gone: their files go.
    carl_pages = [p for p in content.rglob("*.md") if "Kim Brandt" in p.read_text()]
    assert len(carl_pages) == 1
    smaller = RICH.split("  - id: carl-mason")[0] + "\nreferrals:" + RICH.split("referrals:")[1]
    smaller = smaller.split("  - id: r-3")[0].replace("      - date: 2026-03-15\n        stage: won\n", "")
    (project / "partners.yaml").write_text(smaller)
    third = run(project, "-m", "generator", "generate")
    assert third.returncode == 0, third.stderr
    assert not carl_pages[0].exists()
    assert not any(
        "Spring partner mixer" in p.read_text(errors="replace") for p in content.rglob("*") if p.is_file()
    )
    left = posts(project)
    assert not any(re.search(r"^date:.*2026-0[34]", t, re.M) for t in left.values()), list(left)
    for path, data in hand.items():
        assert path.read_bytes() == data, path


def test_generate_refuses_a_planted_file(tmp_path: Path) -> None:
    project = make_project(tmp_path, RICH)
    (project / "content" / "tree.md").write_text("# My own tree page\n")
    before = snapshot(project)
    result = run(project, "-m", "generator", "generate")
    assert result.returncode != 0
    assert "tree.md" in result.stdout + result.stderr
    assert snapshot(project) == before


# ---------------------------------------------------------------- known traps

TRAPS = """\
newsletter:
  title: "Partners: the update"
  owner: Mark Rodgers

partners:
  - id: pat
    name: "<script>alert(1)</script> Pat"
    public: true
  - id: nobody
    name: no
    public: true
    spotlight: on
  - id: perms
    name: 0755

events:
  - date: 2026-04-10
    title: "Mixer: spring edition"
    where: Main St
"""


def test_known_traps(tmp_path: Path) -> None:
    project = make_project(tmp_path, TRAPS)
    built = mkdocs_build(project)
    assert built.returncode == 0, built.stderr
    files = site_files(project / "site")
    for name, text in files.items():
        if name.endswith(".html"):
            assert "<script>alert(1)</script>" not in text, name
    # Front matter parses back: every generated Markdown page has a dict as front matter.

    for page in (project / "content").rglob("*.md"):
        text = page.read_text()
        if text.startswith("---\n"):
            meta = yaml.safe_load(text.split("---\n")[1])
            assert isinstance(meta, dict), page
    # Private pages stay out of the search index even with ": " in titles.
    index = json.loads((project / "site" / "search" / "search_index.json").read_text())
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    assert not any(loc.startswith("p/") for loc in locations), locations
    # `no` and `0755` stay text: each names a private page.
    titles = set()
    for page in (project / "content" / "p").glob("*.md"):
        titles.add(yaml.safe_load(page.read_text().split("---\n")[1]).get("title"))
    assert {"no", "0755"} <= titles, titles


def test_second_build_is_byte_identical(rich_site: Path) -> None:
    site, day = rich_site / "site", RICH_BUILT_ON.get(rich_site)
    while True:  # a build the same day as the last one (one on the next day dates its pages anew)
        first = {k: v[0] for k, v in snapshot(site).items()}
        content, start = snapshot(rich_site / "content"), utc_day()
        again = mkdocs_build(rich_site)
        assert again.returncode == 0, again.stderr
        if start == utc_day() == day:
            break
        day = start if start == utc_day() else None  # this build is the next one's first
    assert {k: v[0] for k, v in snapshot(site).items()} == first
    assert snapshot(rich_site / "content") == content


@pytest.mark.parametrize("folder", ["p", "events", "blog/posts/newsletter"])
def test_generate_never_writes_through_a_linked_folder(tmp_path: Path, folder: str) -> None:
    """DESIGN: the generator writes only inside the folders it owns, inside `content/`."""
    project = make_project(tmp_path, RICH)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = project / "content" / folder
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(elsewhere, target_is_directory=True)
    before = snapshot(project)
    result = run(project, "-m", "generator", "generate")
    assert result.returncode != 0
    assert f"content/{folder}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert snapshot(project) == before
    built = mkdocs_build(project)
    assert built.returncode != 0
    assert list(elsewhere.iterdir()) == []
