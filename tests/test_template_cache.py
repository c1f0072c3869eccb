"""Compiled templates are kept across runs in Jinja's per-user cache folder
(generator/page_templates.py): a later run loads them instead of compiling, and a cache that is
damaged or cannot be written changes nothing in what a run writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import SiteProject, fixture_text, make_project


def generated(project: SiteProject, temp: Path) -> dict[str, bytes]:
    result = project.generator("generate", TMPDIR=str(temp))
    assert result.returncode == 0, result.stderr
    return {
        path.relative_to(project.content).as_posix(): path.read_bytes()
        for path in sorted(project.content.rglob("*"))
        if path.is_file()
    }


def cached(temp: Path) -> dict[str, int]:
    """The cache files of this product, by name, with their inode (a rewrite replaces it)."""
    folder = temp / f"_jinja2-cache-{os.getuid()}"
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
    folder = temp / f"_jinja2-cache-{os.getuid()}"
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
    (blocked / f"_jinja2-cache-{os.getuid()}").write_text(
        "a file where the folder would be", encoding="utf-8"
    )
    assert generated(project, blocked) == first
    assert cached(usable)
