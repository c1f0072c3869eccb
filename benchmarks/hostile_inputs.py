"""Not a speed benchmark: the safety figures of issue #13's closing note, measured.

Every malformed file of ``tests/test_input_safety.py`` (and its length and email cases) goes
through ``python -m generator check`` and ``generate`` in a fresh copy of the site, each in its
own process; with ``--build`` also through ``mkdocs build --strict`` and ``mail``. Prints how many
inputs were tried, how many were refused with every line located, the tracebacks seen, and the
runs after which a file on disk had changed (all but the first must be 0).

    .venv/bin/python benchmarks/hostile_inputs.py [--build]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import test_input_safety as cases  # noqa: E402
from conftest import CI_ONLY, SOURCE_DATE_EPOCH, make_project  # noqa: E402

LOCATED = re.compile(r"^(?:ERROR\s+-\s+)?partners\.yaml:\d+:\d+: [^:\s][^:]*: \S")


def inputs() -> dict[str, str]:
    found = dict(cases.CORPUS)
    for name, (change, _) in cases.CHECKED.items():
        found[name] = cases.FIXTURE.replace(*change, 1)
    return found


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(root: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in CI_ONLY}
    env.update(
        SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH,
        REFERRAL_SITE_SECRET="",
        REFERRAL_MAIL_FROM="O <o@example.com>",
        NO_MKDOCS_2_WARNING="1",
    )
    return subprocess.run(list(command), cwd=root, env=env, capture_output=True, text=True, check=False)


def commands(build: bool) -> list[list[str]]:
    python = sys.executable
    found = [[python, "-m", "generator", "check"], [python, "-m", "generator", "generate"]]
    if build:
        found.append([str(Path(python).parent / "mkdocs"), "build", "--strict"])
        found.append([python, "-m", "generator", "mail", "--month", "2026-03"])
    return found


def located(output: str) -> bool:
    lines = [line for line in output.splitlines() if re.match(r"^(?:ERROR\s+-\s+)?partners\.yaml:", line)]
    return bool(lines) and all(LOCATED.match(line) for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", action="store_true", help="also mkdocs build and mail (slower)")
    args = parser.parse_args()
    tried = refused_located = tracebacks = changed = runs = 0
    for name, text in inputs().items():
        with tempfile.TemporaryDirectory() as folder:
            project = make_project(Path(folder))
            (project.root / "partners.yaml").write_text(text, encoding="utf-8")
            before = snapshot(project.root)
            tried += 1
            all_located = True
            for command in commands(args.build):
                result = run(project.root, *command)
                runs += 1
                output = result.stdout + result.stderr
                tracebacks += "Traceback" in output
                all_located &= result.returncode != 0 and located(output)
                if snapshot(project.root) != before:
                    changed += 1
                    print(f"CHANGED ON DISK: {name}: {command[-1]}")
            refused_located += all_located
            if not all_located:
                print(f"not refused with a location: {name}")
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"inputs tried {tried}; refused with a location by every command {refused_located}; "
        f"command runs {runs}; tracebacks {tracebacks}; runs that changed a file on disk {changed}"
    )
    return 0 if refused_located == tried and not tracebacks and not changed else 1


if __name__ == "__main__":
    sys.exit(main())
