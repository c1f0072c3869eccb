"""One generator run: load and validate the data, render it, write it. No MkDocs here."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import address_book, memo_record, stamp, validate
from .forked import Pending, can_fork, forked
from .memo_record import PageRecord
from .models import PartnersFile
from .moment import BuildMoment, When, owners_date
from .project_lock import one_run_at_a_time
from .render_memo import DataDigests, RenderMemo, data_digests
from .render_split import MIN_PAGES, PagesInTurn
from .site_secret import MissingSecret, SiteSecret, resolve_secret
from .write_undo import replace_file
from .writer import PageStream, WriteReport, read_manifest, write_bytes

if TYPE_CHECKING:  # imported where used: `check` and `due` load the data and render nothing
    from .render import SiteLayout

DATA_FILE = "partners.yaml"
DOCS_DIR = "content"
STATE_DIR = ".referral"
# The render memo's digests of the data, as worked out aside (None: not delivered, work them out here).
Digests = Callable[[], DataDigests | None]
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
    def stamp_file(self) -> Path:
        return self.state_dir / "render-stamp.json"

    @property
    def memo_file(self) -> Path:
        return self.state_dir / "render-memo.json"

    @property
    def facts_file(self) -> Path:
        return self.state_dir / "build-facts.json"

    @property
    def address_book(self) -> Path:
        return self.state_dir / "addresses.json"

    @property
    def display_name(self) -> str:
        try:
            return str(self.data_file.relative_to(self.root))
        except ValueError:
            return str(self.data_file)


@dataclass(frozen=True)
class Outcome:
    report: WriteReport
    secret: SiteSecret
    layout: SiteLayout
    loader: Callable[[], PartnersFile]
    rendered: bool = True  # false: the inputs were unchanged, nothing was rendered or written
    inputs: str = ""  # the render stamp's digest of what the output depends on ("": none yet)
    moved: int = 0  # private pages moved to new addresses by a secret unlike the last run's
    gone: tuple[str, ...] = ()  # titles of private pages removed under the same secret
    handed: tuple[address_book.Handover, ...] = ()  # addresses now showing another name

    @property
    def summary(self) -> str:
        if self.rendered:
            return str(self.report)
        return f"{self.report} (nothing changed since the last run: not rendered)"

    @functools.cached_property
    def data(self) -> PartnersFile:
        """The validated data; a run that skipped rendering loads it only when asked."""
        return self.loader()


def moment(environ: Mapping[str, str] = os.environ) -> BuildMoment:
    """The run's moment: ``SOURCE_DATE_EPOCH`` when set, so builds reproduce; else the clock.
    Read once per run: pages are dated by its date where the owner lives (moment.owners_date)."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return BuildMoment(_now())
    if not (epoch.isascii() and epoch.isdigit()):  # MkDocs would stop on it in a traceback
        raise ValueError(
            f"SOURCE_DATE_EPOCH '{epoch[:20]}' is not a whole number of seconds since 1970: "
            "give one, e.g. $(git log -1 --format=%ct), or unset it"
        )
    try:
        instant = dt.datetime.fromtimestamp(int(epoch[:12]), dt.UTC) if len(epoch) <= 12 else None
    except (OverflowError, OSError, ValueError):
        instant = None
    if instant is None or instant.year >= LAST_YEAR:
        raise ValueError(
            f"SOURCE_DATE_EPOCH '{epoch[:20]}' is not a time before {LAST_YEAR}: "
            "give seconds since 1970, e.g. $(git log -1 --format=%ct)"
        )
    return BuildMoment(instant)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today(environ: Mapping[str, str] = os.environ) -> dt.date:
    """The run's date in UTC; pages are dated by the owner's (:func:`moment`)."""
    return moment(environ).utc_date


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
            _made_old()
            gc.enable()


def _made_old() -> None:
    """Everything the run made moved at once to the collector's oldest generation (two list
    splices), where objects that outlive two collections go: left young, the first allocation
    after the pause started a collection over all of them (0.1 s at 10,000 partners, the last
    step of a run), and a second one later. Cycles among them are still found, by the next full
    collection; nothing stays frozen."""
    gc.freeze()
    gc.unfreeze()


@contextmanager
def _records_kept_on_error(*records: Path) -> Iterator[None]:
    """The last run's records back as they were when writing is refused or fails: the writer
    puts the docs folder back too, and a record is checked against the files before any use."""
    saved = {record: record.read_bytes() for record in records if record.is_file()}
    try:
        yield
    except (Exception, KeyboardInterrupt):
        for record, content in saved.items():
            with contextlib.suppress(OSError):  # then the next run renders everything
                replace_file(record, content)
        raise


