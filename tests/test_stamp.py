"""A run whose inputs did not change renders nothing; a change to any input renders again; files
whose stat fields vouch for them are not read (racy git: stamp.current_state)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from code_changes import new_library, new_python, new_template, new_version
from conftest import TEST_SECRET, TODAY, fixture_text, make_project, unwritable

from generator import project as pipeline
from generator import stamp, writer
from generator.moment import BuildMoment
from generator.problems import InvalidData

ENVIRON = {"REFERRAL_SITE_SECRET": TEST_SECRET}


class Runs:
    """Generator runs on one project, counting how many of them rendered."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = pipeline.Project.at(root)
        self.renders = 0

        render = pipeline.render_bytes

        def counted(*args: Any, **options: Any) -> dict[str, bytes]:
            self.renders += 1
            return render(*args, **options)

        monkeypatch.setattr(pipeline, "render_bytes", counted)

    def rendered(self, **changes: Any) -> bool:
        """Run once with ``changes`` to the defaults; whether it rendered (checked two ways)."""
        before = self.renders
        options: dict[str, Any] = {"as_of": TODAY, "environ": ENVIRON, "site_url": ""} | changes
        outcome = pipeline.generate(
            self.project, options["as_of"], options["environ"], site_url=options["site_url"]
        )
        assert outcome.rendered == (self.renders > before)
        return outcome.rendered


@pytest.fixture
def runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runs]:
    make_project(tmp_path).write_data(fixture_text("small.yaml"))
    stamp.code_digest.cache_clear()
    yield Runs(tmp_path, monkeypatch)
    stamp.code_digest.cache_clear()


def test_a_no_change_run_renders_nothing_and_writes_nothing(runs: Runs) -> None:
    assert runs.rendered()
    files = {path: path.read_bytes() for path in runs.project.docs_dir.rglob("*") if path.is_file()}
    outcome = pipeline.generate(runs.project, TODAY, ENVIRON)
    assert not outcome.rendered
    assert outcome.report.written == [] and outcome.report.unchanged == len(files) - 1  # blog/index.md
    assert {path: path.read_bytes() for path in runs.project.docs_dir.rglob("*") if path.is_file()} == files
    assert outcome.data.newsletter.title  # the data is still there when asked for (the leak guard)


def _edit_data(runs: Runs, *_: object) -> None:
    data = runs.project.data_file
    data.write_text(data.read_text("utf-8").replace("stage: met\n", "stage: proposal\n", 1), "utf-8")


def _code(change: Callable[[pytest.MonkeyPatch, Path], None]) -> Callable[..., None]:
    """A change of the code a run depends on, applied as any other change here is."""
    return lambda _runs, monkeypatch, tmp_path: change(monkeypatch, tmp_path)


def _removed_page(runs: Runs, *_: object) -> None:
    page = next((runs.project.docs_dir / "p").glob("*.md"))
    page.unlink()


def _page_edited_by_hand(runs: Runs, *_: object) -> None:
    home = runs.project.docs_dir / "index.md"
    home.write_text("# edited by hand\n", "utf-8")


CHANGES: dict[str, tuple[Callable[..., None] | None, dict[str, Any]]] = {
    "data": (_edit_data, {}),
    "secret": (None, {"environ": {"REFERRAL_SITE_SECRET": TEST_SECRET + "-rotated"}}),
    "as-of date": (None, {"as_of": TODAY + dt.timedelta(days=1)}),
    "site address": (None, {"site_url": "https://elsewhere.example.com/"}),
    "template": (_code(new_template), {}),
    "version": (_code(new_version), {}),
    "a library upgraded": (_code(new_library), {}),
    "another Python": (_code(new_python), {}),
    "a generated file removed": (_removed_page, {}),
    "a generated file edited": (_page_edited_by_hand, {}),
}


