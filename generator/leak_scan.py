"""Finding confidential values in a built site: every file read (compressed or not), folded
(leak_text), searched once for every value; a value found outside the folders it may appear
under is a leak, reported by file and field, never by value. No MkDocs here.
"""

from __future__ import annotations

import bisect
import gzip
import itertools
import os
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .addresses import without_address
from .leak_match import Matcher
from .leak_text import PageFolder, forms, page_text, without_css_comments
from .svg_tree import MAX_LABEL

# Fields shown as names, which the SVG referral tree may cut to MAX_LABEL characters.
_NAME_FIELDS = (".name", ".company", ".prospect", ".to")


class Confidential(NamedTuple):
    """A value that may appear only under ``home`` (a site folder), or nowhere when None, and
    under the folders in ``also`` (the owner's own private pages). A tuple: the guard lists
    tens of thousands, and a frozen dataclass took three times as long to make."""

    value: str
    field: str
    home: str | None
    also: tuple[str, ...] = ()

    def __repr__(self) -> str:  # the value kept out of logs and tracebacks
        return f"Confidential(field={self.field!r}, home={self.home!r}, also={self.also!r})"


@dataclass(frozen=True, order=True)
class Leak:
    """A confidential field found in a file outside its home. Never carries the value."""

    file: str
    field: str

    def describe(self) -> str:
        """The line a report (a CI log) prints: a private page's address shortened."""
        return f"{self.field} in {without_address(self.file)}"


def matcher_for(values: Sequence[Confidential]) -> Matcher:
    """One automaton for every form of every value (a value shared by many fields once)."""
    value_forms: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, bool]] = set()  # a stock note held by hundreds of fields is folded once
    for item in values:
        name = item.field.endswith(_NAME_FIELDS)
        if (item.value, name) not in seen:
            seen.add((item.value, name))
            value_forms[item.value] |= forms(item.value, label=MAX_LABEL if name else None)
    return Matcher(value_forms)


def site_files(site_dir: Path, *, through_links: bool = True) -> list[Path]:
    """Every regular file under ``site_dir``, sorted as paths, hidden ones included, files and
    folders reached through a link too (see :func:`site_relatives`)."""
    return [site_dir / relative for relative in site_relatives(site_dir, through_links=through_links)]


