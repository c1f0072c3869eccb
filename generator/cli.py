"""python -m generator: check, generate, build, preview, guard and mail the referral site."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

from . import engines, guard, source, unchecked_site, validate
from . import project as pipeline
from .data_file_access import refuse_unless_readable
from .due import due_referrals
from .links import (
    data_file_from,
    directory_urls_from,
    page_url,
    partner_links,
    read_site_config,
    site_public_text,
    site_url_from,
    web_address,
)
from .mail import run as mail_run
from .mail.send import parse_rate
from .memo_record import read_record
from .models import PartnersFile
from .moment import owners_date
from .numbers_in_words import plural
from .presentation import missing_logo
from .problems import InvalidData
from .quarantine import quarantine, quarantine_note
from .render import SiteLayout
from .schema import SCHEMA_PATH, render_schema
from .site_secret import (
    THROWAWAY_WARNING,
    UNBUILT_LINKS_WARNING,
    MissingSecret,
    SiteSecret,
    moved_warning,
    resolve_secret,
)
from .write_undo import os_failure
from .writer import ForeignFileError

# Where a command reads the data when not told: where the plugin does (mkdocs build).
DATA_HELP = f"the data file (default: data_file in mkdocs.yml, else {pipeline.DATA_FILE})"
DATA_OPTION = "--data PATH"  # how the commands but check and due are given another data file
# What a command did not do when the data file is refused: the end of its summary line.
GENERATED_NOTHING = "nothing was generated"
# Said on Ctrl-C by a command that writes nothing; one that writes says what is left (below).
NOTHING_CHANGED = "interrupted; nothing was changed"
SECRET_KEPT = (
    "interrupted; nothing was changed except the new local preview secret, which is kept (see above)"
)
# The status shells give a command stopped by Ctrl-C (128 + SIGINT): scripts tell it from a failure.
INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    _print_what_the_terminal_cannot_show_escaped()
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:  # also when the report of bad data meets it
        return _reader_went_away()
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback of wherever it landed
        print(args.interrupted, file=sys.stderr, flush=True)
        return INTERRUPTED


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args.run(args))
    except InvalidData as error:
        # check's report is its output, on stdout as linters print theirs; for every other
        # command bad data is an error that stops it: stderr, so `links > links.tsv` holds links.
        stream = sys.stdout if args.run is _check else sys.stderr
        print(error.report_for(args.refused), file=stream, flush=True)
        return 1
    except BrokenPipeError:  # not an error of the command's: main ends quietly
        raise
    except OSError as error:
        print(f"error: {os_failure(error)}", file=sys.stderr)
        return 1
    except (engines.EngineError, ForeignFileError, MissingSecret, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def _print_what_the_terminal_cannot_show_escaped() -> None:
    """A name the terminal's encoding cannot show ("Zo\\xeb" under LC_ALL=C without Python's
    UTF-8 mode) is printed escaped, as Python prints it on stderr, not as a traceback mid-report."""
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors="backslashreplace")


def _reader_went_away() -> int:
    """`check | head` closed the pipe: stop quietly, as other command-line tools do, and keep
    Python from complaining again when it flushes stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


