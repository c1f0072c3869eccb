"""``python -m generator build --engine E`` on MkDocs, ProperDocs and Zensical: the same small
data, the same leak scan and page checks, byte-identical rebuilds, bad data and leaks refused.

Every engine is the real one (MkDocs from .venv, the others from their own virtual
environments, ``conftest.engine_program``), building with the real Material theme. One build
per engine is shared by the read-only checks; tests that change the project use a fresh one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import REPO, SiteProject, engine_program, fixture_text, free_port, make_project

from generator import guard

ENGINE_NAMES = ("mkdocs", "properdocs", "zensical")
SITE_URL = "https://partners.example.com/"
MARKER = re.compile(r"SECRET-[A-Z0-9]+(?:-[A-Z0-9]+)*")
NEVER_PUBLISHED = ("SECRET-INTERNAL-", "SECRET-EMAIL-")
POST = "blog/2026/04/newsletter-2026-04/"  # the small fixture's newest issue
SEARCH_INDEX = {"mkdocs": "search/search_index.json", "properdocs": "search/search_index.json"}
SITEMAP_LOC = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
FEEDS = ("feed_rss_created.xml", "feed_rss_updated.xml")
WAIT_SECONDS = 120  # a hang guard for serve, never a speed check


@dataclass(frozen=True)
class EngineBuild:
    engine: str
    project: SiteProject
    result: subprocess.CompletedProcess[str]

    @property
    def site(self) -> Path:
        return self.project.site

    def private_folders(self) -> list[str]:
        return sorted(f"p/{path.name}/" for path in (self.site / "p").iterdir() if path.is_dir())

    def search_index(self) -> str:
        return self.project.read_site(SEARCH_INDEX.get(self.engine, "search.json"))


def small_project(root: Path) -> SiteProject:
    project = make_project(root)
    project.write_data(fixture_text("small.yaml"))
    return project


def build_with(engine: str, project: SiteProject) -> subprocess.CompletedProcess[str]:
    program = {f"REFERRAL_{engine.upper()}": str(engine_program(engine))}
    return project.generator("build", "--engine", engine, **program)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) and its bytes."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in guard.site_files(root)}


@pytest.fixture(scope="module", params=ENGINE_NAMES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> EngineBuild:
    engine = str(request.param)
    project = small_project(tmp_path_factory.mktemp(engine))
    return EngineBuild(engine, project, build_with(engine, project))


def test_build_makes_home_posts_and_private_pages(built: EngineBuild) -> None:
    assert built.result.returncode == 0, built.result.stdout + built.result.stderr
    assert f"with {built.engine}" in built.result.stdout
    for page in ("", POST, "blog/", *built.private_folders()):
        assert (built.site / page / "index.html").is_file(), page
    assert len(built.private_folders()) == 4  # three partners and the owner's insights page


def test_leak_scan_finds_each_marker_only_on_its_partners_page(built: EngineBuild) -> None:
    for relative, raw in tree(built.site).items():
        found = set(MARKER.findall(guard.decoded_text(relative, raw)))
        assert not [marker for marker in found if marker.startswith(NEVER_PUBLISHED)], relative
        if not relative.startswith("p/"):
            assert not found, relative
    command = built.project.generator("guard", "site")
    assert command.returncode == 0, command.stdout + command.stderr


def test_private_pages_ask_robots_and_referrers_to_stay_away(built: EngineBuild) -> None:
    for folder in built.private_folders():
        soup = BeautifulSoup(built.project.read_site(folder + "index.html"), "html.parser")
        robots = soup.find("meta", attrs={"name": "robots"})
        referrer = soup.find("meta", attrs={"name": "referrer"})
        assert robots is not None and "noindex" in str(robots.get("content")), folder
        assert referrer is not None and referrer.get("content") == "no-referrer", folder


def test_sitemap_search_and_feeds_name_no_private_page(built: EngineBuild) -> None:
    root = ET.fromstring(built.project.read_site("sitemap.xml"))
    locs = {str(element.text) for element in root.iter(SITEMAP_LOC)}
    assert {SITE_URL, SITE_URL + POST} <= locs
    assert not [loc for loc in locs if loc.startswith(SITE_URL + "p/")]
    index = built.search_index()
    assert POST in index
    for folder in built.private_folders():
        assert folder not in index and folder.removeprefix("p/") not in index, folder
    for feed in FEEDS:
        text = built.project.read_site(feed)
        assert SITE_URL + POST in text and SITE_URL + "p/" not in text, feed


def test_rebuild_elsewhere_is_byte_identical(built: EngineBuild, tmp_path: Path) -> None:
    """The same data in another folder, later, with a cold cache: the same bytes."""
    time.sleep(1.1)  # so a build-time clock would show: feeds are dated to the second
    elsewhere = small_project(tmp_path)
    again = build_with(built.engine, elsewhere)
    assert again.returncode == 0, again.stdout + again.stderr
    first, second = tree(built.site), tree(elsewhere.site)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_bad_data_is_located_and_changes_nothing(engine: str, tmp_path: Path) -> None:
    project = small_project(tmp_path)
    data = project.root / "partners.yaml"
    data.write_text(data.read_text("utf-8").replace("stage: met", "stage: mett"), "utf-8")
    before = tree(project.root)
    result = build_with(engine, project)
    assert result.returncode == 1
    # On stderr, as every command but check reports bad data (README, "Commands").
    assert re.search(r"^partners\.yaml:\d+:\d+: referrals\[0\]\.updates\[0\]\.stage: ", result.stderr, re.M)
    assert tree(project.root) == before


def write_leaking_post(project: SiteProject) -> None:
    """A hand-written post naming a prospect: only the leak guard stands in its way."""
    (project.content / "blog" / "posts" / "oops.md").write_text(
        "---\ntitle: Oops\ndate: 2026-03-15\nslug: oops\ncategories: [Newsletter]\n"
        "authors: [owner]\n---\n\n# Oops\n\nSECRET-PROSPECT-DANA\n\n<!-- more -->\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize("engine", ENGINE_NAMES)
def test_a_leak_fails_the_build_and_leaves_nothing_to_publish(engine: str, tmp_path: Path) -> None:
    project = small_project(tmp_path)
    write_leaking_post(project)
    result = build_with(engine, project)
    assert result.returncode == 1
    assert "referrals[0].prospect" in result.stdout + result.stderr
    assert "SECRET-PROSPECT-DANA" not in result.stdout + result.stderr
    assert not [entry for entry in project.site.glob("*") if not entry.name.startswith(".")]
    assert (project.root / ".referral" / "quarantine" / "site" / "index.html").is_file()


def test_zensical_cache_keeps_no_private_page(tmp_path: Path) -> None:
    project = small_project(tmp_path)
    result = build_with("zensical", project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_cache_holds_nothing_private(project)
    # Parked in the private state folder, and put back for the next build (which then
    # takes out the same entries: Zensical reused them rather than writing new ones).
    parked = sorted((project.root / ".referral" / "zensical-cache").iterdir())
    assert len(parked) >= 4 and any("SECRET-" in path.read_text("utf-8") for path in parked)
    again = build_with("zensical", project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert sorted((project.root / ".referral" / "zensical-cache").iterdir()) == parked
    assert_cache_holds_nothing_private(project)


def assert_cache_holds_nothing_private(project: SiteProject) -> None:
    cache = tree(project.root / ".cache")
    assert cache  # Zensical cached the public pages
    private = sorted(path.stem for path in (project.content / "p").glob("*.md") if path.stem != "index")
    assert private
    for relative, raw in cache.items():
        text = guard.decoded_text(relative, raw)
        assert not MARKER.findall(text), relative
        assert not [token for token in private if token in text], relative


@pytest.fixture
def zensical_serve(tmp_path: Path) -> Iterator[tuple[SiteProject, str, subprocess.Popen[bytes]]]:
    project = small_project(tmp_path)
    address = f"127.0.0.1:{free_port()}"
    env = project.env(REFERRAL_ZENSICAL=str(engine_program("zensical")))
    command = [sys.executable, "-m", "generator", "serve", "--engine", "zensical", "-a", address]
    # stderr to a file: a pipe nobody reads while serving could fill and stall the server.
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(command, cwd=project.root, env=env, start_new_session=True, stderr=log)
    try:
        yield project, f"http://{address}/", server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def served(url: str, text: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return text in response.read().decode("utf-8")
    except OSError:
        return False


def test_zensical_serve_renders_again_when_partners_yaml_is_saved(
    zensical_serve: tuple[SiteProject, str, subprocess.Popen[bytes]],
) -> None:
    project, url, server = zensical_serve
    wait_for(lambda: served(url, "Test Partner News"), "the first page")
    data = project.root / "partners.yaml"
    data.write_text(data.read_text("utf-8").replace("Test Partner News", "Renamed Partner News"), "utf-8")
    wait_for(lambda: served(url, "Renamed Partner News"), "the page after the save")
    assert "Renamed Partner News" in (project.content / "index.md").read_text("utf-8")
    os.killpg(server.pid, signal.SIGTERM)  # as a terminal's Ctrl-C or a service manager would
    assert server.wait(timeout=30) == 0
    assert_cache_holds_nothing_private(project)
    assert (project.site / "index.html").is_file()  # guarded, found clean, left in place


def test_zensical_serve_guards_the_site_it_wrote_when_it_stops(
    zensical_serve: tuple[SiteProject, str, subprocess.Popen[bytes]],
) -> None:
    project, url, server = zensical_serve
    write_leaking_post(project)
    wait_for(lambda: served(url + "blog/2026/03/oops/", "Oops"), "the leaking post")
    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=30) == 1
    report = (project.root / "serve.log").read_text("utf-8")  # the fixture's log
    assert "referrals[0].prospect" in report and "SECRET-PROSPECT-DANA" not in report
    assert not [entry for entry in project.site.glob("*") if not entry.name.startswith(".")]


def readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text("utf-8")
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_readme_moving_to_zensical_commands_work_on_a_fresh_copy(tmp_path: Path) -> None:
    """The section's shell lines, run as written in a fresh project; the engine's venv is
    the tests' own (linked as .venv-zensical, where the README installs it) to save a download."""
    section = readme_section("Moving to Zensical")
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
    commands = [line for line in lines if line and not line.startswith("export ")]
    install = [line for line in commands if "pip install" in line]
    assert install and "requirements-zensical.txt" in install[0]
    project = small_project(tmp_path)
    for name in ("requirements-zensical.txt", "requirements.txt"):
        shutil.copy(REPO / name, project.root / name)
    (project.root / ".venv-zensical").symlink_to(engine_program("zensical").parent.parent)
    python = str(Path(sys.executable))
    for command in commands:
        if command in install or command.startswith("python3 -m venv"):
            continue
        argv = command.replace(".venv/bin/python", python).split()
        result = project.run(*argv)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    assert (project.site / "index.html").is_file()
