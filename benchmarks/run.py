"""Benchmark the generator and the whole ``mkdocs build`` at several numbers of partners.

For each size N it writes a synthetic partners.yaml (benchmarks/make_data.py) and, in a fresh
copy of the site skeleton, runs each phase in its own subprocess so every peak memory figure
belongs to one phase:

    load     load + validate only
    first    a first generate (load, validate, render, write) into an empty content/
    again    the same generate with nothing changed: must write 0 files (asserted)
    build    a full ``mkdocs build`` in another fresh copy (generator plugin + leak guard)

and prints one table of medians over ``--runs`` repetitions.

    .venv/bin/python benchmarks/run.py                    # N = 100, 500, 1000, 5000
    .venv/bin/python benchmarks/run.py --large --runs 5   # adds N = 10000
    .venv/bin/python benchmarks/run.py --sizes 20 --runs 1 --json /tmp/bench.json
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402

DEFAULT_SIZES = (100, 500, 1000, 5000)
LARGE_SIZE = 10_000
RESULT_MARK = "BENCH-RESULT "
SECRET = "benchmark-secret-for-private-addresses-0123456789"
Result = dict[str, Any]


# --- the phases, each run in a child process ---------------------------------------------------


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _forked_cpu() -> float:
    """CPU seconds of this process's ended children: the process that renders beside the run
    (generator/render_split.py), which the run's own CPU time does not count."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrapped_hook(handler: Any, wrap: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Any:
    """A plugin's event handler wrapped; an event made of several handlers, each at its own
    priority (MkDocs' ``CombinedEvent``: the plugin's ``on_post_build`` since review42), has
    each of its handlers wrapped."""
    from mkdocs.plugins import CombinedEvent

    if isinstance(handler, CombinedEvent):
        return CombinedEvent(*(wrap(method) for method in handler.methods))
    return wrap(handler)


class Timers:
    """Wrap attributes so each call adds its wall time (``name``) and CPU time (``name_cpu``)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def wrap(self, owner: Any, attribute: str, name: str, *, light: bool = False) -> None:
        """With ``light``, wall time alone: for hooks called once per page, where reading the
        CPU clocks each call would weigh in the figure."""
        original = getattr(owner, attribute, None)
        if original is None:
            return  # renamed by a later change: that figure is left out, the rest still works
        timer = self.timed_wall if light else self.timed
        setattr(owner, attribute, wrapped_hook(original, lambda handler: timer(handler, name)))

    def timed(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        """``original``, adding the wall and CPU time of each call to ``name``."""

        @functools.wraps(original)  # its __dict__ too: MkDocs reads an event's priority there
        def timed(*args: Any, **kwargs: Any) -> Any:
            start, cpu, forked = time.perf_counter(), time.process_time(), _forked_cpu()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(name, time.perf_counter() - start)
                self.add(f"{name}_cpu", time.process_time() - cpu)
                self.add(f"{name}_forked_cpu", _forked_cpu() - forked)

        return timed

    def timed_wall(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        """``original``, adding the wall time of each call to ``name``."""
        seconds, clock = self.seconds, time.perf_counter
        seconds.setdefault(name, 0.0)

        @functools.wraps(original)  # its __dict__ too: MkDocs reads an event's priority there
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = clock()
            try:
                return original(*args, **kwargs)
            finally:
                seconds[name] += clock() - start

        return timed

    def add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        start, cpu, forked = time.perf_counter(), time.process_time(), _forked_cpu()
        yield
        self.add(name, time.perf_counter() - start)
        self.add(f"{name}_cpu", time.process_time() - cpu)
        self.add(f"{name}_forked_cpu", _forked_cpu() - forked)


def phase_load(root: Path) -> Result:
    from generator import project

    timers, base = Timers(), _max_rss_mb()
    with timers.measure("seconds"):
        data = project.load(project.Project.at(root), project.today())
    return {**timers.seconds, "base_mb": base, "partners": len(data.partners)}


def phase_generate(root: Path) -> Result:
    """One real ``generate()``, with load, render and write timed separately."""
    from generator import project

    timers = Timers()
    # Older checkouts (--repo) call render_site and write_files; this one render_bytes and write_bytes.
    renamed = {"render_bytes": "render_site", "write_bytes": "write_files"}
    for attribute in ("load", "render_site", "write_files", *renamed):
        timers.wrap(project, attribute, renamed.get(attribute, attribute))
    base = _max_rss_mb()
    with timers.measure("seconds"):
        outcome = project.generate(project.Project.at(root), project.today(), os.environ)
    report = outcome.report
    return {
        "base_mb": base,
        "written": len(report.written),
        "written_sample": report.written[:5],
        "files": len(report.written) + report.unchanged,
        **timers.seconds,
    }


def phase_build(root: Path) -> Result:
    """``mkdocs build`` in this process, timing the plugin's two hooks from outside."""
    from mkdocs.__main__ import cli

    from generator.plugin import ReferralNewsletterPlugin

    timers = Timers()
    # load_config too: work the plugin would start there, before on_config (reading the data
    # file ahead was tried: build6's section), is its cost; MkDocs' own takes well under 1 ms.
    timers.wrap(ReferralNewsletterPlugin, "load_config", "generator")
    timers.wrap(ReferralNewsletterPlugin, "on_config", "generator")
    timers.wrap(ReferralNewsletterPlugin, "on_post_build", "guard")
    # The hooks MkDocs calls per file or page, and the few once between on_config and
    # on_post_build: the plugin's cost too, timed on the wall clock alone (a few µs a call).
    for hook in PAGE_HOOKS:
        timers.wrap(ReferralNewsletterPlugin, hook, "page_hooks", light=True)
    _count_guard_worker(timers)
    with timers.measure("seconds"):
        try:
            cli.main(args=["build"], prog_name="mkdocs")
        except SystemExit as stop:
            if stop.code:
                raise
    pages = sum(1 for _ in (root / "site").rglob("index.html"))
    return {"pages": pages, **timers.seconds}