@contextmanager
def _secret_kept(secret: SiteSecret, state_dir: Path) -> Iterator[None]:
    """A new secret saved before the pages keyed by it are written, and removed with them (and
    the state folder, if it made it) when writing them fails: no page is keyed by a secret
    nobody has, and a failed run leaves nothing behind."""
    made_folder = not state_dir.exists()
    secret.keep()
    try:
        yield
    except (Exception, KeyboardInterrupt):
        secret.discard()
        if made_folder:
            with contextlib.suppress(OSError):  # not empty: another file of the run's is kept
                state_dir.rmdir()
        raise


def load(project: Project, when: When, modelled: validate.Modelled | None = None) -> PartnersFile:
    with collector_paused():
        return validate.load_partners(
            project.data_file, when, display_name=project.display_name, modelled=modelled
        )


def generate(
    project: Project,
    when: When,
    environ: Mapping[str, str],
    *,
    publishing: bool = False,
    site_url: str = "",
    memo: RenderMemo | None = None,
) -> Outcome:
    """Validate first; only a valid file renders, and only changed files are written. When
    nothing the output depends on changed since the last run, nothing is rendered at all.
    Pages are dated by ``when`` where the owner lives (newsletter.timezone)."""
    with one_run_at_a_time(project.root):
        return _generate(project, when, environ, publishing, site_url, memo)


def _generate(
    project: Project,
    when: When,
    environ: Mapping[str, str],
    publishing: bool,
    site_url: str,
    memo: RenderMemo | None,
) -> Outcome:
    digest = _inputs_digest(project, environ, site_url)
    if digest is not None and (unchanged := _unchanged_since_last_run(project, when, digest)) is not None:
        as_of = owners_date(when, unchanged)
        return _unchanged_outcome(project, when, as_of, environ, publishing, site_url, digest(as_of))
    with collector_paused(), _DigestsAside() as aside:
        data = load(project, when, aside.start)
        as_of = owners_date(when, data.newsletter.timezone)
        inputs = "" if digest is None else digest(as_of)
        secret = resolve_secret(environ, project.secret_file, publishing=publishing)
        layout = _layout(as_of, secret, site_url)
        digests = aside.digests(data, keyed=secret.origin != "throwaway")
        record, report, rendered = _render_and_write(project, data, layout, secret, memo, digests)
        # Still with the collector paused: one full collection over the model costs 0.5 s at
        # 10,000 partners, as much as the rest of a run that renders one page.
        _record_run(project, inputs, data.newsletter.timezone, secret, rendered, record, report)
    moved = _private_pages(rendered.paths, layout) if record.other_secret else 0
    return Outcome(
        report,
        secret,
        layout,
        lambda: data,
        inputs=inputs,
        moved=moved,
        gone=_gone(report, record, layout),
        handed=_handed_over(project, data, layout, secret),
    )


def _unchanged_since_last_run(project: Project, when: When, digest: Callable[[dt.date], str]) -> str | None:
    """The owner's time zone the last run recorded, when nothing its output depends on has
    changed since (its pages are all still on disk as written); else None."""
    return stamp.fresh_zone(
        project.stamp_file,
        project.manifest,
        project.docs_dir,
        lambda zone: digest(owners_date(when, zone)),
    )


def _render_and_write(
    project: Project,
    data: PartnersFile,
    layout: SiteLayout,
    secret: SiteSecret,
    memo: RenderMemo | None,
    digests: Digests | None,
) -> tuple[PageRecord, WriteReport, RenderedBytes]:
    """Every page rendered and written as it is ready: a render that fails part-way is undone
    with the pages written before it, as a write that fails part-way is."""
    record, keep = _page_record(project, secret)
    rendered = render_bytes(data, layout, memo, keep, keyed=secret.origin != "throwaway", digests=digests)
    with (
        contextlib.closing(rendered),
        _secret_kept(secret, project.state_dir),
        _records_kept_on_error(project.stamp_file, project.memo_file),
    ):
        stamp.forget(project.stamp_file)
        memo_record.forget(project.memo_file)
        report = write_bytes(
            project.docs_dir,
            rendered.pages,
            project.manifest,
            rendered.kept,
            last_size=record.size_of,
            owned=layout.owned_folders,
        )
    return record, report, rendered


def _gone(report: WriteReport, record: PageRecord, layout: SiteLayout) -> tuple[str, ...]:
    """The titles of the partner pages this run removed from addresses the last run published
    under this same secret: a new secret is said as moved, and a throwaway preview's pages (in
    no record) were never sent to anyone."""
    if record.other_secret:
        return ()
    return tuple(
        title
        for path, title in report.private_removed
        if path in record.pages and path != layout.insights_page
    )


