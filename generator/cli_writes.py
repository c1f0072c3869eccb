"""The commands that write: generate (the pages), build and serve (the site), mail and schema."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from . import engines
from . import project as pipeline
from .address_book import handover_warning
from .cli_places import (
    DATA_OPTION,
    MKDOCS_DOCS_DIR,
    config_here,
    in_project,
    not_the_project,
    readable_data,
    say_secret,
    schema_project,
    site_of,
)
from .mail import run as mail_run
from .mail.send import parse_rate
from .presentation import missing_logo
from .schema import SCHEMA_PATH, render_schema
from .site_config import read_site_config, site_url_from
from .site_secret import gone_warning, moved_warning


def run_generate(args: argparse.Namespace) -> int:
    root = Path.cwd()
    config_file = config_here()
    config = read_site_config(config_file) if config_file.is_file() else {}
    # The folder MkDocs reads: pages written anywhere else would never be built. An mkdocs.yml
    # that names none builds from MkDocs' default, docs/; without mkdocs.yml, this project's.
    default = MKDOCS_DOCS_DIR if config_file.is_file() else pipeline.DOCS_DIR
    docs_dir = str(args.docs_dir or config.get("docs_dir") or default)
    data_file = Path(readable_data(args.data, DATA_OPTION))
    project = pipeline.Project(root, data_file, Path(docs_dir), root / pipeline.STATE_DIR)
    if not in_project(project):
        raise ValueError(not_the_project(root, data_file, docs_dir))
    site_url = site_url_from(config_file, required=False) if config else ""
    outcome = pipeline.generate(project, pipeline.moment(), os.environ, site_url=site_url)
    say_secret(outcome.secret, project.secret_file)
    if outcome.moved:
        print(f"warning: {moved_warning(outcome.moved)}", file=sys.stderr)
    if outcome.gone:
        print(f"warning: {gone_warning(list(outcome.gone))}", file=sys.stderr)
    if outcome.handed:
        print(f"warning: {handover_warning(list(outcome.handed))}", file=sys.stderr)
    _warn_of_missing_logo(outcome, project)
    print(f"Generated into {docs_dir}: {outcome.summary}")
    return 0


def _warn_of_missing_logo(outcome: pipeline.Outcome, project: pipeline.Project) -> None:
    """A logo missing from the docs folder leaves the pages whole (they are written) but the
    header broken: check and a strict build refuse it, so an editor who only generates hears of
    it now, as a warning that does not change the exit status (a plain build only warns too)."""
    # A run with nothing to render has not loaded the data, and loading it would double the run
    # (0.8 s more for 3,000 partners): only a file that names a logo at all is loaded.
    if not outcome.rendered and b"logo" not in project.data_file.read_bytes():
        return
    problem = missing_logo(outcome.data.newsletter, project.docs_dir, project.data_file, project.display_name)
    if problem:
        print(f"warning: {problem}; check and mkdocs build --strict refuse it", file=sys.stderr)


def run_build(args: argparse.Namespace) -> int:
    site = site_of(args)
    print(engines.build(engines.ENGINES[args.engine], site, os.environ))
    return 0


def run_serve(args: argparse.Namespace) -> int:
    site = site_of(args)
    return engines.serve(engines.ENGINES[args.engine], site, os.environ, args.dev_addr)


def run_mail(args: argparse.Namespace) -> int:
    month, interval = mail_run.parse_month(args.month), parse_rate(args.rate)
    readable_data(args.data, DATA_OPTION)  # said as every command says it, before the month's work
    # Repeatable, each may list several ("anne-ortiz,steve-hall"), as the owner has them at hand.
    resend = [name.strip() for given in args.resend for name in given.split(",") if name.strip()]
    if args.resend and not resend:  # else `--resend ""` was a plain --send to everyone not yet mailed
        raise ValueError("--resend needs a partner id: --resend PARTNER_ID (several: --resend ID,ID)")
    request = mail_run.MailRequest(
        month, Path(args.out), args.send, interval, args.resend_uncertain, tuple(args.arrived), args.data
    )
    request = replace(request, resend=tuple(dict.fromkeys(resend)))
    return mail_run.run_mail(request, Path.cwd(), os.environ)


def run_schema(args: argparse.Namespace) -> int:
    text = render_schema()
    if not args.write:
        sys.stdout.write(text)
        return 0
    shown = os.path.relpath(schema_project(Path.cwd()) / SCHEMA_PATH)
    target = Path(shown)
    data = text.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        print(f"{shown} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"Wrote {shown}")
    return 0
