"""The set-up scripts as a newcomer who is not root meets them (review49): a Debian package that
is missing is named in the one command to run as root, and nothing is installed; a venv that
fails for another reason says why in venv's own words. Root installs with apt-get instead, so
as root these run as nobody, in a folder nobody may enter."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

AS_NOBODY = (
    [shutil.which("setpriv") or "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if os.geteuid() == 0
    else []
)
MINOR = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture
def bare_path() -> Iterator[Path]:
    """A folder for PATH holding only what the scripts use besides the tools they look for (no
    chromium, npm, openssl or sudo), and the scripts. Not under tmp_path, which only its owner
    may enter."""
    folder = Path(tempfile.mkdtemp(prefix="r49-path-"))
    try:
        folder.chmod(0o755)
        for tool in ("bash", "dirname", "id"):
            (folder / tool).symlink_to(shutil.which(tool) or tool)
        # A copy: nobody may not read a checkout in root's home.
        shutil.copytree(REPO / "scripts", folder / "scripts")
        yield folder
    finally:
        shutil.rmtree(folder)


def _run(path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(path), "HOME": str(path), "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [*AS_NOBODY, *command],
        cwd=path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _with_sudo(folder: Path) -> None:
    """A sudo that is only found, never run: the message names it when there is one."""
    (folder / "sudo").write_text("#!/bin/sh\nexit 99\n")
    (folder / "sudo").chmod(0o755)


@pytest.mark.parametrize("sudo", [False, True], ids=["no sudo", "sudo"])
def test_missing_browser_packages_name_the_one_command_to_run_as_root(bare_path: Path, sudo: bool) -> None:
    """Without sudo (a Debian machine set up without it, as here) the line began "sudo apt-get",
    which fails with "sudo: command not found"."""
    if sudo:
        _with_sudo(bare_path)
    result = _run(bare_path, str(bare_path / "scripts" / "ensure-test-tools"))
    packages = "chromium-headless-shell chromium npm openssl"
    line = (
        f"sudo apt-get update && sudo apt-get install -y {packages}"
        if sudo
        else f"su -c 'apt-get update && apt-get install -y {packages}'"
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert (
        result.stderr
        == f"Missing Debian packages for the browser and tool tests. Run once, as root:\n  {line}\n"
    )


def _python_whose_venv_says(folder: Path, *lines: str) -> Path:
    """A stand-in for a Python of this version whose ``-m venv`` fails, printing ``lines``: only
    the script's reading of venv's answer is under test, and nobody may not run root's Python."""
    python = folder / "python3"
    said = "".join(f"{line}\n" for line in lines)
    python.write_text(
        "#!/bin/bash\n"
        'case "$1 $2" in\n'
        f"  '-m venv') IFS= read -rd '' said <<'SAID'\n{said}SAID\n    printf %s \"$said\"; exit 1 ;;\n"
        f"  '-c import platform'*) echo {MINOR}.9 ;;\n"
        "esac\n"
    )
    python.chmod(0o755)
    return python


def test_a_venv_without_ensurepip_names_the_package_for_this_python(bare_path: Path) -> None:
    """Debian's venv package is per Python version (python3.11-venv); the line also gave no
    "apt-get update", which a fresh machine's install needs. Debian's own words, printed by its
    venv module when ensurepip is left out:"""
    python = _python_whose_venv_says(
        bare_path,
        "The virtual environment was not created successfully because ensurepip is not",
        "available.  On Debian/Ubuntu systems, you need to install the python3-venv",
    )
    result = _run(bare_path, str(bare_path / "scripts" / "make-venv"), str(python), str(bare_path / "venv"))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Missing Debian packages for '{python} -m venv'. Run once, as root:\n"
        f"  su -c 'apt-get update && apt-get install -y python{MINOR}-venv'\n"
    )


