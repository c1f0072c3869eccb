"""What MkDocs' Markdown conversion costs per generated page, by page kind and by extension.

It builds a synthetic site of N partners with ``mkdocs build`` (the real plugin, theme and
``mkdocs.yml``) in a child process, timing every ``Page.render`` (MkDocs' Markdown-to-HTML step:
a new ``markdown.Markdown`` per page, then ``convert``) by page kind. After the build, the same
child renders a sample of each kind's pages again, the way MkDocs did:

- ``--repeat`` times untouched, for the CPU milliseconds per page (median of the repeats);
- once with every Python-Markdown processor timed, for the split among the extensions.

The split is exclusive time: a processor's own time, without the processors it calls (the
Markdown inside an ``md_in_html`` block counts for the block, list or table processors that
parse it), except that postprocessors run by a treeprocessor (``toc`` renders each heading
through all postprocessors) count for that treeprocessor. ``md_in_html`` replaces the core's
raw-HTML preprocessor and postprocessor, so its figure includes the raw-HTML handling any page
with HTML in it would need anyway. Timing every call adds overhead (mostly to the inline
patterns), so the split is given as shares of the instrumented time and as milliseconds scaled
to the untouched figure.

    .venv/bin/python benchmarks/markdown_cost.py                       # N = 1000
    .venv/bin/python benchmarks/markdown_cost.py --partners 1000 --repo /tmp/base --json out.json
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run  # noqa: E402

KINDS = ("partner", "insights", "private index", "home", "tree", "follow", "post", "blog listing")
# Module prefix of a processor's class → the name it is reported under (first match wins).
GROUPS: tuple[tuple[str, str], ...] = (
    ("markdown.extensions.md_in_html", "md_in_html"),
    ("markdown.extensions.toc", "toc"),
    ("markdown.extensions.attr_list", "attr_list"),
    ("markdown.extensions.admonition", "admonition"),
    ("markdown.extensions.tables", "tables"),
    ("pymdownx.emoji", "pymdownx.emoji"),
    ("pymdownx.superfences", "superfences"),
    ("pymdownx.details", "details"),
    ("markdown.", "core Markdown"),
    ("mkdocs.", "MkDocs' processors"),
)
SETUP = "Markdown() per page"
PAGE = "MkDocs page (rest)"
CORE = "core Markdown"


def kind_of(page: Any) -> str:
    """The generated page kind of an MkDocs page, from its path and front matter."""
    uri, meta = page.file.src_uri, page.meta or {}
    fixed = {"index.md": "home", "tree.md": "tree", "follow.md": "follow", "p/index.md": "private index"}
    if uri in fixed:
        return fixed[uri]
    if uri.startswith("p/"):
        return "insights" if meta.get("title") == "Referral insights" else "partner"
    if uri.startswith("blog/posts/"):
        return "post"
    return "blog listing"


def group_of(processor: object, detail: bool = False) -> str:
    """The extension a processor belongs to (with ``detail``, also its class)."""
    module = type(processor).__module__
    group = next((name for prefix, name in GROUPS if module.startswith(prefix)), module)
    return f"{group}: {type(processor).__name__}" if detail else group


class Split:
    """Exclusive wall time per group: each timed call's time minus the timed calls inside it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.stack: list[list[Any]] = []  # per active call: [seconds of timed calls inside, absorbs]

    def timed(
        self, group: str, function: Callable[..., Any], absorbs: bool = False, absorbable: bool = False
    ) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if absorbable and self.stack and self.stack[-1][1]:
                return function(*args, **kwargs)  # charged to the treeprocessor that runs it
            start = time.perf_counter()
            self.stack.append([0.0, absorbs])
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = self.stack.pop()[0]
                self.seconds[group] += elapsed - inner
                if self.stack:
                    self.stack[-1][0] += elapsed

        return wrapper


