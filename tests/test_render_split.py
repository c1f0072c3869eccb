"""Rendering on two cores (generator/render_split.py): the same pages, in the same order, as
rendering them one by one, whatever the forked process does; and a real ``generate`` that splits
writes the same files as one held to a single core."""

from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from conftest import REPO, TEST_SECRET, TODAY, SiteProject, make_project, process_has_ended

from generator import project as pipeline
from generator import render, render_memo, render_split, validate
from generator.problems import InvalidData

sys.path.insert(0, str(REPO / "benchmarks"))
import make_data

TWO_CORES = len(os.sched_getaffinity(0)) >= 2 and sys.platform.startswith("linux")
T = TypeVar("T")
needs_two_cores = pytest.mark.skipif(not TWO_CORES, reason="the split needs two cores on Linux")
PAGES = render_split.MIN_PAGES + 57


def page(index: int, parent: int) -> Callable[[], str]:
    """A page that says which process rendered it, with text that needs UTF-8; it takes a
    moment, as a real page does, so the forked process usually starts before this one is done
    (a test that needs it to have rendered pages waits for it: once_the_other_has_begun)."""

    def render() -> str:
        time.sleep(0.001)
        return f"page {index} ✓ by {'parent' if os.getpid() == parent else 'other'}\n"

    return render


def encoded_pages(
    renderers: dict[str, Callable[[], str]], aside: Callable[[], T]
) -> tuple[dict[str, bytes], T]:
    """Every page, in the order of ``renderers``, and the result of ``aside``: what the split
    must give, whatever order the pages came in."""
    pages = render_split.PagesInTurn(renderers, aside)
    arrived = dict(pages)
    return {path: arrived[path] for path in pages.paths}, pages.aside_result()


def renderers(count: int = PAGES) -> dict[str, Callable[[], str]]:
    parent = os.getpid()
    return {f"p/{index:04}.md": page(index, parent) for index in range(count)}


def once_the_other_has_begun(work: dict[str, Callable[[], str]]) -> dict[str, Callable[[], str]]:
    """``work`` whose first page, rendered here, waits until the forked process has begun a page:
    on a loaded machine that process can start after this one has rendered every page (the pages'
    millisecond each was all that gave it time), and then it renders none."""
    parent, begun = os.getpid(), multiprocessing.get_context("fork").Event()

    def marked(render: Callable[[], str], first: bool) -> Callable[[], str]:
        def run() -> str:
            if os.getpid() != parent:
                begun.set()
            elif first:
                begun.wait(60)  # a bound for a process that never starts, not a measure of speed
            return render()

        return run

    return {path: marked(render, index == 0) for index, (path, render) in enumerate(work.items())}


@needs_two_cores
def test_both_processes_render_and_every_page_comes_back_in_order() -> None:
    pages = encoded_pages(once_the_other_has_begun(renderers()), dict)[0]
    assert list(pages) == [f"p/{index:04}.md" for index in range(PAGES)]
    assert all(text.startswith(f"page {index} ✓ by".encode()) for index, text in enumerate(pages.values()))
    by_other = [path for path, text in pages.items() if text.endswith(b"by other\n")]
    assert by_other, "the forked process rendered nothing"
    assert len(by_other) < PAGES


@needs_two_cores
def test_the_work_aside_is_done_by_the_other_process_and_its_result_comes_back() -> None:
    parent = os.getpid()
    pages, aside = encoded_pages(renderers(), lambda: {"done by": os.getpid()})
    assert aside["done by"] != parent
    assert len(pages) == PAGES


def dying_elsewhere(value: T) -> Callable[[], T]:
    """Work that ends any process but this one at once, and gives ``value`` here."""
    parent = os.getpid()

    def work() -> T:
        if os.getpid() != parent:
            os._exit(9)
        return value

    return work


@needs_two_cores
def test_the_work_aside_is_done_here_when_the_other_process_dies_first() -> None:
    pages, aside = encoded_pages(renderers(), dying_elsewhere("done here"))
    assert aside == "done here"
    assert all(text.endswith(b"by parent\n") for text in pages.values())


def test_with_few_pages_the_work_aside_is_done_here() -> None:
    assert encoded_pages(renderers(3), os.getpid)[1] == os.getpid()


def test_few_pages_are_rendered_here_alone() -> None:
    pages = encoded_pages(renderers(render_split.MIN_PAGES - 1), dict)[0]
    assert all(text.endswith(b"by parent\n") for text in pages.values())


