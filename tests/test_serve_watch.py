"""The serve watch's judgement, event by event: the generator's own writes start no build, any
other change in the docs folder does, also when it happens while the generator is writing.

tests/test_serve.py drives a real ``mkdocs serve``; these feed watchdog's own event objects to
the handler, so each case (a change held during generation, a temporary file, a removed page)
is checked without waiting on a poll.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SiteProject, fixture_text
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from watchdog.events import FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent

from generator import serve_problems, write_undo
from generator.plugin import ReferralNewsletterPlugin
from generator.serve_watch import OwnWritesIgnored

OWN = ["index.md", "p/abc.md", "blog/posts/newsletter/2026-03.md"]


def watching(tmp_path: Path) -> tuple[OwnWritesIgnored, list[int]]:
    asked: list[int] = []
    handler = OwnWritesIgnored(tmp_path, lambda: asked.append(1))
    handler.generation_finished(OWN)
    return handler, asked


def test_the_generators_own_files_and_temporary_files_start_no_build(tmp_path: Path) -> None:
    handler, asked = watching(tmp_path)
    handler.on_any_event(FileModifiedEvent(str(tmp_path / "p" / "abc.md")))
    handler.on_any_event(FileCreatedEvent(str(tmp_path / "p" / ".tmp-x1y2.md")))
    handler.on_any_event(FileMovedEvent(str(tmp_path / "p" / ".tmp-x1y2.md"), str(tmp_path / "p" / "abc.md")))
    assert asked == []


def test_a_hand_written_post_starts_a_build(tmp_path: Path) -> None:
    handler, asked = watching(tmp_path)
    handler.on_any_event(FileModifiedEvent(str(tmp_path / "blog" / "posts" / "my-news.md")))
    assert asked == [1]


def test_a_hand_written_file_moved_onto_a_generated_path_starts_a_build(tmp_path: Path) -> None:
    handler, asked = watching(tmp_path)
    handler.on_any_event(FileMovedEvent(str(tmp_path / "draft.md"), str(tmp_path / "index.md")))
    assert asked == [1]


def test_a_hand_edit_during_generation_builds_once_the_generator_is_done(tmp_path: Path) -> None:
    handler, asked = watching(tmp_path)
    handler.generation_started()
    handler.on_any_event(FileCreatedEvent(str(tmp_path / "p" / "new.md")))  # a new partner's page
    handler.on_any_event(FileDeletedEvent(str(tmp_path / "p" / "abc.md")))  # a removed partner's
    handler.on_any_event(FileModifiedEvent(str(tmp_path / "blog" / "posts" / "my-news.md")))
    assert asked == []  # held: judged against the files the generator has once it is done
    handler.generation_finished(["index.md", "p/new.md", "p/abc.md"])
    assert asked == [1]


def test_a_generation_that_wrote_only_its_own_files_starts_no_build(tmp_path: Path) -> None:
    handler, asked = watching(tmp_path)
    handler.generation_started()
    handler.on_any_event(FileCreatedEvent(str(tmp_path / "p" / "new.md")))
    handler.on_any_event(FileDeletedEvent(str(tmp_path / "p" / "abc.md")))
    handler.generation_finished(["index.md", "p/new.md", "p/abc.md"])
    handler.on_any_event(FileModifiedEvent(str(tmp_path / "p" / "new.md")))  # a late poll
    assert asked == []


def test_a_generation_that_fails_on_an_unreadable_manifest_still_ends_the_hold(
    project: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the plugin and a real MkDocs config: the error is shown, and a hand edit made
    # afterwards (while the editor deletes the manifest, as told) still starts a build.
    project.write_data(fixture_text("small.yaml"))
    manifest = project.root / ".referral" / "manifest.json"
    manifest.parent.mkdir()
    manifest.write_text("{torn", encoding="utf-8")
    for name, value in project.env().items():
        monkeypatch.setenv(name, value)
    config = load_config(str(project.root / "mkdocs.yml"))
    plugin = config.plugins["referral-newsletter"]
    assert isinstance(plugin, ReferralNewsletterPlugin)
    plugin.on_startup(command="serve", dirty=True)
    asked: list[int] = []
    plugin.watcher = OwnWritesIgnored(project.content, lambda: asked.append(1))
    with pytest.raises(PluginError, match=r"manifest .* is unreadable"):
        plugin.on_config(config)
    plugin.watcher.on_any_event(FileModifiedEvent(str(project.content / "blog" / "index.md")))
    assert asked == [1]


def test_a_generation_that_fails_part_way_asks_for_no_build_of_its_own(
    project: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A page it may not replace: the run creates a calendar file, fails, and removes it again.
    # Were those two changes taken for an edit, `mkdocs serve` would rebuild, fail the same way,
    # and rebuild again for as long as the page stays locked.
    project.write_data(fixture_text("small.yaml"))
    for name, value in project.env().items():
        monkeypatch.setenv(name, value)
    assert project.generator("generate").returncode == 0
    data = (project.root / "partners.yaml").read_text(encoding="utf-8")
    project.write_data(data.replace("events:\n", "events:\n  - date: 2026-12-24\n    title: Carols\n"))
    config = load_config(str(project.root / "mkdocs.yml"))
    plugin = config.plugins["referral-newsletter"]
    assert isinstance(plugin, ReferralNewsletterPlugin)
    plugin.on_startup(command="serve", dirty=True)
    asked: list[int] = []
    watcher = plugin.watcher = OwnWritesIgnored(project.content, lambda: asked.append(1))
    created = project.content / "events" / "2026-12-24-carols.ics"

    def locked(target: Path, content: bytes) -> None:
        # What the file system reports, as the observer would, while the generator runs.
        watcher.on_any_event(FileCreatedEvent(str(created)))
        raise PermissionError(1, "Operation not permitted", str(target))

    monkeypatch.setattr(write_undo, "replace_file", locked)
    with pytest.raises(PluginError, match="could not write"):
        plugin.on_config(config)
    watcher.on_any_event(FileDeletedEvent(str(created)))  # the undo, seen after the run
    assert not created.exists() and asked == []
    watcher.on_any_event(FileModifiedEvent(str(project.content / "blog" / "index.md")))
    assert asked == [1]  # an edit of the editor's own still builds


# --- serve_problems: a refused save keeps the last good site served, with its problems ----------


def _server_building(outcome: Exception | None) -> SimpleNamespace:
    """The two attributes of MkDocs 1.6's LiveReloadServer that serve_problems replaces."""

    def builder() -> None:
        if outcome is not None:
            raise outcome

    return SimpleNamespace(builder=builder, _inject_js_into_html=lambda content, epoch: content)


