"""The commands that report on the data or the site: check, due, links and guard."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import project as pipeline
from . import source, validate
from .cli_places import (
    DATA_OPTION,
    config_here,
    data_file_path,
    docs_dir_beside,
    folder_of_site,
    in_project,
    readable_data,
    say_secret,
    site_secret,
)
from .due import due_referrals
from .engines import CONFIG_FILE
from .memo_record import read_record
from .models import PartnersFile
from .moment import owners_date
from .numbers_in_words import plural
from .public_mentions import public_mentions
from .quarantine import quarantine, quarantine_note
from .runnable import generator_command
from .site_config import directory_urls_from, site_public_text, site_url_from, web_address
from .site_secret import UNBUILT_LINKS_WARNING

SECRET_KEPT = (
    "interrupted; nothing was changed except the new local preview secret, which is kept (see above)"
)


def _due_lines(
    given: str | None, command: str, docs_dir: Path | None = None, *, mentions: bool = False
) -> tuple[PartnersFile, list[str], list[str]]:
    """The data, its referrals due an update and (for ``mentions``) its public texts naming a
    confidential person, each as a located warning."""
    path = readable_data(given, generator_command(f"{command} PATH"))
    now = pipeline.moment()
    data = validate.load_partners(Path(path), now, display_name=path, docs_dir=docs_dir)
    due = due_referrals(data, owners_date(now, data.newsletter.timezone))
    named = public_mentions(data) if mentions else []
    if not due and not named:
        return data, [], []
    document = source.parse(source.read_text(Path(path).read_bytes(), path), path)
    due_lines = [document.problem(("referrals", item.index), item.describe()).as_warning() for item in due]
    named_lines = [document.problem(item.path, item.describe()).as_warning() for item in named]
    return data, due_lines, named_lines


def run_check(args: argparse.Namespace) -> int:
    data, warnings, named = _due_lines(args.path, "check", docs_dir_beside(args.path), mentions=True)
    for line in [*named, *warnings]:
        print(line)
    # A new program's first file: "0 partners" read as a count gone wrong.
    partners = len(data.partners)
    counted = plural(partners, "partner") if partners else "no partners yet"
    due = plural(len(warnings), "referral") if warnings else "no referrals"
    print(f"{data_file_path(args.path)}: valid ({counted}); {due} due an update")
    return 0


def run_due(args: argparse.Namespace) -> int:
    data, warnings, _ = _due_lines(args.path, "due")
    for line in warnings:
        print(line)
    if not data.referrals:  # "every open referral has had news" claimed a record of none
        print("Nobody is waiting: there are no referrals yet.")
    elif not warnings:
        print("Nobody is waiting: every open referral has had news recently.")
    return 0


def run_links(args: argparse.Namespace) -> int:
    # Here, as in run_guard: check and due, in this module too, render nothing.
    from .links import page_url, partner_links
    from .render import SiteLayout

    config_file = config_here()
    site_url = web_address(args.site_url, "--site-url") if args.site_url else site_url_from(config_file)
    project = pipeline.Project.at(Path.cwd(), readable_data(args.data, DATA_OPTION))
    now = pipeline.moment()
    data = pipeline.load(project, now)
    # Outside the project a new secret would key addresses of no page.
    secret = site_secret(project, "links", sends_addresses=True, create=in_project(project))
    layout = SiteLayout(as_of=owners_date(now, data.newsletter.timezone), secret=secret.value)
    folders = directory_urls_from(config_file) if config_file.is_file() else True
    links = partner_links(data, layout, site_url, directory_urls=folders)
    secret.keep()
    say_secret(secret, project.secret_file)
    if secret.origin == "created":  # from here on, a Ctrl-C leaves that one file behind
        args.interrupted = SECRET_KEPT
    if read_record(project.memo_file, secret.value, project.docs_dir).other_secret:
        print(f"warning: {UNBUILT_LINKS_WARNING}", file=sys.stderr)
    for name, url in links:
        print(f"{name}\t{url}")
    insights = page_url(site_url, layout.insights_page, directory_urls=folders)
    print(f"Insights for {data.newsletter.owner} (yours only)\t{insights}")
    return 0


def run_guard(args: argparse.Namespace) -> int:
    """The plugin's leak guard, for a site another engine (Zensical) built from content/."""
    from . import guard
    from .render import SiteLayout

    site = Path(args.site)
    if not site.is_dir():
        # Run from another folder, "site" alone did not say where it was looked for.
        raise ValueError(
            f"no built site at {site.absolute()}: build it first, or give its folder "
            f"({generator_command('guard SITE')})"
        )
    project = pipeline.Project.at(Path.cwd(), readable_data(args.data, DATA_OPTION))
    now = pipeline.moment()
    data = pipeline.load(project, now)
    as_of = owners_date(now, data.newsletter.timezone)
    secret = site_secret(project, "guard", create=False)
    folder = folder_of_site(site, project)
    config_file = folder / CONFIG_FILE  # its site name and theme words are public, whatever the data says
    public = site_public_text(config_file) if config_file.is_file() else ()
    leaks = guard.guard_site(site, data, SiteLayout(as_of=as_of, secret=secret.value), public_text=public)
    for leak in leaks:
        print(f"  - {leak.describe()}")
    scanned = len(guard.site_files(site))
    print(guard.site_verdict(leaks, scanned, site))
    if not leaks:
        return 0
    state_dir = folder / pipeline.STATE_DIR
    moved = quarantine(site, state_dir, site.resolve().name, (leak.file for leak in leaks))
    print(quarantine_note(moved, site))
    return 1
