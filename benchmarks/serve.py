"""How long ``mkdocs serve`` takes to show a one-line change to partners.yaml.

Starts ``mkdocs serve`` on a synthetic project, waits for the first build, then edits one
update note of one referral and polls that partner's private page until the new text is
served. Repeats for each serve mode (plain ``--livereload``, and with ``--dirty``).

    .venv/bin/python benchmarks/serve.py                # N = 1000, 3 edits per mode
    .venv/bin/python benchmarks/serve.py --partners 200 --edits 2
"""

from __future__ import annotations

import argparse
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


def measure_mode(root: Path, flags: tuple[str, ...], edits: int, label: str) -> tuple[float, list[float]]:
    port = free_port()
    mkdocs = str(Path(sys.executable).parent / "mkdocs")
    command = [mkdocs, "serve", *flags, "-a", f"127.0.0.1:{port}"]
    referral_id, page = edited_partner(root)
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            command, cwd=root, env=run.child_env(run.REPO), stdout=log, stderr=log, stdin=subprocess.DEVNULL
        )
        try:
            startup = wait_for(base + page)
            latencies = []
            for number in range(edits):
                text = f"Edited by the serve benchmark, {label} {number}."
                time.sleep(1.0)  # let the watcher settle after the previous build
                started = time.perf_counter()
                edit_note(root / "partners.yaml", referral_id, text)
                latencies.append(time.perf_counter() - started + wait_for(base + page, text.rstrip(".")))
        finally:
            server.terminate()
            server.wait(timeout=60)
    return startup, latencies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args(argv)
    print(
        f"mkdocs serve, {args.partners:,} partners; the machine is shared and noisy (medians of "
        f"{args.edits} edits):"
    )
    with tempfile.TemporaryDirectory(prefix="referral-serve-") as folder:
        data_file = Path(folder) / "partners.yaml"
        make_data.write(data_file, args.partners)
        for number, (label, flags) in enumerate(MODES.items()):
            root = run.make_project(Path(folder) / f"mode{number}", data_file)
            startup, latencies = measure_mode(root, flags, args.edits, label)
            print(
                f"  {label:<28} first build until the page is served {startup:6.1f} s; "
                f"one-line edit until the changed page is served: median {statistics.median(latencies):5.1f} s "
                f"({', '.join(f'{s:.1f}' for s in latencies)})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
