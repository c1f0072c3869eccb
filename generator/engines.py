"""One command, three engines: build or serve the site with MkDocs, ProperDocs or Zensical.

MkDocs and ProperDocs run the plugin, which renders partners.yaml before the build and runs
the leak guard after it. Zensical runs no MkDocs plugin, so for it this module does the
plugin's two jobs around ``zensical build``, and cleans what Zensical leaves behind (feeds
dated at build time, private pages in its ``.cache/``). Every engine runs as a program from
its own virtual environment: their pins clash (Zensical wants a newer Click and Markdown).
No MkDocs import here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import project as pipeline
from . import unchecked_site
from .address_book import handover_warning
from .engine_output import clean_cache, fix_feed_dates, restore_cache
from .numbers_in_words import plural
from .presentation import missing_logo, zensical_brand_config
from .problems import InvalidData
from .quarantine import quarantine, quarantine_note
from .site_config import PLUGIN_NAME, data_file_from, read_site_config, site_public_text
from .site_secret import MissingSecret, gone_warning, moved_warning, resolve_secret
from .stop_signals import passed_on
from .writer import ForeignFileError, write_own_file


class EngineError(Exception):
    """The engine is missing, failed, or its output did not pass the leak guard."""


@dataclass(frozen=True)
class Engine:
    name: str
    runs_plugin: bool  # MkDocs and ProperDocs run generator/plugin.py themselves
    requirements: str  # the pins that install it, for the message when it is missing

    @property
    def variable(self) -> str:
        """The environment variable that may name the program, e.g. REFERRAL_ZENSICAL."""
        return f"REFERRAL_{self.name.upper()}"

    @property
    def venv(self) -> str:
        return f".venv-{self.name}"


ENGINES = {
    engine.name: engine
    for engine in (
        Engine("mkdocs", True, "requirements.txt"),
        Engine("properdocs", True, "requirements-properdocs.txt"),
        Engine("zensical", False, "requirements-zensical.txt"),
    )
}
DEFAULT_ENGINE = "mkdocs"
CONFIG_FILE = "mkdocs.yml"
PLUGIN = PLUGIN_NAME
# Beside mkdocs.yml (Zensical reads paths relative to its config): mkdocs.yml plus the brand.
BRAND_CONFIG = ".referral-zensical.yml"


@dataclass(frozen=True)
class Site:
    """A site project as the engines see it: mkdocs.yml and the folders it names."""

    root: Path
    config_file: Path
    project: pipeline.Project
    site_dir: Path

    @classmethod
    def at(cls, cwd: Path, config_file: str = CONFIG_FILE, data_file: str | None = None) -> Site:
        """The project of ``config_file`` (``-f``), whose folder is the project's as MkDocs and the
        plugin take it (docs_dir, site_dir, the data and .referral/ beside it), from wherever the
        command runs; ``data_file`` (``--data``) as typed, relative to ``cwd``."""
        config_path = cwd / config_file
        root = config_path.parent
        data_file = str(cwd / data_file) if data_file else data_file_from(config_path, pipeline.DATA_FILE)
        config = read_site_config(config_path)
        docs_dir = str(config.get("docs_dir") or "docs")
        site_dir = root / str(config.get("site_dir") or "site")
        return cls(root, config_path, pipeline.Project.at(root, data_file, docs_dir), site_dir)


def _shown(folder: Path) -> str:
    """``site/`` when the folder is in the current one, else its whole path (a build run with
    -f from elsewhere writes beside that mkdocs.yml)."""
    return f"{folder.name}/" if folder.parent == Path.cwd() else f"{folder}/"


def locate(engine: Engine, root: Path, environ: Mapping[str, str]) -> Path:
    """The engine's program: named by REFERRAL_<ENGINE>, else in .venv-<engine>/ of the
    project, else beside this Python (MkDocs in .venv), else on PATH."""
    named = environ.get(engine.variable, "").strip()
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise EngineError(f"{engine.variable} names {named}, which is not a program here")
        return Path(named)
    candidates = [root / engine.venv / "bin" / engine.name, Path(sys.executable).parent / engine.name]
    found = shutil.which(engine.name)
    candidates += [Path(found)] if found else []
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise EngineError(
        f"{engine.name} is not installed. Install it once with: python3 -m venv {engine.venv} && "
        f"{engine.venv}/bin/python -m pip install -r {engine.requirements}"
        + (" && " + f"{engine.venv}/bin/python -m pip install --no-deps ." if engine.runs_plugin else "")
    )


def engine_environ(environ: Mapping[str, str]) -> dict[str, str]:
    # Material >= 9.7 prints a banner about MkDocs 2.0 at every build; it says nothing here.
    return {**environ, "NO_MKDOCS_2_WARNING": "1"}


def build(engine: Engine, site: Site, environ: Mapping[str, str]) -> str:
    """Validate, generate, build, guard; on any failure nothing publishable is left in site/."""
    program = locate(engine, site.root, environ)
    if killed := unchecked_site.move_aside(site.project.state_dir):  # before bad data stops the build
        print(f"warning: {killed}.", file=sys.stderr, flush=True)
    if engine.runs_plugin:
        _require_plugin(site)
        # Bad data stops here, before the engine runs: nothing on disk changes.
        pipeline.load(site.project, pipeline.moment(environ))
        # So does a secret the plugin refuses (blank; short with REFERRAL_PUBLISH=1; none in CI):
        # refused in the engine's run, it moved the last good site/ away as if it had leaked.
        # Only after the checks above, which a CI run without the secret must still hear first.
        resolve_secret(environ, site.project.secret_file)
        command = [str(program), "build", "--strict", "-f", str(site.config_file)]
        _run_or_quarantine(command, site, environ)
        return f"Built {_shown(site.site_dir)} with {engine.name} (the plugin generated and guarded it)."
    outcome = _generate(site, environ)
    config = zensical_config(site, outcome)
    cache = site.root / ".cache"
    restore_cache(cache, site.project.state_dir)
    unchecked_site.note_unchecked(site.project.state_dir, site.site_dir)
    try:
        _run_or_quarantine([str(program), "build", "--strict", "-f", str(config)], site, environ)
    finally:
        removed = clean_cache(cache, site.project.state_dir, outcome)
    fix_feed_dates(site.site_dir, environ, outcome.data.newsletter.timezone)
    _guard_or_quarantine(site, outcome)
    unchecked_site.checked(site.project.state_dir)
    return (
        f"Built {_shown(site.site_dir)} with {engine.name}: {outcome.report}; "
        f"{cache_cleaned(removed)}; leak guard passed."
    )


def cache_cleaned(removed: int) -> str:
    """How many private entries left Zensical's cache: never "1 private entries"."""
    entries = plural(removed, "private entry", "private entries") if removed else "no private entries"
    return f"{entries} taken out of .cache/"


