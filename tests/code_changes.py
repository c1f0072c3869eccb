"""Changes of what a run depends on besides its data and settings: the generator's version, its
templates, a library, Python. Each must make the next run render every page again (the render
stamp, test_stamp.py; the render memo, test_memo_record.py)."""

from __future__ import annotations

import functools
import importlib.metadata
import platform
import shutil
from pathlib import Path

import pytest

from generator import stamp


def new_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(stamp, "__version__", "99.0.0")
    stamp.code_digest.cache_clear()  # the digest is worked out once per process


def new_template(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "generator-copy"
    shutil.copytree(stamp.PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    template = copy / "templates" / "partner.html.j2"
    template.write_text(template.read_text("utf-8") + "\n", "utf-8")
    monkeypatch.setattr(stamp, "PACKAGE", copy)
    stamp.code_digest.cache_clear()


def new_library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    versions = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "9.9.9" if name == "Jinja2" else versions(name)
    )
    # Looked up once per process: a new process's look-up, undone with the rest after the test.
    monkeypatch.setattr(stamp, "library_versions", functools.cache(stamp.library_versions.__wrapped__))


def new_python(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(platform, "python_version", lambda: "3.99.0")
    stamp.code_digest.cache_clear()