def test_with_another_thread_running_nothing_is_forked() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        pages = encoded_pages(renderers(), dict)[0]
    finally:
        stop.set()
        thread.join()
    assert all(text.endswith(b"by parent\n") for text in pages.values())


@needs_two_cores
def test_a_page_that_fails_in_the_other_process_is_rendered_here() -> None:
    parent = os.getpid()

    def fails_elsewhere() -> str:
        if os.getpid() != parent:
            raise RuntimeError("only in the forked process")
        return "rendered here\n"

    work = renderers()
    work["p/last.md"] = fails_elsewhere  # the forked process starts from the end
    pages = encoded_pages(work, dict)[0]
    assert pages["p/last.md"] == b"rendered here\n"
    assert len(pages) == PAGES + 1 and all(pages.values())


@needs_two_cores
def test_a_forked_process_that_dies_leaves_its_pages_to_this_one() -> None:
    work = renderers()
    work["p/last.md"] = dying_elsewhere("rendered here\n")
    pages = encoded_pages(work, dict)[0]
    assert pages["p/last.md"] == b"rendered here\n"
    assert [text.decode().split(" ✓")[0] for text in list(pages.values())[:PAGES]] == [
        f"page {index}" for index in range(PAGES)
    ]


KILLED_MID_RENDER = """\
import os, signal, sys, time
from pathlib import Path

from generator import project as pipeline
from generator import render, render_split

parent, record = os.getpid(), Path(sys.argv[1])


def page(index):
    def render():
        if os.getpid() != parent:
            if not record.exists():  # the other process is at work: said once, whole
                record.with_suffix(".new").write_text(str(os.getpid()))
                record.with_suffix(".new").replace(record)
        else:  # once the other process is at work (it can start late on a loaded machine)
            deadline = time.monotonic() + 60  # a bound for a process that never starts
            while not record.exists() and time.monotonic() < deadline:
                time.sleep(0.001)
            os.kill(parent, signal.SIGKILL)  # this run is killed, as by the OOM killer or kill -9
        time.sleep(0.001)
        return "x" * 4096  # the other process's pages fill the pipe no one reads any more

    return render


dict(render_split.PagesInTurn({f"p/{index:04}.md": page(index) for index in range(600)}, dict))
"""


@needs_two_cores
def test_the_other_process_ends_when_the_run_is_killed(tmp_path: Path) -> None:
    """It held a copy of the end of the pipe its parent read, so when the parent was killed it
    wrote into the full pipe forever; it also held generate's lock on the project, so every
    later generate and mkdocs build waited for it forever (review18)."""
    record = tmp_path / "other-pid"
    run = subprocess.run([sys.executable, "-c", KILLED_MID_RENDER, str(record)], cwd=REPO, check=False)
    assert run.returncode == -9
    other = int(record.read_text())
    deadline = time.monotonic() + 30  # a bound for a stuck process, not a measure of speed
    while not process_has_ended(other) and time.monotonic() < deadline:
        time.sleep(0.1)
    ended = process_has_ended(other)
    if not ended:
        os.kill(other, 9)
    assert ended, "the other render process outlived its run"


def _lock_left_held_by_a_dead_process() -> Any:
    context = multiprocessing.get_context("fork")
    lock = context.Lock()
    holder = context.Process(target=lambda: lock.acquire() and os._exit(0))  # killed while holding it
    holder.start()
    holder.join()
    return lock


