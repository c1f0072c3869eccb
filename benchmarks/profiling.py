"""Profile a full ``mkdocs build`` (generator plugin + leak guard) and flag superlinear steps.

At two sizes it runs one build in a child process with MkDocs' main steps and plugin hooks
timed, and the referral plugin's two hooks (generator, leak guard) under cProfile. It prints
each step's time at both sizes and how much faster than the number of partners it grew, the
generator's and guard's heaviest functions, and every profiled function that grew more than
1.3x faster than N. (cProfile on the whole build would slow MkDocs' Markdown work ~4x.) It
also times the per-partner scan of all referrals (the O(partners x referrals) filter
render.py used to do) against a grouping dict, on the same data.

    .venv/bin/python benchmarks/profiling.py                  # N = 1000 and 5000
    .venv/bin/python benchmarks/profiling.py --sizes 500,5000 --out /tmp/prof   # keep .prof files
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import importlib
import json
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run  # noqa: E402

Key = tuple[str, int, str]  # pstats: (file, line, function)
SUPERLINEAR = 1.3
MIN_SHARE = 0.005  # ignore functions under 0.5 % of the build

# Steps timed (wall) inside the build: "module:attribute path". Per-page hooks included, so a
# step that does more work per page as the site grows shows up as growing faster than N.
STEPS: tuple[str, ...] = (
    "generator.plugin:ReferralNewsletterPlugin.on_config",
    "generator.project:load",
    "generator.project:render_site",
    "generator.project:write_files",
    "mkdocs.commands.build:get_navigation",
    "mkdocs.commands.build:_populate_page",
    "mkdocs.commands.build:_build_page",
    "mkdocs.commands.build:_build_theme_template",
    "material.plugins.blog.plugin:BlogPlugin.on_files",
    "material.plugins.blog.plugin:BlogPlugin.on_nav",
    "material.plugins.blog.plugin:BlogPlugin.on_page_markdown",
    "material.plugins.blog.plugin:BlogPlugin.on_page_context",
    "mkdocs.contrib.search:SearchPlugin.on_page_context",
    "mkdocs.contrib.search:SearchPlugin.on_post_build",
    "mkdocs_rss_plugin.plugin:GitRssPlugin.on_page_content",
    "mkdocs_rss_plugin.plugin:GitRssPlugin.on_post_build",
    "generator.plugin:ReferralNewsletterPlugin.on_post_build",
    "generator.guard:confidential_values",
    "generator.guard:scan_site",
)
PROFILED = ("on_config", "on_post_build")  # the plugin's hooks: the generator and the leak guard


def _target(spec: str) -> tuple[Any, str]:
    module, _, path = spec.partition(":")
    owner: Any = importlib.import_module(module)
    *parents, attribute = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, attribute


def _profiled(profiler: cProfile.Profile, function: Any) -> Any:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        profiler.enable()
        try:
            return function(*args, **kwargs)
        finally:
            profiler.disable()

    return wrapper


def _per_page(function: Any, seconds: dict[str, float]) -> Any:
    """Record the CPU time of each call by the page's source path (MkDocs' page functions)."""

    @functools.wraps(function)
    def wrapper(page: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return function(page, *args, **kwargs)
        finally:
            uri = page.file.src_uri
            seconds[uri] = seconds.get(uri, 0.0) + time.process_time() - start

    return wrapper


def profile_build(root: Path, output: Path) -> None:
    """Child: ``mkdocs build`` with every step timed and the plugin's hooks under cProfile."""
    from mkdocs.__main__ import cli

    from generator.plugin import ReferralNewsletterPlugin

    os.chdir(root)
    profiler = cProfile.Profile()
    for hook in PROFILED:
        handler = getattr(ReferralNewsletterPlugin, hook)
        setattr(
            ReferralNewsletterPlugin, hook, run.wrapped_hook(handler, functools.partial(_profiled, profiler))
        )
    import mkdocs.commands.build as mkdocs_build

    pages: dict[str, float] = {}
    for name in ("_populate_page", "_build_page"):
        setattr(mkdocs_build, name, _per_page(getattr(mkdocs_build, name), pages))
    timers = run.Timers()
    for spec in STEPS:
        timers.wrap(*_target(spec), spec)
    with timers.measure("build"):
        try:
            cli.main(args=["build", "--quiet"], prog_name="mkdocs")
        except SystemExit as stop:
            if stop.code:
                raise
    profiler.dump_stats(output)
    slowest = dict(sorted(pages.items(), key=lambda item: -item[1])[:8])
    output.with_suffix(".json").write_text(
        json.dumps({**timers.seconds, "pages": len(pages), "slowest": slowest})
    )


def profile_size(
    size: int, workdir: Path, source: Path, out_dir: Path
) -> tuple[pstats.Stats, dict[str, Any]]:
    data_file = workdir / f"partners-{size}.yaml"
    make_data.write(data_file, size)
    root = run.make_project(workdir / f"profile-{size}", data_file, source)
    output = out_dir / f"build-{size}.prof"
    command = [sys.executable, __file__, "--child", str(root), str(output)]
    print(f"profiling mkdocs build at N={size:,} ...", file=sys.stderr, flush=True)
    subprocess.run(command, cwd=root, env=run.child_env(source), check=True, stdin=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)
    return pstats.Stats(str(output)), json.loads(output.with_suffix(".json").read_text())


def raw(stats: pstats.Stats) -> dict[Key, tuple[Any, ...]]:
    return stats.stats  # type: ignore[attr-defined, no-any-return]  # undocumented but stable


