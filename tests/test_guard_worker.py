"""The leak guard of `mkdocs build` on a second process (generator/guard_worker.py): it reads
each file as MkDocs writes it, and its verdict is still the whole finished site's."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import TEST_SECRET, TODAY, SiteProject, as_from_a_terminal, fixture_text, process_has_ended

from generator import guard, guard_worker, leak_scan, validate
from generator.guard_search import SiteSearch
from generator.guard_worker import GuardJob, GuardStopped, GuardWorker
from generator.models import PartnersFile
from generator.render import SiteLayout

LAYOUT = SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode())
PROSPECT = "SECRET-PROSPECT-DANA"  # a referral's prospect in small.yaml: no public page may name it
TWO_CORES = len(os.sched_getaffinity(0)) >= 2


@pytest.fixture
def data(tmp_path: Path) -> PartnersFile:
    path = tmp_path / "partners.yaml"
    path.write_text(fixture_text("small.yaml"), encoding="utf-8")
    return validate.load_partners(path, TODAY)


def write(site: Path, relative: str, text: str) -> None:
    path = site / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def site_search(site: Path, data: PartnersFile) -> SiteSearch:
    """The worker's search, here in this process: what it reads is seen step by step."""
    job = GuardJob(site, lambda: data, LAYOUT, public_text=(), verbatim_from=())
    return SiteSearch(site, guard_worker._checked(job), ())


def started(site: Path, data: PartnersFile) -> GuardWorker:
    return GuardWorker(GuardJob(site, lambda: data, LAYOUT, public_text=(), verbatim_from=()))


def test_the_verdict_is_the_finished_sites_whatever_was_read_on_the_way(
    tmp_path: Path, data: PartnersFile
) -> None:
    site = tmp_path / "site"
    write(site, "sitemap.xml", "<urlset></urlset>")  # written before the first page
    worker = started(site, data)
    write(site, "a/index.html", "<p>never named</p>")
    worker.writing("b/index.html")
    write(site, "b/index.html", "<p>clean when read</p>")
    worker.writing("c/index.html")  # b is written: read now, clean
    write(site, "c/index.html", f"<p>{PROSPECT}</p>")
    worker.writing("missing/index.html")  # c is written, with a leak; this one never is
    write(site, "b/index.html", f"<p>rewritten later: {PROSPECT}</p>")  # e.g. by another plugin
    write(site, "search/search_index.json", f'{{"docs": [{{"text": "{PROSPECT}"}}]}}')
    write(site, "feed_rss_created.xml", f"<rss><item><title>{PROSPECT}</title></item></rss>")
    result = worker.finish()
    expected = guard.guard_site(site, data, LAYOUT)
    assert result.leaks == expected
    assert {leak.file for leak in result.leaks} == {
        "b/index.html",
        "c/index.html",
        "search/search_index.json",
        "feed_rss_created.xml",
    }
    assert result.files == 6 and result.cpu_seconds > 0


def test_a_file_read_clean_then_rewritten_with_a_leak_is_read_again(
    tmp_path: Path, data: PartnersFile
) -> None:
    # In the test above the worker may never read b/index.html before its rewrite (pages are sent
    # in batches of 32, and the worker reads when it gets to them), so the verdict kept for bytes
    # read on the way is checked here, in this process: read clean, rewritten, read again.
    site = tmp_path / "site"
    write(site, "b/index.html", "<p>clean when read</p>")
    search = site_search(site, data)
    search.read("b/index.html")
    write(site, "b/index.html", f"<p>rewritten later: {PROSPECT}</p>")
    assert {leak.file for leak in search.finish()[0]} == {"b/index.html"}


def test_a_clean_site_is_clean(tmp_path: Path, data: PartnersFile) -> None:
    site = tmp_path / "site"
    worker = started(site, data)
    for name in "abc":
        worker.writing(f"{name}/index.html")
        write(site, f"{name}/index.html", f"<p>page {name}</p>")
    result = worker.finish()
    assert (result.leaks, result.files) == ([], 3)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's scheduling policies")
def test_the_worker_never_takes_the_builds_core_on_waking(tmp_path: Path, data: PartnersFile) -> None:
    """Named pages wake the worker; as a SCHED_OTHER process it could preempt MkDocs on its own
    core (39-62 ms of a build at 1,000 partners on a busy machine). SCHED_BATCH waits its turn."""
    worker = started(tmp_path, data)
    try:
        deadline = time.monotonic() + 10
        while os.sched_getscheduler(worker._process.pid) != os.SCHED_BATCH and time.monotonic() < deadline:
            time.sleep(0.01)  # set by the worker itself, as it starts
        assert os.sched_getscheduler(worker._process.pid) == os.SCHED_BATCH
    finally:
        worker.stop()


