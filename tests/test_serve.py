"""``mkdocs serve`` for real, plain and ``--dirty``: a save of partners.yaml starts exactly one
build, and the changed page is served with the leak guard on.

The generator writes into the docs folder MkDocs watches; without the plugin's own watch those
writes started a second, useless build after every save.
"""

from __future__ import annotations

import html
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_SECRET, SiteProject, fixture_text, make_project

from generator.addresses import private_token

pytestmark = pytest.mark.build

BUILD_LINE = "Building documentation..."
CHANGE_LINE = "Detected file changes"
WAIT_LIMIT = 600.0  # only a limit on waiting; nothing here asserts a duration
# A second build, if any, is asked for by the watcher's poll (every 0.5 s) of the first build's
# writes, and starts as soon as the first ends: long after this much quiet it cannot come.
QUIET = 5.0
OLD_NOTE, NEW_NOTE = "SECRET-NOTE-DANA-MET", "SECRET-NOTE-DANA-MET-EDITED"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return html.unescape(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_until_served(url: str, text: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + WAIT_LIMIT
    while text not in _page(url):
        assert server.poll() is None, "mkdocs serve stopped"
        assert time.monotonic() < deadline, f"{url} never showed {text!r}"
        time.sleep(0.2)


def _settled_count(log: Path, line: str) -> int:
    """How many times ``line`` is in the log once no build has started for ``QUIET`` seconds."""
    count, quiet_since = -1, time.monotonic()
    while time.monotonic() - quiet_since < QUIET:
        now = log.read_text("utf-8", errors="replace").count(BUILD_LINE)
        if now != count:
            count, quiet_since = now, time.monotonic()
        time.sleep(0.2)
    return log.read_text("utf-8", errors="replace").count(line)


@pytest.fixture(params=[(), ("--dirty",)], ids=["full", "dirty"])
def served(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[SiteProject, str, Path, subprocess.Popen[bytes]]]:
    project = make_project(tmp_path)
    project.write_data(fixture_text("small.yaml"))
    port = _free_port()
    log = tmp_path / "serve.log"
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    token = private_token(TEST_SECRET.encode(), "partner", "steve-hall", 0)
    with log.open("wb") as stream:
        server = subprocess.Popen(
            [mkdocs, "serve", "--livereload", *request.param, "-a", f"127.0.0.1:{port}"],
            cwd=project.root,
            env=project.env(),
            stdout=stream,
            stderr=stream,
            stdin=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}/p/{token}/"
            _wait_until_served(url, OLD_NOTE, server)
            yield project, url, log, server
        finally:
            server.terminate()
            server.wait(timeout=60)


def test_one_save_starts_exactly_one_build(
    served: tuple[SiteProject, str, Path, subprocess.Popen[bytes]],
) -> None:
    project, url, log, server = served
    builds_before = _settled_count(log, BUILD_LINE)
    data = project.root / "partners.yaml"
    data.write_text(data.read_text("utf-8").replace(OLD_NOTE, NEW_NOTE), "utf-8")
    _wait_until_served(url, NEW_NOTE, server)
    assert _settled_count(log, BUILD_LINE) - builds_before == 1, log.read_text("utf-8")
    assert "Leak guard: scanned" in log.read_text("utf-8")