def _require_plugin(site: Site) -> None:
    """Without the plugin in mkdocs.yml, MkDocs would publish stale pages with no guard; and the
    plugin reads its own data_file, so other data given with --data would be checked, not built."""
    plugins = read_site_config(site.config_file).get("plugins") or []
    names = [next(iter(item)) if isinstance(item, dict) else item for item in plugins]
    if "referral-newsletter" not in names:
        raise EngineError(f"{site.config_file} does not list the referral-newsletter plugin")
    options = next((item[PLUGIN] for item in plugins if isinstance(item, dict) and PLUGIN in item), None)
    data_file = str((options or {}).get("data_file") or pipeline.DATA_FILE)
    if (site.config_file.parent / data_file).resolve() != site.project.data_file.resolve():
        raise EngineError(
            f"the referral-newsletter plugin in {site.config_file.name} builds from data_file: {data_file}, "
            f"not {site.project.data_file.name}: set data_file there, or leave out --data"
        )


def _generate(site: Site, environ: Mapping[str, str]) -> pipeline.Outcome:
    site_url = str(read_site_config(site.config_file).get("site_url") or "")
    outcome = pipeline.generate(site.project, pipeline.moment(environ), environ, site_url=site_url)
    if outcome.moved:
        print(f"warning: {moved_warning(outcome.moved)}", file=sys.stderr, flush=True)
    if outcome.gone:
        print(f"warning: {gone_warning(list(outcome.gone))}", file=sys.stderr, flush=True)
    if outcome.handed:
        print(f"warning: {handover_warning(list(outcome.handed))}", file=sys.stderr, flush=True)
    return outcome


def zensical_config(site: Site, outcome: pipeline.Outcome) -> Path:
    """The config Zensical builds with. The plugin shows the business and its logo in MkDocs'
    header; Zensical runs no plugin, so a generated config inheriting mkdocs.yml carries them."""
    newsletter = outcome.data.newsletter
    text = zensical_brand_config(newsletter, site.config_file.name)
    if text is None:
        return site.config_file
    project = site.project
    if problem := missing_logo(newsletter, project.docs_dir, project.data_file, project.display_name):
        raise EngineError(problem)
    target = site.config_file.parent / BRAND_CONFIG
    write_own_file(target, text)
    return target


