"""Black-box audit: the real ``mkdocs build`` on a file where every value no public page may show
carries a unique canary (``cnryNNx``), checked in every file a visitor can fetch.

Written against the data contract (DESIGN.md, v1 and v1.1) and the build's outputs only: the
canaries are found in every form a page, feed or index could hold them in (any case, HTML
entities, URL and JSON escapes), so a leak through a new template, feed or index is caught
whichever escaping it went through.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import TEST_SECRET, SiteProject, built_project, fixture_text, make_project, readable_text

from generator.addresses import private_token
from generator.audience import declared
from generator.models import PartnersFile

pytestmark = pytest.mark.build

CANARY = re.compile(r"cnry\d\dx", re.IGNORECASE)
# The one owner-only deal value, in the ways a page might format it.
VALUE = re.compile(r"987[,.\u00a0\u202f ]?654")
AUDIT = yaml.safe_load(fixture_text("audit.yaml"))
PARTNER_IDS = tuple(partner["id"] for partner in AUDIT["partners"])
# Non-public fields that hold no text a canary could be written into (dates, flags, numbers,
# codes); every other non-public field must carry a canary in the fixture.
NOT_TEXT = {"since", "due_after_days", "currency", "public", "epoch", "mail", "asked", "value"}
NEVER = ("email", "internal")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return built_project(tmp_path_factory.mktemp("audit"), fixture_text("audit.yaml"))


def public_files(site: SiteProject) -> Iterator[Path]:
    """Every built file outside the private folder p/ (pages, search, sitemaps, feeds, .ics)."""
    for path in sorted(site.site.rglob("*")):
        if path.is_file() and path.relative_to(site.site).parts[0] != "p":
            yield path


def canaries_in(path: Path) -> set[str]:
    text = readable_text(path)
    found = {match.lower() for match in CANARY.findall(text)}
    return found | ({"value"} if VALUE.search(text) else set())


def tokens(*values: Any) -> set[str]:
    return {match.lower() for value in values for match in CANARY.findall(str(value or ""))}


def partner_canaries(partner_id: str) -> set[str]:
    """What partner_id's own page may show: their record, referrals and business given to them."""
    (partner,) = (p for p in AUDIT["partners"] if p["id"] == partner_id)
    own = tokens(*(value for key, value in partner.items() if key not in NEVER))
    for referral in AUDIT["referrals"]:
        if referral["partner"] == partner_id:
            notes = [update.get("note") for update in referral.get("updates", [])]
            own |= tokens(referral["prospect"], partner_id, *notes)
    for given in AUDIT["given"]:
        if given["partner"] == partner_id:
            own |= tokens(given["to"], given.get("note"))
    return own


def never_canaries() -> set[str]:
    found = tokens(*(partner.get("email") for partner in AUDIT["partners"]))
    for referral in AUDIT["referrals"]:
        found |= tokens(*(update.get("internal") for update in referral.get("updates", [])))
    return found


def all_canaries() -> set[str]:
    return tokens(fixture_text("audit.yaml")) | {"value"}


def values_at(node: Any, path: list[str]) -> Iterator[Any]:
    """The YAML values at a declared path such as ``referrals[].updates[].note``."""
    if not path:
        yield node
        return
    head, *rest = path
    key, many = head.removesuffix("[]"), head.endswith("[]")
    child = node.get(key) if isinstance(node, dict) else None
    for item in (child or []) if many else [child]:
        yield from values_at(item, rest)


def private_page(site: SiteProject, kind: str, key: str) -> Path:
    token = private_token(TEST_SECRET.encode(), kind, key)
    return site.site / "p" / token / "index.html"


# ---------------------------------------------------------------- the fixture is complete


def test_every_non_public_text_field_carries_a_canary() -> None:
    missing = []
    for path, who in declared(PartnersFile).items():
        if who == "public" or path.rsplit(".", 1)[-1] in NOT_TEXT:
            continue
        if not any(tokens(value) for value in values_at(AUDIT, path.split("."))):
            missing.append(path)
    assert not missing, f"tests/fixtures/audit.yaml has no canary in {missing}"


# ---------------------------------------------------------------- public outputs