def test_a_venv_failing_for_another_reason_says_why_not_python3_venv(bare_path: Path) -> None:
    """Any venv failure was "does not work here. Run once: sudo apt-get install -y
    python3-venv", its own error hidden: wrong for a Python that has venv, such as a relocatable
    one that cannot run from a venv (met on this machine)."""
    error = "Error: Command '['/srv/venv/bin/python3', '-m', 'ensurepip']' returned non-zero exit status 1."
    python = _python_whose_venv_says(bare_path, error)
    result = _run(bare_path, str(bare_path / "scripts" / "make-venv"), str(python), "/srv/venv")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"{error}\n'{python} -m venv /srv/venv' failed (above): name another Python 3.11.5 or newer, make PYTHON=…\n"
    )


def _python_of_version(path: Path, version: str) -> None:
    """A stand-in Python of ``version`` whose venv holds a pip that installs nothing: only which
    Python make-venv picks is under test. Each venv it makes is logged beside it."""
    old = "1" if tuple(map(int, version.split("."))) < (3, 11, 5) else "0"
    path.parent.mkdir(exist_ok=True)
    path.write_text(
        "#!/bin/bash\n"
        'case "$1 $2" in\n'
        f"  '-c import platform'*) echo {version} ;;\n"
        f"  '-c import sys'*) exit {old} ;;\n"
        "  '-m venv')\n"
        '    mkdir -p "$4/bin" && printf \'#!/bin/bash\\n\' >"$4/bin/python" && chmod +x "$4/bin/python"\n'
        f'    printf "executable = %s\\n" "$0" >"$4/pyvenv.cfg"; echo "$0" >>"{path.parent}/made" ;;\n'
        "esac\n"
    )
    path.chmod(0o755)


def _project_with_the_makefile(bare_path: Path) -> Path:
    """The real Makefile in a folder of its own, the tools it runs on the bare PATH, and a
    python3 there of Debian 12's version (3.11.2)."""
    for tool in ("make", "mkdir", "chmod", "touch"):
        (bare_path / tool).symlink_to(shutil.which(tool) or tool)
    project = bare_path / "project"
    project.mkdir()
    for name in ("Makefile", "requirements.txt", "requirements-test.txt", "pyproject.toml"):
        shutil.copy(REPO / name, project / name)
    (project / "scripts").symlink_to(bare_path / "scripts")
    _python_of_version(bare_path / "python3", "3.11.2")
    return project


def test_a_python_too_old_names_the_whole_command_to_run_again(bare_path: Path) -> None:
    """`make test` with Debian 12's python3 said "make PYTHON=python3.12", which only makes
    .venv, and not where to get such a Python without root."""
    project = _project_with_the_makefile(bare_path)
    result = _run(bare_path, "make", "-C", "project", "test")
    assert result.returncode == 2
    assert (
        "'python3' is Python 3.11.2; the pinned requirements need 3.11.5 or newer: make "
        "PYTHON=python3.12 test (README.md, 'Set up and try it', says how to get one without root)\n"
    ) in result.stderr
    assert not (project / ".venv").exists()


def test_make_remakes_the_venv_with_the_python_it_was_made_with(bare_path: Path) -> None:
    """`make PYTHON=…/python3.12 demo` worked, but after a change to requirements.txt a plain
    `make demo` remade .venv with python3 (Debian 12's 3.11.2) and stopped on the version message
    again. As a newcomer does it: the real Makefile, a Python 3.12 named once by its path."""
    project = _project_with_the_makefile(bare_path)
    python312 = bare_path / "py312" / "python3.12"
    _python_of_version(python312, "3.12.8")
    if AS_NOBODY:
        for folder in (project, python312.parent):
            os.chown(folder, 65534, 65534)
    first = _run(bare_path, "make", "-C", "project", f"PYTHON={python312}", ".venv/installed")
    assert first.returncode == 0, first.stderr
    edited = (project / ".venv" / "installed").stat().st_mtime + 10  # after the venv was made
    os.utime(project / "requirements.txt", (edited, edited))
    again = _run(bare_path, "make", "-C", "project", ".venv/installed")
    assert again.returncode == 0, again.stderr
    assert (python312.parent / "made").read_text() == f"{python312}\n{python312}\n"
    assert f"Making .venv again with {python312}, the Python it was made with" in again.stdout
