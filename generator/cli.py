"""``python -m generator check|generate|due|links``: the generator without MkDocs."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import project as pipeline
from . import source
from .due import due_referrals
from .problems import InvalidData, Problem
from .schema import SCHEMA_PATH, render_schema
from .writer import ForeignFileError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except InvalidData as error:
        print(error.report, file=sys.stdout)
        return 1
    except (ForeignFileError, OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="validate partners.yaml only; list who is due an update")
    check.add_argument("path", nargs="?", default=pipeline.DATA_FILE, help="the data file (default: %(default)s)")
    check.set_defaults(run=_check)
    due = commands.add_parser("due", help="list open referrals whose partner is due an update")
    due.add_argument("path", nargs="?", default=pipeline.DATA_FILE, help="the data file (default: %(default)s)")
    due.set_defaults(run=_due)
    generate = commands.add_parser("generate", help="render partners.yaml into the docs folder, without building")
    generate.add_argument("--data", default=pipeline.DATA_FILE, help="the data file (default: %(default)s)")
    generate.add_argument("--docs-dir", default=pipeline.DOCS_DIR, help="the MkDocs docs_dir (default: %(default)s)")
    generate.set_defaults(run=_generate)
    schema = commands.add_parser("schema", help="print the JSON Schema of partners.yaml (for editors)")
    schema.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_PATH} if it changed")
    schema.set_defaults(run=_schema)
    return parser


def _project_for(path: str) -> pipeline.Project:
    data_file = Path(path)
    return pipeline.Project(Path.cwd(), data_file, Path.cwd() / pipeline.DOCS_DIR, Path.cwd() / pipeline.STATE_DIR)


def _due_lines(path: str) -> tuple[int, list[str]]:
    project = _project_for(path)
    as_of = pipeline.today()
    data = pipeline.load(project, as_of)
    due = due_referrals(data, as_of)
    lines: list[str] = []
    if due:
        document = source.parse(source.read_text(Path(path).read_bytes(), path), path)
        for item in due:
            problem = document.problem(("referrals", item.index), item.describe())
            lines.append(f"{problem} (warning)")
    return len(data.partners), lines


def _check(args: argparse.Namespace) -> int:
    partners, warnings = _due_lines(args.path)
    for line in warnings:
        print(line)
    print(f"{args.path}: valid ({partners} partners); {len(warnings)} referrals due an update")
    return 0


def _due(args: argparse.Namespace) -> int:
    _, warnings = _due_lines(args.path)
    for line in warnings:
        print(line)
    if not warnings:
        print("Nobody is waiting: every open referral has had news recently.")
    return 0


def _generate(args: argparse.Namespace) -> int:
    root = Path.cwd()
    project = pipeline.Project(root, Path(args.data), Path(args.docs_dir), root / pipeline.STATE_DIR)
    outcome = pipeline.generate(project, pipeline.today(), os.environ)
    if outcome.secret.origin == "created":
        print(f"Created a local preview secret in {project.secret_file} (never commit it).")
    print(f"Generated into {args.docs_dir}: {outcome.report}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    text = render_schema()
    if not args.write:
        sys.stdout.write(text)
        return 0
    target = Path(SCHEMA_PATH)
    data = text.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        print(f"{SCHEMA_PATH} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"Wrote {SCHEMA_PATH}")
    return 0