def short(key: Key) -> str:
    file, line, name = key
    for marker in ("site-packages/", "/work/main/"):
        file = file.split(marker, 1)[-1]
    if "/generator/" in file:
        file = "generator/" + file.rsplit("/generator/", 1)[1]
    return f"{file}:{line}({name})"


def report_steps(small: dict[str, Any], large: dict[str, Any], sizes: tuple[int, int]) -> None:
    """Each step's CPU time at both sizes, and how much faster than N it grew."""
    factor = sizes[1] / sizes[0]
    print(
        "\nWhere the build's time goes (CPU s of the build process, one build per size; the plugin's"
        " hooks run under cProfile, which roughly doubles their time):"
    )
    print(f"  {'step':<60} {sizes[0]:>7,} {sizes[1]:>7,}  {'share':>6}  growth÷N")
    total = large["build_cpu"]
    for name in ("build", *STEPS):
        if f"{name}_cpu" not in large:
            continue
        before, after = small.get(f"{name}_cpu", 0.0), large[f"{name}_cpu"]
        growth = after / before / factor if before else float("nan")
        flag = "  <-- superlinear?" if growth > SUPERLINEAR and after > MIN_SHARE * total else ""
        print(f"  {name:<60} {before:7.2f} {after:7.2f}  {after / total:6.1%}  {growth:8.2f}{flag}")


def report_pages(small: dict[str, Any], large: dict[str, Any], sizes: tuple[int, int]) -> None:
    """The pages MkDocs spends most on (convert + render, CPU): one page growing with N is a
    superlinear step even when every step's total looks linear."""
    for size, steps in zip(sizes, (small, large), strict=True):
        mean = steps["build_cpu"] / max(1, steps["pages"])
        print(
            f"\nSlowest pages to convert and render at N={size:,} ({steps['pages']:,} pages, build CPU"
            f" {mean * 1000:.0f} ms per page on average):"
        )
        for uri, seconds in steps["slowest"].items():
            print(f"  {seconds:7.2f} s  {uri}")


def report_hotspots(stats: pstats.Stats, top: int) -> None:
    rows = [(row[2], row[3], row[1], key) for key, row in raw(stats).items()]
    rows.sort(reverse=True)
    print(f"\nGenerator + leak guard (the plugin's two hooks), by own time, top {top}:")
    print(f"  {'own s':>7} {'cum s':>7} {'calls':>9}  function")
    for own, cum, calls, key in rows[:top]:
        print(f"  {own:7.2f} {cum:7.2f} {calls:9d}  {short(key)}")


def report_superlinear(small: pstats.Stats, large: pstats.Stats, factor: float) -> None:
    """Profiled functions whose time, or number of calls, grew faster than N."""
    total = sum(row[2] for row in raw(large).values()) or 1.0
    before = raw(small)
    flagged = []
    for key, row in raw(large).items():
        if key not in before or row[3] < MIN_SHARE * total or not before[key][3]:
            continue
        growth, calls = row[3] / before[key][3] / factor, row[1] / before[key][1] / factor
        if growth > SUPERLINEAR or calls > SUPERLINEAR:
            flagged.append((growth, calls, row[3], key))
    flagged.sort(reverse=True)
    print(
        f"\nProfiled functions whose time or calls grew more than {SUPERLINEAR}x faster than N "
        f"(cumulative ≥ {MIN_SHARE:.1%} of the profiled time; wall clock, so noisy):"
    )
    print(f"  {'time÷N':>7} {'calls÷N':>7} {'cum s':>7}  function")
    for growth, calls, seconds, key in flagged[:25]:
        print(f"  {growth:7.2f} {calls:7.2f} {seconds:7.2f}  {short(key)}")
    if not flagged:
        print("  none")


def report_scan(data_file: Path) -> None:
    """The per-partner scan of all referrals (render.py before PartnerLedger) vs a grouping dict."""
    from generator import validate

    data = validate.load_partners(data_file, make_data.TODAY)
    start = time.process_time()
    scanned = sum(len([r for r in data.referrals if r.partner == p.id]) for p in data.partners)
    scan = time.process_time() - start
    start = time.process_time()
    groups: dict[str, list[Any]] = defaultdict(list)
    for referral in data.referrals:
        groups[referral.partner].append(referral)
    grouped = sum(len(groups.get(p.id, ())) for p in data.partners)
    group = time.process_time() - start
    assert scanned == grouped
    print(
        f"  N={len(data.partners):,}, {len(data.referrals):,} referrals: scan every referral per partner "
        f"{scan:.2f} s CPU; group once {group * 1000:.1f} ms CPU"
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,5000", help="two partner counts, small,large (default 1000,5000)"
    )
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--out", type=Path, help="keep the .prof files here (snakeviz, pstats)")
    parser.add_argument(
        "--repo", type=Path, default=run.REPO, help="code and skeleton to profile (default: this repo)"
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        profile_build(*args.child)
        return 0
    small, large = (int(size) for size in args.sizes.split(","))
    with tempfile.TemporaryDirectory(prefix="referral-profile-") as folder:
        workdir = Path(folder)
        out_dir = args.out or workdir
        out_dir.mkdir(parents=True, exist_ok=True)
        source = args.repo.resolve()
        (small_stats, small_steps), (large_stats, large_steps) = (
            profile_size(size, workdir, source, out_dir) for size in (small, large)
        )
        report_steps(small_steps, large_steps, (small, large))
        report_pages(small_steps, large_steps, (small, large))
        report_hotspots(large_stats, args.top)
        report_superlinear(small_stats, large_stats, large / small)
        print("\nPer-partner scan of all referrals (CPU time, no profiler):")
        for size in (small, large):
            report_scan(workdir / f"partners-{size}.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
