"""Shared test helpers: a throwaway copy of the site project, built with the real mkdocs."""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from hypothesis import settings

from generator.models import PartnersFile
from generator.problems import InvalidData
from generator.validate import load_text

# The date every in-process validation test runs on.
TODAY = dt.date(2026, 11, 20)


def load_valid(text: str) -> PartnersFile:
    """``text`` as partners.yaml, validated on TODAY (it must load)."""
    return load_text(text, "partners.yaml", TODAY)


def load_problems(text: str) -> list[str]:
    """The located messages ``check`` would print for ``text`` as partners.yaml (it must fail)."""
    with pytest.raises(InvalidData) as caught:
        load_text(text, "partners.yaml", TODAY)
    return [str(problem) for problem in caught.value.problems]


REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TEST_SECRET = "test-secret-for-private-addresses-0123456789"
# Variables that change how a secret is resolved (generator/site_secret.py): stripped from every
# subprocess unless a test sets them, so the suite behaves the same on a laptop and in CI.
CI_ONLY = ("CI", "GITHUB_ACTIONS", "REFERRAL_PREVIEW", "REFERRAL_PUBLISH")
# Fixed "today" for reproducible pages built in a subprocess: the start of TODAY in UTC, so
# in-process renders and real builds date their pages alike.
SOURCE_DATE_EPOCH = str(int(dt.datetime.combine(TODAY, dt.time(), dt.UTC).timestamp()))

# A command run from a terminal starts with SIGINT, SIGHUP and SIGTERM at their default handling.
# One the test runner was started with ignored (`nohup` ignores SIGHUP; `&` in a script without
# job control, as CI steps run, ignores SIGINT) is inherited ignored by every process it starts,
# and Python keeps it ignored: a test stopping its subprocess with one found it still running.
# So a test's subprocess is started through this shim, which sets them back and becomes the
# command (exec: same process id). Not a preexec_fn: that runs Python in a forked copy of a
# process that may hold threads (the SMTP server's), which can deadlock. The shim reads no
# PYTHON* variable and no site file (-I -S), so a test's sitecustomize hook reaches only the command.
DEFAULT_STOP_SIGNALS = """\
import os, signal, sys
for number in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGQUIT):
    signal.signal(number, signal.SIG_DFL)
os.execvp(sys.argv[1], sys.argv[1:])
"""


def as_from_a_terminal(command: Sequence[str]) -> list[str]:
    """``command`` started with the stop signals' default handling (DEFAULT_STOP_SIGNALS)."""
    return [sys.executable, "-I", "-S", "-c", DEFAULT_STOP_SIGNALS, *command]


# The suite replays the same generated examples on every run, so a red CI run is reproducible
# and never a matter of luck; HYPOTHESIS_PROFILE=explore searches new examples (see README).
settings.register_profile("replay", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "replay"))


# The test tiers (`make test-fast` deselects build, browser, smtp, engines and slow). A test's tier
# follows from what it uses, so a new test that builds a site cannot slip into the fast loop:
# whole modules that build or drive a browser, and fixtures that build, serve or send.
MODULE_TIERS = {
    "test_build": "build",
    "test_publish": "build",
    "test_browser": "browser",
    "test_zensical": "engines",
    "test_engines": "engines",
}
FIXTURE_TIERS = {"project": "build", "hostile_site": "build", "smtp": "smtp"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=os.environ.get("UPDATE_GOLDENS") == "1",
        help="rewrite tests/golden/ from the current output (then review the diff)",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.module.__name__ if isinstance(item, pytest.Function) else ""
        if module in MODULE_TIERS:
            item.add_marker(MODULE_TIERS[module])
        for fixture in set(getattr(item, "fixturenames", ())) & FIXTURE_TIERS.keys():
            item.add_marker(FIXTURE_TIERS[fixture])


@dataclass
class SiteProject:
    """A copy of the repo's site skeleton in a temporary folder."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def site(self) -> Path:
        return self.root / "site"

    def write_data(self, text: str) -> Path:
        path = self.root / "partners.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def env(self, **extra: str) -> dict[str, str]:
        # Outside the CI tests, a run must not depend on whether the suite itself runs in CI.
        env = {name: value for name, value in os.environ.items() if name not in CI_ONLY}
        env.update(
            REFERRAL_SITE_SECRET=TEST_SECRET,
            SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
            NO_MKDOCS_2_WARNING="1",
        )
        env.update(extra)
        return env

    def run(self, *args: str, check: bool = False, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            as_from_a_terminal(args),
            cwd=self.root,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            check=check,
            stdin=subprocess.DEVNULL,
        )

    def mkdocs_build(self, *flags: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        mkdocs = str(Path(sys.executable).parent / "mkdocs")
        return self.run(mkdocs, "build", *flags, **extra_env)

    def generator(self, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return self.run(sys.executable, "-m", "generator", *args, **extra_env)

    def read_site(self, relative: str) -> str:
        return (self.site / relative).read_text(encoding="utf-8")

    def site_bytes(self) -> dict[str, bytes]:
        """Every file of the built site, by its path below site/: two builds compare whole."""
        return {
            path.relative_to(self.site).as_posix(): path.read_bytes()
            for path in sorted(self.site.rglob("*"))
            if path.is_file()
        }


def process_has_ended(pid: int) -> bool:
    """Whether a process (a forked worker of a killed run) has ended: gone, or a zombie whose
    parent has not waited for it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def soup_of(path: Path) -> BeautifulSoup:
    """A built page, parsed as a browser would read its HTML."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def readable_text(path: Path) -> str:
    """A built file's text in every form a marker could hide behind, one after another: as stored
    (a .gz unzipped), with HTML entities, URL escapes and JSON's \\u escapes undone, and all of
    them undone three deep (text inside JSON or attributes is escaped twice). Written apart from
    the leak guard's own decoding, so a test does not check the guard against itself."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8", "replace")
    unescaped = html.unescape(text)
    json_undone = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), unescaped)
    deep = json.dumps(json.loads(text), ensure_ascii=False) if path.suffix == ".json" else text
    for _ in range(3):
        deep = unquote(html.unescape(deep))
    return "\n".join((text, unescaped, unquote(unescaped), json_undone, deep))