class TimedRegex:
    """An inline pattern's compiled regex whose searches count for the pattern's extension."""

    def __init__(self, regex: Any, split: Split, group: str) -> None:
        self.regex = regex
        self.match = split.timed(group, regex.match)
        self.search = split.timed(group, regex.search)
        self.split, self.group = split, group

    def finditer(self, *args: Any) -> Iterator[Any]:
        """Matches one at a time, as the inline processor asks for them, each search timed."""
        matches = self.regex.finditer(*args)
        step = self.split.timed(self.group, lambda: next(matches, None))
        while (match := step()) is not None:
            yield match


def instrument(md: Any, split: Split, detail: bool) -> None:
    """Time every processor of one Markdown instance (its registries are its own)."""
    for processor in md.preprocessors:
        processor.run = split.timed(group_of(processor, detail), processor.run)
    for processor in md.parser.blockprocessors:
        group = group_of(processor, detail)
        processor.test = split.timed(group, processor.test)
        processor.run = split.timed(group, processor.run)
    for pattern in md.inlinePatterns:
        group = group_of(pattern, detail)
        pattern.handleMatch = split.timed(group, pattern.handleMatch)
        pattern.compiled_re = TimedRegex(pattern.compiled_re, split, group)
    for processor in md.treeprocessors:
        processor.run = split.timed(group_of(processor, detail), processor.run, absorbs=True)
    for processor in md.postprocessors:
        processor.run = split.timed(group_of(processor, detail), processor.run, absorbable=True)


class Recorder:
    """Hooks ``Page.render`` in the build, then renders samples again outside it."""

    def __init__(self) -> None:
        self.build_cpu: dict[str, float] = defaultdict(float)
        self.pages: dict[str, list[tuple[Any, Any, Any]]] = defaultdict(list)

    def hook(self, page_class: Any) -> None:
        original = page_class.render

        @functools.wraps(original)
        def render(page: Any, config: Any, files: Any) -> None:
            start = time.process_time()
            original(page, config, files)
            self.build_cpu[kind_of(page)] += time.process_time() - start
            self.pages[kind_of(page)].append((page, config, files))

        page_class.render = render
        self.original = original

    def plain_ms(self, kind: str, sample: int, repeat: int) -> float:
        """CPU ms per page of ``Page.render`` on the kind's sample: median of ``repeat`` passes."""
        chosen = sorted(self.pages[kind], key=lambda item: item[0].file.src_uri)[:sample]
        passes = []
        for _ in range(repeat):
            start = time.process_time()
            for page, config, files in chosen:
                self.original(page, config, files)
            passes.append((time.process_time() - start) / len(chosen))
        return statistics.median(passes) * 1000

    def split(self, kind: str, sample: int, detail: bool) -> dict[str, float]:
        """Exclusive seconds per group over one instrumented pass of the kind's sample."""
        import markdown

        split = Split()
        chosen = sorted(self.pages[kind], key=lambda item: item[0].file.src_uri)[:sample]
        core: Any = markdown.Markdown
        init, convert = core.__init__, core.convert

        def timed_convert(md: Any, source: str) -> str:
            instrument(md, split, detail)
            text: str = split.timed(CORE, convert)(md, source)
            return text

        core.__init__ = split.timed(SETUP, init)
        core.convert = timed_convert
        try:
            for page, config, files in chosen:
                split.timed(PAGE, self.original)(page, config, files)
        finally:
            core.__init__, core.convert = init, convert
        return {group: seconds / len(chosen) for group, seconds in split.seconds.items()}


def child(root: Path, output: Path, sample: int, repeat: int, detail: bool) -> None:
    """In the project: ``mkdocs build``, then the per-kind figures as JSON."""
    from mkdocs.__main__ import cli
    from mkdocs.structure.pages import Page

    os.chdir(root)
    recorder = Recorder()
    recorder.hook(Page)
    start = time.process_time()
    try:
        cli.main(args=["build", "--quiet"], prog_name="mkdocs")
    except SystemExit as stop:
        if stop.code:
            raise
    build_cpu = time.process_time() - start
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        if not recorder.pages[kind]:
            continue
        kinds[kind] = {
            "pages": len(recorder.pages[kind]),
            "sampled": min(sample, len(recorder.pages[kind])),
            "build_cpu": recorder.build_cpu[kind],
            "ms_per_page": recorder.plain_ms(kind, sample, repeat),
            "split": recorder.split(kind, sample, detail),
        }
    output.write_text(json.dumps({"build_cpu": build_cpu, "kinds": kinds}))


