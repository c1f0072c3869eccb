"""The commands a hint names can be typed as they stand (review52). README has the newcomer run
``.venv/bin/python -m generator …`` without activating the venv; the hints said ``python -m
generator …``, and Debian has no ``python`` outside a venv: "command not found"."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from generator.runnable import generator_command


def _shell(folder: Path, line: str) -> subprocess.CompletedProcess[str]:
    """``line`` typed in ``folder`` by a user whose PATH has no ``python`` (Debian's python3 only)."""
    bare = folder / "bare-bin"
    bare.mkdir(exist_ok=True)
    env = {"PATH": str(bare), "LC_ALL": "C.UTF-8", "HOME": str(folder)}
    bash = shutil.which("bash") or "/bin/bash"
    return subprocess.run(
        [bash, "-c", line], cwd=folder, env=env, capture_output=True, text=True, check=False
    )


def test_a_hint_from_the_projects_venv_names_a_command_that_runs(tmp_path: Path) -> None:
    """check without the data file tells how to name it; the command it names must run there."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "mkdocs.yml").write_text("site_name: Partners\n")
    told = _shell(tmp_path, ".venv/bin/python -m generator check")
    assert told.returncode == 1
    hint = told.stdout.split("give the data file's path with ", 1)[1].split(" (or as data_file", 1)[0]
    assert hint == ".venv/bin/python -m generator check PATH"
    shutil.copy(FIXTURES / "small.yaml", tmp_path / "small.yaml")
    typed = _shell(tmp_path, hint.replace("PATH", "small.yaml"))
    assert (typed.returncode, typed.stderr) == (0, ""), typed.stdout
    assert typed.stdout.splitlines()[-1].startswith("small.yaml: valid")


def test_any_other_python_is_named_python(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From a folder without the project's .venv (an activated venv elsewhere, an installed
    package), the short form, as README's command table gives it."""
    monkeypatch.chdir(tmp_path)
    assert generator_command("due") == "python -m generator due"


def test_from_a_subfolder_the_hint_climbs_to_the_projects_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README has schema --write run from content/; from there ``.venv/bin/python`` is not found."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "content" / "blog").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "content" / "blog")
    assert generator_command("links") == "../../.venv/bin/python -m generator links"


def test_the_examples_of_a_commands_help_run_as_typed(tmp_path: Path) -> None:
    """`--help` ended with `python -m generator check`, which a newcomer following README (the
    venv not activated, Debian's python3 only) could not run: "command not found" (review54)."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    (tmp_path / "mkdocs.yml").write_text("site_name: Partners\n")
    shutil.copy(FIXTURES / "small.yaml", tmp_path / "partners.yaml")
    told = _shell(tmp_path, ".venv/bin/python -m generator check --help")
    assert told.returncode == 0, told.stderr
    examples = told.stdout.split("\nexamples:\n", 1)[1].splitlines()
    assert examples[0] == "  .venv/bin/python -m generator check"
    typed = _shell(tmp_path, examples[0])
    assert (typed.returncode, typed.stderr) == (0, ""), typed.stdout
    assert typed.stdout.splitlines()[-1].startswith("partners.yaml: valid")
    told = _shell(tmp_path, ".venv/bin/python -m generator --help")
    assert ".venv/bin/python -m generator COMMAND --help gives" in " ".join(told.stdout.split())