@needs_two_cores
def test_a_claim_lock_a_dead_process_held_stops_the_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process killed while it held the claim lock (the OOM killer's pick, kill -9) never
    gives it back: the other waited for it forever, a run hung, and a forked process so stuck
    held the project's turn for good (review18)."""
    monkeypatch.setattr(render_split, "CLAIM_WAIT", 0.5, raising=False)
    lock = _lock_left_held_by_a_dead_process()
    bounds = multiprocessing.get_context("fork").RawArray("q", [0, 99])
    claimed: list[object] = []
    waiting = threading.Thread(target=lambda: claimed.append(render_split._claim(bounds, lock, front=True)))
    waiting.daemon = True  # on failure it waits forever: it must not keep the test run alive
    waiting.start()
    waiting.join(timeout=30)  # a bound for a wait forever, not a measure of speed
    assert claimed == [None]


def test_an_error_in_a_page_is_raised_here_as_without_the_split() -> None:
    def broken() -> str:
        raise ValueError("a template mistake")

    work = renderers()
    work["p/last.md"] = broken
    with pytest.raises(ValueError, match="a template mistake"):
        encoded_pages(work, dict)[0]


def content_files(project: SiteProject) -> dict[str, bytes]:
    return {
        path.relative_to(project.content).as_posix(): path.read_bytes()
        for path in sorted(project.content.rglob("*"))
        if path.is_file()
    }


@pytest.mark.slow
@needs_two_cores
@pytest.mark.skipif(shutil.which("taskset") is None, reason="taskset (util-linux) holds a run to one core")
def test_generate_on_two_cores_writes_what_one_core_writes(tmp_path: Path) -> None:
    (tmp_path / "split").mkdir()
    (tmp_path / "single").mkdir()
    split, single = make_project(tmp_path / "split"), make_project(tmp_path / "single")
    for project in (split, single):
        make_data.write(project.root / "partners.yaml", 260)
    assert split.generator("generate").returncode == 0
    result = single.run("taskset", "--cpu-list", "0", sys.executable, "-m", "generator", "generate")
    assert result.returncode == 0, result.stderr
    written, expected = content_files(split), content_files(single)
    assert len(written) > render_split.MIN_PAGES
    assert sorted(written) == sorted(expected)
    assert [path for path in written if written[path] != expected[path]] == []


@needs_two_cores
def test_a_page_that_fails_while_pages_are_written_leaves_the_site_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pages are written as they are rendered, on two cores: when one partner's page fails
    after others were written, the docs folder and the run's records are as before, and the
    error is the page's own."""
    make_data.write(tmp_path / "partners.yaml", 260)
    project = pipeline.Project.at(tmp_path)
    environ = {"REFERRAL_SITE_SECRET": TEST_SECRET}
    pipeline.generate(project, TODAY, environ)
    before = files_of(project)
    data = project.data_file.read_text(encoding="utf-8")
    project.data_file.write_text(data.replace("owner: ", "owner: Dr ", 1), encoding="utf-8")  # on every page
    last = pipeline.load(project, TODAY).partners[-1].id
    render_partner = render._render_partner
    changed_at_the_fault: list[int] = []

    def failing(site: Any, partner: Any) -> str:
        if partner.id == last:  # in both processes: the other one stops, and this one renders it
            if os.getpid() == parent:
                now = files_of(project)
                changed_at_the_fault.append(sum(1 for path in before if now.get(path) != before[path]))
            raise LookupError(f"the page of {partner.id} failed")
        return render_partner(site, partner)

    parent = os.getpid()
    monkeypatch.setattr(render, "_render_partner", failing)
    with pytest.raises(LookupError, match=f"the page of {last} failed"):
        pipeline.generate(project, TODAY, environ)
    assert changed_at_the_fault[0] > 100  # pages written before it, then put back
    after = files_of(project)
    assert after.keys() == before.keys()
    assert [path for path in before if after[path] != before[path]] == []


def files_of(project: pipeline.Project) -> dict[Path, bytes]:
    folders = (project.docs_dir, project.state_dir)
    return {path: path.read_bytes() for folder in folders for path in folder.rglob("*") if path.is_file()}


def _note_edited(project: pipeline.Project) -> None:
    """One update note a few words longer: one partner's page changes, no other file."""
    text = project.data_file.read_text(encoding="utf-8")
    project.data_file.write_text(text.replace("        note: ", "        note: Also, ", 1), encoding="utf-8")


def _digests_by(pids: Path, monkeypatch: pytest.MonkeyPatch, *, fail_elsewhere: bool = False) -> None:
    """render_memo.data_digests noting the process that works them out in ``pids``; with
    ``fail_elsewhere``, a process other than this one dies at it instead."""
    digests, parent = render_memo.data_digests, os.getpid()

    def noted(data: Any) -> Any:
        if fail_elsewhere and os.getpid() != parent:
            os._exit(1)
        with pids.open("a", encoding="utf-8") as record:
            record.write(f"{os.getpid()}\n")
        return digests(data)

    monkeypatch.setattr(pipeline, "data_digests", noted)
    monkeypatch.setattr(render, "data_digests", noted)


@needs_two_cores
def test_a_first_run_has_the_render_memos_digests_worked_out_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Serialising every record for the render memo's keys (0.5 s at 10,000 partners) is done
    by a process forked once the data is valid, while this one builds the views; and its keys
    are the keys a run works out alone: a note edit then renders exactly one page."""
    make_data.write(tmp_path / "partners.yaml", 260)
    project, environ, pids = (
        pipeline.Project.at(tmp_path),
        {"REFERRAL_SITE_SECRET": TEST_SECRET},
        tmp_path / "pids",
    )
    _digests_by(pids, monkeypatch)
    first = pipeline.generate(project, TODAY, environ)
    assert first.report.kept == 0
    workers = pids.read_text(encoding="utf-8").split()
    assert len(workers) == 1 and workers != [str(os.getpid())]
    monkeypatch.setattr(pipeline, "can_fork", lambda: False)
    _note_edited(project)
    again = pipeline.generate(project, TODAY, environ)
    assert len(again.report.written) == 1 and again.report.written[0].startswith("p/")
    assert pids.read_text(encoding="utf-8").split()[1:] == [str(os.getpid())]


@needs_two_cores
def test_the_render_memos_digests_are_worked_out_here_when_the_other_process_dies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_data.write(tmp_path / "partners.yaml", 260)
    project, environ, pids = (
        pipeline.Project.at(tmp_path),
        {"REFERRAL_SITE_SECRET": TEST_SECRET},
        tmp_path / "pids",
    )
    _digests_by(pids, monkeypatch, fail_elsewhere=True)
    first = pipeline.generate(project, TODAY, environ)
    assert first.report.kept == 0
    assert pids.read_text(encoding="utf-8").split() == [str(os.getpid())]
    _note_edited(project)
    again = pipeline.generate(project, TODAY, environ)
    assert len(again.report.written) == 1 and again.report.written[0].startswith("p/")


@needs_two_cores
def test_the_render_memos_digests_start_before_the_rules_across_records_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once pydantic has built the model, its digests are worked out beside the rules across
    records (0.16 s at 10,000 partners) and the views, not after the rules."""
    make_data.write(tmp_path / "partners.yaml", 260)
    steps: list[str] = []
    check, forked = validate.rules.check, pipeline.forked
    monkeypatch.setattr(validate.rules, "check", lambda *a, **k: steps.append("rules") or check(*a, **k))
    monkeypatch.setattr(pipeline, "forked", lambda work: steps.append("digests") or forked(work))
    pipeline.generate(pipeline.Project.at(tmp_path), TODAY, {"REFERRAL_SITE_SECRET": TEST_SECRET})
    assert steps == ["digests", "rules"]


@needs_two_cores
def test_a_file_the_rules_refuse_ends_the_digests_process_and_says_why(tmp_path: Path) -> None:
    """Its digests were started before the rules refused it: the run stops as it did, with the
    rules' message, no process left and nothing written."""
    data = tmp_path / "partners.yaml"
    make_data.write(data, 260)
    text = data.read_text(encoding="utf-8")
    first, second = (item.split("\n")[0] for item in text.split("  - id: ")[1:3])
    data.write_text(text.replace(f"  - id: {second}\n", f"  - id: {first}\n", 1), encoding="utf-8")
    with pytest.raises(InvalidData, match=first):
        pipeline.generate(pipeline.Project.at(tmp_path), TODAY, {"REFERRAL_SITE_SECRET": TEST_SECRET})
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "content").exists()


