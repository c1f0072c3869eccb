"""Where a command finds the project, its data file and its secret, run in its folder or not."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import engines, unchecked_site
from . import project as pipeline
from .data_file_access import refuse_unless_readable
from .site_config import data_file_from, read_site_config
from .site_secret import THROWAWAY_WARNING, MissingSecret, SiteSecret, resolve_secret

MKDOCS_DOCS_DIR = "docs"  # MkDocs' docs_dir when mkdocs.yml names none
DATA_OPTION = "--data PATH"  # how the commands but check and due are given another data file


_RUN_IN_PROJECT = "run the command in the project's folder, or name its mkdocs.yml with -f FILE"


def config_here() -> Path:
    """The mkdocs.yml of the folder the command runs in: every command but build and serve
    (whose -f names another) reads the project's settings from it."""
    return Path.cwd() / engines.CONFIG_FILE


def data_file_path(given: str | None) -> str:
    """The data file given, else the one the plugin in ./mkdocs.yml reads, else partners.yaml."""
    return given or os.path.relpath(data_file_from(config_here(), pipeline.DATA_FILE))


def readable_data(given: str | None, how: str) -> str:
    """The data file (:func:`data_file_path`) when it opens; else the located problem `check` prints,
    saying where it was looked for and how to name another (``how``: this command's way)."""
    path = data_file_path(given)
    if config_here().is_file():
        missing = f"create it, or give the data file's path with {how} (or as data_file in mkdocs.yml)"
    else:
        missing = f"run the command in the project's folder (where mkdocs.yml is), or give the data file's path with {how}"
    refuse_unless_readable(Path(path), path, given is not None, how, missing)
    return path


def in_project(project: pipeline.Project) -> bool:
    """Whether the current folder is the project's: mkdocs.yml or the data file is here."""
    return config_here().is_file() or project.data_file.resolve().parent == Path.cwd().resolve()


def not_the_project(here: Path, data_file: Path, docs_dir: str) -> str:
    """generate writes the docs folder and .referral/ (the secret) where it runs: run elsewhere
    with --data, it would leave a copy of the site and a secret no published page uses."""
    project = data_file.resolve().parent
    return (
        f"{here} has no mkdocs.yml and the data file is in {project}, so this is not the project's "
        f"folder; generate writes {docs_dir}/ and .referral/ (the site secret) into the folder it "
        f"runs in, so it wrote nothing: run it in the project's folder (cd {project})"
    )


def docs_dir_beside(given: str | None) -> Path | None:
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


def site_of(args: argparse.Namespace) -> engines.Site:
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


def site_secret(project: pipeline.Project, command: str, **how: bool) -> SiteSecret:
    """The site's secret for ``command``; when there is none, run outside the project, the
    message says where it is: in the project's folder (.referral/secret), or the environment."""
    try:
        return resolve_secret(os.environ, project.secret_file, **how)
    except MissingSecret as error:
        if in_project(project):
            raise
        raise MissingSecret(f"{error}, or run {command} in the project's folder") from None


def say_secret(secret: SiteSecret, secret_file: Path) -> None:
    """Name a secret made by this run: the addresses printed or built depend on it."""
    if secret.origin == "created":
        print(f"Created a local preview secret in {secret_file} (never commit it).", file=sys.stderr)
    elif secret.origin == "throwaway":
        print(THROWAWAY_WARNING, file=sys.stderr)
    if secret.warning:
        print(secret.warning, file=sys.stderr)


def folder_of_site(site: Path, project: pipeline.Project) -> Path:
    """The folder of the project a built site belongs to: here in the project's folder; run from
    another (guard ../project/site --data ../project/partners.yaml), the folder of the site's
    mkdocs.yml, else the data file's. Its .referral/ and mkdocs.yml are the project's, not
    whatever the folder the command ran in holds."""
    if in_project(project):
        return Path.cwd()
    beside_site = site.resolve().parent
    if (beside_site / engines.CONFIG_FILE).is_file():
        return beside_site
    return project.data_file.resolve().parent


def schema_project(here: Path) -> Path:
    """The project whose schema/ to refresh: here when mkdocs.yml or the data file is, else the
    nearest folder above holding mkdocs.yml (run from content/, schema --write made
    content/schema/, which no editor's data file points to); else here, a project still to come."""
    if (here / engines.CONFIG_FILE).is_file() or (here / pipeline.DATA_FILE).is_file():
        return here
    return next((folder for folder in here.parents if (folder / engines.CONFIG_FILE).is_file()), here)
