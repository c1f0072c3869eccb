"""A run whose inputs did not change renders nothing; a change to any input renders again."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SOURCE_DATE_EPOCH, TEST_SECRET, fixture_text, make_project

from generator import project as pipeline
from generator import stamp
from generator.problems import InvalidData

AS_OF = pipeline.today({"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
ENVIRON = {"REFERRAL_SITE_SECRET": TEST_SECRET}


class Runs:
    """Generator runs on one project, counting how many of them rendered."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = pipeline.Project.at(root)
        self.renders = 0

        render = pipeline.render_bytes

        def counted(*args: Any) -> dict[str, bytes]:
            self.renders += 1
            return render(*args)

        monkeypatch.setattr(pipeline, "render_bytes", counted)

    def rendered(self, **changes: Any) -> bool:
        """Run once with ``changes`` to the defaults; whether it rendered (checked two ways)."""
        before = self.renders
        options: dict[str, Any] = {"as_of": AS_OF, "environ": ENVIRON, "site_url": ""} | changes
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
    outcome = pipeline.generate(runs.project, AS_OF, ENVIRON)
    assert not outcome.rendered
    assert outcome.report.written == [] and outcome.report.unchanged == len(files) - 1  # blog/index.md
    assert {path: path.read_bytes() for path in runs.project.docs_dir.rglob("*") if path.is_file()} == files
    assert outcome.data.newsletter.title  # the data is still there when asked for (the leak guard)


def _edit_data(runs: Runs, *_: object) -> None:
    data = runs.project.data_file
    data.write_text(data.read_text("utf-8").replace("stage: met\n", "stage: proposal\n", 1), "utf-8")


def _new_template(runs: Runs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "generator-copy"
    shutil.copytree(stamp.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    template = copy / "templates" / "partner.html.j2"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    monkeypatch.setattr(stamp, "PACKAGE", copy)
    stamp.code_digest.cache_clear()


def _new_version(runs: Runs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(stamp, "__version__", "99.0.0")
    stamp.code_digest.cache_clear()


def _new_library(runs: Runs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    versions = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "9.9.9" if name == "Jinja2" else versions(name)
    )


def _new_python(runs: Runs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.0")


def _removed_page(runs: Runs, *_: object) -> None:
    page = next((runs.project.docs_dir / "p").glob("*.md"))
    page.unlink()


def _page_edited_by_hand(runs: Runs, *_: object) -> None:
    home = runs.project.docs_dir / "index.md"
    home.write_text("# edited by hand\n", "utf-8")


CHANGES: dict[str, tuple[Callable[..., None] | None, dict[str, Any]]] = {
    "data": (_edit_data, {}),
    "secret": (None, {"environ": {"REFERRAL_SITE_SECRET": TEST_SECRET + "-rotated"}}),
    "as-of date": (None, {"as_of": AS_OF + dt.timedelta(days=1)}),
    "site address": (None, {"site_url": "https://elsewhere.example.com/"}),
    "template": (_new_template, {}),
    "version": (_new_version, {}),
    "a library upgraded": (_new_library, {}),
    "another Python": (_new_python, {}),
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