def test_a_run_leaves_what_it_made_to_the_collectors_oldest_generation(tmp_path: Path) -> None:
    """The collector is paused while a run builds millions of objects; left young, they were
    all walked by the first collection after it (0.1 s at 10,000 partners, inside the run) and
    by a second one later. Moved to the oldest generation instead, they wait for a full
    collection, as objects that outlive two collections do; none is frozen for good."""
    make_data.write(tmp_path / "partners.yaml", 30)
    outcome = pipeline.generate(pipeline.Project.at(tmp_path), TODAY, {"REFERRAL_SITE_SECRET": TEST_SECRET})
    data = outcome.data
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert any(record is data for record in gc.get_objects(generation=2))


def test_the_insights_page_is_the_first_the_other_process_takes(tmp_path: Path) -> None:
    """The other process renders from the end of the list: the insights page (0.65 s at 10,000
    partners) is last, so it is rendered there while this one writes; rendered here, first,
    the other's pages piled up in this process meanwhile (30 MB at 10,000 partners)."""
    make_data.write(tmp_path / "partners.yaml", 30)
    data = pipeline.load(pipeline.Project.at(tmp_path), TODAY)
    layout = render.SiteLayout(TODAY, TEST_SECRET.encode())
    rendered = pipeline.render_bytes(data, layout, keyed=False)
    try:
        assert rendered.paths[-1] == layout.insights_page
        assert sorted(rendered.paths) == sorted(render.render_site(data, layout))
    finally:
        rendered.close()
