"""``python -m generator build --engine E`` on N synthetic partners: each engine cold, then warm.

Cold is a fresh project (no ``site/``, no Zensical ``.cache/``); warm is the same command again,
nothing changed (for Zensical: its cache back, private entries restored from ``.referral/``).
Wall and CPU seconds of the whole command (validate, generate, build, leak guard), one table.
The engines are found as the command finds them: ``REFERRAL_ZENSICAL`` /
``REFERRAL_PROPERDOCS``, ``.venv-<engine>/``, beside this Python, then ``PATH``.

    .venv/bin/python benchmarks/engines.py --partners 1000
    REFERRAL_ZENSICAL=.venv-engines/zensical-…/bin/zensical .venv/bin/python benchmarks/engines.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import make_data  # noqa: E402
import run  # noqa: E402

ENGINES = ("mkdocs", "zensical", "properdocs")


def timed_build(engine: str, root: Path) -> tuple[float, float]:
    """Wall and CPU seconds (this process's children) of one build; fails loudly."""
    command = [sys.executable, "-m", "generator", "build", "--engine", engine]
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(
        command, check=False, cwd=root, env=run.child_env(run.REPO), capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = os.times()
    if result.returncode != 0:
        raise RuntimeError(
            f"{engine} build failed in {root}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=1000)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated (default: all)")
    args = parser.parse_args(argv)
    print("| engine | cold wall s | cold CPU s | warm wall s | warm CPU s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory(prefix="referral-engines-") as folder:
        data = Path(folder) / "partners.yaml"
        make_data.write(data, args.partners)
        for engine in args.engines.split(","):
            root = run.make_project(Path(folder) / engine, data)
            cold, warm = timed_build(engine, root), timed_build(engine, root)
            print(f"| {engine} | {cold[0]:.1f} | {cold[1]:.1f} | {warm[0]:.1f} | {warm[1]:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
