"""The partners file read ahead while MkDocs loads its configuration (generator/early_read.py):
what the run gets is what it gets without, errors included, and only for the very bytes it reads."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, TODAY, fixture_text

from generator import early_read, validate
from generator.problems import InvalidData

sys.path.insert(0, str(REPO / "benchmarks"))
import make_data

TWO_CORES = len(os.sched_getaffinity(0)) >= 2
pytestmark = pytest.mark.skipif(not TWO_CORES, reason="one core: nothing is read ahead")


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 partners (2.2 MB): read ahead from a cut, the head left for the run."""
    path = tmp_path_factory.mktemp("data") / "partners.yaml"
    make_data.write(path, 1000)
    return path


def read_here_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's own plain reading refused: a load passes only on what was read ahead."""

    def refused(text: str) -> Any:
        raise AssertionError("read in the run's process, not ahead")

    monkeypatch.setattr(validate, "parse_plain_fast", refused)
    monkeypatch.setattr(early_read, "parse_plain_fast", refused)


def test_a_large_file_read_ahead_loads_as_without(large: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = validate.load_partners(large, make_data.TODAY)
    early_read.start(large)
    read_here_only(monkeypatch)
    assert validate.load_partners(large, make_data.TODAY) == expected


def test_a_small_file_read_ahead_whole_loads_as_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "partners.yaml"
    path.write_text(fixture_text("small.yaml"), encoding="utf-8")
    expected = validate.load_partners(path, TODAY)
    monkeypatch.setattr(early_read, "MIN_BYTES", 0)
    early_read.start(path)
    read_here_only(monkeypatch)
    assert validate.load_partners(path, TODAY) == expected


def test_a_file_changed_after_it_was_read_ahead_is_read_as_it_is_now(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process read the file before an edit saved while MkDocs loaded: its reading is of
    other bytes, so the run reads the file as it is (here: the copy is read, then the file edited)."""
    path = tmp_path / "partners.yaml"
    shutil.copy(large, path)
    before = tmp_path / "before.yaml"
    shutil.copy(large, before)
    read_ahead = early_read.read_ahead
    monkeypatch.setattr(early_read, "read_ahead", lambda _: read_ahead(before))
    # The last event renamed: in the part read ahead, far after where the text is cut.
    head, _, last = path.read_text(encoding="utf-8").rpartition("\n    title: ")
    path.write_text(f"{head}\n    title: Renamed {last}", encoding="utf-8")
    early_read.start(path)
    data = validate.load_partners(path, make_data.TODAY)
    assert data.events[-1].title.startswith("Renamed ")


def test_errors_read_as_without_a_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "partners.yaml"
    path.write_text(
        fixture_text("small.yaml").replace("partner: steve-hall", "partner: nobody", 1), encoding="utf-8"
    )
    with pytest.raises(InvalidData) as without:
        validate.load_partners(path, TODAY)
    monkeypatch.setattr(early_read, "MIN_BYTES", 0)
    early_read.start(path)
    with pytest.raises(InvalidData) as ahead:
        validate.load_partners(path, TODAY)
    assert ahead.value.report == without.value.report and "nobody" in ahead.value.report


def test_a_read_ahead_of_another_file_is_ended_unused(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "partners.yaml"
    path.write_text(fixture_text("small.yaml"), encoding="utf-8")
    early_read.start(large)
    assert early_read.taken(path, path.read_bytes()) is None
    assert early_read.taken(large, large.read_bytes()) is None  # ended: nothing left to take
