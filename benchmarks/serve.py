"""How long ``mkdocs serve`` takes to show a one-line change to partners.yaml.

Starts ``mkdocs serve`` on a synthetic project, waits for the first build, then edits one
update note of one referral and polls that partner's private page until the new text is
served. Repeats for each serve mode (plain ``--livereload``, and with ``--dirty``). For each
edit it also reports how many builds the save started (counted in the server's log after the
server has been quiet for a while), the server's CPU seconds and the machine's load average.

    .venv/bin/python benchmarks/serve.py                # N = 1000, 3 edits per mode
    .venv/bin/python benchmarks/serve.py --partners 200 --edits 2
    .venv/bin/python benchmarks/serve.py --repo /path/to/old/checkout   # the same, older code
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run  # noqa: E402

MODES: dict[str, tuple[str, ...]] = {
    "serve --livereload": ("--livereload",),
    "serve --livereload --dirty": ("--livereload", "--dirty"),
}
POLL_SECONDS = 0.1
TIMEOUT_SECONDS = 1800.0
QUIET_SECONDS = 3.0  # no new build for this long after the page changed: the save is done
BUILD_LINE = b"Building documentation..."


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", errors="replace"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, text: str = "") -> float:
    """Seconds until ``url`` is served and contains ``text``."""
    start = time.perf_counter()
    while time.perf_counter() - start < TIMEOUT_SECONDS:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{url} did not show {text!r} within {TIMEOUT_SECONDS:.0f} s")


def edited_partner(root: Path) -> tuple[str, str]:
    """The first referral with a note: (its referral id, the private page path of its partner)."""
    from generator import validate
    from generator.render import SiteLayout

    data = validate.load_partners(root / "partners.yaml", make_data.TODAY)
    referral = next(r for r in data.referrals if any(u.note for u in r.updates))
    partner = next(p for p in data.partners if p.id == referral.partner)
    page = SiteLayout(as_of=make_data.TODAY, secret=run.SECRET.encode()).partner_page(partner)
    return referral.id, page.removesuffix(".md") + "/"


def edit_note(data_file: Path, referral_id: str, text: str) -> None:
    """Replace the first note of the referral with ``text``: a one-line change."""
    content = data_file.read_text(encoding="utf-8")
    start = content.index(f"  - id: {referral_id}\n")
    note = re.compile(r"^(        note: ).*$", re.MULTILINE).search(content, start)
    assert note is not None
    data_file.write_text(
        content[: note.start()] + note.group(1) + text + content[note.end() :], encoding="utf-8"
    )


class Edit:
    """One save: seconds until the change was served, builds it started, server CPU seconds."""

    def __init__(self, latency: float, builds: int, cpu: float, load: float) -> None:
        self.latency, self.builds, self.cpu, self.load = latency, builds, cpu, load


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def builds_in(log: Path) -> int:
    return log.read_bytes().count(BUILD_LINE)


def settle(log: Path) -> int:
    """Wait until no build has started for ``QUIET_SECONDS``; the number of builds so far."""
    count, quiet_since = builds_in(log), time.perf_counter()
    while time.perf_counter() - quiet_since < QUIET_SECONDS:
        time.sleep(POLL_SECONDS)
        now = builds_in(log)
        if now != count:
            count, quiet_since = now, time.perf_counter()
    return count


def one_edit(
    root: Path, server: subprocess.Popen[bytes], log: Path, url: str, text: str, referral: str
) -> Edit:
    before_builds, before_cpu = settle(log), cpu_seconds(server.pid)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    edit_note(root / "partners.yaml", referral, text)
    latency = time.perf_counter() - started + wait_for(url, text)
    builds = settle(log) - before_builds
    return Edit(latency, builds, cpu_seconds(server.pid) - before_cpu, load)


def measure_mode(
    root: Path, flags: tuple[str, ...], edits: int, mode: int, source: Path
) -> tuple[float, list[Edit]]:
    port = free_port()
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    command = [mkdocs, "serve", *flags, "-a", f"127.0.0.1:{port}"]
    referral_id, page = edited_partner(root)
    base = f"http://127.0.0.1:{port}/"
    log = root / "serve.log"
    with log.open("wb") as stream:
        server = subprocess.Popen(
            command,
            cwd=root,
            env=run.child_env(source),
            stdout=stream,
            stderr=stream,
            stdin=subprocess.DEVNULL,
        )
        try:
            startup = wait_for(base + page)
            results = [
                one_edit(
                    root,
                    server,
                    log,
                    base + page,
                    # Letters, digits and spaces only: the page escapes markup characters.
                    f"Edited by the serve benchmark mode {mode} edit {n}",
                    referral_id,
                )
                for n in range(edits)
            ]
        finally:
            server.terminate()
            server.wait(timeout=60)
    return startup, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated, from: " + ", ".join(MODES))
    parser.add_argument(
        "--repo", type=Path, default=run.REPO, help="take generator/ and the skeleton from here"
    )
    args = parser.parse_args(argv)
    source = args.repo.resolve()
    print(
        f"mkdocs serve, {args.partners:,} partners, code from {source}; the machine is shared and "
        f"noisy (medians of {args.edits} edits):"
    )
    with tempfile.TemporaryDirectory(prefix="referral-serve-") as folder:
        data_file = Path(folder) / "partners.yaml"
        make_data.write(data_file, args.partners)
        for number, label in enumerate(args.modes.split(",")):
            root = run.make_project(Path(folder) / f"mode{number}", data_file, source)
            startup, edits = measure_mode(root, MODES[label], args.edits, number, source)
            print(
                f"  {label:<28} first build until the page is served {startup:6.1f} s; one-line edit "
                f"until the changed page is served: median {statistics.median(e.latency for e in edits):5.1f} s "
                f"({', '.join(f'{e.latency:.1f}' for e in edits)}); builds per save "
                f"{', '.join(str(e.builds) for e in edits)}; server CPU per save median "
                f"{statistics.median(e.cpu for e in edits):.1f} s; load average "
                f"{', '.join(f'{e.load:.1f}' for e in edits)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