def site_relatives(site_dir: Path, *, through_links: bool = True) -> list[str]:
    """:func:`site_files`, each as its path relative to ``site_dir`` with ``/`` between
    folders (how reports and verdicts name a file): a ``Path`` made and made relative per file
    was three quarters of listing the site, 0.05 s of the leak guard's last look at 5,000.

    A folder reached through a link is entered: a host publishes what it holds (GitHub's Pages
    upload archives the site with ``tar --dereference``), and another plugin's link to a folder
    of private pages or notes went unread (review59). Not a link back to a folder it sits in
    (the same files again, without end; tar skips such a loop too). ``through_links=False``
    lists as ``os.walk`` does, for a caller that deletes what it lists."""
    found: list[str] = []
    folders = [(os.fspath(site_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as entries:  # the entry knows its type: no stat per file
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
                elif entry.is_file():
                    found.append(prefix + entry.name)
                elif through_links and entry.is_dir() and not _loops_back(entry.path, folder):
                    folders.append((entry.path, f"{prefix}{entry.name}/"))
    return sorted(found, key=lambda relative: relative.split("/"))


def _loops_back(link: str, folder: str) -> bool:
    """Whether the folder ``link`` leads to is ``folder`` or holds it."""
    target, here = os.path.realpath(link), os.path.realpath(folder)
    return here == target or here.startswith(target.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class Places:
    """Per value: the folders it may appear under, and the fields that hold it."""

    homes: dict[str, frozenset[str]]
    fields: dict[str, list[str]]

    @classmethod
    def of(cls, values: Sequence[Confidential]) -> Places:
        homes: dict[str, set[str]] = defaultdict(set)
        fields: dict[str, list[str]] = defaultdict(list)
        for item in values:
            folders = homes[item.value]
            if item.home is not None:
                folders.add(item.home)
            folders.update(item.also)
            fields[item.value].append(item.field)
        return cls({value: frozenset(folders) for value, folders in homes.items()}, fields)


def scan_site(
    site_dir: Path,
    values: Sequence[Confidential],
    *,
    verbatim_from: Sequence[Path] = (),
    matcher: Matcher | None = None,
    through_links: bool = True,
) -> list[Leak]:
    """Leaks: values found in a file outside their home. ``verbatim_from`` names theme folders
    whose files are copied unchanged; a site file identical to one of them carries no data.
    ``matcher`` may be one built for more values than ``values`` (the others are ignored).
    ``through_links``: as :func:`site_relatives` lists the files."""
    if not values:
        return []
    relatives = site_relatives(site_dir, through_links=through_links)
    folder = PageFolder()
    texts = ((relative, site_text(site_dir, relative, verbatim_from, folder)) for relative in relatives)
    return scan_texts(texts, values, matcher)


def site_text(
    site_dir: Path, relative: str, verbatim_from: Sequence[Path], folder: PageFolder | None = None
) -> str | None:
    """A built file's ``decoded_text``; None for a copy of a theme file, which carries no data.
    ``folder`` folds the markup the site's pages share once (the same text, sooner)."""
    raw = (site_dir / relative).read_bytes()
    return None if copied_verbatim(relative, raw, verbatim_from) else decoded_text(relative, raw, folder)


def scan_texts(
    texts: Iterable[tuple[str, str | None]], values: Sequence[Confidential], matcher: Matcher | None = None
) -> list[Leak]:
    """``scan_site`` on files already read: (site-relative path, ``site_text``) pairs."""
    if not values:
        return []
    matcher, places = matcher or matcher_for(values), Places.of(values)
    leaks: set[Leak] = set()
    for relative, text in texts:
        if text is not None:
            leaks.update(scan_text(relative, text, matcher, places).leaks)
    return sorted(leaks)


@dataclass(frozen=True)
class Verdict:
    """A file's leaks, and whether a value was found in it away from home but inside a value
    at home there (accounted for, but only while that other value stays: scan_memory)."""

    leaks: list[Leak]
    covers: bool


def scan_text(relative: str, text: str, matcher: Matcher, places: Places) -> Verdict:
    """The leaks of ``places``' values in one file's ``site_text``."""
    found = [hit for hit in matcher.occurrences(text) if hit[2] in places.homes]
    away, covers = _out_of_place(found, folders_of(relative), places)
    return Verdict([Leak(relative, field) for value in away for field in places.fields[value]], covers)


def folders_of(relative: str) -> frozenset[str]:
    """The site folders a file belongs to: ``p/x/index.html`` (and ``p/x.html``) to ``p/x/``."""
    parts = relative.removesuffix(".html").split("/")
    return frozenset("/".join(parts[:depth]) + "/" for depth in range(1, len(parts) + 1))


def _out_of_place(
    found: list[tuple[int, int, str]], folders: frozenset[str], places: Places
) -> tuple[set[str], bool]:
    """Values found away from home, and whether any other was found away from home. A value at
    home in this file for any of its fields is accounted for, and so is a place inside a value
    at home here: a page's own note may quote another partner's identical stock note ("Took a
    test ride") without leaking it."""
    values = {value for _, _, value in found}
    at_home = {value for value in values if places.homes[value] & folders}
    if len(at_home) == len(values):  # every value found is at home: nothing to place
        return set(), False
    spans = sorted((start, end) for start, end, value in found if value in at_home)
    starts = [start for start, _ in spans]
    reach = list(itertools.accumulate((end for _, end in spans), max))
    away, covers = set(), False
    for start, end, value in found:
        if value in at_home or value in away:
            continue
        covering = bisect.bisect_right(starts, start) - 1
        if covering < 0 or reach[covering] < end:
            away.add(value)
        else:
            covers = True
    return away, covers


def copied_verbatim(relative: str, raw: bytes, folders: Sequence[Path]) -> bool:
    """Whether a site file is a theme file copied unchanged (it carries no data)."""
    for folder in folders:
        original = folder / relative
        if original.is_file() and original.stat().st_size == len(raw) and original.read_bytes() == raw:
            return True
    return False


def decoded_text(relative: str, raw: bytes, folder: PageFolder | None = None) -> str:
    """A file's text as a reader or a crawler would see it: unzipped, unescaped, folded."""
    if relative.endswith(".gz"):
        raw = _gunzip(raw)
    text = raw.decode("utf-8", errors="replace")
    if relative.removesuffix(".gz").endswith(".css"):
        text = without_css_comments(text)
    return folder.page_text(text) if folder else page_text(text)


def _gunzip(raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error):
        return raw


def may_hide(public: Iterable[str], values: Sequence[Confidential], matcher: Matcher) -> bool:
    """Whether ``matcher``, built for ``values`` and the ``public`` ones too, may miss one of
    ``values``: it skips the places inside a long form it found, where a form opening with the
    same characters (its automaton's key) may start. A public value must not hide one checked."""
    key = matcher.longest_key()  # the anchor length, when any form is longer
    hiding = _openings(((text, True) for text in public), key)  # every form a name could take
    if not hiding:
        return False
    checked = {item.value for item in values}
    # The forms longer than the key are those the matcher finds by their opening (its anchor).
    return any(not checked.isdisjoint(matcher.opening_with(opening)) for opening in hiding)


def _openings(texts: Iterable[tuple[str, bool]], key: int) -> set[str]:
    """The first ``key`` characters of the forms longer than ``key`` of (text, is a name) pairs,
    as matcher_for makes them. A form outgrows its text only by Unicode decomposition (NFD, and
    NFKD in a heading id), at most threefold for letters: texts under a quarter of it are skipped."""
    return {
        form[:key]
        for text, name in texts
        if len(text) > key // 4
        for form in forms(text, label=MAX_LABEL if name else None)
        if len(form) > key
    }
