"""``mkdocs serve`` for real, plain and ``--dirty``: a save of partners.yaml starts exactly one
build, and the changed page is served with the leak guard on.

The generator writes into the docs folder MkDocs watches; without the plugin's own watch those
writes started a second, useless build after every save. Under ``--dirty`` the leak guard reads
only the files a rebuild changed (generator/scan_memory.py) and must still catch every leak.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import TEST_SECRET, SiteProject, as_from_a_terminal, fixture_text, make_project, reserved_port

from generator.addresses import private_token

pytestmark = pytest.mark.build

BUILD_LINE = "Building documentation..."
# How the server's build loop ends each rebuild, well or not. Not "Documentation built in":
# MkDocs' duplicate filter drops that line when a rebuild takes as long as an earlier one did.
BUILD_END = re.compile(r"Reloading browsers|An error happened during the rebuild")
CHANGE_LINE = "Detected file changes"
WAIT_LIMIT = 600.0  # only a limit on waiting; nothing here asserts a duration
# A second build, if any, is asked for by the watcher's poll (every 0.5 s) of the first build's
# writes, and starts as soon as the first ends: long after this much quiet it cannot come.
QUIET = 5.0
OLD_NOTE, NEW_NOTE = "SECRET-NOTE-DANA-MET", "SECRET-NOTE-DANA-MET-EDITED"


def _page(url: str) -> str:
    """The served text, or "" while there is none to be had (the server starting, a slow answer):
    for waiting on. A check reads with _fetched, so that it never passes on a page not read."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return html.unescape(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _fetched(url: str) -> str:
    """The served text; not getting it fails the test. (Read with _page, a fetch slower than its
    10 s on a loaded machine was an empty page: a check of what it holds failed, and one of what
    it must not hold passed without reading anything.)"""
    with urllib.request.urlopen(url, timeout=WAIT_LIMIT) as response:
        return html.unescape(response.read().decode("utf-8"))


