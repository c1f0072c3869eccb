"""The package as a user installs it: a wheel in an empty virtual environment, no requirements file.

Catches a dependency imported by the plugin but missing from pyproject.toml, or a template left
out of the wheel: with both, `pip install .` then `mkdocs build` fails for a new user.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO, make_project

pytestmark = pytest.mark.slow
# pip reaches the package index here (the build backend, the wheel's dependencies): through
# scripts/retry, as make's installs, so a one-off registry error is tried again, not a red CI run.
RETRY = REPO / "scripts" / "retry"


def run(*command: str | Path, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), **env},
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def test_wheel_installs_alone_and_builds_the_demo(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = run(RETRY, sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", wheels, REPO)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = wheels.glob("referral_newsletter-*.whl")

    env_dir = tmp_path / "venv"
    # Linked, as `python -m venv` makes it: venv.create copies the interpreter by default, and a
    # relocatable Python (python-build-standalone, as uv installs) finds its libpython beside
    # the original only: the copy failed to start ("error while loading shared libraries").
    venv.create(env_dir, with_pip=True, symlinks=True)
    python = env_dir / "bin" / "python"
    installed = run(RETRY, python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel)
    assert installed.returncode == 0, installed.stderr[-3000:]

    (tmp_path / "site-project").mkdir()
    project = make_project(tmp_path / "site-project")
    (project.root / "partners.yaml").write_bytes((REPO / "partners.yaml").read_bytes())
    result = run(
        env_dir / "bin" / "mkdocs",
        "build",
        "--strict",
        cwd=project.root,
        REFERRAL_SITE_SECRET="wheel-test-secret-0123456789abcdefghij",
        NO_MKDOCS_2_WARNING="1",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (project.site / "index.html").is_file()
    assert len(list((project.site / "p").glob("*/index.html"))) >= 10
    assert "Leak guard: scanned" in result.stderr


def test_wheel_holds_every_module_and_template(tmp_path: Path) -> None:
    # A subpackage missing from [tool.setuptools] packages (generator.mail once was) breaks
    # `python -m generator` for whoever installs with `pip install .`, the plugin still working.
    # From a clean copy: setuptools' build/ folder in the checkout may still hold old modules.
    source = tmp_path / "source"
    shutil.copytree(REPO / "generator", source / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = run(RETRY, sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path, source)
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = tmp_path.glob("referral_newsletter-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packed = set(archive.namelist())
    sources = REPO / "generator"
    wanted = {f"generator/{path.relative_to(sources).as_posix()}" for path in sources.rglob("*.py")}
    wanted |= {f"generator/{path.relative_to(sources).as_posix()}" for path in sources.rglob("*.j2")}
    assert sorted(wanted - packed) == []