def test_the_build_publishes_every_kind_of_public_output(site: SiteProject) -> None:
    names = {str(path.relative_to(site.site)) for path in public_files(site)}
    expected = {
        "index.html",
        "search/search_index.json",
        "sitemap.xml",
        "sitemap.xml.gz",
        "feed_rss_created.xml",
        "feed_rss_updated.xml",
        "robots.txt",
    }
    assert expected <= names
    assert any(name.endswith(".ics") for name in names)


def test_no_canary_reaches_any_public_file(site: SiteProject) -> None:
    leaks = {
        str(p.relative_to(site.site)): sorted(found) for p in public_files(site) if (found := canaries_in(p))
    }
    assert not leaks


def test_no_deal_currency_reaches_any_public_file(site: SiteProject) -> None:
    """newsletter.currency is owner-only: it travels with the deal values, never without them."""
    assert AUDIT["newsletter"]["currency"] == "EUR"
    assert not [path for path in public_files(site) if "€" in readable_text(path)]
    assert "€" in readable_text(private_page(site, "insights", "owner"))


@pytest.mark.parametrize("encode", [str.casefold, html.escape, quote, quote_plus, json.dumps])
def test_no_confidential_value_in_any_encoding(site: SiteProject, encode: Any) -> None:
    values = [m.group() for m in re.finditer(r"(?im)(?<=: )cnry\d\dx.*$", fixture_text("audit.yaml"))]
    forms = {encode(value.strip('"')).strip('"').casefold() for value in values}
    for path in public_files(site):
        text = path.read_bytes().decode("utf-8", "replace").casefold()
        assert not [form for form in forms if form in text], path


def test_public_pages_still_name_the_consenting_partners_and_prospect(site: SiteProject) -> None:
    """The canary checks are not vacuous: public data does reach the public pages."""
    public_text = "".join(readable_text(path) for path in public_files(site) if path.suffix == ".html")
    assert "Anne Ortiz" in public_text and "Steve Hall" in public_text
    assert "Public Pat" in public_text


def private_tokens() -> set[str]:
    partners = {private_token(TEST_SECRET.encode(), "partner", pid) for pid in PARTNER_IDS}
    return partners | {private_token(TEST_SECRET.encode(), "insights", "owner")}


def test_no_public_file_and_not_the_private_stub_names_a_private_address(site: SiteProject) -> None:
    stub = site.site / "p" / "index.html"
    assert not canaries_in(stub)
    for path in [*public_files(site), stub]:
        text = readable_text(path)
        assert not [token for token in private_tokens() if token in text], path


# ---------------------------------------------------------------- private pages


@pytest.mark.parametrize("partner_id", PARTNER_IDS)
def test_a_partner_page_holds_only_that_partners_confidential_data(
    site: SiteProject, partner_id: str
) -> None:
    page = private_page(site, "partner", partner_id)
    found = canaries_in(page)
    assert found <= partner_canaries(partner_id), sorted(found - partner_canaries(partner_id))


@pytest.mark.parametrize("partner_id", ["cnry04x-hidden", "steve-hall"])
def test_a_partner_page_shows_its_own_confidential_data(site: SiteProject, partner_id: str) -> None:
    """The page check above cannot pass by showing nothing: the page's own prospects are there."""
    prospects = [r["prospect"] for r in AUDIT["referrals"] if r["partner"] == partner_id]
    assert tokens(*prospects) <= canaries_in(private_page(site, "partner", partner_id))


def test_never_published_values_are_on_no_page_at_all(site: SiteProject) -> None:
    never = never_canaries()
    assert len(never) == 5
    leaks = {
        str(p.relative_to(site.site)) for p in site.site.rglob("*") if p.is_file() and canaries_in(p) & never
    }
    assert not leaks


def test_only_private_pages_of_partners_and_owner_exist(site: SiteProject) -> None:
    expected = {private_page(site, "partner", pid).parent.name for pid in PARTNER_IDS}
    expected.add(private_page(site, "insights", "owner").parent.name)
    built = {path.name for path in (site.site / "p").iterdir() if path.is_dir()}
    assert built == expected
    owner = canaries_in(private_page(site, "insights", "owner"))
    assert owner <= all_canaries() - never_canaries()


# ---------------------------------------------------------------- determinism


def inputs_only(site: SiteProject, target: Path) -> SiteProject:
    """A fresh project in another folder with the same inputs and no earlier output."""
    project = make_project(target)
    shutil.copy(site.root / "partners.yaml", project.root / "partners.yaml")
    return project