MKDOCS_DOCS_DIR = "docs"  # MkDocs' docs_dir when mkdocs.yml names none
# argparse's subcommand list, generic in its type stubs only (so a string here).
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# What each command's --help ends with: the ways README.md runs it.
EXAMPLES = {
    "check": ("python -m generator check", "python -m generator check ../other-site/partners.yaml"),
    "due": ("python -m generator due",),
    "generate": ("python -m generator generate", "python -m generator generate --docs-dir content"),
    "build": ("python -m generator build", "python -m generator build --engine zensical"),
    "serve": ("python -m generator serve", "python -m generator serve --engine zensical -a 127.0.0.1:8001"),
    "links": (
        "python -m generator links > links.tsv",
        "python -m generator links --site-url https://partners.example.com/",
    ),
    "guard": ("python -m generator guard", "python -m generator guard site --data partners.yaml"),
    "mail": (
        "python -m generator mail --month 2026-03",
        "python -m generator mail --month 2026-03 --send --rate 1/s",
        "python -m generator mail --month 2026-03 --send --arrived steve-hall",
    ),
    "schema": ("python -m generator schema > partners.schema.json", "python -m generator schema --write"),
}
WHERE_TO_RUN = (
    "Run the commands in the project's folder (where mkdocs.yml is): without a PATH or --data they "
    "read the data file mkdocs.yml names (else partners.yaml), and they keep the local secret in "
    ".referral/ there. python -m generator COMMAND --help gives a command's options and examples; "
    "README.md has the rest."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__, epilog=WHERE_TO_RUN)
    parser.set_defaults(interrupted=NOTHING_CHANGED)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    # `--help` lists the commands in the order they are added here.
    for add in (
        _add_check_commands,
        _add_generate_command,
        _add_engine_commands,
        _add_links_command,
        _add_guard_command,
        _add_mail_command,
        _add_schema_command,
    ):
        add(commands)
    return parser


def _command(commands: _Commands, name: str, summary: str) -> argparse.ArgumentParser:
    """A command whose --help says what it does (``summary``), its options, then examples."""
    examples = "\n".join(f"  {line}" for line in EXAMPLES[name])
    return commands.add_parser(
        name,
        help=summary,
        description=f"{summary[0].upper()}{summary[1:]}.",
        epilog=f"examples:\n{examples}",
        formatter_class=_ExamplesAsWritten,
    )