def _handed_over(
    project: Project, data: PartnersFile, layout: SiteLayout, secret: SiteSecret
) -> tuple[address_book.Handover, ...]:
    """The partners' addresses that showed another name in an earlier run (address_book);
    a throwaway preview's addresses were never sent to anyone."""
    if secret.origin == "throwaway":
        return ()
    pages = {layout.partner_page(partner): (partner.id, partner.name) for partner in data.partners}
    return tuple(address_book.hand_overs(project.address_book, secret.value, pages))


def _private_pages(paths: Iterable[str], layout: SiteLayout) -> int:
    """The private pages a run wrote (each partner's and the owner's insights), not their index."""
    folder = f"{layout.private_dir}/"
    return sum(1 for path in paths if path.startswith(folder) and path != layout.private_index)


def _page_record(
    project: Project, secret: SiteSecret
) -> tuple[PageRecord, Callable[[str, bytes], bool] | None]:
    """The last run's page record and what it lets a render keep: nothing without a record (a
    first run, or a throwaway secret's: CI's preview has none)."""
    if secret.origin == "throwaway":
        return PageRecord(), None
    record = memo_record.read_record(project.memo_file, secret.value, project.docs_dir)
    return record, record.keeper(project.docs_dir) if record.pages and record.keys_hold else None


def _record_run(
    project: Project,
    inputs: str,
    zone: str,
    secret: SiteSecret,
    rendered: RenderedBytes,
    record: PageRecord,
    report: WriteReport,
) -> None:
    """The stamp and the render memo's record of a run that has written its files."""
    written = stamp.written_states(project.docs_dir, rendered.contents, report.written, rendered.since)
    states = written | record.states(rendered.kept)
    if inputs:
        with _unrecorded_on_error(project.stamp_file):
            stamp.write_stamp(project.stamp_file, states, inputs, zone)
    if secret.origin != "throwaway":  # its keys would match no later run: store nothing
        with _unrecorded_on_error(project.memo_file):
            memo_record.write_record(
                project.memo_file, secret.value, project.docs_dir, rendered.keys(), states
            )


@contextmanager
def _unrecorded_on_error(record: Path) -> Iterator[None]:
    """A record the run could not write (a full disk) is left out, not half written: it only
    spares the next run work (without it, that run renders every page again), and the pages
    this run wrote are whole and listed. Failing the run there reported an error (a traceback
    under mkdocs build) for a docs folder already complete."""
    try:
        yield
    except OSError:
        with contextlib.suppress(OSError):
            record.unlink(missing_ok=True)


class RenderedBytes:
    """The files a run renders, given out as each is ready (:attr:`pages`, read once); their
    :func:`stamp.content_state` as they pass (:attr:`contents`); the render memo's keys once
    all have passed; the files ``kept`` unrendered."""

    def __init__(
        self,
        paths: list[str],
        ready: Iterable[tuple[str, bytes]],
        keys: Callable[[], Mapping[str, bytes]],
        kept: frozenset[str],
    ) -> None:
        self.paths = paths
        self.kept = kept
        self.since = stamp.clock_ns()  # before any of them is written
        self.contents: dict[str, stamp.FileState] = {}
        self._keys = keys
        self._passing = self._recorded(ready)

    @property
    def pages(self) -> PageStream:
        return PageStream(self.paths, self._passing)

    def keys(self) -> Mapping[str, bytes]:
        return self._keys()

    def close(self) -> None:
        """Stop rendering (a caller that stopped early): the other process ends too."""
        self._passing.close()

    def _recorded(self, ready: Iterable[tuple[str, bytes]]) -> Generator[tuple[str, bytes], None, None]:
        pages = iter(ready)
        try:
            for path, page in pages:
                self.contents[path] = stamp.content_state(page)
                yield path, page
        finally:
            if isinstance(pages, Generator):  # the render's own clean-up, now, not when collected
                pages.close()