# Every event of the plugin's besides load_config, on_config and on_post_build (timed apart),
# on_startup (sets one attribute), on_serve and on_build_error (neither runs in a build).
PAGE_HOOKS = ("on_files", "on_env", "on_page_markdown", "on_page_content", "on_page_context", "on_post_page")


def _count_guard_worker(timers: Timers) -> None:
    """The CPU seconds of the guard's second process (generator/guard_worker.py), which the
    build's own process does not count; absent in checkouts from before it."""
    try:
        from generator.guard_worker import GuardWorker
    except ImportError:
        return
    finish = GuardWorker.finish

    @functools.wraps(finish)
    def counted(self: GuardWorker) -> Any:
        result = finish(self)
        timers.add("guard_worker_cpu", result.cpu_seconds)
        return result

    GuardWorker.finish = counted  # type: ignore[method-assign]


PHASES: dict[str, Callable[[Path], Result]] = {
    "load": phase_load,
    "generate": phase_generate,
    "build": phase_build,
}


def run_phase(phase: str, root: Path) -> None:
    """Child entry point: run one phase and print its result as one marked JSON line."""
    os.chdir(root)
    result = PHASES[phase](root)
    print(RESULT_MARK + json.dumps(result), flush=True)


# --- the parent: projects, subprocesses, medians -----------------------------------------------


def child_env(source: Path) -> dict[str, str]:
    """The children import ``generator`` from ``source`` (this repo unless ``--repo``)."""
    env = dict(os.environ)
    env.update(
        REFERRAL_SITE_SECRET=SECRET,
        SOURCE_DATE_EPOCH=make_data.SOURCE_DATE_EPOCH,
        NO_MKDOCS_2_WARNING="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")])),
    )
    return env


