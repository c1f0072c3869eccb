"""Second audit (review2): findings that a user or the contract's acceptance suite would hit."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import TEST_SECRET, TODAY, fixture_text, make_project

from generator import project as pipeline
from generator import stamp

ENVIRON = {"REFERRAL_SITE_SECRET": TEST_SECRET}


def test_a_same_size_hand_edit_that_keeps_the_mtime_is_repaired(tmp_path: Path) -> None:
    make_project(tmp_path).write_data(fixture_text("small.yaml"))
    stamp.code_digest.cache_clear()
    project = pipeline.Project.at(tmp_path)
    pipeline.generate(project, TODAY, ENVIRON)
    home = project.docs_dir / "index.md"
    original = home.read_bytes()
    state = os.stat(home)
    home.write_bytes(b"X" * len(original))  # same size
    os.utime(home, ns=(state.st_atime_ns, state.st_mtime_ns))  # mtime kept, as cp -p does
    pipeline.generate(project, TODAY, ENVIRON)
    assert home.read_bytes() == original  # failed before: the stamp trusted size + mtime
