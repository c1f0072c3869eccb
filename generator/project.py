"""One generator run: load and validate the data, render it, write it. No MkDocs here."""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import validate
from .models import PartnersFile
from .render import SiteLayout, render_site
from .site_secret import SiteSecret, resolve_secret
from .writer import WriteReport, write_files

DATA_FILE = "partners.yaml"
DOCS_DIR = "content"
STATE_DIR = ".referral"
LAST_YEAR = 2100  # "today" beyond it is a typing mistake, and date arithmetic near year 9999 overflows


@dataclass(frozen=True)
class Project:
    """Where a referral site keeps its data, its docs folder and its private state."""

    root: Path
    data_file: Path
    docs_dir: Path
    state_dir: Path

    @classmethod
    def at(cls, root: Path, data_file: str = DATA_FILE, docs_dir: str = DOCS_DIR) -> Project:
        return cls(root, root / data_file, root / docs_dir, root / STATE_DIR)

    @property
    def manifest(self) -> Path:
        return self.state_dir / "manifest.json"

    @property
    def secret_file(self) -> Path:
        return self.state_dir / "secret"

    @property
    def display_name(self) -> str:
        try:
            return str(self.data_file.relative_to(self.root))
        except ValueError:
            return str(self.data_file)


@dataclass(frozen=True)
class Outcome:
    data: PartnersFile
    report: WriteReport
    secret: SiteSecret
    layout: SiteLayout


def today(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The date pages are rendered for: ``SOURCE_DATE_EPOCH`` when set, so builds reproduce."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return dt.date.today()
    try:
        day = dt.datetime.fromtimestamp(int(epoch[:12]), dt.UTC).date() if len(epoch) <= 12 else None
    except (OverflowError, OSError, ValueError):
        day = None
    if day is None or day.year >= LAST_YEAR:
        raise ValueError(
            f"SOURCE_DATE_EPOCH '{epoch[:20]}' is not a time before {LAST_YEAR}: "
            "give seconds since 1970, e.g. $(git log -1 --format=%ct)"
        )
    return day


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a run builds millions of small objects without cycles.

    Each full collection walks every live object, so the collections alone made loading grow
    faster than the file: 10,000 partners took 40 s of CPU to load with it, 20 s without.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(project: Project, as_of: dt.date) -> PartnersFile:
    with collector_paused():
        return validate.load_partners(project.data_file, as_of, display_name=project.display_name)


def generate(
    project: Project,
    as_of: dt.date,
    environ: Mapping[str, str],
    *,
    publishing: bool = False,
    site_url: str = "",
) -> Outcome:
    """Validate first; only a valid file renders, and only changed files are written."""
    with collector_paused():
        data = load(project, as_of)
        secret = resolve_secret(environ, project.secret_file, publishing=publishing)
        layout = SiteLayout(as_of=as_of, secret=secret.value, site_url=site_url)
        files = render_site(data, layout)
        report = write_files(project.docs_dir, files, project.manifest)
        secret.keep()
    return Outcome(data, report, secret, layout)
