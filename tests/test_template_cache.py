"""Compiled templates are kept across runs in the user's cache folder (generator/page_templates.py):
a later run loads them instead of compiling, a cache that is damaged or cannot be written changes
nothing in what a run writes, and nothing is left in the temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SiteProject, fixture_text, make_project


def generated(project: SiteProject, cache: Path, **env: str) -> dict[str, bytes]:
    result = project.generator("generate", **{"XDG_CACHE_HOME": str(cache), **env})
    assert result.returncode == 0, result.stderr
    return {
        path.relative_to(project.content).as_posix(): path.read_bytes()
        for path in sorted(project.content.rglob("*"))
        if path.is_file()
    }


def cached(cache: Path) -> dict[str, int]:
    """The cache files of this product, by name, with their inode (a rewrite replaces it)."""
    folder = cache / "referral-newsletter" / "templates"
    return {path.name: path.stat().st_ino for path in folder.glob("referral-newsletter-*.cache")}


def forget_runs(project: SiteProject) -> None:
    """No record of earlier runs: the next run renders every page again."""
    shutil.rmtree(project.root / ".referral")


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    (tmp_path / "site").mkdir()
    site = make_project(tmp_path / "site")
    site.write_data(fixture_text("small.yaml"))
    return site


def test_a_second_run_loads_the_templates_compiled_by_the_first(project: SiteProject, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    first = generated(project, temp)
    files = cached(temp)
    assert len(files) >= 5  # the page templates a run uses, each compiled once
    forget_runs(project)
    assert generated(project, temp) == first
    assert cached(temp) == files  # loaded, not compiled and written again


def test_a_damaged_cache_is_compiled_again_and_changes_nothing(project: SiteProject, tmp_path: Path) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    first = generated(project, temp)
    folder = temp / "referral-newsletter" / "templates"
    for name in cached(temp):  # cut short: the header whole, the compiled code not
        whole = (folder / name).read_bytes()
        (folder / name).write_bytes(whole[: len(whole) // 2])
    forget_runs(project)
    assert generated(project, temp) == first


def test_a_cache_folder_that_cannot_be_used_changes_nothing(project: SiteProject, tmp_path: Path) -> None:
    usable = tmp_path / "usable"
    usable.mkdir()
    first = generated(project, usable)
    forget_runs(project)
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "referral-newsletter").write_text("a file where the folder would be", encoding="utf-8")
    assert generated(project, blocked) == first
    assert cached(usable)


def test_without_a_usable_home_a_run_compiles_and_writes_the_same(
    project: SiteProject, tmp_path: Path
) -> None:
    """A home that is not there (nobody's /nonexistent, a service account): no cache, no error."""
    first = generated(project, tmp_path / "cache")
    forget_runs(project)
    (tmp_path / "no-home").write_text("", encoding="utf-8")
    # An empty XDG_CACHE_HOME counts as unset: the cache would be in $HOME/.cache.
    assert generated(project, tmp_path, XDG_CACHE_HOME="", HOME=str(tmp_path / "no-home")) == first


def test_a_run_leaves_nothing_in_the_temporary_folder(project: SiteProject, tmp_path: Path) -> None:
    """Jinja's own cache folder, /tmp/_jinja2-cache-<uid>, gained a set of files for every
    version of the code and stayed there (review49); the user's cache folder holds them now."""
    temp = tmp_path / "temp"
    temp.mkdir()
    generated(project, tmp_path / "cache", TMPDIR=str(temp))
    assert list(temp.iterdir()) == []
    assert cached(tmp_path / "cache")
    assert (tmp_path / "cache" / "referral-newsletter" / "templates").stat().st_mode & 0o777 == 0o700


def test_a_cache_folder_others_may_write_is_not_used(project: SiteProject, tmp_path: Path) -> None:
    """Compiled templates are code the run loads: in a cache folder left open to every user (made
    under umask 000, or a shared XDG_CACHE_HOME) anyone could put code there for this user's next
    run, and the run wrote and loaded its templates there all the same (review53)."""
    first = generated(project, tmp_path / "cache")
    forget_runs(project)
    shared = tmp_path / "shared"
    (shared / "referral-newsletter" / "templates").mkdir(parents=True)
    (shared / "referral-newsletter" / "templates").chmod(0o777)
    assert generated(project, shared) == first
    assert cached(shared) == {}
