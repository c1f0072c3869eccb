"""Rebuild after a one-note edit (or, with ``--no-edit``, with nothing changed): what a run costs
when one update note of one referral changed.

For each run, in a fresh project (run.py's skeleton, make_data.py's data at N partners): a first
``generate`` (or ``mkdocs build``), then one update note edited in partners.yaml, then the same
command again, measured in its own process (run.py's phases: load, render and write timed inside
``generate``; the plugin's two hooks inside ``mkdocs build``). With ``--base`` the same is done
with another checkout's code, in alternation (base, this, base, this, …), so both see the
machine in the same state; the CPU probe and the load average are recorded before each run.
With ``--settle S``, S seconds after the first run the note is edited once and the command run
unmeasured, then the note edited again and the measured run made: the run after an earlier edit,
when the record holds the files' stat fields (older than the stamp's 2 s margin).

    .venv/bin/python benchmarks/note_edit.py --partners 10000 --generate --base /tmp/old
    .venv/bin/python benchmarks/note_edit.py --partners 1000 --build --base /tmp/old --runs 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run as bench  # noqa: E402

_NOTE = re.compile(r"^( +note: )(.*)$", re.MULTILINE)

# (phase result key, label) per command; "wall"/"wall_cpu" are the whole child process.
FIGURES = {
    "generate": [
        ("wall", "generate again, wall (s)"),
        ("wall_cpu", "  CPU (s)"),
        ("load_cpu", "  load+validate CPU (s)"),
        ("render_site_cpu", "  render CPU (s)"),
        ("write_files_cpu", "  write CPU (s)"),
        ("written", "  files written"),
    ],
    "build": [
        ("wall", "mkdocs build again, wall (s)"),
        ("wall_cpu", "  CPU (s)"),
        ("others_cpu", "  other processes' CPU meanwhile (s)"),
        ("generator", "  generator (on_config), wall (s)"),
        ("generator_cpu", "    CPU (s)"),
        ("guard", "  leak guard (on_post_build), wall (s)"),
        ("guard_cpu", "    CPU (s)"),
        ("guard_worker_cpu", "    its second process, CPU (s)"),
        ("page_hooks", "  per-page hooks (on_files … on_post_page), wall (s)"),
        ("generator_share_cpu", "  generator ÷ build, CPU"),
        ("plugin_share", "  generator + guard + per-page hooks ÷ build, wall"),
        ("plugin_share_cpu", "  generator + guard + per-page hooks ÷ build, CPU"),
    ],
}


def edit_one_note(data_file: Path) -> None:
    """The first update note gets a few more words: one referral of one partner changes."""
    text = data_file.read_text("utf-8")
    match = _NOTE.search(text)
    assert match, f"no update note in {data_file}"
    value = match.group(2)
    edited = value[:-1] + ' (edited)"' if value.endswith('"') else value + " (edited)"
    data_file.write_text(text[: match.start(2)] + edited + text[match.end(2) :], "utf-8")


def one_run(
    command: str, data_file: Path, root: Path, source: Path, settle: float = 0.0, edit: bool = True
) -> dict[str, Any]:
    """A first run, (with ``settle``, a pause, an edit and an unmeasured run,) the edit (unless
    ``edit`` is false: the rebuild with nothing changed), the measured run; ``root`` is removed
    afterwards."""
    phase = "generate" if command == "generate" else "build"
    bench.make_project(root, data_file, source)
    try:
        first = bench.measure(phase, root, source)
        if settle > 0:
            time.sleep(settle)
            edit_one_note(root / "partners.yaml")
            bench.measure(phase, root, source)
        if edit:
            edit_one_note(root / "partners.yaml")
        state = {"probe_us": bench.speed_probe(), "load_average": os.getloadavg()[0]}
        result = bench.measure(phase, root, source)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    result.update(state, first_wall=first["wall"], first_cpu=first["wall_cpu"])
    if phase == "build":
        result["generator_share_cpu"] = result["generator_cpu"] / result["wall_cpu"]
        # The per-page hooks run on the build's own thread: their wall time is CPU time.
        pages = result.get("page_hooks", 0.0)
        result["plugin_share"] = (result["generator"] + result["guard"] + pages) / result["wall"]
        # The guard's second process (generator/guard_worker.py, absent in older checkouts).
        guard_cpu = result["guard_cpu"] + result.get("guard_worker_cpu", 0.0)
        result["plugin_share_cpu"] = (result["generator_cpu"] + guard_cpu + pages) / result["wall_cpu"]
    return result


def report(command: str, results: dict[str, list[dict[str, Any]]]) -> str:
    """Medians, then every run's figure in order, per checkout."""
    lines = []
    for label, runs in results.items():
        lines.append(f"{label}: {len(runs)} run(s)")
        rows = [
            ("probe_us", "  CPU probe (µs)"),
            ("load_average", "  load average, 1 min"),
            *FIGURES[command],
            ("first_cpu", "  (the first run before the edit, CPU s)"),
        ]
        for key, name in rows:
            values = [run.get(key, float("nan")) for run in runs]
            shown = ", ".join(_fmt(key, value) for value in values)
            lines.append(f"{name:<48} {_fmt(key, statistics.median(values)):>8}   ({shown})")
    return "\n".join(lines)


def _fmt(key: str, value: float) -> str:
    if key.endswith(("share", "share_cpu")):
        return f"{value:.1%}"
    if key in ("written", "probe_us"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--generate", action="store_const", dest="command", const="generate")
    what.add_argument("--build", action="store_const", dest="command", const="build")
    parser.add_argument("--repo", type=Path, default=bench.REPO, help="this checkout (default: this one)")
    parser.add_argument("--base", type=Path, help="another checkout, run in alternation with --repo")
    parser.add_argument("--json", type=Path, help="also write every figure of every run here")
    parser.add_argument(
        "--settle", type=float, default=0.0, help="seconds before an unmeasured first edit (see above)"
    )
    parser.add_argument(
        "--no-edit", action="store_true", help="measure the rebuild with nothing changed instead"
    )
    args = parser.parse_args(argv)
    sources = {"base": args.base.resolve()} if args.base else {}
    sources["this"] = args.repo.resolve()
    results: dict[str, list[dict[str, Any]]] = {label: [] for label in sources}
    with bench.workspace(keep=False) as workdir:
        data_file = workdir / "partners.yaml"
        make_data.write(data_file, args.partners)
        for number in range(args.runs):
            for label, source in sources.items():
                print(f"N={args.partners:,} {args.command}: {label}, run {number + 1}", file=sys.stderr)
                root = workdir / f"{label}-{number}"
                run = one_run(args.command, data_file, root, source, args.settle, not args.no_edit)
                results[label].append(run)
    change = "Nothing changed" if args.no_edit else "One note edited"
    print(f"{change}, then {args.command} again at {args.partners:,} partners:")
    print(report(args.command, results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