def make_project(root: Path, data_file: Path, source: Path = REPO) -> Path:
    """A copy of the site skeleton (as tests/conftest.py makes one) with the given data."""
    root.mkdir(parents=True)
    shutil.copy(source / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(source / "overrides", root / "overrides")
    (root / "content" / "blog" / "posts").mkdir(parents=True)
    shutil.copy(source / "content" / "blog" / "index.md", root / "content" / "blog" / "index.md")
    shutil.copy(data_file, root / "partners.yaml")
    return root


def measure(phase: str, root: Path, source: Path = REPO) -> Result:
    """Run one phase in a child; add its wall time and its own peak RSS (``wait4`` rusage)."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, str(root)]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start, busy = time.perf_counter(), machine_busy_seconds()
        child = subprocess.Popen(
            command, cwd=root, env=child_env(source), stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall, busy = time.perf_counter() - start, machine_busy_seconds() - busy
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if child.returncode != 0:
        raise RuntimeError(f"{phase} failed in {root} (exit {child.returncode}):\n{stderr[-4000:]}")
    line = next(line for line in reversed(stdout.splitlines()) if line.startswith(RESULT_MARK))
    result: Result = json.loads(line[len(RESULT_MARK) :])
    cpu = usage.ru_utime + usage.ru_stime
    # What the rest of the machine ran meanwhile (other jobs on a shared VM): a figure measured
    # while others took a core is not one a quiet machine gives, above all for two processes.
    others = max(0.0, busy - cpu) if not math.isnan(busy) else math.nan
    return {**result, "wall": wall, "wall_cpu": cpu, "others_cpu": others, "peak_mb": usage.ru_maxrss / 1024}


def one_run(
    size: int,
    data_file: Path,
    workdir: Path,
    number: int,
    source: Path,
    build: bool = True,
    settle: float = 0.0,
) -> Result:
    """All four phases once (the build unless ``build`` is false), on fresh projects; the
    no-change run must write nothing. With ``settle``, that many seconds after the first generate
    one unmeasured no-change generate runs first (it records the files' stat fields once they are
    older than the stamp's margin, so the measured one need not read them)."""
    generated = make_project(workdir / f"n{size}-run{number}-generate", data_file, source)
    built = make_project(workdir / f"n{size}-run{number}-build", data_file, source)
    try:
        result: Result = {
            "probe_us": speed_probe(),
            "load_average": os.getloadavg()[0],
            "load": measure("load", generated, source),
            "first": measure("generate", generated, source),
            "settled": _settled(generated, source, settle),
            "again": measure("generate", generated, source),
        }
        if build:
            result["build"] = measure("build", built, source)
    finally:
        shutil.rmtree(generated, ignore_errors=True)
        shutil.rmtree(built, ignore_errors=True)
    again = result["again"]
    assert again["written"] == 0, (
        f"N={size}: the no-change run wrote {again['written']} files: {again['written_sample']}"
    )
    return result


def _settled(root: Path, source: Path, seconds: float) -> bool:
    if seconds <= 0:
        return False
    time.sleep(seconds)
    measure("generate", root, source)
    return True


def machine_busy_seconds() -> float:
    """CPU seconds every process of the machine has used since boot (Linux), NaN elsewhere."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            ticks = [int(field) for field in stat.readline().split()[1:]]
    except OSError:
        return math.nan
    idle = ticks[3] + ticks[4]  # idle and iowait
    # user, nice, system, irq, softirq (guest time is in user; steal is the host's, not ours)
    return (sum(ticks[:7]) - idle) / os.sysconf("SC_CLK_TCK")


def speed_probe() -> float:
    """Microseconds for a fixed pure-Python loop (best of 5): how contended the CPU was."""
    best = min(timeit.repeat("sum(range(10000))", number=50, repeat=5)) / 50
    return best * 1e6


def summarize(size: int, yaml_bytes: int, runs: list[Result]) -> Result:
    """Medians over the runs, plus the derived ratios the targets are about."""

    def median(phase: str, key: str) -> float:
        values = [run[phase][key] for run in runs if run.get(phase, {}).get(key) is not None]
        return statistics.median(values) if values else float("nan")

    yaml_mb = yaml_bytes / 1e6
    generator_mb = median("first", "peak_mb") - median("first", "base_mb")
    summary = {
        "partners": size,
        "yaml_mb": yaml_mb,
        "runs": runs,
        "probe_us": statistics.median(run["probe_us"] for run in runs),
        "load_average": statistics.median(run.get("load_average", math.nan) for run in runs),
    }
    for name, (phase, key) in FIGURES.items():
        summary[name] = median(phase, key)
    summary.update(
        generator_extra_mb=generator_mb,
        memory_x_yaml=generator_mb / yaml_mb,
        nochange_written=max(run["again"]["written"] for run in runs),
        nochange_x_first=summary["nochange_s"] / summary["first_s"],
        nochange_x_first_cpu=summary["nochange_cpu_s"] / summary["first_cpu_s"],
        generator_share=summary["first_s"] / summary["build_s"],
        plugin_share=(
            summary["generator_in_build_s"] + summary["guard_s"] + _zero_if_nan(summary["page_hooks_s"])
        )
        / summary["build_s"],
        plugin_share_cpu=(
            summary["generator_in_build_cpu_s"]
            + _zero_if_nan(summary["generator_forked_cpu_s"])
            + summary["guard_cpu_s"]
            + _zero_if_nan(summary["guard_worker_cpu_s"])
            # Run on the build's own thread between MkDocs' steps: their wall time is CPU time.
            + _zero_if_nan(summary["page_hooks_s"])
        )
        / summary["build_cpu_s"],
        generator_share_cpu=summary["first_cpu_s"] / summary["build_cpu_s"],
        build_ms_per_partner=1000 * summary["build_s"] / size,
        build_cpu_ms_per_partner=1000 * summary["build_cpu_s"] / size,
    )
    return summary


# Summary figure: (phase, key in that phase's result); medians over the runs.
FIGURES: dict[str, tuple[str, str]] = {
    "load_s": ("load", "seconds"),
    "load_cpu_s": ("load", "seconds_cpu"),
    "load_peak_mb": ("load", "peak_mb"),
    "render_s": ("first", "render_site"),
    "render_cpu_s": ("first", "render_site_cpu"),
    "render_forked_cpu_s": ("first", "render_site_forked_cpu"),
    "write_s": ("first", "write_files"),
    "write_cpu_s": ("first", "write_files_cpu"),
    "first_s": ("first", "seconds"),
    "first_cpu_s": ("first", "seconds_cpu"),
    "first_forked_cpu_s": ("first", "seconds_forked_cpu"),
    "files_written": ("first", "written"),
    "generator_peak_mb": ("first", "peak_mb"),
    "nochange_s": ("again", "seconds"),
    "nochange_cpu_s": ("again", "seconds_cpu"),
    "build_s": ("build", "wall"),
    "build_cpu_s": ("build", "wall_cpu"),
    "build_peak_mb": ("build", "peak_mb"),
    "build_others_cpu_s": ("build", "others_cpu"),
    "built_pages": ("build", "pages"),
    "generator_in_build_s": ("build", "generator"),
    "generator_in_build_cpu_s": ("build", "generator_cpu"),
    "generator_forked_cpu_s": ("build", "generator_forked_cpu"),
    "guard_s": ("build", "guard"),
    "guard_cpu_s": ("build", "guard_cpu"),
    "guard_worker_cpu_s": ("build", "guard_worker_cpu"),
    "page_hooks_s": ("build", "page_hooks"),
}

ROWS: tuple[tuple[str, str, str], ...] = (
    ("probe_us", "CPU probe, µs (quiet machine ≈ 120)", "{:.0f}"),
    ("load_average", "load average, 1 min (2 CPUs)", "{:.1f}"),
    ("yaml_mb", "YAML file size (MB)", "{:.2f}"),
    ("load_s", "load+validate, wall (s)", "{:.2f}"),
    ("load_cpu_s", "  CPU (s)", "{:.2f}"),
    ("load_peak_mb", "  peak RSS (MB)", "{:.0f}"),
    # Since stop 26 each page is written as it is rendered: "render" is what comes before the
    # first page (the views), "write" the pages rendered and written (older checkouts: apart).
    ("render_s", "render (since stop 26: the views before any page), wall (s)", "{:.2f}"),
    ("render_cpu_s", "  CPU (s)", "{:.2f}"),
    ("render_forked_cpu_s", "  the second process rendering beside it, CPU (s)", "{:.2f}"),
    ("write_s", "write (since stop 26: pages rendered and written), wall (s)", "{:.2f}"),
    ("write_cpu_s", "  CPU (s)", "{:.2f}"),
    ("first_s", "first generate (load..write), wall (s)", "{:.2f}"),
    ("first_cpu_s", "  CPU (s)", "{:.2f}"),
    ("first_forked_cpu_s", "  the second process rendering beside it, CPU (s)", "{:.2f}"),
    ("files_written", "  files written", "{:.0f}"),
    ("generator_peak_mb", "  peak RSS (MB)", "{:.0f}"),
    ("generator_extra_mb", "  peak RSS above imports (MB)", "{:.0f}"),
    ("memory_x_yaml", "  that ÷ YAML size (target ≤ 10)", "{:.1f}"),
    ("nochange_s", "no-change generate, wall (s)", "{:.2f}"),
    ("nochange_cpu_s", "  CPU (s)", "{:.2f}"),
    ("nochange_written", "  files written (must be 0)", "{:.0f}"),
    ("nochange_x_first", "  ÷ first, wall (target ≤ 0.33)", "{:.2f}"),
    ("nochange_x_first_cpu", "  ÷ first, CPU", "{:.2f}"),
    ("build_s", "mkdocs build, wall (s)", "{:.1f}"),
    ("build_cpu_s", "  CPU (s)", "{:.1f}"),
    ("build_peak_mb", "  peak RSS (MB)", "{:.0f}"),
    ("build_others_cpu_s", "  other processes' CPU meanwhile (s)", "{:.1f}"),
    ("built_pages", "  pages built", "{:.0f}"),
    ("generator_in_build_s", "  of which generator (load_config + on_config), wall (s)", "{:.2f}"),
    ("generator_in_build_cpu_s", "    generator CPU (s)", "{:.2f}"),
    ("generator_forked_cpu_s", "    generator's second process, CPU (s)", "{:.2f}"),
    ("guard_s", "  of which leak guard (on_post_build), wall (s)", "{:.2f}"),
    ("guard_cpu_s", "    leak guard CPU (s)", "{:.2f}"),
    ("guard_worker_cpu_s", "    leak guard's second process, CPU (s)", "{:.2f}"),
    ("page_hooks_s", "  of which plugin's per-page hooks (on_files … on_post_page), wall (s)", "{:.2f}"),
    ("plugin_share", "plugin (generator + guard + per-page hooks) ÷ build, wall (target ≤ 5 %)", "{:.1%}"),
    ("plugin_share_cpu", "  CPU", "{:.1%}"),
    ("generator_share", "separate first generate ÷ build, wall", "{:.1%}"),
    ("generator_share_cpu", "  CPU", "{:.1%}"),
    ("build_ms_per_partner", "build ms per partner page, wall", "{:.2f}"),
    ("build_cpu_ms_per_partner", "  CPU", "{:.2f}"),
)


def _zero_if_nan(value: float) -> float:
    return 0.0 if math.isnan(value) else value


def table(summaries: list[Result]) -> str:
    """Metrics down, sizes across: one column per N."""
    header = ["N partners", *(f"{s['partners']:,}" for s in summaries)]
    rows = [header] + [[label, *(cell(fmt, s[key]) for s in summaries)] for key, label, fmt in ROWS]
    rows.append(["ms/page ÷ first N ≥ 500, wall (≤ 1.3)", *linearity(summaries, "build_ms_per_partner")])
    rows.append(["  CPU", *linearity(summaries, "build_cpu_ms_per_partner")])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def cell(fmt: str, value: float) -> str:
    return "-" if math.isnan(value) else fmt.format(value)


def linearity(summaries: list[Result], key: str) -> list[str]:
    """Time per partner page relative to the smallest N ≥ 500 (target at 5,000: ≤ 1.3)."""
    reference = next((s for s in summaries if s["partners"] >= 500), summaries[0])
    return [cell("{:.2f}", s[key] / reference[key]) for s in summaries]


def machine() -> Result:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


@contextmanager
def workspace(keep: bool) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="referral-bench-"))
    try:
        yield folder
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


def benchmark(
    sizes: list[int], runs: int, keep: bool, source: Path = REPO, build: bool = True, settle: float = 0.0
) -> list[Result]:
    summaries = []
    with workspace(keep) as workdir:
        for size in sizes:
            data_file = workdir / f"partners-{size}.yaml"
            yaml_bytes = make_data.write(data_file, size)
            results = []
            for number in range(runs):
                print(f"N={size:,}: run {number + 1}/{runs}", file=sys.stderr, flush=True)
                results.append(one_run(size, data_file, workdir, number, source, build, settle))
            summaries.append(summarize(size, yaml_bytes, results))
    return summaries


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", help="comma-separated partner counts (default 100,500,1000,5000)")
    parser.add_argument("--large", action="store_true", help=f"also N = {LARGE_SIZE:,}")
    parser.add_argument("--runs", type=int, default=3, help="repetitions; medians are reported (default 3)")
    parser.add_argument("--json", type=Path, help="also write every figure and every run here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument(
        "--no-build", action="store_true", help="measure the generator only, skip mkdocs build"
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=REPO,
        help="take generator/, mkdocs.yml and overrides/ from this folder (e.g. an old commit)",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="wait this many seconds after the first generate, then run one unmeasured no-change"
        " generate before the measured one (e.g. 3: the stamp's 2 s margin has passed)",
    )
    parser.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("root", nargs="?", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        run_phase(args.phase, args.root)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    if args.large and LARGE_SIZE not in sizes:
        sizes.append(LARGE_SIZE)
    summaries = benchmark(
        sizes, max(1, args.runs), args.keep, args.repo.resolve(), not args.no_build, args.settle
    )
    info = machine()
    print(
        f"Referral newsletter benchmark: medians of {args.runs} run(s); {info['cpus']} CPUs ({info['cpu']}),"
        f" Python {info['python']}."
    )
    print("Note: this machine is shared and noisy; timings vary by 10-30 % between runs. Compare ratios.")
    print(table(summaries))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "runs": args.runs, "sizes": summaries}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