def _wait_until_served(url: str, text: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while text not in _page(url):
        assert server.poll() is None, "mkdocs serve stopped"
        assert time.monotonic() < deadline, f"{url} never showed {text!r}"
        time.sleep(0.2)


def _settled_count(log: Path, line: str) -> int:
    """How many times ``line`` is in the log once every build started has ended and none has
    started for ``QUIET`` seconds since. Quiet counted from a build's start alone runs out while
    a build slower than ``QUIET`` (a loaded machine) still runs, and the change a test makes next
    would land in it. (Served pages need no such care: MkDocs' server answers a request only
    once the build running has ended.)"""
    started, quiet_since = -1, time.monotonic()
    deadline = quiet_since + WAIT_LIMIT
    while time.monotonic() - quiet_since < QUIET:
        content = log.read_text("utf-8", errors="replace")
        # The first build ends before the server starts, with neither line of BUILD_END.
        ended = len(BUILD_END.findall(content)) + 1
        if content.count(BUILD_LINE) != started or ended < started:
            started, quiet_since = content.count(BUILD_LINE), time.monotonic()
        assert time.monotonic() < deadline, f"the builds never settled:\n{content}"
        time.sleep(0.2)
    return log.read_text("utf-8", errors="replace").count(line)


Served = tuple[SiteProject, str, Path, subprocess.Popen[bytes]]


@contextlib.contextmanager
def _serving(tmp_path: Path, flags: tuple[str, ...], blog_line: str = "") -> Iterator[Served]:
    """A real `mkdocs serve` of the small fixture; ``blog_line`` goes into the hand-written
    blog index first. Yields once Steve's private page is served."""
    project = make_project(tmp_path)
    project.write_data(fixture_text("small.yaml"))
    blog_index = project.content / "blog" / "index.md"
    blog_index.write_text(blog_index.read_text("utf-8") + blog_line, "utf-8")
    log = tmp_path / "serve.log"
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    token = private_token(TEST_SECRET.encode(), "partner", "steve-hall", 0)
    temp = tmp_path / "temp"  # MkDocs builds into a folder of its own there
    temp.mkdir()
    with reserved_port() as port, log.open("wb") as stream:
        server = subprocess.Popen(
            as_from_a_terminal([mkdocs, "serve", "--livereload", *flags, "-a", f"127.0.0.1:{port}"]),
            cwd=project.root,
            env=project.env(TMPDIR=str(temp)),
            stdout=stream,
            stderr=stream,
            stdin=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/p/{token}/"
            _wait_until_served(url, OLD_NOTE, server)
            yield project, url, log, server
        finally:
            # Ctrl-C, as a user stops it: MkDocs then deletes its copy of the site in the
            # temporary folder; SIGTERM left one behind for every test, 4 MB each (review49).
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                raise
    assert list(temp.iterdir()) == []


@pytest.fixture(params=[(), ("--dirty",)], ids=["full", "dirty"])
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Served]:
    with _serving(tmp_path, request.param) as serving:
        yield serving


def _saved_whole(path: Path, text: str) -> None:
    """Saved as many editors save: a new file renamed over the old one, one change at once.
    Written in place, the file is emptied, then filled: a loaded machine paused between the two
    for longer than the watcher's 0.1 s of quiet (build_delay), and then two builds ran."""
    saving = path.with_name(path.name + ".saving")
    saving.write_text(text, "utf-8")
    saving.replace(path)


def test_one_save_starts_exactly_one_build(served: Served) -> None:
    project, url, log, server = served
    builds_before = _settled_count(log, BUILD_LINE)
    data = project.root / "partners.yaml"
    _saved_whole(data, data.read_text("utf-8").replace(OLD_NOTE, NEW_NOTE))
    _wait_until_served(url, NEW_NOTE, server)
    assert _settled_count(log, BUILD_LINE) - builds_before == 1, log.read_text("utf-8")
    assert "Leak guard: scanned" in log.read_text("utf-8")


# --- the leak guard under `mkdocs serve --dirty`: only changed files are read ----------------

SCANNED = re.compile(r"Leak guard: scanned ([\d,]+) files?,")  # "scanned 1 file," "scanned 1,234 files,"
LEAK_LINE = (
    " out of place in "  # "Leak guard: 1 confidential value out of place in 1 file:" (guard.leak_report)
)


def _wait_for_log(log: Path, text: str, server: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + WAIT_LIMIT
    while text not in (content := log.read_text("utf-8", errors="replace")):
        assert server.poll() is None, "mkdocs serve stopped"
        assert time.monotonic() < deadline, f"the log never showed {text!r}:\n{content}"
        time.sleep(0.2)
    return content


def test_a_save_that_leaks_into_one_page_is_caught(tmp_path: Path) -> None:
    with _serving(tmp_path, ("--dirty",)) as (project, _url, log, server):
        _settled_count(log, BUILD_LINE)
        blog_index = project.content / "blog" / "index.md"
        blog_index.write_text(blog_index.read_text("utf-8") + "\nWe met SECRET-PROSPECT-DANA.\n", "utf-8")
        content = _wait_for_log(log, LEAK_LINE, server)
    assert "referrals[0].prospect in blog/index.html" in content
    assert "SECRET-PROSPECT-DANA" not in content
    assert (project.root / ".referral" / "quarantine" / "serve").is_dir()


def test_a_partner_made_private_is_caught_on_an_unchanged_page_still_naming_them(tmp_path: Path) -> None:
    # Naming a partner who consented is fine; the page is not rebuilt when they withdraw.
    with _serving(tmp_path, ("--dirty",), "\nThanks to Steve Hall.\n") as (project, _url, log, server):
        assert LEAK_LINE not in _wait_for_log(log, "Leak guard: scanned", server)
        _settled_count(log, BUILD_LINE)
        data = project.root / "partners.yaml"
        steve = "referred_by: anne-ortiz\n    public: true\n"
        assert steve in data.read_text("utf-8")
        data.write_text(data.read_text("utf-8").replace(steve, steve.replace("true", "false")), "utf-8")
        content = _wait_for_log(log, LEAK_LINE, server)
    assert "partners[1].name in blog/index.html" in content
    assert (project.root / ".referral" / "quarantine" / "serve").is_dir()


def test_a_save_without_a_leak_reads_fewer_files_than_the_whole_site(tmp_path: Path) -> None:
    with _serving(tmp_path, ("--dirty",)) as (project, url, log, server):
        _settled_count(log, BUILD_LINE)
        data = project.root / "partners.yaml"
        _saved_whole(data, data.read_text("utf-8").replace(OLD_NOTE, NEW_NOTE))  # one build, as above
        _wait_until_served(url, NEW_NOTE, server)
        _settled_count(log, BUILD_LINE)
        counts = [int(count.replace(",", "")) for count in SCANNED.findall(log.read_text("utf-8"))]
    assert len(counts) == 2, counts  # the first build read the whole site, the save far fewer
    assert 0 < counts[1] < counts[0], counts


# --- what the search and feed plugins remember between rebuilds --------------------------------


def _log_after_build(log: Path, server: subprocess.Popen[bytes], change: Callable[[], object]) -> str:
    """The log once the build ``change`` starts has ended (well or not). Builds are counted
    before the change: counted after, a build done by then was waited for in vain."""
    ended = len(BUILD_END.findall(log.read_text("utf-8", errors="replace")))
    change()
    deadline = time.monotonic() + WAIT_LIMIT
    while len(BUILD_END.findall(content := log.read_text("utf-8", errors="replace"))) <= ended:
        assert server.poll() is None, "mkdocs serve stopped"
        assert time.monotonic() < deadline, f"no build ended:\n{content}"
        time.sleep(0.2)
    return content


def _feed_and_index(base: str) -> tuple[str, int, set[str]]:
    """The served feeds and search index as one text; the feed's items; the indexed pages."""
    texts = [_fetched(f"{base}/{path}") for path in ("feed_rss_created.xml", "feed_rss_updated.xml")]
    index = json.loads(_fetched(f"{base}/search/search_index.json"))
    pages = {entry["location"].split("#")[0] for entry in index["docs"]}
    return "".join(texts) + json.dumps(index), texts[0].count("<item>"), pages


def test_a_partner_made_private_leaves_no_trace_in_the_served_search_index_or_feeds(served: Served) -> None:
    # The feed plugin kept every rebuild's posts, and Material's search under --dirty kept the
    # earlier text of all but one rebuilt page: Steve's old spotlight stayed in both, the leak
    # guard moved the preview away, and every later save failed the same way until a restart.
    project, url, log, server = served
    _settled_count(log, BUILD_LINE)
    base = url.split("/p/")[0]
    text, items, pages = _feed_and_index(base)
    assert "Steve finds warehouse space" in text and items > 0
    data = project.root / "partners.yaml"
    steve = "referred_by: anne-ortiz\n    public: true\n"
    content = _log_after_build(
        log,
        server,
        lambda: _saved_whole(data, data.read_text("utf-8").replace(steve, steve.replace("true", "false"))),
    )
    assert LEAK_LINE not in content, content
    text_now, items_now, pages_now = _feed_and_index(base)
    assert "Steve" not in text_now and "warehouse" not in text_now
    assert (items_now, pages_now) == (items, pages)  # every post once, every page still found


# --- a save the generator refuses ------------------------------------------------------------

BAD_INDENT = "    company: Hall Realty\n"
PROBLEM = "partners.yaml:20:14: partners[1]: YAML syntax error"


def test_a_refused_save_is_shown_on_the_served_pages_and_the_next_good_save_recovers(tmp_path: Path) -> None:
    # MkDocs took any failed build for a stuck one: the open tab said nothing, a reload waited
    # forever, and the same mistake saved again printed no problem at all (its log drops repeats).
    with _serving(tmp_path, ("--dirty",)) as (project, url, log, server):
        _settled_count(log, BUILD_LINE)
        data = project.root / "partners.yaml"
        good = data.read_text("utf-8")
        bad = good.replace(BAD_INDENT, "  " + BAD_INDENT)
        for text in (bad, bad + "\n"):  # the same mistake, saved twice
            content = _log_after_build(log, server, lambda text=text: _saved_whole(data, text))
        shown = _fetched(url)
        assert OLD_NOTE in shown and PROBLEM in shown  # the last good page, and what is wrong
        assert content.count(PROBLEM) == 2 and "appear stuck" not in content, content
        _saved_whole(data, good.replace(OLD_NOTE, NEW_NOTE))
        _wait_until_served(url, NEW_NOTE, server)
        assert PROBLEM not in _fetched(url)


def test_a_removed_event_s_calendar_file_is_no_longer_served(tmp_path: Path) -> None:
    # `--dirty` never removes what an earlier rebuild wrote: the deleted event's .ics was served.
    with _serving(tmp_path, ("--dirty",)) as (project, url, log, server):
        _settled_count(log, BUILD_LINE)
        calendar = url.split("/p/")[0] + "/events/2026-04-10-spring-ride.ics"
        assert "Spring ride" in _fetched(calendar)
        data = project.root / "partners.yaml"
        spring = "  - date: 2026-04-10\n    title: Spring ride\n    where: Main St showroom\n"
        content = _log_after_build(
            log, server, lambda: _saved_whole(data, data.read_text("utf-8").replace(spring, ""))
        )
        with pytest.raises(urllib.error.HTTPError, match="404"):
            urllib.request.urlopen(calendar, timeout=WAIT_LIMIT)
    removed = "Removed from the preview 1 file whose source is gone: events/2026-04-10-spring-ride.ics"
    assert removed in content


def test_the_referrals_due_an_update_are_listed_again_only_when_they_change(tmp_path: Path) -> None:
    # Listed on every save, they filled the terminal between the editor and the line about the save.
    due = "partners.yaml: due an update: r-003 from quiet-quinn"
    with _serving(tmp_path, ("--dirty",)) as (project, _url, log, server):
        _settled_count(log, BUILD_LINE)
        assert due in log.read_text("utf-8")
        data = project.root / "partners.yaml"
        start = len(log.read_text("utf-8"))
        after = _log_after_build(
            log, server, lambda: _saved_whole(data, data.read_text("utf-8").replace(OLD_NOTE, NEW_NOTE))
        )
        assert due not in after[start:]
        start = len(log.read_text("utf-8"))
        after = _log_after_build(
            log,
            server,
            lambda: _saved_whole(
                data, data.read_text("utf-8").replace("  - id: r-003\n", "  - id: r-003-b\n")
            ),
        )
        assert "due an update: r-003-b from quiet-quinn" in after[start:]


@pytest.mark.browser
def test_the_open_tab_reloads_to_show_a_refused_save_and_again_when_it_is_fixed(tmp_path: Path) -> None:
    # In chromium at a phone's size, as an editor previews: before, the tab never reloaded.
    from playwright.sync_api import expect, sync_playwright
    from test_browser import CHROMIUM, CHROMIUM_ARGS

    with _serving(tmp_path, ("--dirty",)) as (project, url, log, _server), sync_playwright() as playwright:
        _settled_count(log, BUILD_LINE)
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_LIMIT * 1000
        )
        tab = browser.new_page(viewport={"width": 390, "height": 844})
        tab.set_default_timeout(WAIT_LIMIT * 1000)
        tab.goto(url)
        data = project.root / "partners.yaml"
        good = data.read_text("utf-8")
        _saved_whole(data, good.replace(BAD_INDENT, "  " + BAD_INDENT))
        box = tab.locator("#referral-serve-problem")
        box.wait_for(state="visible")  # livereload reloaded the tab
        # Waited for, not read at once: the box opens the page, the note comes further down, and
        # a page still being parsed on a loaded machine may not hold it yet.
        body = tab.locator("body")
        expect(body).to_contain_text(OLD_NOTE, timeout=WAIT_LIMIT * 1000)
        assert PROBLEM in box.inner_text()
        top = box.bounding_box()
        assert top is not None and top["y"] + top["height"] <= 844  # on the first screen, scrolled or not
        _saved_whole(data, good.replace(OLD_NOTE, NEW_NOTE))
        box.wait_for(state="detached")  # the old page is gone: the new one may still be loading
        expect(body).to_contain_text(NEW_NOTE, timeout=WAIT_LIMIT * 1000)
        browser.close()


def test_a_hand_edit_of_a_generated_page_is_rendered_over_at_once_and_named(tmp_path: Path) -> None:
    # Before, the edit was neither built nor mentioned until the next save of partners.yaml.
    with _serving(tmp_path, ("--dirty",)) as (project, url, log, server):
        _settled_count(log, BUILD_LINE)
        tree = project.content / "tree.md"
        generated = tree.read_text("utf-8")
        content = _log_after_build(
            log, server, lambda: tree.write_text(generated + "\nMY-HAND-EDIT\n", "utf-8")
        )
        assert tree.read_text("utf-8") == generated
        assert "MY-HAND-EDIT" not in _fetched(url.split("/p/")[0] + "/tree/")
    assert "rendered again over a hand edit: tree.md" in content
