"""The command line's words: each command, its options, its --help and what it says when stopped."""

from __future__ import annotations

import argparse
import importlib
import os
from typing import TypeAlias

from . import engines
from . import project as pipeline
from .cli_places import MKDOCS_DOCS_DIR
from .mail import DEFAULT_RATE, OUT_DIR
from .runnable import generator_command
from .schema import SCHEMA_PATH

# What `python -m generator --help` starts with.
DESCRIPTION = "python -m generator: check, generate, build, preview, guard and mail the referral site."
# Where a command reads the data when not told: where the plugin does (mkdocs build).
DATA_HELP = f"the data file (default: data_file in mkdocs.yml, else {pipeline.DATA_FILE})"
# What a command did not do when the data file is refused: the end of its summary line.
GENERATED_NOTHING = "nothing was generated"
# Said on Ctrl-C by a command that writes nothing; one that writes says what is left (set_defaults).
NOTHING_CHANGED = "interrupted; nothing was changed"
# argparse's subcommand list, generic in its type stubs only (so a string here).
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


# What each command's --help ends with: the ways README.md runs it, as runnable.py writes them
# (typed as they stand: `.venv/bin/python -m generator check` from the project's folder).
EXAMPLES = {
    "check": ("check", "check ../other-site/partners.yaml"),
    "due": ("due",),
    "generate": ("generate", "generate --docs-dir content"),
    "build": ("build", "build --engine zensical"),
    "serve": ("serve", "serve --engine zensical -a 127.0.0.1:8001"),
    "links": ("links > links.tsv", "links --site-url https://partners.example.com/"),
    "guard": ("guard", "guard site --data partners.yaml"),
    "mail": (
        "mail --month 2026-03",
        "mail --month 2026-03 --send --rate 1/s",
        "mail --month 2026-03 --send --arrived steve-hall",
        "mail --month 2026-03 --send --resend anne-ortiz",
    ),
    "schema": ("schema > partners.schema.json", "schema --write"),
}


class _Later:
    """A command's function, imported when that command runs: `check` loaded the renderer, the
    leak guard, mail and the engines' code with the command line, half of its 0.3 s."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def __call__(self, args: argparse.Namespace) -> int:
        run = getattr(importlib.import_module(f"{__package__}.{self.module}"), self.name)
        return int(run(args))


def _where_to_run() -> str:
    return (
        "Run the commands in the project's folder (where mkdocs.yml is): without a PATH or --data they "
        "read the data file mkdocs.yml names (else partners.yaml), and they keep the local secret in "
        f".referral/ there. {generator_command('COMMAND --help')} gives a command's options and "
        "examples; README.md has the rest."
    )


def make_parser() -> argparse.ArgumentParser:
    # The program's name stays the contract's (DESIGN.md); the examples are lines to type.
    parser = argparse.ArgumentParser(
        prog="python -m generator", description=DESCRIPTION, epilog=_where_to_run()
    )
    parser.set_defaults(interrupted=NOTHING_CHANGED, report_to_stdout=False)
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
    examples = "\n".join(f"  {generator_command(line)}" for line in EXAMPLES[name])
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
    # check's report is its output, on stdout as linters print theirs (cli._run).
    check.set_defaults(
        run=_Later("cli_reports", "run_check"), refused=GENERATED_NOTHING, report_to_stdout=True
    )
    due = _command(
        commands, "due", "list open referrals with no news for longer than due_after_days, oldest first"
    )
    due.add_argument("path", nargs="?", metavar="PATH", help=DATA_HELP)
    due.set_defaults(run=_Later("cli_reports", "run_due"), refused="no referral was listed")


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
        run=_Later("cli_writes", "run_generate"),
        refused=GENERATED_NOTHING,
        interrupted="interrupted; no page was left half-written: run it again to finish",
    )


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
        run=_Later("cli_writes", "run_build"),
        refused="nothing was generated or built",
        interrupted="interrupted; this build did not check site/: do not publish it",
    )
    serve.set_defaults(
        run=_Later("cli_writes", "run_serve"),
        refused="nothing was generated or served",
        interrupted="interrupted; the preview stopped",
    )


def _add_links_command(commands: _Commands) -> None:
    links = _command(commands, "links", "print each partner's private page address, to send to them")
    links.add_argument("--data", metavar="PATH", help=DATA_HELP)
    links.add_argument(
        "--site-url", metavar="URL", help="the published site's address (default: site_url in mkdocs.yml)"
    )
    links.set_defaults(run=_Later("cli_reports", "run_links"), refused="no address was printed")


def _add_guard_command(commands: _Commands) -> None:
    scan = _command(
        commands, "guard", "scan a built site for confidential data (for builds without the plugin)"
    )
    scan.add_argument(
        "site", nargs="?", default="site", metavar="SITE", help="the built site folder (default: %(default)s)"
    )
    scan.add_argument("--data", metavar="PATH", help=DATA_HELP)
    scan.set_defaults(
        run=_Later("cli_reports", "run_guard"),
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
        default=OUT_DIR,
        metavar="FOLDER",
        help="the .eml files' folder (default: %(default)s)",
    )
    mail.add_argument("--send", action="store_true", help="deliver over SMTP (REFERRAL_SMTP_* variables)")
    mail.add_argument(
        "--rate",
        default=DEFAULT_RATE,
        metavar="RATE",
        help="N/s, N/min or N/h (default: %(default)s)",
    )
    mail.add_argument("--resend-uncertain", action="store_true", help="resend messages cut off mid-delivery")
    mail.add_argument(
        "--resend",
        action="append",
        default=[],
        metavar="PARTNER_ID",
        help="with --send: send this partner's message again, even if delivered, and no one else's "
        "(repeatable, or comma-separated)",
    )
    mail.add_argument(
        "--arrived",
        action="append",
        default=[],
        metavar="PARTNER_ID",
        help="an uncertain message you found in your sent mail: log it as delivered (repeatable)",
    )
    # mail --send ends its own interrupted delivery with a summary; this is for a stop outside it.
    mail.set_defaults(
        run=_Later("cli_writes", "run_mail"),
        refused="no message was written or sent",
        interrupted="interrupted; run the same command again to finish (the send log knows who got what)",
    )


def _add_schema_command(commands: _Commands) -> None:
    schema = _command(commands, "schema", "print the JSON Schema of partners.yaml (for editors)")
    schema.add_argument("--write", action="store_true", help=f"write it to {SCHEMA_PATH} if it changed")
    schema.set_defaults(run=_Later("cli_writes", "run_schema"), refused=GENERATED_NOTHING)