def render_bytes(
    data: PartnersFile,
    layout: SiteLayout,
    memo: RenderMemo | None = None,
    keep: Callable[[str, bytes], bool] | None = None,
    *,
    keyed: bool = True,
    digests: Digests | None = None,
) -> RenderedBytes:
    """Every generated file but those ``keep`` accepts, encoded page by page as it is rendered:
    the pages' symbols (✓ ● ○ →) make Python hold their text at two bytes a character, UTF-8 at
    about one. Without ``keyed``, no render memo keys are worked out (a throwaway secret's would
    match no later run). With ``digests`` (:class:`_DigestsAside`), the keys are put together
    here once every page has passed; without, the process rendering beside this one works them
    out before it renders."""
    from .render import render_pages

    pages = render_pages(data, layout, memo, keep, digests or _none)
    if memo is not None:  # a preview's memo keeps what it renders: in this process, page by page
        files = {path: text.encode("utf-8") for path, text in pages.items()}
        paths = sorted(files)  # written in the order of their paths, as any mapping is
        return RenderedBytes(paths, ((path, files[path]) for path in paths), pages.memo_keys, pages.kept)
    keys: Callable[[], Mapping[str, bytes]] = pages.memo_keys if keyed else dict
    renderers = _insights_last(pages.renderers, layout.insights_page)
    if digests is not None:  # nothing aside for the process rendering beside this one
        alone = PagesInTurn(renderers, _none)
        return RenderedBytes(alone.paths, alone, keys, pages.kept)
    in_turn = PagesInTurn(renderers, keys)
    return RenderedBytes(in_turn.paths, in_turn, in_turn.aside_result, pages.kept)


def _insights_last(renderers: Mapping[str, Callable[[], str]], insights: str) -> dict[str, Callable[[], str]]:
    """The insights page (0.65 s at 10,000 partners) last, where the process rendering beside
    this one, from the end, begins: rendered here, first, it held this process while the other's
    pages piled up in it, 30 MB of them. The order of writing is no order of the output."""
    ordered = {path: render for path, render in renderers.items() if path != insights}
    if insights in renderers:
        ordered[insights] = renderers[insights]
    return ordered


def _none() -> None:
    return None


class _DigestsAside:
    """The render memo's digests of the data (render_memo.DataDigests: every record serialised,
    0.5 s at 10,000 partners) worked out by a forked process from the moment the model is built,
    while this one checks the rules across records and builds the views: the second core is idle
    there until the render splits. Not for a small file (the fork costs more) or without a
    second core; its process ends with the block."""

    def __init__(self) -> None:
        self._ends = contextlib.ExitStack()
        self._started: tuple[PartnersFile, Pending[DataDigests]] | None = None

    def __enter__(self) -> _DigestsAside:
        return self

    def __exit__(self, *error: object) -> None:
        self._ends.close()

    def start(self, data: PartnersFile) -> None:
        """For load's ``modelled``: once only (a file refused by the rules is modelled again)."""
        if self._started is None and len(data.partners) >= MIN_PAGES and can_fork():
            self._started = (data, self._ends.enter_context(forked(functools.partial(data_digests, data))))

    def digests(self, data: PartnersFile, *, keyed: bool) -> Digests | None:
        """What gives the digests of ``data`` (None from it: the process sent nothing, work them
        out here); None when they were not started from this very model, or the run records no
        keys (a throwaway secret's)."""
        if self._started is None or self._started[0] is not data or not keyed:
            return None
        pending = self._started[1]
        return functools.cache(lambda: _first(pending.result()))


def _first(delivered: tuple[DataDigests] | None) -> DataDigests | None:
    return None if delivered is None else delivered[0]


def _inputs_digest(
    project: Project, environ: Mapping[str, str], site_url: str
) -> Callable[[dt.date], str] | None:
    """The stamp digest for the owner's date, or None when there is no secret yet (a first run
    creates it)."""
    try:
        data = hashlib.sha256(project.data_file.read_bytes()).hexdigest()  # not the bytes: 1x the file kept
        secret = resolve_secret(environ, project.secret_file, create=False)
    except (OSError, MissingSecret):
        return None
    # Cached: the stamp check and the outcome ask for the same date (2 ms each at most).
    return functools.cache(lambda as_of: stamp.inputs_digest(data, secret.value, as_of, site_url))


def _layout(as_of: dt.date, secret: SiteSecret, site_url: str) -> SiteLayout:
    from .render import SiteLayout

    return SiteLayout(as_of=as_of, secret=secret.value, site_url=site_url)


def _unchanged_outcome(
    project: Project,
    when: When,
    as_of: dt.date,
    environ: Mapping[str, str],
    publishing: bool,
    site_url: str,
    inputs: str,
) -> Outcome:
    secret = resolve_secret(environ, project.secret_file, publishing=publishing)
    layout = _layout(as_of, secret, site_url)
    report = WriteReport(unchanged=len(read_manifest(project.manifest)))
    return Outcome(report, secret, layout, lambda: load(project, when), rendered=False, inputs=inputs)