def tree_snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under root, with its bytes and modification time."""
    return {
        str(path.relative_to(root)): (path.read_bytes() if path.is_file() else None, path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
    }


@pytest.mark.parametrize("command", ["mkdocs build", "python -m generator build"])
def test_a_second_build_elsewhere_is_byte_identical(site: SiteProject, tmp_path: Path, command: str) -> None:
    again = inputs_only(site, tmp_path)
    result = again.mkdocs_build("--strict") if command == "mkdocs build" else again.generator("build")
    assert result.returncode == 0, result.stdout + result.stderr
    assert again.site_bytes() == site.site_bytes()


# ---------------------------------------------------------------- fail closed


BROKEN = {
    "stage": ("stage: proposal", "stage: proposl", "referrals[0].updates[1].stage"),
    "time": ('time: "18:00"', 'time: "18:60"', "events[0].time"),
    "duplicate id": ("id: steve-hall", "id: anne-ortiz", "partners[1].id"),
}
REFUSED_RUNS = {
    "check": ("generator", "check"),
    "generate": ("generator", "generate"),
    "build": ("generator", "build"),
    "mkdocs build": ("mkdocs", "--strict"),
    "mkdocs build --dirty": ("mkdocs", "--dirty"),
}


def located(text: str, old: str, new: str, field: str) -> str:
    """The PATH:LINE:COLUMN: field prefix a refusal must print for the value replacing old."""
    offset = text.index(old) + len(old.split(": ")[0]) + 2
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"partners.yaml:{line}:{column}: {field}: "


@pytest.mark.parametrize("broken", BROKEN)
@pytest.mark.parametrize("run", REFUSED_RUNS)
def test_a_refused_run_changes_nothing_in_the_project(
    site: SiteProject, tmp_path: Path, broken: str, run: str
) -> None:
    project = SiteProject(tmp_path / "copy")
    shutil.copytree(site.root, project.root, symlinks=True)
    old, new, field = BROKEN[broken]
    data = fixture_text("audit.yaml")
    project.write_data(data.replace(old, new, 1))
    before = tree_snapshot(project.root)
    tool, *args = REFUSED_RUNS[run]
    result = project.generator(*args) if tool == "generator" else project.mkdocs_build(*args)
    assert result.returncode != 0
    assert located(data, old, new, field) in result.stdout + result.stderr
    assert tree_snapshot(project.root) == before


def test_a_refused_first_build_without_a_secret_creates_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    project.write_data(fixture_text("audit.yaml").replace("stage: won", "stage: wonn", 1))
    before = tree_snapshot(project.root)
    env = {key: value for key, value in project.env().items() if key != "REFERRAL_SITE_SECRET"}
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    result = subprocess.run(
        [mkdocs, "build"], check=False, cwd=project.root, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert tree_snapshot(project.root) == before


# ---------------------------------------------------------------- contract edges

EDGES = yaml.safe_load(fixture_text("audit-edges.yaml"))


@pytest.fixture(scope="module")
def edges(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    return built_project(tmp_path_factory.mktemp("edges"), fixture_text("audit-edges.yaml"))


def page_text(path: Path) -> str:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").get_text(" ")


def test_a_v1_file_with_empty_lists_builds_every_partner_page(edges: SiteProject) -> None:
    """No v1.1 field, empty given and events, a partner with no referrals, a referral with no updates."""
    for partner in EDGES["partners"]:
        assert private_page(edges, "partner", partner["id"]).is_file(), partner["id"]


@pytest.mark.parametrize("partner", [p["id"] for p in EDGES["partners"] if p.get("public")])
def test_names_show_as_written_on_public_pages(edges: SiteProject, partner: str) -> None:
    (name,) = (p["name"] for p in EDGES["partners"] if p["id"] == partner)
    posts = sorted((edges.site / "blog").rglob("newsletter-*/index.html"))
    assert posts and any(name in page_text(post) for post in posts)


# RSS 2.0 descriptions are HTML carried as XML text (every major reader renders them as HTML), so
# a text from the YAML must be HTML-escaped inside the XML escaping: a partner named
# "<script>..." must reach readers as text.
@pytest.mark.parametrize("feed", ["feed_rss_created.xml", "feed_rss_updated.xml"])
def test_feed_descriptions_show_names_as_written_and_run_no_markup(edges: SiteProject, feed: str) -> None:
    names = [p["name"] for p in EDGES["partners"] if p.get("public")]
    texts = feed_descriptions(edges.site / feed)
    assert all(any(name in text for text in texts) for name in names)
    for item in ET.parse(edges.site / feed).getroot().iter("item"):
        soup = BeautifulSoup(item.findtext("description") or "", "html.parser")
        assert not soup.find_all(["script", "img", "iframe"])


def feed_descriptions(feed: Path) -> list[str]:
    """Each item's description as a reader shows it: RSS carries HTML in the XML text."""
    items = ET.parse(feed).getroot().iter("item")
    return [BeautifulSoup(item.findtext("description") or "", "html.parser").get_text() for item in items]