def test_a_refused_save_is_put_escaped_at_the_top_of_each_served_page() -> None:
    refused = serve_problems.RefusedSave()
    server = _server_building(serve_problems.Refused("partners.yaml:3:9: name: '<b>Ann</b>' is too long"))
    serve_problems.keep_serving(server, refused)
    server.builder()  # no exception: the server reloads the tab and serves the last good site
    page = server._inject_js_into_html(b'<html><body class="x"><p>Hi</p></body></html>', 1)
    assert page.startswith(b'<html><body class="x"><div role="alert"')
    assert b"partners.yaml:3:9: name: &#x27;&lt;b&gt;Ann&lt;/b&gt;&#x27; is too long</div><p>Hi</p>" in page


def test_a_build_that_fails_otherwise_is_left_to_mkdocs_and_a_good_build_clears_the_banner() -> None:
    refused = serve_problems.RefusedSave()
    failing = _server_building(PluginError("Leak guard: 1 confidential value out of place:"))
    serve_problems.keep_serving(failing, refused)
    with pytest.raises(PluginError):
        failing.builder()
    refused.report = "an earlier problem"
    good = _server_building(None)
    serve_problems.keep_serving(good, refused)
    good.builder()
    assert good._inject_js_into_html(b"<body><p>Hi</p>", 1) == b"<body><p>Hi</p>"


def test_a_generated_file_changed_after_the_generator_finished_is_a_hand_edit(tmp_path: Path) -> None:
    page = tmp_path / "index.md"
    page.write_text("generated\n", encoding="utf-8")
    handler, asked = watching(tmp_path)  # finished after writing it
    handler.on_any_event(FileModifiedEvent(str(page)))  # the generator's own write, seen late
    assert asked == []
    page.write_text("edited by hand\n", encoding="utf-8")
    os.utime(page, (handler.finished_at + 1, handler.finished_at + 1))  # a second later
    handler.on_any_event(FileModifiedEvent(str(page)))
    assert asked == [1]