class _ExamplesAsWritten(argparse.HelpFormatter):
    """Wraps the description as usual, but keeps the examples one per line, as typed."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _add_check_commands(commands: _Commands) -> None:
    check = _command(commands, "check", "validate partners.yaml only; list who is due an update")
    check.add_argument("path", nargs="?", metavar="PATH", help=DATA_HELP)
    check.set_defaults(run=_check, refused=GENERATED_NOTHING)
    due = _command(
        commands, "due", "list open referrals with no news for longer than due_after_days, oldest first"
    )
    due.add_argument("path", nargs="?", metavar="PATH", help=DATA_HELP)
    due.set_defaults(run=_due, refused="no referral was listed")


def _add_generate_command(commands: _Commands) -> None:
    generate = _command(commands, "generate", "render partners.yaml into the docs folder, without building")
    generate.add_argument("--data", metavar="PATH", help=DATA_HELP)
    generate.add_argument(
        "--docs-dir",
        metavar="FOLDER",
        help=f"the MkDocs docs_dir (default: docs_dir in mkdocs.yml, else {MKDOCS_DOCS_DIR}; "
        f"{pipeline.DOCS_DIR} without mkdocs.yml)",
    )
    # The writer puts back a write it was stopped in; a stop after it leaves every page whole.
    generate.set_defaults(
        run=_generate,
        refused=GENERATED_NOTHING,
        interrupted="interrupted; no page was left half-written: run it again to finish",
    )


def _add_links_command(commands: _Commands) -> None:
    links = _command(commands, "links", "print each partner's private page address, to send to them")
    links.add_argument("--data", metavar="PATH", help=DATA_HELP)
    links.add_argument(
        "--site-url", metavar="URL", help="the published site's address (default: site_url in mkdocs.yml)"
    )
    links.set_defaults(run=_links, refused="no address was printed")


def _add_guard_command(commands: _Commands) -> None:
    scan = _command(
        commands, "guard", "scan a built site for confidential data (for builds without the plugin)"
    )
    scan.add_argument(
        "site", nargs="?", default="site", metavar="SITE", help="the built site folder (default: %(default)s)"
    )
    scan.add_argument("--data", metavar="PATH", help=DATA_HELP)
    scan.set_defaults(
        run=_guard,
        refused="the site was not scanned",
        interrupted="interrupted; the site was not fully scanned: do not publish it",
    )


def _add_mail_command(commands: _Commands) -> None:
    mail = _command(commands, "mail", "write a month's newsletter emails for review, or --send them")
    mail.add_argument("--month", required=True, metavar="YYYY-MM", help="the month whose issue to mail")
    # The data the site was built from: mkdocs.yml's data_file, or another given to a build
    # without the plugin (`build --engine zensical --data PATH`), whose pages the mail links to.
    mail.add_argument("--data", metavar="PATH", help=DATA_HELP)
    mail.add_argument(
        "--out",
        default=mail_run.OUT_DIR,
        metavar="FOLDER",
        help="the .eml files' folder (default: %(default)s)",
    )
    mail.add_argument("--send", action="store_true", help="deliver over SMTP (REFERRAL_SMTP_* variables)")
    mail.add_argument(
        "--rate",
        default=mail_run.DEFAULT_RATE,
        metavar="RATE",
        help="N/s, N/min or N/h (default: %(default)s)",
    )
    mail.add_argument("--resend-uncertain", action="store_true", help="resend messages cut off mid-delivery")
    mail.add_argument(
        "--arrived",
        action="append",
        default=[],
        metavar="PARTNER_ID",
        help="an uncertain message you found in your sent mail: log it as delivered (repeatable)",
    )
    # mail --send ends its own interrupted delivery with a summary; this is for a stop outside it.
    mail.set_defaults(
        run=_mail,
        refused="no message was written or sent",
        interrupted="interrupted; run the same command again to finish (the send log knows who got what)",
    )


def _add_schema_command(commands: _Commands) -> None:
    schema = _command(commands, "schema", "print the JSON Schema of partners.yaml (for editors)")
    schema.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_PATH} if it changed")
    schema.set_defaults(run=_schema, refused=GENERATED_NOTHING)


def _add_engine_commands(commands: _Commands) -> None:
    build = _command(
        commands,
        "build",
        "validate, generate, build and leak-guard the site with MkDocs, ProperDocs or Zensical",
    )
    serve = _command(commands, "serve", "preview with live reload; saving partners.yaml re-renders")
    for command in (build, serve):
        command.add_argument(
            "--engine",
            choices=sorted(engines.ENGINES),
            default=os.environ.get("REFERRAL_ENGINE") or engines.DEFAULT_ENGINE,
            help="the site builder (default: %(default)s, or REFERRAL_ENGINE)",
        )
        command.add_argument("--data", metavar="PATH", help=DATA_HELP)
        command.add_argument(
            "-f",
            "--config-file",
            default=engines.CONFIG_FILE,
            metavar="FILE",
            help="site configuration (default: %(default)s)",
        )
    serve.add_argument(
        "-a",
        "--dev-addr",
        metavar="IP:PORT",
        help="the address to serve on (default: the engine's, 127.0.0.1:8000)",
    )
    # The engine gets Ctrl-C itself and fails closed (stop_signals.passed_on); this is for a stop
    # outside it (loading the data, Zensical's leak guard), where site/ may be left unchecked.
    build.set_defaults(
        run=_build,
        refused="nothing was generated or built",
        interrupted="interrupted; this build did not check site/: do not publish it",
    )
    serve.set_defaults(
        run=_serve, refused="nothing was generated or served", interrupted="interrupted; the preview stopped"
    )


def _data_file(given: str | None) -> str:
    """The data file given, else the one the plugin in ./mkdocs.yml reads, else partners.yaml."""
    return given or os.path.relpath(data_file_from(Path.cwd() / engines.CONFIG_FILE, pipeline.DATA_FILE))


def _readable_data(given: str | None, how: str) -> str:
    """The data file (:func:`_data_file`) when it opens; else the located problem `check` prints,
    saying where it was looked for and how to name another (``how``: this command's way)."""
    path = _data_file(given)
    if (Path.cwd() / engines.CONFIG_FILE).is_file():
        missing = f"create it, or give the data file's path with {how} (or as data_file in mkdocs.yml)"
    else:
        missing = f"run the command in the project's folder (where mkdocs.yml is), or give the data file's path with {how}"
    refuse_unless_readable(Path(path), path, given is not None, how, missing)
    return path


_RUN_IN_PROJECT = "run the command in the project's folder, or name its mkdocs.yml with -f FILE"


def _site(args: argparse.Namespace) -> engines.Site:
    """The project of ``-f``'s mkdocs.yml, its path made whole as MkDocs makes it (abspath): from
    content/, ``-f ../mkdocs.yml`` named the site …/content/../site/ in every message."""
    config_file = os.path.abspath(args.config_file)
    if not os.path.lexists(config_file):  # build and serve are pointed at a project with -f
        fix = "check the path given with -f" if args.config_file != engines.CONFIG_FILE else _RUN_IN_PROJECT
        raise ValueError(f"cannot read {config_file}: there is no such file; {fix}")
    site = engines.Site.at(Path.cwd(), config_file, args.data)
    # Before any refusal, as a build does first: a killed build's unchecked site/ must not stay.
    if killed := unchecked_site.move_aside(site.project.state_dir):
        print(f"warning: {killed}.", file=sys.stderr, flush=True)
    # The data file is beside -f's mkdocs.yml, not always here: say where it was looked for.
    missing = f"create it, or name another as data_file in {site.config_file}"
    project = site.project
    refuse_unless_readable(
        project.data_file, project.display_name, args.data is not None, DATA_OPTION, missing
    )
    return site


def _build(args: argparse.Namespace) -> int:
    site = _site(args)
    # A secret the plugin refuses (blank; short with REFERRAL_PUBLISH=1; none in CI) failed the
    # engine's run, which moved the last good site/ away as if it had leaked: refused here, like
    # bad data, before anything runs. Nothing is written: a new secret is only kept by the build.
    resolve_secret(os.environ, site.project.secret_file)
    print(engines.build(engines.ENGINES[args.engine], site, os.environ))
    return 0


def _serve(args: argparse.Namespace) -> int:
    site = _site(args)
    return engines.serve(engines.ENGINES[args.engine], site, os.environ, args.dev_addr)


def _due_lines(
    given: str | None, command: str, docs_dir: Path | None = None
) -> tuple[PartnersFile, list[str]]:
    path = _readable_data(given, f"python -m generator {command} PATH")
    now = pipeline.moment()
    data = validate.load_partners(Path(path), now, display_name=path, docs_dir=docs_dir)
    due = due_referrals(data, owners_date(now, data.newsletter.timezone))
    lines: list[str] = []
    if due:
        document = source.parse(source.read_text(Path(path).read_bytes(), path), path)
        for item in due:
            problem = document.problem(("referrals", item.index), item.describe())
            lines.append(problem.as_warning())
    return data, lines


def _check(args: argparse.Namespace) -> int:
    data, warnings = _due_lines(args.path, "check", _docs_dir_beside(args.path))
    for line in warnings:
        print(line)
    # A new program's first file: "0 partners" read as a count gone wrong.
    partners = len(data.partners)
    counted = plural(partners, "partner") if partners else "no partners yet"
    due = plural(len(warnings), "referral") if warnings else "no referrals"
    print(f"{_data_file(args.path)}: valid ({counted}); {due} due an update")
    return 0


def _docs_dir_beside(given: str | None) -> Path | None:
    """The docs folder of the project the data belongs to: the one mkdocs.yml names in the
    current folder, or beside PATH when given (MkDocs' docs/ when it names none); None without
    an mkdocs.yml there, as nothing is built from the data then."""
    folder = Path(given).parent if given else Path()
    config_file = folder / engines.CONFIG_FILE
    try:
        config = read_site_config(config_file) if config_file.is_file() else None
    except ValueError:  # a broken mkdocs.yml stops the build, not a check of the data
        return None
    return None if config is None else folder / str(config.get("docs_dir") or MKDOCS_DOCS_DIR)


def _due(args: argparse.Namespace) -> int:
    data, warnings = _due_lines(args.path, "due")
    for line in warnings:
        print(line)
    if not data.referrals:  # "every open referral has had news" claimed a record of none
        print("Nobody is waiting: there are no referrals yet.")
    elif not warnings:
        print("Nobody is waiting: every open referral has had news recently.")
    return 0


def _generate(args: argparse.Namespace) -> int:
    root = Path.cwd()
    config_file = root / "mkdocs.yml"
    config = read_site_config(config_file) if config_file.is_file() else {}
    # The folder MkDocs reads: pages written anywhere else would never be built. An mkdocs.yml
    # that names none builds from MkDocs' default, docs/; without mkdocs.yml, this project's.
    default = MKDOCS_DOCS_DIR if config_file.is_file() else pipeline.DOCS_DIR
    docs_dir = str(args.docs_dir or config.get("docs_dir") or default)
    data_file = Path(_readable_data(args.data, DATA_OPTION))
    project = pipeline.Project(root, data_file, Path(docs_dir), root / pipeline.STATE_DIR)
    if not _in_project(project):
        raise ValueError(_not_the_project(root, data_file, docs_dir))
    site_url = site_url_from(config_file, required=False) if config else ""
    outcome = pipeline.generate(project, pipeline.moment(), os.environ, site_url=site_url)
    _say_secret(outcome.secret, project.secret_file)
    if outcome.moved:
        print(f"warning: {moved_warning(outcome.moved)}", file=sys.stderr)
    _warn_of_missing_logo(outcome.data, project)
    print(f"Generated into {docs_dir}: {outcome.summary}")
    return 0


def _warn_of_missing_logo(data: PartnersFile, project: pipeline.Project) -> None:
    """A logo missing from the docs folder leaves the pages whole (they are written) but the
    header broken: check and a strict build refuse it, so an editor who only generates hears of
    it now, as a warning that does not change the exit status (a plain build only warns too)."""
    problem = missing_logo(data.newsletter, project.docs_dir, project.data_file, project.display_name)
    if problem:
        print(f"warning: {problem}; check and mkdocs build --strict refuse it", file=sys.stderr)


def _not_the_project(here: Path, data_file: Path, docs_dir: str) -> str:
    """generate writes the docs folder and .referral/ (the secret) where it runs: run elsewhere
    with --data, it would leave a copy of the site and a secret no published page uses."""
    project = data_file.resolve().parent
    return (
        f"{here} has no mkdocs.yml and the data file is in {project}, so this is not the project's "
        f"folder; generate writes {docs_dir}/ and .referral/ (the site secret) into the folder it "
        f"runs in, so it wrote nothing: run it in the project's folder (cd {project})"
    )


def _links(args: argparse.Namespace) -> int:
    site_url = (
        web_address(args.site_url, "--site-url")
        if args.site_url
        else site_url_from(Path.cwd() / "mkdocs.yml")
    )
    project = pipeline.Project.at(Path.cwd(), _readable_data(args.data, DATA_OPTION))
    now = pipeline.moment()
    data = pipeline.load(project, now)
    config_file = Path.cwd() / "mkdocs.yml"
    # Outside the project a new secret would key addresses of no page.
    secret = _site_secret(project, "links", sends_addresses=True, create=_in_project(project))
    layout = SiteLayout(as_of=owners_date(now, data.newsletter.timezone), secret=secret.value)
    folders = directory_urls_from(config_file) if config_file.is_file() else True
    links = partner_links(data, layout, site_url, directory_urls=folders)
    secret.keep()
    _say_secret(secret, project.secret_file)
    if secret.origin == "created":  # from here on, a Ctrl-C leaves that one file behind
        args.interrupted = SECRET_KEPT
    if read_record(project.memo_file, secret.value, project.docs_dir).other_secret:
        print(f"warning: {UNBUILT_LINKS_WARNING}", file=sys.stderr)
    for name, url in links:
        print(f"{name}\t{url}")
    insights = page_url(site_url, layout.insights_page, directory_urls=folders)
    print(f"Insights for {data.newsletter.owner} (yours only)\t{insights}")
    return 0


def _say_secret(secret: SiteSecret, secret_file: Path) -> None:
    """Name a secret made by this run: the addresses printed or built depend on it."""
    if secret.origin == "created":
        print(f"Created a local preview secret in {secret_file} (never commit it).", file=sys.stderr)
    elif secret.origin == "throwaway":
        print(THROWAWAY_WARNING, file=sys.stderr)
    if secret.warning:
        print(secret.warning, file=sys.stderr)


def _in_project(project: pipeline.Project) -> bool:
    """Whether the current folder is the project's: mkdocs.yml or the data file is here."""
    here = Path.cwd()
    return (here / "mkdocs.yml").is_file() or project.data_file.resolve().parent == here.resolve()


def _site_secret(project: pipeline.Project, command: str, **how: bool) -> SiteSecret:
    """The site's secret for ``command``; when there is none, run outside the project, the
    message says where it is: in the project's folder (.referral/secret), or the environment."""
    try:
        return resolve_secret(os.environ, project.secret_file, **how)
    except MissingSecret as error:
        if _in_project(project):
            raise
        raise MissingSecret(f"{error}, or run {command} in the project's folder") from None


def _guard(args: argparse.Namespace) -> int:
    """The plugin's leak guard, for a site another engine (Zensical) built from content/."""
    site = Path(args.site)
    if not site.is_dir():
        # Run from another folder, "site" alone did not say where it was looked for.
        raise ValueError(
            f"no built site at {site.absolute()}: build it first, or give its folder "
            "(python -m generator guard SITE)"
        )
    project = pipeline.Project.at(Path.cwd(), _readable_data(args.data, DATA_OPTION))
    now = pipeline.moment()
    data = pipeline.load(project, now)
    as_of = owners_date(now, data.newsletter.timezone)
    secret = _site_secret(project, "guard", create=False)
    config_file = Path.cwd() / "mkdocs.yml"
    public = site_public_text(config_file) if config_file.is_file() else ()
    leaks = guard.guard_site(site, data, SiteLayout(as_of=as_of, secret=secret.value), public_text=public)
    for leak in leaks:
        print(f"  - {leak.describe()}")
    scanned = len(guard.site_files(site))
    found, files = plural(len(leaks), "confidential value"), plural(scanned, "file")
    print(f"Leak guard: {found} out of place in {files} of {site}.")
    if not leaks:
        return 0
    moved = quarantine(site, _state_dir_of(site, project), site.resolve().name, (leak.file for leak in leaks))
    print(quarantine_note(moved, site))
    return 1


def _state_dir_of(site: Path, project: pipeline.Project) -> Path:
    """Where a leaking site is quarantined: the project's .referral/. Run from another folder
    (guard ../project/site --data ../project/partners.yaml), that is beside the site's
    mkdocs.yml, else beside the data file, not a new .referral/ in the folder it ran in."""
    if _in_project(project):
        return project.state_dir
    beside_site = site.resolve().parent
    if (beside_site / engines.CONFIG_FILE).is_file():
        return beside_site / pipeline.STATE_DIR
    return project.data_file.resolve().parent / pipeline.STATE_DIR


def _mail(args: argparse.Namespace) -> int:
    month, interval = mail_run.parse_month(args.month), parse_rate(args.rate)
    _readable_data(args.data, DATA_OPTION)  # said as every command says it, before the month's work
    request = mail_run.MailRequest(
        month, Path(args.out), args.send, interval, args.resend_uncertain, tuple(args.arrived), args.data
    )
    return mail_run.run_mail(request, Path.cwd(), os.environ)


def _schema(args: argparse.Namespace) -> int:
    text = render_schema()
    if not args.write:
        sys.stdout.write(text)
        return 0
    shown = os.path.relpath(_schema_project(Path.cwd()) / SCHEMA_PATH)
    target = Path(shown)
    data = text.encode("utf-8")
    if target.is_file() and target.read_bytes() == data:
        print(f"{shown} is up to date")
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    print(f"Wrote {shown}")
    return 0


def _schema_project(here: Path) -> Path:
    """The project whose schema/ to refresh: here when mkdocs.yml or the data file is, else the
    nearest folder above holding mkdocs.yml (run from content/, schema --write made
    content/schema/, which no editor's data file points to); else here, a project still to come."""
    if (here / engines.CONFIG_FILE).is_file() or (here / pipeline.DATA_FILE).is_file():
        return here
    return next((folder for folder in here.parents if (folder / engines.CONFIG_FILE).is_file()), here)
