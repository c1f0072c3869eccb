"""The leak guard: after a build, prove no confidential value reached a page it does not belong on.

It lists every confidential value of the data with the one site folder where it may appear (a
partner's private page) or none, then reads every built file (HTML, feeds, sitemap, search
index, compressed or not), undoes the usual escapes and looks for all values at once. Reports
name the file and the data field, never the value. No MkDocs here.
"""

from __future__ import annotations

import bisect
import dataclasses
import gzip
import importlib.resources
import itertools
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .leak_text import Matcher, fold, forms, page_text, plain
from .models import Partner, PartnersFile
from .render import SiteLayout
from .svg_tree import MAX_LABEL
from .words import FIXED_PHRASES

MIN_LENGTH = 4  # shorter values ("Jo", "Ann") match too much ordinary text to be checked
# Fields shown as names, which the SVG referral tree may cut to MAX_LABEL characters.
_NAME_FIELDS = (".name", ".company", ".prospect", ".to")
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


@dataclass(frozen=True)
class Confidential:
    """A value that may appear only under ``home`` (a site folder), or nowhere when None, and
    under the folders in ``also`` (the owner's own private pages)."""

    value: str = dataclasses.field(repr=False)  # kept out of logs and tracebacks
    field: str
    home: str | None
    also: tuple[str, ...] = ()


@dataclass(frozen=True, order=True)
class Leak:
    """A confidential field found in a file outside its home. Never carries the value."""

    file: str
    field: str

    def describe(self) -> str:
        return f"{self.field} in {self.file}"


# --- what is confidential, and where it may appear -------------------------------------------


def confidential_values(
    data: PartnersFile, layout: SiteLayout, *, public_text: Iterable[str] = ()
) -> list[Confidential]:
    """Every confidential value worth checking: long enough, and not also public information."""
    candidates = [item for item in _private_fields(data, layout) if len(item.value) >= MIN_LENGTH]
    corpus = "\n".join(fold(text) for text in [*_public_texts(data), *public_text])
    public = {value for _, _, value in matcher_for(candidates).occurrences(corpus)}
    return [item for item in candidates if item.value not in public]


def matcher_for(values: Iterable[Confidential]) -> Matcher:
    """One automaton for every form of every value (a value shared by many fields once)."""
    value_forms: dict[str, set[str]] = defaultdict(set)
    for item in values:
        label = MAX_LABEL if item.field.endswith(_NAME_FIELDS) else None
        value_forms[item.value] |= forms(item.value, label)
    return Matcher(value_forms)


def _private_fields(data: PartnersFile, layout: SiteLayout) -> Iterator[Confidential]:
    partners = {partner.id: partner for partner in data.partners}
    owner = _owner_pages(layout)
    for folder in owner:
        yield Confidential(_token(folder), "owner page address", folder)
    for index, partner in enumerate(data.partners):
        yield from _partner_fields(index, partner, _home(layout, partner), owner)
    for index, referral in enumerate(data.referrals):
        giver = partners[referral.partner]
        home = _home(layout, giver)
        if not (referral.public and giver.public):
            yield _item(referral.prospect, f"referrals[{index}].prospect", home)
        for number, update in enumerate(referral.updates):
            where = f"referrals[{index}].updates[{number}]"
            yield from _optional(update.note, f"{where}.note", home)
            yield from _optional(update.internal, f"{where}.internal", None)
    for index, given in enumerate(data.given):
        home = _home(layout, partners[given.partner])
        yield _item(given.to, f"given[{index}].to", home)
        yield from _optional(given.note, f"given[{index}].note", home)


def _partner_fields(
    index: int, partner: Partner, home: str, owner: tuple[str, ...]
) -> Iterator[Confidential]:
    where = f"partners[{index}]"
    # The page's unguessable address: no other page, sitemap, feed or search index names it.
    yield Confidential(_token(home), f"{where}.page", home)
    yield from _optional(partner.email, f"{where}.email", None)
    if not partner.public:
        yield _item(partner.name, f"{where}.name", home, owner)
        yield from _optional(partner.company, f"{where}.company", home, owner)
        yield from _optional(partner.spotlight, f"{where}.spotlight", home, owner)


def _home(layout: SiteLayout, partner: Partner) -> str:
    return _folder(layout.partner_page(partner))


def _owner_pages(layout: SiteLayout) -> tuple[str, ...]:
    """The owner's own private pages: the insights page."""
    return (_folder(layout.insights_page),)


def _folder(page: str) -> str:
    """The site folder of a generated page: ``p/<token>.md`` is built as ``p/<token>/``."""
    return page.removesuffix(".md") + "/"


def _token(folder: str) -> str:
    return folder.removesuffix("/").rsplit("/", 1)[-1]


def _item(value: str, where: str, home: str | None, also: tuple[str, ...] = ()) -> Confidential:
    return Confidential(plain(value), where, home, also)


