"""Smoke check of the benchmark at its smallest size: it runs, prints its table, and the
no-change run writes nothing. No timing is asserted (the machine is shared and noisy)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SOURCE_DATE_EPOCH

BENCHMARKS = REPO / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import make_data  # noqa: E402


def test_make_data_is_valid_and_deterministic(tmp_path: Path) -> None:
    from generator import validate

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    make_data.write(first, 30)
    make_data.write(second, 30)
    assert first.read_bytes() == second.read_bytes()
    assert make_data.SOURCE_DATE_EPOCH == SOURCE_DATE_EPOCH
    data = validate.load_partners(first, make_data.TODAY)
    assert len(data.partners) == 30
    assert 60 <= len(data.referrals) <= 240  # about 5 each
    assert any(p.referred_by for p in data.partners) and any(p.public and p.spotlight for p in data.partners)
    assert data.given and data.events
    assert yaml.safe_load(first.read_text(encoding="utf-8"))["partners"][0]["id"] == data.partners[0].id


@pytest.mark.slow
def test_benchmark_smallest_size(tmp_path: Path) -> None:
    output = tmp_path / "bench.json"
    command = [
        sys.executable,
        str(BENCHMARKS / "run.py"),
        "--sizes",
        "20",
        "--runs",
        "1",
        "--json",
        str(output),
    ]
    result = subprocess.run(
        command, check=False, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "noisy" in result.stdout
    assert "N partners" in result.stdout and "mkdocs build, wall (s)" in result.stdout
    figures = json.loads(output.read_text())["sizes"][0]
    assert figures["partners"] == 20
    assert figures["nochange_written"] == 0
    assert figures["files_written"] > 20  # a page per partner, plus posts and the home page
    assert figures["built_pages"] > 20


def note_edit(output: Path, *flags: str) -> tuple[str, dict[str, Any]]:
    """``note_edit.py --generate`` at 20 partners, once: its printed report and its one run."""
    command = [sys.executable, str(BENCHMARKS / "note_edit.py"), "--partners", "20", "--runs", "1"]
    result = subprocess.run(
        [*command, "--generate", *flags, "--json", str(output)],
        check=False,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = json.loads(output.read_text())["this"]
    return result.stdout, run


@pytest.mark.slow
def test_note_edit_benchmark_smallest_size(tmp_path: Path) -> None:
    report, run = note_edit(tmp_path / "note-edit.json")
    assert "One note edited, then generate again" in report
    assert run["written"] == 1  # the edited partner's page, nothing else
    assert run["files"] > 20
    report, run = note_edit(tmp_path / "no-edit.json", "--no-edit")
    assert "Nothing changed, then generate again" in report
    assert run["written"] == 0
