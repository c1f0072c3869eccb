"""Time the leak guard alone on a real built site, at several numbers of partners.

For each size N it writes synthetic data (benchmarks/make_data.py), builds the site once with
``mkdocs build`` (the guard included), then times the guard again in child processes: listing
the confidential values, and the whole guard as the plugin runs it, as medians of ``--runs``. ``--repo``
runs the guard from another checkout (e.g. an older commit) on the same built site, so two
versions compare on identical input.

    .venv/bin/python benchmarks/guard.py --sizes 1000 5000 --runs 3
    .venv/bin/python benchmarks/guard.py --sizes 1000 --repo /tmp/old-checkout
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run as bench  # noqa: E402

RESULT_MARK = "GUARD-RESULT "


def child(root: Path) -> None:
    """In the site's folder: time confidential_values and scan_site once, print the figures."""
    from generator import guard, project
    from generator.render import SiteLayout
    from generator.site_secret import resolve_secret

    os.chdir(root)
    site = project.Project.at(root)
    as_of = project.today()
    data = project.load(site, as_of)
    layout = SiteLayout(as_of=as_of, secret=resolve_secret(os.environ, site.secret_file).value)
    start, cpu = time.perf_counter(), time.process_time()
    values = guard.confidential_values(data, layout)
    listed, listed_cpu = time.perf_counter() - start, time.process_time() - cpu
    # The plugin's call: listing and scanning together (newer versions share one automaton).
    start, cpu = time.perf_counter(), time.process_time()
    leaks = guard.guard_site(root / "site", data, layout, verbatim_from=_theme_dirs())
    total, total_cpu = time.perf_counter() - start, time.process_time() - cpu
    figures = {"values": len(values), "leaks": len(leaks), "files": len(guard.site_files(root / "site"))}
    figures |= {"list_s": listed, "list_cpu": listed_cpu, "guard_s": total, "guard_cpu": total_cpu}
    print(RESULT_MARK + json.dumps(figures), flush=True)


def _theme_dirs() -> list[Path]:
    """Material's installed theme folders: the plugin skips files copied from them unchanged."""
    import material

    return [Path(material.__file__).parent / "templates"]


def time_guard(root: Path, source: Path) -> dict[str, float]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(root)]
    out = subprocess.run(command, check=False, env=bench.child_env(source), capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(f"guard from {source} failed:\n{out.stderr[-3000:]}")
    line = next(line for line in out.stdout.splitlines() if line.startswith(RESULT_MARK))
    result: dict[str, float] = json.loads(line.removeprefix(RESULT_MARK))
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--repo", type=Path, action="append", help="guard sources to compare (default: this repo)"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    sources = args.repo or [REPO]
    with tempfile.TemporaryDirectory(prefix="guard-bench-") as temp:
        for size in args.sizes:
            data = Path(temp) / f"partners-{size}.yaml"
            make_data.write(data, size)
            root = bench.make_project(Path(temp) / f"site-{size}", data)
            mkdocs = str(Path(sys.executable).parent / "mkdocs")
            subprocess.run([mkdocs, "build", "-q"], cwd=root, env=bench.child_env(REPO), check=True)
            for source in sources:
                runs = [time_guard(root, source) for _ in range(args.runs)]
                medians = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                print(
                    f"N={size} guard from {source}: " + ", ".join(f"{k}={v:.3g}" for k, v in medians.items())
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
