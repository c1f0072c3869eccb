"""A real ``mkdocs build`` after a note edit keeps every other partner page from the last build
(generator/memo_record.py) and builds the same site, byte for byte, as a first build of the
edited data: the plugin and the leak guard need nothing from a page that was not rendered."""

from __future__ import annotations

import pytest
from conftest import SiteProject, fixture_text, make_project

NOTE = "thank you for joining us."
NEW_NOTE = "thank you for coming along."


def test_a_rebuild_after_a_note_edit_keeps_the_other_pages_and_builds_the_same_site(
    project: SiteProject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data = fixture_text("golden.yaml")
    assert NOTE in data
    project.write_data(data)
    assert project.mkdocs_build("--strict").returncode == 0
    project.write_data(data.replace(NOTE, NEW_NOTE, 1))
    rebuild = project.mkdocs_build("--strict")
    assert rebuild.returncode == 0, rebuild.stderr
    assert (
        "1 written" in rebuild.stderr
        and "(19 files kept from the last run without rendering)" in rebuild.stderr
    )

    fresh = make_project(tmp_path_factory.mktemp("fresh"))
    fresh.write_data(data.replace(NOTE, NEW_NOTE, 1))
    assert fresh.mkdocs_build("--strict").returncode == 0
    built, expected = project.site_bytes(), fresh.site_bytes()
    assert sorted(built) == sorted(expected)
    assert [path for path in built if built[path] != expected[path]] == []
    assert any(NEW_NOTE.encode() in content for content in built.values())