def test_markup_in_the_data_runs_nowhere(edges: SiteProject) -> None:
    for path in sorted(edges.site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        scripts = [s.get_text() for s in soup.find_all("script") if "alert(" in s.get_text()]
        hrefs = [str(a.get("href", "")) for a in soup.find_all(["a", "img", "iframe"])]
        assert not scripts, path
        assert not soup.find_all(attrs={"onerror": True}), path
        assert not soup.find_all("iframe"), path
        assert not [href for href in hrefs if href.strip().lower().startswith("javascript:")], path


def test_template_syntax_in_the_data_is_not_evaluated(edges: SiteProject) -> None:
    home = page_text(edges.site / "index.html")
    assert "{{ config.site_name }}" in home
    assert EDGES["newsletter"]["business"] in home
    page = page_text(private_page(edges, "partner", "inject"))
    assert "{{ 7*7 }}" in page and "{% raw %}" in page


def test_a_public_prospect_of_a_partner_without_consent_stays_private(site: SiteProject) -> None:
    (referral,) = (r for r in AUDIT["referrals"] if r["partner"] == "cnry04x-hidden")
    assert referral["public"] is True
    prospect = tokens(referral["prospect"])
    assert prospect <= canaries_in(private_page(site, "partner", "cnry04x-hidden"))
    assert not [path for path in public_files(site) if canaries_in(path) & prospect]


HEADER = "newsletter:\n  title: T\n  owner: O\n"
ONE = "partners:\n  - id: a\n    name: A\n"
REFUSED = {
    "cycle": (
        "partners:\n  - id: a\n    name: A\n    referred_by: b\n  - id: b\n    name: B\n    referred_by: a\n",
        "partners.yaml:7:18: partners[0].referred_by: ",
    ),
    "self": (ONE + "    referred_by: a\n", "partners.yaml:7:18: partners[0].referred_by: "),
    "unknown referrer": (ONE + "    referred_by: zz\n", "partners.yaml:7:18: partners[0].referred_by: "),
    "unknown partner": (
        ONE + "referrals:\n  - id: r1\n    partner: zz\n    prospect: P\n    introduced: 2026-01-01\n",
        "partners.yaml:9:14: referrals[0].partner: ",
    ),
    "unknown given": (
        ONE + "given:\n  - partner: zz\n    date: 2026-01-01\n    to: X\n",
        "partners.yaml:8:14: given[0].partner: ",
    ),
    "duplicate partner": (ONE + "  - id: a\n    name: B\n", "partners.yaml:7:9: partners[1].id: "),
    "duplicate referral": (
        ONE
        + "referrals:\n  - id: r1\n    partner: a\n    prospect: P\n    introduced: 2026-01-01\n"
        + "  - id: r1\n    partner: a\n    prospect: Q\n    introduced: 2026-01-01\n",
        "partners.yaml:12:9: referrals[1].id: ",
    ),
    "duplicate key": (ONE + "    name: B\n", "partners.yaml:7:5: partners[0].name: "),
}


@pytest.mark.parametrize("case", REFUSED)
def test_contract_violations_are_refused_with_a_location(tmp_path: Path, case: str) -> None:
    project = make_project(tmp_path)
    body, expected = REFUSED[case]
    project.write_data(HEADER + body)
    before = tree_snapshot(project.root)
    result = project.generator("check")
    assert result.returncode != 0
    assert expected in result.stdout
    assert tree_snapshot(project.root) == before


# ---------------------------------------------------------------- later builds


def copy_of(site: SiteProject, target: Path) -> SiteProject:
    shutil.copytree(site.root, target, symlinks=True)
    return SiteProject(target)


def test_a_leak_onto_a_private_page_is_reported_without_its_address(
    site: SiteProject, tmp_path: Path
) -> None:
    """The leak guard's report is a CI log line, read by whoever reads the repository, without
    the site secret: it named the page p/<address>/..., the partner's live page (review43)."""
    project = copy_of(site, tmp_path / "copy")
    token = private_token(TEST_SECRET.encode(), "partner", "steve-hall")
    extra = project.content / "p" / token / "extra.md"
    extra.parent.mkdir()
    extra.write_text("# Extra\n\nCnry24x Fay\n", encoding="utf-8")
    result = project.mkdocs_build("--strict")
    log = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"  - referrals[2].prospect in p/{token[:4]}…/extra/index.html\n" in log
    assert token not in log


def test_a_revoked_address_serves_nothing_after_a_dirty_build(site: SiteProject, tmp_path: Path) -> None:
    """Raising epoch revokes a leaked link; `mkdocs build --dirty` keeps old files in site/."""
    project = copy_of(site, tmp_path / "copy")
    old = private_page(project, "partner", "steve-hall")
    assert old.is_file()
    project.write_data(
        fixture_text("audit.yaml").replace("  - id: steve-hall\n", "  - id: steve-hall\n    epoch: 1\n")
    )
    project.mkdocs_build("--dirty")
    assert not old.exists()


def test_a_removed_partners_page_is_gone_after_a_dirty_build(site: SiteProject, tmp_path: Path) -> None:
    """`--dirty` never removes the output of a page whose source is gone, and the guard cannot
    see a removed partner's values: the plugin removes such private pages itself."""
    project = copy_of(site, tmp_path / "copy")
    old = private_page(project, "partner", "pia-public")
    assert old.is_file()
    text = fixture_text("audit.yaml")
    partner = text.index("  - id: pia-public\n")
    text = text[:partner] + text[text.index("referrals:\n") :]
    referral = text.index("  - id: cnry33x-r6\n")
    text = text[:referral] + text[text.index("given:\n") :]
    project.write_data(text)
    result = project.mkdocs_build("--dirty")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not old.parent.exists()
    assert "Removed 1 built private page whose source is gone" in result.stderr
    assert private_page(project, "partner", "steve-hall").is_file()
    assert (project.site / "p" / "index.html").is_file()


def test_a_lost_manifest_does_not_block_the_next_change(site: SiteProject, tmp_path: Path) -> None:
    project = copy_of(site, tmp_path / "copy")
    shutil.rmtree(project.root / ".referral")
    project.write_data(fixture_text("audit.yaml").replace("owner: Olive Owner", "owner: Olga Owner"))
    result = project.generator("generate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_yaml_syntax_in_a_name_keeps_the_private_page_out_of_search(edges: SiteProject) -> None:
    """Front matter that fails to parse is dropped silently by MkDocs, search: exclude with it."""
    (name,) = (p["name"] for p in EDGES["partners"] if p["id"] == "lonely")
    assert name in page_text(private_page(edges, "partner", "lonely"))
    index = readable_text(edges.site / "search" / "search_index.json")
    assert "Lonely" not in index


def test_check_reports_a_valid_file_in_words(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    project.write_data(HEADER + ONE)
    result = project.generator("check")
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "partners.yaml: valid (1 partner); no referrals due an update"


def mail_text(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    parts = [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
    return "\n".join([str(message["To"]), str(message["Subject"]), *parts])


def test_each_mail_holds_only_its_recipients_data(site: SiteProject, tmp_path: Path) -> None:
    project = copy_of(site, tmp_path / "copy")
    result = project.generator("mail", "--month", "2026-04", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    mails = sorted((tmp_path / "out").rglob("*.eml"))
    assert mails
    for mail in mails:
        (partner,) = (p for p in AUDIT["partners"] if p["id"] == mail.stem)
        allowed = partner_canaries(partner["id"]) | tokens(partner.get("email"))
        found = {match.lower() for match in CANARY.findall(mail_text(mail))}
        assert found <= allowed, (mail.name, sorted(found - allowed))