def free_port() -> int:
    """A loopback port nobody listens on now, for a server a test starts (SMTP, serve)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def reserved_port() -> Iterator[int]:
    """A loopback port kept from everyone else while the block runs, for a server that binds it
    late: `mkdocs serve` binds only after its first build, seconds on a loaded machine, and a
    free_port() could meanwhile go to any bind(0) or outgoing connection on the machine (the
    server then stopped: "Address already in use"). Held bound with SO_REUSEADDR and never
    listening, the port is handed to nobody else, yet a server that sets SO_REUSEADDR too (every
    socketserver, so MkDocs' own) binds and listens on it."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", 0))
        yield int(holder.getsockname()[1])


def make_project(root: Path) -> SiteProject:
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "overrides", root / "overrides")
    (root / "content" / "blog" / "posts").mkdir(parents=True)
    shutil.copy(REPO / "content" / "blog" / "index.md", root / "content" / "blog" / "index.md")
    return SiteProject(root)


def built_project(root: Path, data: str) -> SiteProject:
    """A throwaway project holding ``data`` as partners.yaml, built with ``mkdocs build --strict``."""
    project = make_project(root)
    project.write_data(data)
    result = project.mkdocs_build("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    return project


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    return make_project(tmp_path)


# Each engine other than MkDocs runs from a virtual environment of its own, made once from its
# pins and reused by later sessions (the folder name holds a hash of the pins, so changing one
# makes a fresh one); .venv is never touched, so Zensical's newer pins cannot clash with MkDocs.
ENGINE_VENVS = REPO / ".venv-engines"
ENGINE_PINS = {
    "zensical": ("requirements-zensical.txt",),
    "properdocs": ("requirements-properdocs.txt", "requirements.txt", "pyproject.toml"),
}


def engine_program(name: str) -> Path:
    """The engine's program; ProperDocs gets this checkout's plugin (editable) as well."""
    if name == "mkdocs":
        return Path(sys.executable).parent / "mkdocs"
    files = ENGINE_PINS[name]
    digest = hashlib.sha256(b"".join((REPO / file).read_bytes() for file in files)).hexdigest()[:16]
    venv = ENGINE_VENVS / f"{name}-{digest}"
    done = venv / "installed"  # written last: an interrupted install is started over
    if not done.is_file():
        for stale in ENGINE_VENVS.glob(f"{name}-*"):  # older pins, this one half-installed
            shutil.rmtree(stale, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        # Through scripts/retry, as make installs .venv: a one-off registry error is tried again.
        retry, python = str(REPO / "scripts" / "retry"), str(venv / "bin" / "python")
        pip = [retry, python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.run([*pip, "-r", str(REPO / files[0])], check=True, stdin=subprocess.DEVNULL)
        if name == "properdocs":
            editable = [*pip, "--no-deps", "--no-build-isolation", "-e", str(REPO)]
            subprocess.run(editable, check=True, stdin=subprocess.DEVNULL)
        done.touch()
    return venv / "bin" / name


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def generate_saying(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    """``python -m generator generate`` run in ``root`` at the tests' date: all it printed."""
    from generator.cli import main

    monkeypatch.chdir(root)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    assert main(["generate"]) == 0
    said = capsys.readouterr()
    return said.out + said.err


def private_addresses(root: Path) -> set[str]:
    """The addresses of the partners' pages generated under ``root``'s content folder."""
    return {page.stem for page in (root / "content" / "p").glob("*.md") if page.name != "index.md"}


def python_on_an_ascii_path(folder: Path) -> tuple[Path, Path]:
    """This Python and the checkout, reached through links in ``folder`` (under pytest's
    temporary folder, an ASCII path): under an ASCII locale without UTF-8 mode, Python cannot
    import pydantic_core, nor the editable install, from a clone such as "my sites/référence"
    (review49). Returns the interpreter to run and the folder to put on PYTHONPATH."""
    folder.mkdir(exist_ok=True)
    for name, target in (("env", Path(sys.prefix)), ("checkout", REPO)):
        if not (folder / name).is_symlink():
            (folder / name).symlink_to(target, target_is_directory=True)
    return folder / "env" / "bin" / Path(sys.executable).name, folder / "checkout"


@contextlib.contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """``path`` (a file, or a folder) made impossible to replace or write into, for real:
    immutable for root, which ignores permissions; for anyone else, the folder (a file's own
    folder) read-only."""
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False).returncode:
            pytest.skip("this file system has no immutable flag (chattr)")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(path)], check=True)
    else:
        folder = path if path.is_dir() else path.parent
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