def measure(
    partners: int, workdir: Path, source: Path, sample: int, repeat: int, detail: bool
) -> dict[str, Any]:
    data_file = workdir / f"partners-{partners}.yaml"
    if not data_file.exists():
        make_data.write(data_file, partners)
    root = run.make_project(Path(tempfile.mkdtemp(dir=workdir)) / "site", data_file, source)
    output = workdir / "result.json"
    machine = {"load_average": os.getloadavg()[0], "probe_us": run.speed_probe()}
    command = [
        sys.executable,
        __file__,
        "--child",
        str(root),
        str(output),
        str(sample),
        str(repeat),
        str(int(detail)),
    ]
    subprocess.run(command, cwd=root, env=run.child_env(source), check=True, stdin=subprocess.DEVNULL)
    return {**machine, **json.loads(output.read_text())}


def report(result: dict[str, Any]) -> None:
    kinds = result["kinds"]
    print(
        f"load average {result['load_average']:.2f}, CPU probe {result['probe_us']:.0f} µs;"
        f" build {result['build_cpu']:.1f} s CPU"
    )
    converting = sum(k["build_cpu"] for k in kinds.values())
    print(
        f"Page.render (Markdown → HTML) in the build: {converting:.1f} s CPU,"
        f" {converting / result['build_cpu']:.1%} of the build\n"
    )
    groups = sorted({g for k in kinds.values() for g in k["split"]}, key=lambda g: _order(g, kinds))
    print(
        f"{'kind':<14}{'pages':>6}{'build s':>8}{'ms/page':>8}  " + "  ".join(f"{g:>10.10}" for g in groups)
    )
    for name, kind in kinds.items():
        total = sum(kind["split"].values()) or 1.0
        cells = [kind["ms_per_page"] * kind["split"].get(g, 0.0) / total for g in groups]
        print(
            f"{name:<14}{kind['pages']:>6}{kind['build_cpu']:>8.2f}{kind['ms_per_page']:>8.2f}  "
            + "  ".join(f"{c:>10.2f}" for c in cells)
        )
    print("\n(split columns: ms per page, the instrumented shares scaled to the ms/page column)")


def report_detail(result: dict[str, Any], top: int = 14) -> None:
    """Per kind, the processors that cost most, in ms per page (scaled as in ``report``)."""
    print(f"load average {result['load_average']:.2f}, CPU probe {result['probe_us']:.0f} µs")
    for name, kind in result["kinds"].items():
        total = sum(kind["split"].values()) or 1.0
        print(f"\n{name}: {kind['ms_per_page']:.2f} ms per page ({kind['pages']} pages)")
        for group, seconds in sorted(kind["split"].items(), key=lambda item: -item[1])[:top]:
            print(f"  {kind['ms_per_page'] * seconds / total:7.3f} ms  {seconds / total:6.1%}  {group}")


def _order(group: str, kinds: dict[str, Any]) -> float:
    return -float(sum(k["split"].get(group, 0.0) * k["pages"] for k in kinds.values()))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=200, help="pages re-rendered per kind (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="untouched passes per kind (default 3)")
    parser.add_argument("--repo", type=Path, default=run.REPO, help="code and skeleton to measure")
    parser.add_argument("--json", type=Path, help="also write every figure here")
    parser.add_argument("--detail", action="store_true", help="split by processor class, one list per kind")
    parser.add_argument("--child", nargs=5, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        root, output, sample, repeat, detail = args.child
        child(Path(root), Path(output), int(sample), int(repeat), detail == "1")
        return 0
    with tempfile.TemporaryDirectory(prefix="referral-markdown-") as folder:
        result = measure(
            args.partners, Path(folder), args.repo.resolve(), args.sample, args.repeat, args.detail
        )
    result.update(partners=args.partners, repo=str(args.repo))
    (report_detail if args.detail else report)(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