def _run_or_quarantine(command: Sequence[str], site: Site, environ: Mapping[str, str]) -> None:
    with subprocess.Popen(command, cwd=site.root, env=engine_environ(environ)) as engine, passed_on(engine):
        returncode = engine.wait()
    if returncode != 0:
        where = _fail_closed(site)
        raise EngineError(f"{Path(command[0]).name} build failed (exit {returncode}).{where}")


def _guard_or_quarantine(site: Site, outcome: pipeline.Outcome) -> None:
    from . import guard  # here: the command line reads ENGINES for every command's --help

    public = site_public_text(site.config_file)
    leaks = guard.guard_site(site.site_dir, outcome.data, outcome.layout, public_text=public)
    if leaks:
        where = _fail_closed(site, [leak.file for leak in leaks])
        raise EngineError(f"{guard.leak_report(leaks)}{where}")


def _fail_closed(site: Site, leaking: Sequence[str] = ()) -> str:
    """Move a failed build's output where no deploy step looks; the sentence that says so.

    Nothing to move (the plugin already moved it, or the engine wrote nothing) is fine.
    """
    if not any(not entry.name.startswith(".") for entry in site.site_dir.glob("*")):
        return ""
    target = quarantine(site.site_dir, site.project.state_dir, site.site_dir.name, leaking)
    return "\n" + quarantine_note(target, site.site_dir)


POLL_SECONDS = 0.3  # how often serve looks at partners.yaml: a save shows within a second


def serve(engine: Engine, site: Site, environ: Mapping[str, str], dev_addr: str | None) -> int:
    """Preview with live reload. MkDocs and ProperDocs watch partners.yaml through the plugin;
    for Zensical this process watches it and renders again on every save, and when the
    preview stops, cleans the cache and runs the leak guard on the site/ it wrote."""
    program = locate(engine, site.root, environ)
    address = ["-a", dev_addr] if dev_addr else []
    if engine.runs_plugin:
        _require_plugin(site)
        # Live reload is off with Click newer than 8.2.1 unless asked for.
        command = [str(program), "serve", "--livereload", "-f", str(site.config_file), *address]
        return subprocess.run(command, cwd=site.root, env=engine_environ(environ), check=False).returncode
    latest = [_generate(site, environ)]
    config = zensical_config(site, latest[0])
    restore_cache(site.root / ".cache", site.project.state_dir)
    command = [str(program), "serve", "-f", str(config), *address]
    server = subprocess.Popen(command, cwd=site.root, env=engine_environ(environ))
    # A plain `kill` (SIGTERM) ends the preview like Ctrl-C: the cache is still cleaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        _regenerate_on_save(site, environ, server, latest)
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait()
        clean_cache(site.root / ".cache", site.project.state_dir, latest[-1])
        # Zensical's serve writes site/ as a build does: guard it, so no preview that leaks is
        # left where a deploy step would publish it.
        _guard_or_quarantine(site, latest[-1])
    return server.returncode if server.returncode and server.returncode > 0 else 0


def _regenerate_on_save(
    site: Site, environ: Mapping[str, str], server: subprocess.Popen[bytes], latest: list[pipeline.Outcome]
) -> None:
    """Render again whenever partners.yaml changes, until the server stops. Zensical then sees
    the changed Markdown and reloads the browser. Bad data is reported and the pages stay;
    ``latest`` receives each new outcome (the cache is cleaned with the newest)."""
    seen = _signature(site.project.data_file)
    while server.poll() is None:
        time.sleep(POLL_SECONDS)
        current = _signature(site.project.data_file)
        if current == seen:
            continue
        seen = current
        try:
            outcome = _generate(site, environ)
        except InvalidData as error:
            print(error.report, file=sys.stderr, flush=True)
            continue
        except (ForeignFileError, MissingSecret, OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr, flush=True)
            continue
        latest.append(outcome)
        try:
            zensical_config(site, outcome)  # a new business name or logo shows on the next reload
        except (EngineError, ForeignFileError) as error:
            print(f"error: {error}", file=sys.stderr, flush=True)
        print(f"{site.project.display_name} changed: {outcome.report}", flush=True)


def _signature(path: Path) -> tuple[int, int, int] | None:
    """What changes when an editor saves (in place or by renaming a new file over it)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_ino, status.st_mtime_ns, status.st_size)