def test_a_worker_that_dies_fails_the_guard(tmp_path: Path, data: PartnersFile) -> None:
    worker = started(tmp_path, data)
    worker._process.kill()
    with pytest.raises(GuardStopped, match=r"^its process stopped"):
        worker.writing("a/index.html")
        worker.finish()


def test_a_worker_that_fails_says_why(tmp_path: Path, data: PartnersFile) -> None:
    site = tmp_path / "site"  # never made: the last look at it fails
    worker = started(site, data)
    with pytest.raises(GuardStopped, match=r"(?s)^it failed, so the site is not checked:.*FileNotFoundError"):
        worker.finish()


def test_a_worker_that_fails_while_pages_are_written_says_why(tmp_path: Path, data: PartnersFile) -> None:
    # It had sent its traceback and gone; the next page MkDocs wrote met the closed pipe, and the
    # build said only "its process stopped", blaming the page being built (review16: a KeyError
    # in the guard read so was hard to find).
    def broken() -> PartnersFile:
        raise ValueError("the data could not be listed")

    worker = GuardWorker(GuardJob(tmp_path, broken, LAYOUT, public_text=(), verbatim_from=()))
    worker._process.join(timeout=30)
    with pytest.raises(
        GuardStopped, match=r"(?s)^it failed, so the site is not checked:.*could not be listed"
    ):
        for number in range(100):
            worker.writing(f"{number}/index.html")
        worker.finish()


ORPHAN_SCRIPT = """\
import datetime, sys
from pathlib import Path
from generator import validate
from generator.guard_worker import GuardJob, GuardWorker
from generator.render import SiteLayout
data = validate.load_partners(Path(sys.argv[1]), {as_of!r})
layout = SiteLayout(as_of={as_of!r}, secret={secret!r})
worker = GuardWorker(GuardJob(Path(sys.argv[2]), lambda: data, layout, public_text=(), verbatim_from=()))
print(worker._process.pid, flush=True)
sys.stdin.readline()  # until the test has read the pid: then the build is killed
"""


