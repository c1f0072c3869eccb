"""The leak guard: after a build, prove no confidential value reached a page it does not belong on.

It lists every confidential value of the data with the one site folder where it may appear (a
partner's private page) or none, then reads every built file (HTML, feeds, sitemap, search
index, compressed or not), undoes the usual escapes and looks for all values at once. Reports
name the file and the data field, never the value. No MkDocs here.
"""

from __future__ import annotations

import dataclasses
import functools
import gzip
import html
import importlib.resources
import os
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import ahocorasick  # type: ignore[import-not-found]  # pyahocorasick ships no type hints

from .models import Partner, PartnersFile
from .render import SiteLayout
from .words import FIXED_PHRASES

UNESCAPE_ROUNDS = 3
MIN_LENGTH = 4  # shorter values ("Jo", "Ann") match too much ordinary text to be checked
_JSON_ESCAPE = re.compile(  # a literal first: fast search
    r"\\(?:u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|u([0-9a-f]{4})|([nrt\"/\\]))", re.IGNORECASE
)
_JSON_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}
_URL_ESCAPES = re.compile(r"%[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2})*")  # a literal first: fast search
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


def normalize(text: str) -> str:
    """Whitespace runs (newlines and no-break spaces too) collapsed to one space."""
    return " ".join(text.split())


# --- what is confidential, and where it may appear -------------------------------------------


def confidential_values(
    data: PartnersFile, layout: SiteLayout, *, public_text: Iterable[str] = ()
) -> list[Confidential]:
    """Every confidential value worth checking: long enough, and not also public information."""
    candidates = [item for item in _private_fields(data, layout) if len(item.value) >= MIN_LENGTH]
    corpus = "\n".join(plain(text) for text in [*_public_texts(data), *public_text])
    public = set(_find(_automaton(item.value for item in candidates), corpus))
    return [item for item in candidates if item.value not in public]


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


def scan_site(
    site_dir: Path, values: Sequence[Confidential], *, verbatim_from: Sequence[Path] = ()
) -> list[Leak]:
    """Leaks: values found in a file outside their home. ``verbatim_from`` names theme folders
    whose files are copied unchanged; a site file identical to one of them carries no data."""
    by_value: dict[str, list[Confidential]] = defaultdict(list)
    for item in values:
        by_value[item.value].append(item)
    if not by_value:
        return []
    automaton = _automaton(by_value)
    leaks: set[Leak] = set()
    for path in site_files(site_dir):
        relative = path.relative_to(site_dir).as_posix()
        raw = path.read_bytes()
        if _copied_verbatim(relative, raw, verbatim_from):
            continue
        for value in set(_find(automaton, decoded_text(relative, raw))):
            leaks.update(_leaks(relative, by_value[value]))
    return sorted(leaks)


def _leaks(relative: str, items: list[Confidential]) -> Iterator[Leak]:
    """A value at home in this file for any of its fields is accounted for; else all leak."""
    if not any(_at_home(relative, home) for item in items for home in (item.home, *item.also)):
        yield from (Leak(relative, item.field) for item in items)


def _at_home(relative: str, home: str | None) -> bool:
    if home is None:
        return False
    return relative.startswith(home) or relative == home.removesuffix("/") + ".html"


def _copied_verbatim(relative: str, raw: bytes, folders: Sequence[Path]) -> bool:
    for folder in folders:
        original = folder / relative
        if original.is_file() and original.stat().st_size == len(raw) and original.read_bytes() == raw:
            return True
    return False


def decoded_text(relative: str, raw: bytes) -> str:
    """A file's text as a reader or a crawler would see it: unzipped and unescaped."""
    if relative.endswith(".gz"):
        raw = _gunzip(raw)
    return plain(raw.decode("utf-8", errors="replace"))


def plain(text: str) -> str:
    """Text with JSON, HTML and URL escapes undone (repeatedly: "&amp;#45;" is "-") and
    whitespace runs collapsed. Values and files both go through it, so they compare alike."""
    for _ in range(UNESCAPE_ROUNDS):
        before, text = text, _unescape(text)
        if text == before:
            break
    return normalize(text)


def _unescape(text: str) -> str:
    if "\\" in text:
        text = _JSON_ESCAPE.sub(_json_char, text)
    if "&" in text:
        text = html.unescape(text)
    if "%" in text:  # only the escapes: unquote() is slow on long text with non-ASCII in it
        text = _URL_ESCAPES.sub(lambda match: _unquoted(match.group()), text)
    return text


@functools.lru_cache(maxsize=4096)
def _unquoted(escapes: str) -> str:
    return unquote(escapes, errors="replace")


def _gunzip(raw: bytes) -> bytes:
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error):
        return raw


def _json_char(match: re.Match[str]) -> str:
    high, low, single, simple = match.groups()
    if high:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    if single:
        return chr(int(single, 16))
    return _JSON_SIMPLE[simple]


def _automaton(values: Iterable[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for value in values:
        automaton.add_word(value, value)
    if len(automaton):
        automaton.make_automaton()
    return automaton


def _find(automaton: ahocorasick.Automaton, text: str) -> Iterator[str]:
    """Values found in ``text`` as whole words: "Jo" is not found in "Join" (a value's edge
    that is a letter or digit must not touch another one; "Ltd." may be followed by "A")."""
    if automaton.kind != ahocorasick.AHOCORASICK:
        return
    for end, value in automaton.iter(text):
        start = end - len(value) + 1
        if start > 0 and value[0].isalnum() and text[start - 1].isalnum():
            continue
        if end + 1 < len(text) and value[-1].isalnum() and text[end + 1].isalnum():
            continue
        yield value
