"""Build the same data with two checkouts and compare what every page shows.

For a change that should alter only how pages are written (Markdown or HTML, escaping style),
not what a reader sees: each checkout's generator, ``mkdocs.yml`` and ``overrides/`` build the
data with ``mkdocs build --strict``; then each built page's ``<article>`` is compared after
parsing (entities decoded, comments dropped, blank space between tags folded). Prints a diff
for each page that differs and exits 1 if any does.

    .venv/bin/python benchmarks/compare_pages.py --before /tmp/main --data tests/fixtures/golden.yaml
"""

from __future__ import annotations

import argparse
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bs4 import BeautifulSoup, Comment

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run  # noqa: E402


def build(source: Path, data_file: Path, root: Path) -> Path:
    """``mkdocs build --strict`` of ``data_file`` with ``source``'s code and skeleton."""
    project = run.make_project(root, data_file, source)
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"]
    result = subprocess.run(
        command, cwd=project, env=run.child_env(source), capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"build with {source} failed:\n{result.stderr[-3000:]}")
    return project / "site"


def shown(page: Path) -> list[str]:
    """A built page's article, one tag per line, as a reader's browser parses it."""
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    article = soup.find("article")
    if article is None:
        return []
    for comment in article.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    text = re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(article)))
    return text.replace("><", ">\n<").splitlines()


def compare(before: Path, after: Path) -> int:
    """Prints a diff per differing page; returns how many differ."""
    pages = sorted(path.relative_to(before) for path in before.rglob("*.html"))
    missing = set(pages) ^ {path.relative_to(after) for path in after.rglob("*.html")}
    if missing:
        print(f"pages built by only one checkout: {sorted(map(str, missing))}")
    differing = len(missing)
    for page in pages:
        if page in missing:
            continue
        old, new = shown(before / page), shown(after / page)
        if old != new:
            differing += 1
            print(f"=== {page}")
            print("\n".join(list(difflib.unified_diff(old, new, lineterm="", n=1))[:60]))
    print(f"{len(pages) - differing} of {len(pages)} pages show the same")
    return differing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout to compare against")
    parser.add_argument("--after", type=Path, default=run.REPO, help="default: this checkout")
    parser.add_argument("--data", type=Path, default=run.REPO / "partners.yaml")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="referral-compare-") as folder:
        sites = [
            build(source.resolve(), args.data.resolve(), Path(folder) / name)
            for name, source in (("before", args.before), ("after", args.after))
        ]
        return 1 if compare(*sites) else 0


if __name__ == "__main__":
    sys.exit(main())