def _optional(
    value: str | None, where: str, home: str | None, also: tuple[str, ...] = ()
) -> Iterator[Confidential]:
    if value is not None:
        yield _item(value, where, home, also)


def _public_texts(data: PartnersFile) -> Iterator[str]:
    """Text any visitor may read: public data, and the fixed words of the page templates."""
    letter = data.newsletter
    yield from (letter.title, letter.owner, letter.business or "", letter.intro or "")
    partners = {partner.id: partner for partner in data.partners}
    for partner in data.partners:
        if partner.public:
            yield from (partner.name, partner.company or "", partner.profession or "")
            yield partner.spotlight or ""
    for event in data.events:
        yield from (event.title, event.where or "")
    for referral in data.referrals:
        if referral.public and partners[referral.partner].public:
            yield referral.prospect
    yield from FIXED_PHRASES
    yield from _template_words()


def _template_words() -> Iterator[str]:
    """The literal text of the page templates: a note saying "Thank you!" is no secret."""
    for entry in importlib.resources.files("generator").joinpath("templates").iterdir():
        if entry.name.endswith(".j2"):
            yield from _TEMPLATE_TAG.split(entry.read_text(encoding="utf-8"))


# --- finding them in the built site -----------------------------------------------------------


def guard_site(
    site_dir: Path,
    data: PartnersFile,
    layout: SiteLayout,
    *,
    public_text: Iterable[str] = (),
    verbatim_from: Sequence[Path] = (),
) -> list[Leak]:
    """Every leak of ``data``'s confidential values in the built site."""
    values = confidential_values(data, layout, public_text=public_text)
    return scan_site(site_dir, values, verbatim_from=verbatim_from)


def site_files(site_dir: Path) -> list[Path]:
    """Every regular file under ``site_dir``, sorted, hidden ones included."""
    found: list[Path] = []
    for folder, _dirs, names in os.walk(site_dir):
        found.extend(Path(folder, name) for name in names)
    return sorted(path for path in found if path.is_file())


@dataclass(frozen=True)
class _Places:
    """Per value: the folders it may appear under, and the fields that hold it."""

    homes: dict[str, frozenset[str]]
    fields: dict[str, list[str]]

    @classmethod
    def of(cls, values: Sequence[Confidential]) -> _Places:
        homes: dict[str, set[str]] = defaultdict(set)
        fields: dict[str, list[str]] = defaultdict(list)
        for item in values:
            homes[item.value].update(home for home in (item.home, *item.also) if home is not None)
            fields[item.value].append(item.field)
        return cls({value: frozenset(folders) for value, folders in homes.items()}, fields)


def scan_site(
    site_dir: Path, values: Sequence[Confidential], *, verbatim_from: Sequence[Path] = ()
) -> list[Leak]:
    """Leaks: values found in a file outside their home. ``verbatim_from`` names theme folders
    whose files are copied unchanged; a site file identical to one of them carries no data."""
    if not values:
        return []
    matcher, places = matcher_for(values), _Places.of(values)
    leaks: set[Leak] = set()
    for path in site_files(site_dir):
        relative = path.relative_to(site_dir).as_posix()
        raw = path.read_bytes()
        if _copied_verbatim(relative, raw, verbatim_from):
            continue
        found = matcher.occurrences(decoded_text(relative, raw))
        for value in _out_of_place(list(found), _folders_of(relative), places):
            leaks.update(Leak(relative, field) for field in places.fields[value])
    return sorted(leaks)


def _folders_of(relative: str) -> frozenset[str]:
    """The site folders a file belongs to: ``p/x/index.html`` (and ``p/x.html``) to ``p/x/``."""
    parts = relative.removesuffix(".html").split("/")
    return frozenset("/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))


def _out_of_place(found: list[tuple[int, int, str]], folders: frozenset[str], places: _Places) -> set[str]:
    """Values found away from home. A value at home in this file for any of its fields is
    accounted for, and so is a place inside a value at home here: a page's own note may quote
    another partner's identical stock note ("Took a test ride") without leaking it."""
    at_home = {value for value in {v for _, _, v in found} if places.homes[value] & folders}
    spans = sorted((start, end) for start, end, value in found if value in at_home)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))
    away = set()
    for start, end, value in found:
        if value in at_home or value in away:
            continue
        covering = bisect.bisect_right(starts, start) - 1
        if covering < 0 or reach[covering] < end:
            away.add(value)
    return away


def _copied_verbatim(relative: str, raw: bytes, folders: Sequence[Path]) -> bool:
    for folder in folders:
        original = folder / relative
        if original.is_file() and original.stat().st_size == len(raw) and original.read_bytes() == raw:
            return True
    return False


def decoded_text(relative: str, raw: bytes) -> str:
    """A file's text as a reader or a crawler would see it: unzipped, unescaped, folded."""
    if relative.endswith(".gz"):
        raw = _gunzip(raw)
    return page_text(raw.decode("utf-8", errors="replace"))


def _gunzip(raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error):
        return raw