@pytest.mark.skipif(not TWO_CORES, reason="one core: the guard runs in the build's own process")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL])
def test_a_worker_whose_build_is_killed_ends_too(tmp_path: Path, stop: signal.Signals) -> None:
    """A build stopped by a signal Python does not turn into an exception (a CI step's timeout,
    a closed terminal, kill -9) runs no clean-up: the worker must see its parent go. It held its
    own copy of the parent's end of the pipe, so it waited for a message forever (review18)."""
    data_file = tmp_path / "partners.yaml"
    data_file.write_text(fixture_text("small.yaml"), encoding="utf-8")
    script = ORPHAN_SCRIPT.format(as_of=TODAY, secret=TEST_SECRET.encode())
    build = subprocess.Popen(
        as_from_a_terminal([sys.executable, "-c", script, str(data_file), str(tmp_path / "site")]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert build.stdout is not None
    pid = int(build.stdout.readline())
    build.send_signal(stop)
    build.wait()
    deadline = time.monotonic() + 30  # a bound for a stuck worker, not a measure of speed
    while not process_has_ended(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    ended = process_has_ended(pid)
    if not ended:
        os.kill(pid, signal.SIGKILL)
    assert ended, "the leak guard's process outlived its build"


def test_no_confidential_values_means_no_leaks(tmp_path: Path) -> None:
    path = tmp_path / "partners.yaml"
    path.write_text(
        textwrap.dedent("""\
            newsletter:
              title: Quiet
              owner: Sam Lee
            partners: []
            """),
        encoding="utf-8",
    )
    empty = validate.load_partners(path, TODAY)
    site = tmp_path / "site"
    write(site, "index.html", "<p>Quiet</p>")
    result = started(site, empty).finish()
    assert (result.leaks, result.files) == ([], 1)


# --- inside a real `mkdocs build` --------------------------------------------------------------

REWRITE_HOOK = """\
from pathlib import Path

def on_post_build(config):
    # Another plugin's after-build step, rewriting a page the guard read clean while MkDocs wrote it.
    page = Path(config.site_dir) / "follow" / "index.html"
    page.write_text(page.read_text(encoding="utf-8") + "<p>{leak}</p>", encoding="utf-8")
"""

# The same rewrite by a hook asking to run after all other plugins (MkDocs' -100).
LAST_REWRITE_HOOK = "from mkdocs.plugins import event_priority\n" + REWRITE_HOOK.replace(
    "def on_post_build", "@event_priority(-100)\ndef on_post_build"
)

KILL_HOOK = """\
def on_post_build(config):
    config.plugins["referral-newsletter"].guard_worker._process.kill()
"""


def with_hook(project: SiteProject, source: str) -> None:
    (project.root / "extra_hook.py").write_text(source, encoding="utf-8")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nhooks:\n  - extra_hook.py\n", encoding="utf-8")


def test_a_build_guards_on_a_second_process_and_finds_what_a_whole_scan_finds(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.content / "leak.md").write_text(f"# Notes\n\nLunch with {PROSPECT}.\n", encoding="utf-8")
    result = project.mkdocs_build("--verbose")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert ("on a second process" in output) is TWO_CORES
    listed = re.findall(r"^  - (\S+ in \S+)$", output, re.MULTILINE)
    quarantined = project.root / ".referral" / "quarantine" / "site"
    data = validate.load_partners(project.root / "partners.yaml", TODAY)
    assert listed == [leak.describe() for leak in guard.guard_site(quarantined, data, LAYOUT)]
    assert "referrals[0].prospect in leak/index.html" in listed


# Another plugin editing a page in place through a shared memory map: the write that adds the
# leak lands on a page the map had already dirtied, which moves none of the file's times.
MMAP_HOOK = """\
import mmap
import time
from pathlib import Path

MAPS = []


def on_post_page(output, page, config):
    target = Path(config.site_dir) / "follow" / "index.html"
    if target.exists() and not MAPS:  # written: mapped, and dirtied now (its times move now)
        with open(target, "r+b") as file:
            MAPS.append(mmap.mmap(file.fileno(), 0))
        MAPS[0][0:1] = MAPS[0][0:1]
    return output


def on_post_build(config):
    time.sleep(1)  # long after the page settled: the guard had read it twice by then
    raw = bytes(MAPS[0])
    at = raw.index(b"<body")
    MAPS[0][at : at + len(b"{leak}")] = b"{leak}"  # the same size, through the map
"""


@pytest.mark.parametrize("hook", [REWRITE_HOOK, MMAP_HOOK], ids=["in place", "through a memory map"])
def test_a_page_rewritten_after_the_guard_read_it_is_read_again(project: SiteProject, hook: str) -> None:
    """(review59) The last look trusted a file's unchanged status; a memory map's rewrite changes none."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, hook.format(leak=PROSPECT))
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "referrals[0].prospect in follow/index.html" in result.stderr


def build_on(project: SiteProject, cores: str) -> subprocess.CompletedProcess[str]:
    """``mkdocs build`` on two cores (the guard's own process) or pinned to one (the build's)."""
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    one_core = ("taskset", "--cpu-list", "0") if cores == "one" else ()
    return project.run(*one_core, mkdocs, "build")


# Another plugin linking a folder into the site: a host publishes what the folder holds.
LINK_HOOK = """\
import os
from pathlib import Path


def on_post_build(config):
    notes = Path(config.config_file_path).parent / "notes"
    notes.mkdir()
    (notes / "index.html").write_text("<p>Lunch with {leak}.</p>", encoding="utf-8")
    os.symlink(notes, Path(config.site_dir) / "notes")
"""


@pytest.mark.parametrize("cores", ["two", "one"])
def test_a_folder_linked_into_the_site_is_read(project: SiteProject, cores: str) -> None:
    """(review59) Both guards listed the site without entering a folder reached through a link."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, LINK_HOOK.format(leak=PROSPECT))
    result = build_on(project, cores)
    assert result.returncode != 0
    assert "referrals[0].prospect in notes/index.html" in result.stderr


def test_a_link_back_to_a_folder_above_is_not_followed_round(tmp_path: Path) -> None:
    site = tmp_path / "site"
    write(site, "index.html", "<p>home</p>")
    write(site, "p/x/index.html", "<p>a page</p>")
    (site / "p" / "x" / "up").symlink_to(site)  # the same files again, without end
    (site / "p" / "here").symlink_to(site / "p")
    (site / "copy").symlink_to(site / "p" / "x")  # another folder's files under another name
    assert leak_scan.site_relatives(site) == ["copy/index.html", "index.html", "p/x/index.html"]
    assert leak_scan.site_relatives(site, through_links=False) == ["index.html", "p/x/index.html"]


@pytest.mark.parametrize("cores", ["two", "one"])
def test_a_page_rewritten_by_a_hook_asking_to_run_last_is_read(project: SiteProject, cores: str) -> None:
    """(review59) The guard ran at -100 too, before a hook at -100: hooks come after plugins."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, LAST_REWRITE_HOOK.format(leak=PROSPECT))
    result = build_on(project, cores)
    assert result.returncode != 0
    assert "referrals[0].prospect in follow/index.html" in result.stderr


# The same rewrite at the lowest priority there is, or at one no order places: MkDocs puts a
# method after every one it does not rank below, so these ran after the guard at -inf.
UNRANKED_REWRITE_HOOK = "from mkdocs.plugins import event_priority\n" + REWRITE_HOOK.replace(
    "def on_post_build", "@event_priority(float('{priority}'))\ndef on_post_build"
)


@pytest.mark.parametrize("priority", ["-inf", "nan"])
def test_a_page_rewritten_by_a_hook_at_the_lowest_priority_is_read(
    project: SiteProject, priority: str
) -> None:
    """(review63) A hook at -inf, or NaN, registered after the plugin ran after its guard at -inf."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, UNRANKED_REWRITE_HOOK.format(priority=priority, leak=PROSPECT))
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "referrals[0].prospect in follow/index.html" in result.stderr
    assert not (project.site / "follow" / "index.html").exists()


# The same rewrite added as an after-build step by a hook's on_config, which MkDocs runs after
# the plugin's (priority 100): what the plugin found registered in its own on_config was not all.
LATE_REWRITE_HOOK = (
    REWRITE_HOOK.replace("def on_post_build(config):", "def rewrite(config):")
    + """
def on_config(config):
    config.plugins.events["post_build"].append(rewrite)
"""
)


def test_a_page_rewritten_by_a_step_added_in_on_config_is_read(project: SiteProject) -> None:
    """An after-build step another plugin adds in its on_config runs before the guard too: the
    guard moved itself last in its on_config, before that step was added (the before-stop read)."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, LATE_REWRITE_HOOK.format(leak=PROSPECT))
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "referrals[0].prospect in follow/index.html" in result.stderr
    assert not (project.site / "follow" / "index.html").exists()


@pytest.mark.skipif(not TWO_CORES, reason="one core: the guard runs in the build's own process")
def test_a_guard_process_that_dies_fails_the_build_closed(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, KILL_HOOK)
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert re.search(
        r"Leak guard: its process stopped (\(exit code -9\) )?before the site was checked", result.stderr
    )
    assert not project.site.exists() or not list(project.site.iterdir())
    assert (project.root / ".referral" / "quarantine" / "site" / "index.html").is_file()


STOP_HOOK = """\
import os, signal

from generator import guard_worker


def on_post_build(config):
    guard_worker.STALLED = 1.0  # seconds without CPU before the build gives up (60 in use)
    os.kill(config.plugins["referral-newsletter"].guard_worker._process.pid, signal.SIGSTOP)
"""


@pytest.mark.skipif(not TWO_CORES, reason="one core: the guard runs in the build's own process")
def test_a_guard_process_that_hangs_fails_the_build_closed(project: SiteProject) -> None:
    """A worker that never answers (stopped, or stuck on a lock held at the fork): the build
    waited for its verdict forever (review18)."""
    project.write_data(fixture_text("small.yaml"))
    with_hook(project, STOP_HOOK)
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    # A bound, so that the waiting forever this test is about fails it instead of hanging it.
    result = subprocess.run(
        [mkdocs, "build"],
        cwd=project.root,
        env=project.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert "Leak guard: its process has done nothing for 1 s (stopped or stuck)" in result.stderr
    assert not project.site.exists() or not list(project.site.iterdir())
    assert (project.root / ".referral" / "quarantine" / "site" / "index.html").is_file()


def test_on_one_core_the_build_guards_in_its_own_process(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    (project.content / "leak.md").write_text(f"# Notes\n\nLunch with {PROSPECT}.\n", encoding="utf-8")
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    result = project.run("taskset", "--cpu-list", "0", mkdocs, "build", "--verbose")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "on a second process" not in output
    assert "referrals[0].prospect in leak/index.html" in output


MOVE_SITE_HOOK = """\
from pathlib import Path

def on_config(config):
    # Another plugin choosing where the site goes, after the referral plugin's own on_config.
    config.site_dir = str(Path(config.config_file_path).parent / "public")
    return config
"""


def test_a_site_moved_by_another_plugin_is_guarded_where_it_is_built(project: SiteProject) -> None:
    project.write_data(fixture_text("small.yaml"))
    write(project.site, "index.html", "<p>an old, clean site where the build first meant to go</p>")
    (project.content / "leak.md").write_text(f"# Notes\n\nLunch with {PROSPECT}.\n", encoding="utf-8")
    with_hook(project, MOVE_SITE_HOOK)
    result = project.mkdocs_build()
    assert result.returncode != 0
    assert "referrals[0].prospect in leak/index.html" in result.stderr


def test_a_dirty_build_checks_the_files_it_did_not_write_again(project: SiteProject) -> None:
    # `--dirty` leaves pages whose source did not change as they were: the guard still reads them.
    project.write_data(fixture_text("small.yaml"))
    (project.content / "notes.md").write_text("# Notes\n\nLunch.\n", encoding="utf-8")
    assert project.mkdocs_build().returncode == 0
    built = project.site / "notes" / "index.html"
    built.write_text(built.read_text(encoding="utf-8") + f"<p>{PROSPECT}</p>", encoding="utf-8")
    result = project.mkdocs_build("--dirty")
    assert result.returncode != 0
    assert "referrals[0].prospect in notes/index.html" in result.stderr


def test_a_sweep_before_the_site_folder_exists_is_no_failure(tmp_path: Path, data: PartnersFile) -> None:
    """The first page named makes the worker read what the site holds; a folder not made yet
    (a test writing after naming, or a builder that makes it late) holds nothing to read yet.
    This raced: whenever the worker swept first, it failed the guard (review15 saw it once)."""
    site = tmp_path / "site"
    worker = started(site, data)
    worker.writing("a/index.html")
    time.sleep(0.3)  # the worker sweeps now, before anything exists (it failed here)
    write(site, "a/index.html", f"<p>{PROSPECT}</p>")
    result = worker.finish()
    assert [leak.file for leak in result.leaks] == ["a/index.html"] and result.files == 1


class _FirstWaitRunsOut:
    """The worker's end of the pipe, whose first wait for the verdict runs out just before the
    verdict comes (a busy machine): the pipe and the process are real."""

    def __init__(self, connection: object, process: object) -> None:
        self._connection, self._process, self._waited = connection, process, False

    def poll(self, timeout: float) -> bool:
        if not self._waited:
            self._waited = True
            self._process.join(timeout=30)  # type: ignore[attr-defined]  # verdict sent, process ended
            return False
        return self._connection.poll(timeout)  # type: ignore[attr-defined, no-any-return]

    def __getattr__(self, name: str) -> object:
        return getattr(self._connection, name)


def test_a_verdict_sent_just_before_the_worker_ended_is_taken(tmp_path: Path, data: PartnersFile) -> None:
    """The wait for the verdict ran out, the worker sent it and ended, and the look at whether it
    lived failed a clean build: "its process stopped (exit code 0) before the site was checked"."""
    site = tmp_path / "site"
    write(site, "index.html", "<p>clean</p>")
    worker = started(site, data)
    worker.site_written()  # the last look starts: the verdict comes before finish waits for it
    worker._connection = _FirstWaitRunsOut(worker._connection, worker._process)  # type: ignore[assignment]
    result = worker.finish()
    assert (result.leaks, result.files) == ([], 1)


class StuckSending(Exception):
    pass


@pytest.mark.skipif(not TWO_CORES, reason="one core: the guard runs in the build's own process")
def test_a_worker_stopped_while_pages_are_named_fails_the_build_instead_of_hanging_it(
    tmp_path: Path, data: PartnersFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(review63) A worker stopped while MkDocs writes the pages read nothing more: some 3,000
    pages later the build waited forever for room in the pipe to name the next batch."""

    def stuck(signum: int, frame: object) -> None:
        raise StuckSending("the build waited on the stopped worker's pipe")

    monkeypatch.setattr(guard_worker, "STALLED", 1.0)
    worker = started(tmp_path / "site", data)
    os.kill(worker._process.pid, signal.SIGSTOP)
    previous = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(120)  # a bound for a build that would wait forever, not a measure of speed
    try:
        with pytest.raises(GuardStopped, match=r"^its process has done nothing for 1 s \(stopped or stuck\)"):
            for number in range(100_000):
                worker.writing(f"partners/page-{number:06d}/index.html")
        with pytest.raises(GuardStopped, match=r"^its process has done nothing for 1 s"):
            worker.finish()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        worker._process.kill()