@pytest.mark.parametrize("change", CHANGES)
def test_changing_any_input_renders_again(
    runs: Runs, change: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert runs.rendered()
    assert not runs.rendered()
    action, options = CHANGES[change]
    if action is not None:
        action(runs, monkeypatch, tmp_path)
    assert runs.rendered(**options)
    assert not runs.rendered(**options)


def test_invalid_data_keeps_the_last_good_stamp(runs: Runs) -> None:
    assert runs.rendered()
    runs.project.data_file.write_text(
        fixture_text("small.yaml").replace("stage: met", "stage: mett"), "utf-8"
    )
    with pytest.raises(InvalidData):
        runs.rendered()
    runs.project.data_file.write_text(fixture_text("small.yaml"), "utf-8")
    assert not runs.rendered()  # the last good run's files are still there, as it left them


def _moment(day: int, hour: int) -> BuildMoment:
    return BuildMoment(dt.datetime(2026, 12, day, hour, tzinfo=dt.UTC))


def test_a_run_renders_again_when_the_owners_date_turns_and_only_then(runs: Runs) -> None:
    # In Auckland (UTC+13 in December) the date turns at 11:00 UTC. Keyed on the UTC date, the
    # stamp would skip the run at 12:00 UTC (a new day for the owner, whose pages are dated by
    # it) and render again at 01:00 UTC the next day, when nothing a page shows had changed.
    data = runs.project.data_file
    data.write_text(
        data.read_text("utf-8").replace("newsletter:\n", "newsletter:\n  timezone: Pacific/Auckland\n")
    )
    assert runs.rendered(as_of=_moment(10, 1))  # 14:00 on 10 December there
    assert not runs.rendered(as_of=_moment(10, 10))  # 23:00 on the 10th
    assert runs.rendered(as_of=_moment(10, 12))  # 01:00 on the 11th
    assert not runs.rendered(as_of=_moment(11, 1))  # 14:00 on the 11th: a new UTC date only


# --- the files' stat fields (racy git): read a file only when stat cannot vouch for it ---------


class Reads:
    """Calls of the stamp's one read helper, around the real function."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        read = stamp.read_back

        def counted(path: stamp.StrPath) -> bytes:
            self.count += 1
            return read(path)

        monkeypatch.setattr(stamp, "read_back", counted)

    def during(self, action: Callable[[], object]) -> int:
        before = self.count
        action()
        return self.count - before


# A short margin, so that files settle in a test's time; far above a kernel tick (a few ms), so an
# edit made after a stat is still stamped with another ctime.
MARGIN_S = 0.05


@pytest.fixture
def settled(runs: Runs, monkeypatch: pytest.MonkeyPatch) -> Reads:
    """A first run, then, once its files are older than the margin, a no-change run that reads
    them and records their stat fields."""
    monkeypatch.setattr(stamp, "MARGIN_NS", int(MARGIN_S * 1e9))
    reads = Reads(monkeypatch)
    assert runs.rendered()
    time.sleep(2 * MARGIN_S)
    assert reads.during(runs.rendered) > 0  # read, then recorded as settled
    time.sleep(2 * MARGIN_S)
    return reads


def test_a_first_run_does_not_stat_the_files_it_has_just_written(
    runs: Runs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written within the margin, none of them can be vouched for by its stat fields yet, so
    the stamp records their size and digest without a stat each (0.04 s at 10,000 partners);
    the next run reads them, as before."""
    judged: list[object] = []
    settle = stamp._settled
    monkeypatch.setattr(stamp, "_settled", lambda *args: judged.append(args) or settle(*args))
    reads = Reads(monkeypatch)
    assert runs.rendered()
    assert judged == []
    assert reads.during(runs.rendered) > 0


def test_a_settled_no_change_run_reads_no_file(runs: Runs, settled: Reads) -> None:
    assert settled.during(runs.rendered) == 0
    assert not runs.rendered()


def test_files_written_within_the_margin_are_read(runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    reads = Reads(monkeypatch)
    assert runs.rendered()
    # Every file was written well within the real margin (2 s): their stat fields vouch for nothing.
    assert reads.during(runs.rendered) > 0
    assert reads.during(runs.rendered) > 0


def test_a_same_size_edit_with_the_mtime_restored_is_repaired(runs: Runs, settled: Reads) -> None:
    home = runs.project.docs_dir / "index.md"
    content, before = home.read_bytes(), os.stat(home)
    home.write_bytes(content[:-2] + (b"!!" if content[-2:] != b"!!" else b"??"))
    os.utime(home, ns=(before.st_atime_ns, before.st_mtime_ns))  # as cp -p or rsync -t would
    assert os.stat(home).st_size == before.st_size and os.stat(home).st_mtime_ns == before.st_mtime_ns
    assert runs.rendered()
    assert home.read_bytes() == content


def test_a_file_replaced_by_an_identical_copy_is_read_and_kept(runs: Runs, settled: Reads) -> None:
    home = runs.project.docs_dir / "index.md"
    copy = home.with_name("index.md.copy")
    shutil.copy2(home, copy)  # same bytes and mtime, another inode
    os.replace(copy, home)
    time.sleep(2 * MARGIN_S)
    assert settled.during(runs.rendered) == 1  # read, found equal: nothing to render
    assert settled.during(runs.rendered) == 0  # and its new stat fields recorded


@pytest.mark.parametrize(
    "path",
    ["index.md", "p/abc.md", "a//b.md", "./a.md", "a/./b", "", ".", "./", "/etc/passwd", "../x", "a/../b",
     "a/..", "..", "a/b/", "...", "a/...b"],
)  # fmt: skip
def test_manifest_paths_are_vetted_as_pathlib_would(path: str) -> None:
    """The manifest's paths are checked on the string (writer._is_safe_relative, fast enough for
    a no-change run), with pathlib's answer: relative, not empty, never climbing out."""
    parts = PurePosixPath(path).parts
    expected = bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts
    assert writer._is_safe_relative(path) == expected


FULL_AT_THE_STAMP = """\
import builtins, errno, io, os

_open = io.open


def _full_at_the_stamp(file, mode="r", *args, **kwargs):
    # The disk fills up just as the run records its stamp, after every page is written.
    if os.path.basename(str(file)) == "render-stamp.json" and "w" in mode:
        raise OSError(errno.ENOSPC, "No space left on device")
    return _open(file, mode, *args, **kwargs)


io.open = builtins.open = _full_at_the_stamp
"""


def test_a_stamp_the_disk_has_no_room_for_fails_nothing(tmp_path: Path) -> None:
    """The stamp only spares the next run work: a run that wrote every page but could not
    record it reported '[Errno 28]' and exit 1 (a traceback under mkdocs build), for a docs
    folder already complete. Now it leaves the stamp out, and the next run renders again (review18)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(FULL_AT_THE_STAMP, encoding="utf-8")
    full = project.generator("generate", PYTHONPATH=str(hook))
    assert full.returncode == 0, full.stderr
    assert not (project.root / ".referral" / "render-stamp.json").exists()
    again = project.generator("generate")
    assert again.returncode == 0 and "not rendered" not in again.stdout
    assert (project.root / ".referral" / "render-stamp.json").is_file()


@pytest.mark.build  # a real mkdocs build
def test_a_state_folder_that_cannot_be_written_stops_the_build_with_a_message(tmp_path: Path) -> None:
    """The generator's own records not writable (here the state folder is read-only): the
    build stopped in a Python traceback; now one line names the file and what to do, and
    content/ is as it was (review18)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    assert project.generator("generate").returncode == 0
    project.write_data(fixture_text("small.yaml").replace("title: ", "title: New ", 1))
    state = project.root / ".referral"
    before = sorted((path, path.read_bytes()) for path in project.content.rglob("*") if path.is_file())
    with unwritable(state):
        result = project.mkdocs_build()
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert f"could not use {state / 'render-stamp.json'}: " in result.stderr
    assert "make sure its folder is writable and the disk has room, then run again" in result.stderr
    assert (
        sorted((path, path.read_bytes()) for path in project.content.rglob("*") if path.is_file()) == before
    )
