"""The writer: only the generator's own files change, and its own pages are recognised by their
mark when the manifest is lost (stale ones removed, a file without the mark never touched)."""

from __future__ import annotations

import datetime as dt
import posixpath
import shutil
from pathlib import Path

import pytest
from conftest import TEST_SECRET, SiteProject, fixture_text

from generator import validate
from generator.markdown import GENERATED_BY, front_matter
from generator.render import SiteLayout, render_site
from generator.writer import GENERATED_MARK, ForeignFileError, marked_pages, write_files

AS_OF = dt.date(2026, 11, 20)
PAGE = front_matter({"title": "x"}) + "body\n"
HAND = "---\ntitle: mine\n---\nhand-written\n"


def test_the_mark_the_writer_looks_for_is_the_one_front_matter_writes() -> None:
    ((key, value),) = GENERATED_BY.items()
    assert f"---\n{key}: {value}\n".encode() == GENERATED_MARK
    assert PAGE.encode().startswith(GENERATED_MARK)


def test_every_generated_page_carries_the_mark(tmp_path: Path) -> None:
    data_file = tmp_path / "partners.yaml"
    data_file.write_text(fixture_text("small.yaml"), encoding="utf-8")
    data = validate.load_partners(data_file, AS_OF)
    files = render_site(data, SiteLayout(as_of=AS_OF, secret=TEST_SECRET.encode()))
    pages = {path: text for path, text in files.items() if path.endswith(".md")}
    assert len(pages) > 5
    assert not [path for path, text in pages.items() if not text.encode().startswith(GENERATED_MARK)]
    # Every other file the generator writes carries the mark in its own format.
    assert {path for path in files if not path.endswith(".md")} >= {"robots.txt", "_headers"}
    docs = tmp_path / "content"
    write_files(docs, files, tmp_path / "manifest.json")
    assert sorted(marked_pages(docs, {posixpath.dirname(path) for path in files})) == sorted(files)


def test_without_a_manifest_stale_marked_pages_go_and_unmarked_files_stay(tmp_path: Path) -> None:
    docs, manifest = tmp_path / "content", tmp_path / ".referral" / "manifest.json"
    write_files(docs, {"p/old.md": PAGE, "p/kept.md": PAGE, "index.md": PAGE}, manifest)
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
