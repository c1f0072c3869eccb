"""The writer: only the generator's own files change, and its own pages are recognised by their
mark when the manifest is lost (stale ones removed, a file without the mark never touched)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import TEST_SECRET, TODAY, SiteProject, fixture_text, make_project, unwritable

from generator import project as pipeline
from generator import project_lock, stamp, validate, write_undo, writer
from generator.address_clash import address_clashes
from generator.cli import main
from generator.generated_files import GENERATED_MARK, marked_pages
from generator.host_files import GENERATED_COMMENT
from generator.markdown import GENERATED_BY, front_matter
from generator.render import SiteLayout, render_site
from generator.write_undo import WriteFailed
from generator.writer import ForeignFileError, LinkedFolderError, write_files

PAGE = front_matter({"title": "x"}) + "body\n"
HAND = "---\ntitle: mine\n---\nhand-written\n"


def test_the_mark_the_writer_looks_for_is_the_one_front_matter_writes() -> None:
    ((key, value),) = GENERATED_BY.items()
    assert f"---\n{key}: {value}\n".encode() == GENERATED_MARK
    assert PAGE.encode().startswith(GENERATED_MARK)


def test_every_generated_page_carries_the_mark(tmp_path: Path) -> None:
    data_file = tmp_path / "partners.yaml"
    data_file.write_text(fixture_text("small.yaml"), encoding="utf-8")
    data = validate.load_partners(data_file, TODAY)
    files = render_site(data, SiteLayout(as_of=TODAY, secret=TEST_SECRET.encode()))
    pages = {path: text for path, text in files.items() if path.endswith(".md")}
    assert len(pages) > 5
    assert not [path for path, text in pages.items() if not text.encode().startswith(GENERATED_MARK)]
    # Every other file the generator writes carries the mark in its own format.
    assert {path for path in files if not path.endswith(".md")} >= {"robots.txt", "_headers"}
    docs = tmp_path / "content"
    write_files(docs, files, tmp_path / "manifest.json")
    assert sorted(marked_pages(docs, {posixpath.dirname(path) for path in files})) == sorted(files)


def _written(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Path]:
    """The docs folder and the manifest of a project the generator has written ``files`` into once."""
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    write_files(docs, files, manifest)
    return docs, manifest


def test_without_a_manifest_stale_marked_pages_go_and_unmarked_files_stay(tmp_path: Path) -> None:
    docs, manifest = _written(tmp_path, {"p/old.md": PAGE, "p/kept.md": PAGE, "index.md": PAGE})
    (docs / "p" / "notes.md").write_text(HAND, encoding="utf-8")
    (docs / "p" / "copy.md").write_text("generated_by: referral-newsletter\n", encoding="utf-8")
    shutil.rmtree(tmp_path / ".referral")
    report = write_files(docs, {"p/kept.md": PAGE + "changed\n", "index.md": PAGE}, manifest)
    assert report.removed == ["p/old.md"]
    assert report.written == ["p/kept.md"] and report.recovered == 3
    assert "earlier pages recognised by their generated_by mark" in str(report)
    assert sorted(path.name for path in (docs / "p").iterdir()) == ["copy.md", "kept.md", "notes.md"]
    assert (docs / "p" / "notes.md").read_text(encoding="utf-8") == HAND


def test_without_a_manifest_an_unmarked_file_in_the_way_is_still_refused(tmp_path: Path) -> None:
    docs, manifest = tmp_path / "content", tmp_path / "manifest.json"
    (docs / "p").mkdir(parents=True)
    (docs / "p" / "page.md").write_text(HAND, encoding="utf-8")
    with pytest.raises(ForeignFileError):
        write_files(docs, {"p/page.md": PAGE}, manifest)
    assert (docs / "p" / "page.md").read_text(encoding="utf-8") == HAND
    assert not manifest.exists()


def test_losing_the_state_folder_then_building_removes_stale_private_pages(project: SiteProject) -> None:
    text = fixture_text("small.yaml")
    project.write_data(text)
    assert project.mkdocs_build().returncode == 0
    old_pages = sorted(path.name for path in (project.content / "p").iterdir())
    hand = project.content / "p" / "my-notes.md"
    hand.write_text(HAND, encoding="utf-8")
    shutil.rmtree(project.root / ".referral")
    # Steve gets a new address (a revoked link): his old page is stale.
    project.write_data(text.replace("  - id: steve-hall\n", "  - id: steve-hall\n    epoch: 1\n"))
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stderr
    new_pages = sorted(path.name for path in (project.content / "p").iterdir())
    assert len(set(old_pages) - set(new_pages)) == 1  # exactly Steve's old page is gone
    assert "my-notes.md" in new_pages and hand.read_text(encoding="utf-8") == HAND
    assert "1 removed" in result.stderr


# --- new files are written in place, after a record of them ----------------------------------


CREATE = writer._create


class Killed(BaseException):
    """A kill: no handler runs (an error or Ctrl-C is undone instead, see write_undo)."""


def _cut_after(monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """Make the writer stop (as a kill would) after creating ``count`` more new files."""
    made: list[Path] = []

    def cut(target: str, content: bytes) -> None:
        if len(made) == count:
            raise Killed
        CREATE(target, content)
        made.append(Path(target))

    monkeypatch.setattr(writer, "_create", cut)


def _cut_run(
    patch: pytest.MonkeyPatch, count: int, docs: Path, files: dict[str, str], manifest: Path
) -> None:
    """A write of ``files`` killed after its first ``count`` new files."""
    _cut_after(patch, count)
    with pytest.raises(Killed):
        write_files(docs, files, manifest)


def test_a_run_cut_short_leaves_files_the_next_run_knows_as_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    with monkeypatch.context() as patch:
        _cut_run(patch, 2, docs, {"index.md": PAGE, "p/a.md": PAGE, "p/b.md": PAGE, "p/c.md": PAGE}, manifest)
    assert sorted(path.name for path in (docs / "p").iterdir()) == ["a.md", "b.md"]
    assert writer.pending_path(manifest).exists()
    # The data changed meanwhile: a.md has new text, b.md is no longer generated.
    report = write_files(docs, {"index.md": PAGE, "p/a.md": PAGE + "new\n", "p/c.md": PAGE}, manifest)
    assert report.written == ["p/a.md", "p/c.md"] and report.removed == ["p/b.md"]
    assert (docs / "p" / "a.md").read_text(encoding="utf-8") == PAGE + "new\n"
    assert not writer.pending_path(manifest).exists()
    assert writer.read_manifest(manifest) == ["index.md", "p/a.md", "p/c.md"]


def test_a_cut_run_cut_again_still_knows_its_first_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    with monkeypatch.context() as patch:
        _cut_run(patch, 1, docs, {"index.md": PAGE, "p/a.md": PAGE, "p/b.md": PAGE}, manifest)
        _cut_run(patch, 1, docs, {"index.md": PAGE, "p/x.md": PAGE, "p/y.md": PAGE}, manifest)
    report = write_files(docs, {"index.md": PAGE}, manifest)
    assert report.removed == ["p/a.md", "p/x.md"]
    assert not (docs / "p").exists()


def test_a_file_put_where_a_cut_run_had_begun_is_not_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    with monkeypatch.context() as patch:
        _cut_run(patch, 2, docs, {"index.md": PAGE, "p/a.md": PAGE, "p/b.md": PAGE, "p/c.md": PAGE}, manifest)
    (docs / "p" / "a.md").write_text(HAND, encoding="utf-8")  # someone's own file, since
    (docs / "p" / "b.md").write_bytes(b"")  # as a kill between creating and filling leaves it
    with pytest.raises(ForeignFileError) as refused:
        write_files(docs, {"index.md": PAGE, "p/a.md": PAGE + "new\n", "p/b.md": PAGE}, manifest)
    assert refused.value.paths == [docs / "p" / "a.md"]
    assert (docs / "p" / "a.md").read_text(encoding="utf-8") == HAND
    report = write_files(docs, {"index.md": PAGE, "p/b.md": PAGE}, manifest)
    assert report.written == ["p/b.md"] and report.removed == []
    assert (docs / "p" / "a.md").read_text(encoding="utf-8") == HAND


def test_a_new_file_is_not_written_through_a_link(tmp_path: Path) -> None:
    docs, manifest = tmp_path / "content", tmp_path / "manifest.json"
    (docs / "p").mkdir(parents=True)
    (docs / "p" / "page.md").symlink_to(tmp_path / "elsewhere.md")  # dangling
    with pytest.raises(ForeignFileError):
        write_files(docs, {"p/page.md": PAGE}, manifest)
    assert not (tmp_path / "elsewhere.md").exists()


def test_a_manifest_of_another_docs_folder_claims_nothing_in_this_one(tmp_path: Path) -> None:
    # `generate --docs-dir other` (or a changed docs_dir) with the project's one manifest: the
    # paths it lists were the generator's in content/, not in other/.
    manifest = tmp_path / ".referral" / "manifest.json"
    write_files(tmp_path / "content", {"index.md": PAGE, "p/old.md": PAGE}, manifest)
    other = tmp_path / "other"
    (other / "p").mkdir(parents=True)
    (other / "index.md").write_text(HAND, encoding="utf-8")
    (other / "p" / "old.md").write_text(HAND, encoding="utf-8")
    with pytest.raises(ForeignFileError, match=r"other/index\.md"):
        write_files(other, {"index.md": PAGE}, manifest)
    (other / "index.md").unlink()
    report = write_files(other, {"index.md": PAGE}, manifest)
    assert report.removed == [] and (other / "p" / "old.md").read_text(encoding="utf-8") == HAND


# --- a run that fails part-way, or is refused, leaves everything as it was ---------------------


def _tree_digest(*folders: Path) -> dict[str, str]:
    """Every file and folder under ``folders`` with a digest of its bytes ("" for a folder)."""
    listing = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            listing[str(path)] = "" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return listing


def _generated_project(tmp_path: Path) -> tuple[pipeline.Project, dict[str, str]]:
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    project = pipeline.Project.at(tmp_path)
    pipeline.generate(project, TODAY, GENERATE_ENV)
    return project, GENERATE_ENV


GENERATE_ENV = {"REFERRAL_SITE_SECRET": TEST_SECRET}


def _edit(project: pipeline.Project, old: str, new: str) -> None:
    data = project.data_file.read_text(encoding="utf-8")
    assert old in data
    project.data_file.write_text(data.replace(old, new), encoding="utf-8")


def _edit_a_note_and_add_an_event(project: pipeline.Project) -> None:
    """Changes Steve's page, every partner page that lists coming events and the home page, and
    adds a calendar file: every file before p/ in the writing order (the paths' order) changes."""
    _edit(project, "note: SECRET-NOTE-DANA-WON", "note: SECRET-NOTE-DANA-WON, edited")
    _edit(project, "events:\n", "events:\n  - date: 2026-12-24\n    title: Carols\n")


def _generate_in(folder: Path, environ: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.chdir(folder)
    for name, value in (environ | {"SOURCE_DATE_EPOCH": "1795132800"}).items():
        monkeypatch.setenv(name, value)
    return main(["generate"])


def _first_page_the_edit_changes(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The name of the first page in p/ that _edit_a_note_and_add_an_event changes, found on a
    copy of the project: the first such page a run writes."""
    project, environ = _generated_project(folder)
    pages = {page.name: page.read_bytes() for page in (project.docs_dir / "p").glob("*.md")}
    _edit_a_note_and_add_an_event(project)
    assert _generate_in(folder, environ, monkeypatch) == 0
    return min(name for name, text in pages.items() if (project.docs_dir / "p" / name).read_bytes() != text)


def test_a_run_that_cannot_replace_a_page_puts_back_what_it_had_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The first page the run replaces in p/ fails, not Steve's: for a user who is not root,
    # unwritable() makes the page's whole folder read-only, so the first one written there fails
    # (review49); every file before p/ is written by then.
    (tmp_path / "copy").mkdir()
    first = _first_page_the_edit_changes(tmp_path / "copy", monkeypatch)
    capsys.readouterr()
    (tmp_path / "site").mkdir()
    project, environ = _generated_project(tmp_path / "site")
    steve = next(
        path for path in (project.docs_dir / "p").glob("*.md") if "SECRET-NOTE-DANA-WON" in path.read_text()
    )
    _edit_a_note_and_add_an_event(project)
    before = _tree_digest(project.docs_dir, project.state_dir)
    with unwritable(project.docs_dir / "p" / first):
        assert _generate_in(tmp_path / "site", environ, monkeypatch) == 1
    error = capsys.readouterr().err
    assert f"could not write content/p/{first}" in error
    assert "content is as it was before this run" in error
    assert _tree_digest(project.docs_dir, project.state_dir) == before
    assert main(["generate"]) == 0  # and the next run, the file writable again, writes it all
    assert "edited" in steve.read_text()


@pytest.mark.parametrize("budget", [write_undo.MEMORY_BUDGET, 0])  # old bytes held, or linked
def test_a_failure_after_stale_pages_were_removed_brings_them_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    monkeypatch.setattr(write_undo, "MEMORY_BUDGET", budget)
    docs, manifest = _written(tmp_path, {"index.md": PAGE, "p/old.md": PAGE, "p/keep.md": PAGE})
    before = _tree_digest(tmp_path)

    def full_disk(target: Path, content: bytes) -> None:
        if target == manifest:  # the last write of a run, after the removals
            raise OSError(errno.ENOSPC, "No space left on device")
        REPLACE(target, content)

    monkeypatch.setattr(write_undo, "replace_file", full_disk)
    with pytest.raises(
        WriteFailed, match=r"manifest.json: No space left on device; .* is as it was before this run"
    ):
        write_files(docs, {"index.md": PAGE + "new\n", "p/keep.md": PAGE, "q/new.md": PAGE}, manifest)
    assert _tree_digest(tmp_path) == before  # old.md back, q/ and q/new.md gone, index.md as it was
    # The old files were kept as links beside the manifest, and the link folder is gone again.
    assert not (tmp_path / ".referral" / "manifest.undo").exists()


REPLACE = write_undo.replace_file


def test_a_refused_run_keeps_the_last_runs_records(tmp_path: Path) -> None:
    project, environ = _generated_project(tmp_path)
    assert project.stamp_file.is_file() and project.memo_file.is_file()
    _edit(project, "events:\n", "events:\n  - date: 2026-12-24\n    title: Carols\n")
    mine = project.docs_dir / "events" / "2026-12-24-carols.ics"
    mine.write_text("my own calendar\n", encoding="utf-8")
    before = _tree_digest(project.docs_dir, project.state_dir)
    with pytest.raises(ForeignFileError):
        pipeline.generate(project, TODAY, environ)
    assert _tree_digest(project.docs_dir, project.state_dir) == before


def test_old_files_kept_by_a_killed_run_are_deleted_by_the_next(tmp_path: Path) -> None:
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    store = tmp_path / ".referral" / "manifest.undo"
    store.mkdir()
    os.link(docs / "index.md", store / "0")  # as a run killed after replacing index.md leaves it
    write_files(docs, {"index.md": PAGE + "new\n"}, manifest)
    assert not store.exists()
    assert (docs / "index.md").read_text(encoding="utf-8") == PAGE + "new\n"


KILLED_BEFORE_RENAME = """\
import os, signal

_replace = os.replace


def _killed_before_renaming_the_home_page(source, target, *args, **kwargs):
    # A real kill at the worst moment: the new home page is written beside the old one.
    if os.path.basename(str(source)).startswith(".tmp-") and str(target).endswith("content/index.md"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _replace(source, target, *args, **kwargs)


os.replace = _killed_before_renaming_the_home_page
"""


def _killed_in_its_second_run(tmp_path: Path, hook_code: str, second_data: str) -> SiteProject:
    """A project generated once, then generated again from ``second_data`` with ``hook_code``
    (a sitecustomize that kills the run at some moment): the kill is real (SIGKILL)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    assert project.generator("generate").returncode == 0
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(hook_code, encoding="utf-8")
    project.write_data(second_data)
    assert project.generator("generate", PYTHONPATH=str(hook)).returncode == -9
    return project


def test_a_run_killed_while_replacing_a_page_leaves_no_copy_behind(tmp_path: Path) -> None:
    """A replaced page is written to a temporary file, then renamed over the page: a run killed
    in between left the temporary copy in content/ for good (a private page's copy, with its
    notes, when it was one), and every later run left it there too (review18)."""
    project = _killed_in_its_second_run(
        tmp_path, KILLED_BEFORE_RENAME, fixture_text("small.yaml").replace("title: ", "title: New ", 1)
    )
    assert list(project.content.glob(".tmp-*.md"))  # what the kill left
    assert project.generator("generate").returncode == 0
    assert not [path for path in project.content.rglob("*") if path.name.startswith(".tmp-")]
    assert "New " in (project.content / "index.md").read_text(encoding="utf-8")


KILLED_BEFORE_RENAMING_THE_MANIFEST = KILLED_BEFORE_RENAME.replace("content/index.md", "manifest.json")


def test_a_run_killed_while_replacing_its_manifest_leaves_no_copy_behind(tmp_path: Path) -> None:
    """The same for the manifest's replacement in .referral/, a list of every private address."""
    project = _killed_in_its_second_run(
        tmp_path,
        KILLED_BEFORE_RENAMING_THE_MANIFEST,
        fixture_text("small.yaml").replace("  - id: ", "  - epoch: 2\n    id: ", 1),
    )
    state = project.root / ".referral"
    assert list(state.glob(".tmp-*.json"))  # what the kill left
    (state / ".tmp-mine0000.json").write_text('{"mine": true}\n', encoding="utf-8")  # not the generator's
    assert project.generator("generate").returncode == 0
    assert [path.name for path in state.glob(".tmp-*")] == [".tmp-mine0000.json"]


def _list_in_manifest(manifest: Path, *paths: str) -> None:
    record = json.loads(manifest.read_text(encoding="utf-8"))
    record["files"] = sorted([*record["files"], *paths])
    manifest.write_text(json.dumps(record), encoding="utf-8")


def test_a_manifest_listing_a_file_of_the_users_removes_nothing_of_theirs(tmp_path: Path) -> None:
    """The manifest is only a record: edited by hand, merged or copied from another project, it
    may list a page of the user's. Without the generator's mark that page is not its own; it
    was deleted as a stale generated page, with '1 removed' for all warning (review18)."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE, "p/a.md": PAGE})
    (docs / "about.md").write_text(HAND, encoding="utf-8")
    _list_in_manifest(manifest, "about.md")
    report = write_files(docs, {"index.md": PAGE}, manifest)
    assert (docs / "about.md").read_text(encoding="utf-8") == HAND
    assert report.removed == ["p/a.md"] and report.left_alone == ["about.md"]
    assert "left alone, though the manifest listed them: about.md" in str(report)
    assert writer.read_manifest(manifest) == ["index.md"]


@pytest.mark.parametrize("where", ["outside", "absolute"])
def test_a_manifest_listing_a_path_outside_the_docs_folder_removes_nothing_there(
    tmp_path: Path, where: str
) -> None:
    """A manifest edited (or copied) to list ``../x.md`` or ``/abs/x.md``: even a file carrying the
    mark is not the generator's to remove there."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    outside = tmp_path / "elsewhere" / "x.md"
    outside.parent.mkdir()
    outside.write_text(PAGE, encoding="utf-8")
    listed = "../elsewhere/x.md" if where == "outside" else str(outside)
    _list_in_manifest(manifest, listed)
    report = write_files(docs, {"index.md": PAGE}, manifest)
    assert outside.read_text(encoding="utf-8") == PAGE
    assert report.removed == []


def test_a_file_of_the_users_where_the_generator_writes_its_own_outside_the_docs_is_refused(
    tmp_path: Path,
) -> None:
    """``write_own_file`` (the Zensical brand config beside mkdocs.yml): a file without the mark
    there is the user's, never replaced; one with the mark is rewritten."""
    target = tmp_path / "zensical-brand.yml"
    target.write_text("# my own config\n", encoding="utf-8")
    with pytest.raises(ForeignFileError):
        writer.write_own_file(target, GENERATED_COMMENT + "site_name: x\n")
    assert target.read_text(encoding="utf-8") == "# my own config\n"
    target.write_text(GENERATED_COMMENT + "site_name: old\n", encoding="utf-8")
    assert writer.write_own_file(target, GENERATED_COMMENT + "site_name: x\n")


def test_a_new_page_that_fails_half_written_is_not_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while a new page is written: the half page is removed with the rest of the run."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    before = _tree_digest(tmp_path)
    real_write = os.write

    def write(handle: int, data: Any) -> int:
        """Five bytes of b.md, then a full disk (the writer writes a new page with os.write)."""
        if not os.readlink(f"/proc/self/fd/{handle}").endswith("b.md"):
            return real_write(handle, data)
        real_write(handle, bytes(data[:5]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(WriteFailed):
        write_files(docs, {"index.md": PAGE, "p/a.md": PAGE, "p/b.md": PAGE}, manifest)
    assert _tree_digest(tmp_path) == before


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    before = os.umask(mask)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_a_replaced_page_gets_the_mode_a_new_one_gets(tmp_path: Path, umask: int) -> None:
    """A page is replaced through a temporary file, mkstemp's, readable by its owner only; it was
    then made 0644 whatever the umask: with umask 077, in folders made before (umask 022), a
    partner's page became readable by every user on the machine once replaced (review49)."""
    with _umask(0o022):
        docs, manifest = _written(tmp_path, {"p/a.md": PAGE})
    with _umask(umask):
        write_files(docs, {"p/a.md": PAGE + "new\n", "p/b.md": PAGE}, manifest)
    assert (docs / "p").stat().st_mode & 0o777 == 0o755
    assert (docs / "p" / "b.md").stat().st_mode & 0o777 == 0o644 & ~umask
    assert (docs / "p" / "a.md").stat().st_mode & 0o777 == 0o644 & ~umask


def test_a_listed_page_replaced_by_a_link_is_not_replaced(tmp_path: Path) -> None:
    """A link the user put where a generated page was (to their own notes, or outside the
    project) is theirs: it was silently replaced by a file. The run is refused and everything
    it had changed put back (review18)."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE, "tree.md": PAGE})
    notes = tmp_path / "notes.md"
    notes.write_text(HAND, encoding="utf-8")
    (docs / "tree.md").unlink()
    (docs / "tree.md").symlink_to(notes)
    before = _tree_digest(tmp_path)
    with pytest.raises(ForeignFileError) as refused:
        write_files(docs, {"index.md": PAGE + "new\n", "p/a.md": PAGE, "tree.md": PAGE + "new\n"}, manifest)
    assert refused.value.paths == [docs / "tree.md"]
    assert (docs / "tree.md").is_symlink() and notes.read_text(encoding="utf-8") == HAND
    assert _tree_digest(tmp_path) == before


def test_a_linked_folder_is_not_written_through(tmp_path: Path) -> None:
    """A folder of its own (p/) that is a link would carry the private pages wherever it leads,
    outside the docs folder: the run is refused before anything changes (review46)."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (docs / "p").symlink_to(elsewhere, target_is_directory=True)
    before = _tree_digest(tmp_path)
    with pytest.raises(LinkedFolderError) as refused:
        write_files(docs, {"index.md": PAGE + "new\n", "p/a.md": PAGE}, manifest)
    assert refused.value.paths == [docs / "p"]
    assert "linked folder" in str(refused.value)
    assert list(elsewhere.iterdir()) == []
    assert _tree_digest(tmp_path) == before


def test_a_link_put_where_a_stale_page_was_is_not_removed(tmp_path: Path) -> None:
    """The same link, where the page it replaced is no longer generated: it is the user's, and
    removing stale pages must not delete it (nor what it points to)."""
    docs, manifest = _written(tmp_path, {"index.md": PAGE, "p/a.md": PAGE})
    notes = tmp_path / "notes.md"
    notes.write_text(PAGE, encoding="utf-8")  # marked, as a copy of a generated page would be
    (docs / "p" / "a.md").unlink()
    (docs / "p" / "a.md").symlink_to(notes)
    report = write_files(docs, {"index.md": PAGE}, manifest)
    assert (docs / "p" / "a.md").is_symlink() and notes.read_text(encoding="utf-8") == PAGE
    assert report.removed == []


def test_removing_the_last_pages_leaves_the_docs_folder_itself(tmp_path: Path) -> None:
    """Emptied folders of its own pages go; the docs folder is the user's, even when empty."""
    docs, manifest = _written(tmp_path, {"p/a.md": PAGE})
    report = write_files(docs, {}, manifest)
    assert report.removed == ["p/a.md"]
    assert docs.is_dir() and list(docs.iterdir()) == []


PAUSED_AT_THE_FIRST_PRIVATE_PAGE = """\
import os, time

_open = os.open


def _paused(path, flags, *args, **kwargs):
    # The first private page this run creates waits until the test lets it go on.
    if flags & os.O_EXCL and "/p/" in str(path) and not os.path.exists(os.environ["PAUSED"]):
        open(os.environ["PAUSED"], "w").close()
        while not os.path.exists(os.environ["GO_ON"]):
            time.sleep(0.05)
    return _open(path, flags, *args, **kwargs)


os.open = _paused
"""


def _has_open(pid: int, folder: Path) -> bool:
    """Whether ``pid`` holds ``folder`` open: a run does so only to take its turn (project_lock)."""
    try:
        return any(os.readlink(fd) == str(folder) for fd in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # it ended meanwhile, or an fd closed as it was read
        return False


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60  # a bound for a stuck run, not a measure of speed
    while not condition():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


def test_two_runs_at_once_take_turns(tmp_path: Path) -> None:
    """A second generate (or mkdocs serve's) while a first one writes: it took the first run's new
    pages for a cut run's, wrote the rest and listed them all; the first then met its pages,
    failed, said content/ was as before, and removed pages the second had listed (review18)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    paused, go_on = tmp_path / "paused", tmp_path / "go-on"
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(PAUSED_AT_THE_FIRST_PRIVATE_PAGE, encoding="utf-8")
    command = [sys.executable, "-m", "generator", "generate"]
    env = project.env(PYTHONPATH=str(hook), PAUSED=str(paused), GO_ON=str(go_on))
    runs = [
        subprocess.Popen(command, cwd=project.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ]
    try:
        _until(paused.exists)
        second = subprocess.Popen(
            command, cwd=project.root, env=project.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        runs.append(second)
        _until(lambda: second.poll() is not None or _has_open(second.pid, project.root))
    finally:
        go_on.touch()  # the paused run never outlives the test, even one that fails
    outcomes = [(run.wait(timeout=120), run.communicate()) for run in runs]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    listed = writer.read_manifest(project.root / ".referral" / "manifest.json")
    assert listed and all((project.content / path).is_file() for path in listed)


def test_a_hand_edit_a_run_renders_over_is_named(tmp_path: Path) -> None:
    """A generated page edited by hand is rendered again over the edit (its path is the
    generator's); the edit was lost without a word. The run now names the page (review18)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    assert project.generator("generate").returncode == 0
    tree = project.content / "tree.md"
    tree.write_text(tree.read_text(encoding="utf-8") + "\nMy own note about the tree.\n", encoding="utf-8")
    again = project.generator("generate")
    assert again.returncode == 0
    assert "My own note" not in tree.read_text(encoding="utf-8")  # repaired, as the README says
    assert again.stdout.endswith(
        "; rendered again over a hand edit: tree.md (generated files are replaced on every run: "
        "change partners.yaml, or write a page of your own)\n"
    )
    assert "hand edit" not in project.generator("generate").stdout  # said once


def test_a_hand_edit_is_named_after_an_upgrade_of_the_generator_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run of other generator code (an upgrade) keeps no page of the last run's record, but
    the sizes it recorded still tell a hand edit from the last run's own bytes (review33)."""
    (tmp_path / "partners.yaml").write_text(fixture_text("small.yaml"), encoding="utf-8")
    project = pipeline.Project.at(tmp_path)
    pipeline.generate(project, TODAY, GENERATE_ENV)
    tree = project.docs_dir / "tree.md"
    tree.write_text(tree.read_text(encoding="utf-8") + "\nMy own note about the tree.\n", encoding="utf-8")
    upgraded = stamp.environment_digest() + "-upgraded"
    monkeypatch.setattr(stamp, "environment_digest", lambda: upgraded)
    report = pipeline.generate(project, TODAY, GENERATE_ENV).report
    assert report.edited == ["tree.md"]
    assert report.kept == 0 and "My own note" not in tree.read_text(encoding="utf-8")  # all rendered


def test_a_run_waits_for_the_turn_another_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One turn at a time (an exclusive lock): a second run waits, and says so after the wait."""
    monkeypatch.setattr(project_lock, "WAIT_SECONDS", 0.2)
    held, busy = project_lock.one_run_at_a_time(tmp_path), pytest.raises(project_lock.ProjectBusy)
    with held, busy, project_lock.one_run_at_a_time(tmp_path):
        pass
    with project_lock.one_run_at_a_time(tmp_path):  # given back at the end of the block
        pass


BUSY_WAIT_OF_ONE_SECOND = """\
import sys

from generator import project_lock
from generator.cli import main

project_lock.WAIT_SECONDS = 1.0  # 300 in use
sys.exit(main(["generate"]))
"""


def test_a_turn_that_never_comes_ends_in_a_message(tmp_path: Path) -> None:
    """A run holding the project's turn for good (stopped with SIGSTOP, or stuck): the next run
    waited for it forever (review18)."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    project.write_data(fixture_text("small.yaml"))
    holder = os.open(project.root, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)  # as the stuck run holds it
        run = subprocess.run(
            [sys.executable, "-c", BUSY_WAIT_OF_ONE_SECOND],
            cwd=project.root,
            env=project.env(),
            capture_output=True,
            text=True,
            timeout=120,  # a bound, so that waiting forever fails this test instead of hanging it
            check=False,
        )
    finally:
        os.close(holder)
    assert run.returncode == 1
    assert run.stderr == (
        f"error: another run of the generator in {project.root} (generate, mkdocs build or mkdocs serve) "
        "has been writing for more than 1 s; let it finish or stop it, then run again\n"
    )
    assert not (project.content / "index.md").exists()


def test_ctrl_c_part_way_puts_back_what_was_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs, manifest = _written(tmp_path, {"index.md": PAGE, "p/a.md": PAGE})
    before = _tree_digest(tmp_path)
    made: list[Path] = []

    def interrupted(target: str, content: bytes) -> None:
        if made:
            raise KeyboardInterrupt
        CREATE(target, content)
        made.append(Path(target))

    monkeypatch.setattr(writer, "_create", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files(
            docs, {"index.md": PAGE + "new\n", "p/a.md": PAGE, "p/b.md": PAGE, "p/c.md": PAGE}, manifest
        )
    assert made and _tree_digest(tmp_path) == before  # b.md gone, index.md and the records as they were


def test_a_folder_of_someone_elses_where_old_files_are_kept_is_left_alone(tmp_path: Path) -> None:
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    mine = tmp_path / ".referral" / "manifest.undo" / "notes.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("mine\n", encoding="utf-8")
    write_files(docs, {"index.md": PAGE}, manifest)
    write_files(docs, {"index.md": PAGE + "new\n"}, manifest)
    assert mine.read_text(encoding="utf-8") == "mine\n"


def test_the_readme_lists_every_path_the_generator_writes(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("The generator owns these paths")[1].split("\n\n")[1]
    owned = [path.removeprefix("content/") for path in re.findall(r"`(content/[^`]+)`", listed)]
    data_file = tmp_path / "partners.yaml"
    data_file.write_text(fixture_text("small.yaml"), encoding="utf-8")
    files = render_site(validate.load_partners(data_file, TODAY), SiteLayout(as_of=TODAY, secret=b"s"))
    unlisted = [
        path for path in files if not any(path == own or path.startswith(own) for own in owned if own)
    ]
    assert unlisted == []


def test_a_foreign_file_at_a_generated_files_address_is_named_with_what_to_do() -> None:
    files = [
        ("tree.md", "tree/index.html"),
        ("tree/index.md", "tree/index.html"),
        ("blog/posts/newsletter/2026-03.md", "blog/2026/03/newsletter-2026-03/index.html"),
        ("blog/posts/mine.md", "blog/2026/03/newsletter-2026-03/index.html"),
        ("a.md", "a/index.html"),
        ("a/index.md", "a/index.html"),  # two of the owner's own: MkDocs' business, not ours
    ]
    own = {"tree.md", "blog/posts/newsletter/2026-03.md"}
    assert address_clashes(files, own) == [
        "blog/posts/mine.md and blog/posts/newsletter/2026-03.md would be published at the same "
        "address (blog/2026/03/newsletter-2026-03/index.html), and one would replace the other: "
        "change the date or slug of blog/posts/mine.md, then build again.",
        "tree.md and tree/index.md would be published at the same address (tree/index.html), and "
        "one would replace the other: rename or move tree/index.md, then build again.",
    ]
    assert address_clashes(files[:1] + files[2:3], own) == []


def test_each_page_of_a_stream_is_on_disk_before_the_next_is_rendered(tmp_path: Path) -> None:
    """A run writes each page as it is rendered: it holds a few pages, not the whole site
    (112 MB at 10,000 partners), and the order the render gives them in does not matter."""
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    write_files(docs, {"index.md": PAGE, "p/a.md": PAGE}, manifest)
    order = ["p/c.md", "index.md", "p/a.md", "p/b.md"]
    seen: list[str] = []

    def rendered() -> Iterator[tuple[str, bytes]]:
        for relative in order:
            assert all((docs / earlier).read_bytes() == f"{PAGE}{earlier}\n".encode() for earlier in seen)
            seen.append(relative)
            yield relative, f"{PAGE}{relative}\n".encode()

    report = writer.write_bytes(docs, writer.PageStream(sorted(order), rendered()), manifest)
    assert seen == order
    assert report.written == sorted(order)  # reported in the order of their paths
    assert json.loads(manifest.read_text())["files"] == sorted(order)


@pytest.mark.parametrize(
    "fault",
    ["the render fails", "a page never comes", "a page comes twice", "a page not announced"],
)
def test_a_stream_that_fails_part_way_puts_back_what_was_written(tmp_path: Path, fault: str) -> None:
    """Pages written before the render failed (one replaced, one created) are put back, and a
    stream that gives a page twice, leaves one out or gives one it did not announce is a fault
    that is undone the same way, never a half-written site."""
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    write_files(docs, {"index.md": PAGE, "p/a.md": PAGE}, manifest)
    before = _tree_digest(tmp_path)
    announced = ["index.md", "p/a.md", "p/b.md", "p/c.md"]

    def rendered() -> Iterator[tuple[str, bytes]]:
        yield "index.md", (PAGE + "new\n").encode()
        yield "p/b.md", PAGE.encode()
        if fault == "the render fails":
            raise ValueError("a template failed")
        yield "p/a.md", PAGE.encode()
        if fault == "a page comes twice":
            yield "p/b.md", PAGE.encode()
        if fault == "a page not announced":
            yield "p/z.md", PAGE.encode()
        if fault != "a page never comes":
            yield "p/c.md", PAGE.encode()

    expected = ValueError if fault == "the render fails" else RuntimeError
    with pytest.raises(expected):
        writer.write_bytes(docs, writer.PageStream(announced, rendered()), manifest)
    assert _tree_digest(tmp_path) == before  # index.md as it was, b.md gone, the manifest as it was


def test_a_file_not_ours_in_the_way_of_a_stream_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """Telling a file in the way from a copy of the run's own needs the run's bytes first: the
    stream is then read whole before anything is written, and a copy is still taken as ours."""
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    docs.mkdir()
    (docs / "p").mkdir()
    (docs / "p" / "copy.md").write_text(PAGE, encoding="utf-8")  # exactly what the run writes there
    (docs / "index.md").write_text(HAND, encoding="utf-8")
    before = _tree_digest(tmp_path)
    files = {"index.md": PAGE, "p/copy.md": PAGE, "p/new.md": PAGE}
    stream = writer.PageStream(sorted(files), ((path, text.encode()) for path, text in files.items()))
    with pytest.raises(ForeignFileError, match=r"index\.md"):
        writer.write_bytes(docs, stream, manifest)
    assert _tree_digest(tmp_path) == before
    (docs / "index.md").unlink()
    stream = writer.PageStream(sorted(files), ((path, text.encode()) for path, text in files.items()))
    assert writer.write_bytes(docs, stream, manifest).written == ["index.md", "p/new.md"]
    assert json.loads(manifest.read_text())["files"] == sorted(files)
