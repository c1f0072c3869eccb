"""The leak guard: after a build, prove no confidential value reached a page it does not belong on.

What is confidential follows from each field's declared audience (generator/audience.py), not
from a list kept here: every text the data holds is public, or may appear only on its
partner's private page (and the owner's), or only on the owner's pages, or nowhere. Each such
value is then looked for in every built file (leak_scan). Reports name the file and the data
field, never the value. No MkDocs here.
"""

from __future__ import annotations

import ast
import functools
import importlib.resources
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from . import leak_scan
from .audience import TextValue, text_values
from .calendar_files import EVENTS_DIR
from .dates_in_words import long_date
from .field_types import is_id_field
from .leak_delta import Checked
from .leak_match import Matcher
from .leak_scan import Confidential, Leak, Places, decoded_text, matcher_for, scan_site, site_files
from .leak_text import fold, plain
from .models import Partner, PartnersFile, Referral
from .numbers_in_words import plural
from .project import collector_paused
from .referral_labels import FIXED_PHRASES
from .render import SiteLayout
from .scan_memory import ScanMemory
from .views import Month

_BARE_WORD = re.compile(r"[a-z]+|[0-9]+")  # a word, or digits: a year, a count
MIN_LENGTH = 4  # shorter values ("Jo", "Ann") match too much ordinary text to be checked
_TEMPLATE_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
# Audiences whose values may also appear on the owner's own private pages.
_OWNER_MAY_READ = ("consent", "partner", "owner")
# The folders of Material's blog in every post's links: blog/archive/2026/, blog/category/…, page/2/.
_BLOG_PATH_WORDS = ("posts", "archive", "category", "page")

__all__ = [
    "Confidential",
    "Leak",
    "checked_values",
    "confidential_values",
    "decoded_text",
    "guard_changed",
    "guard_site",
    "matcher_for",
    "scan_site",
    "site_files",
]


@dataclass(frozen=True)
class _Sorted:
    """The data's texts split by audience: values to guard, and text any visitor may read."""

    private: list[Confidential]
    public: list[str]


def confidential_values(
    data: PartnersFile, layout: SiteLayout, *, public_text: Iterable[str] = ()
) -> list[Confidential]:
    """Every confidential value worth checking: long enough, and not also public information."""
    return checked_values(data, layout, public_text=public_text)[0]


def guard_site(
    site_dir: Path,
    data: PartnersFile,
    layout: SiteLayout,
    *,
    public_text: Iterable[str] = (),
    verbatim_from: Sequence[Path] = (),
    through_links: bool = True,
) -> list[Leak]:
    """Every leak of ``data``'s confidential values in the built site (``through_links``: as
    ``leak_scan.site_relatives`` lists it)."""
    # Inside `mkdocs build` the cycle collector would walk every page object MkDocs holds each
    # time the guard's many small, acyclic objects trigger it.
    with collector_paused():
        values, matcher = checked_values(data, layout, public_text=public_text)
        return scan_site(
            site_dir, values, verbatim_from=verbatim_from, matcher=matcher, through_links=through_links
        )


def clean_scan(scanned: int) -> str:
    """A build's guard found nothing: "scanned 1 file" (a dirty serve rebuild reads a few)."""
    return f"Leak guard: scanned {plural(scanned, 'file')}, no confidential data found."


def leak_report(leaks: Sequence[Leak]) -> str:
    """What a build whose guard found leaks says: how many values in how many files, then each
    place. A prospect on one page, and so in the search index, is one value in two files: the
    count of places read "2 confidential values" to the owner."""
    return f"Leak guard: {_values_in_files(leaks)}:\n" + "\n".join(f"  - {leak.describe()}" for leak in leaks)


def site_verdict(leaks: Sequence[Leak], scanned: int, site: Path) -> str:
    """What ``guard`` found in a built site: "no confidential value", not "0 confidential values";
    the files read apart from those holding leaks ("in 1,000 files" read as if found in all)."""
    if not leaks:
        return f"Leak guard: no confidential value out of place in {plural(scanned, 'file')} of {site}."
    return f"Leak guard: {_values_in_files(leaks)} ({plural(scanned, 'file')} read in {site})."


def _values_in_files(leaks: Sequence[Leak]) -> str:
    values = plural(len({leak.field for leak in leaks}), "confidential value")
    return f"{values} out of place in {plural(len({leak.file for leak in leaks}), 'file')}"


def guard_changed(
    site_dir: Path,
    data: PartnersFile,
    layout: SiteLayout,
    memory: ScanMemory,
    *,
    public_text: Iterable[str] = (),
    verbatim_from: Sequence[Path] = (),
) -> tuple[list[Leak], int]:
    """``guard_site`` for a site rebuilt in place (``mkdocs serve``), finding the same leaks:
    the leaks, and how many files were read (the others are known to ``memory``, scan_memory)."""
    with collector_paused():
        values, matcher = checked_values(data, layout, public_text=public_text)
        return memory.scan(site_dir, verbatim_from, Checked(matcher, Places.of(values)))


def checked_values(
    data: PartnersFile, layout: SiteLayout, *, public_text: Iterable[str] = ()
) -> tuple[list[Confidential], Matcher]:
    """Values long enough to check and not also public text, and an automaton that finds them
    (built once: it is most of the cost of listing the values; it also knows the public ones)."""
    sorted_texts = _sort_by_audience(data, layout)
    candidates = [item for item in sorted_texts.private if len(item.value) >= MIN_LENGTH]
    site = _site_wording(data, layout)
    corpus = "\n".join([*_folded(sorted_texts.public), _fixed_corpus(), *_folded([*public_text, *site])])
    matcher = matcher_for(candidates)
    public = {value for _, _, value in matcher.occurrences(corpus)}
    values = [item for item in candidates if item.value not in public]
    if leak_scan.may_hide(public, values, matcher):
        matcher = matcher_for(values)  # rare: a long public text shares its opening with a value
    return values, matcher


def _site_wording(data: PartnersFile, layout: SiteLayout) -> list[str]:
    """What every site prints whatever its data says: the folders of its links (``events/…``,
    ``blog/…/category/…``), its issues' headings ("March 2026", each month of every year from the
    data's first date to its last) and the dates public pages give ("10 April 2026"). A hidden
    partner's company "Events", or a note reading "March 2026", is no leak where these are printed."""
    folders = [EVENTS_DIR, layout.blog_dir, layout.posts_subdir, *_BLOG_PATH_WORDS]
    # Updates fall between their introduction and today: the years of the others span them.
    years = [layout.as_of.year]
    years += [referral.introduced.year for referral in data.referrals]
    years += [given.date.year for given in data.given] + [event.date.year for event in data.events]
    months = [Month(year, month) for year in range(min(years), max(years) + 1) for month in range(1, 13)]
    # The dates public pages print: the events', and the issues' (a month's last day, or today).
    days = [event.date for event in data.events] + [month.last_day for month in months] + [layout.as_of]
    return folders + [month.label for month in months] + [long_date(day) for day in days]


def _sort_by_audience(data: PartnersFile, layout: SiteLayout) -> _Sorted:
    partners = {partner.id: partner for partner in data.partners}
    homes = {partner.id: _folder(layout.partner_page(partner)) for partner in data.partners}
    owner = (_folder(layout.insights_page),)
    private = [Confidential(_token(folder), "owner page address", folder) for folder in owner]
    for index, partner in enumerate(data.partners):
        # The page's unguessable address: no other page, sitemap, feed or search index names it.
        page = homes[partner.id]
        private.append(Confidential(_token(page), f"partners[{index}].page", page))
    public: list[str] = []
    plains: dict[str, str] = {}  # stock notes repeat by the thousand: each is undone once
    for item in text_values(data):
        if _bare_word_id(item):
            continue
        if item.audience == "public":
            public.append(item.text)
            continue
        giver = _giver(item.records, partners)
        if item.audience == "consent" and _consented(item, giver):
            public.append(item.text)
            continue
        home = homes[giver.id] if giver and item.audience in ("consent", "partner") else None
        also = owner if item.audience in _OWNER_MAY_READ else ()
        text = plains.get(item.text)
        if text is None:
            text = plains[item.text] = plain(item.text)
        private.append(Confidential(text, item.path, home, also))
    return _Sorted(private, public)


def _bare_word_id(item: TextValue) -> bool:
    """An id that is one plain word ("content", "search") or digits only ("2026") proves nothing
    when found: the theme's own text says "Skip to content", posts print their year. Public views
    never print ids, and an id made of a name ("anne-ortiz") is still checked, as are the name's
    own heading-id forms. A referral's id, any text, is skipped when it holds no letter."""
    if not item.records:
        return False
    model, name = type(item.records[-1]), item.path.rsplit(".", 1)[-1]
    if model is Referral and name == "id":  # any text: numbered ("2026", "2026-10") or named
        return not any(character.isalpha() for character in item.text)
    return bool(_BARE_WORD.fullmatch(item.text)) and is_id_field(model, name)


def _giver(records: tuple[BaseModel, ...], partners: dict[str, Partner]) -> Partner | None:
    """The partner whose private page a record belongs to: the partner, or the one named in
    its ``partner`` field (a referral they gave, business given to them); None for the rest."""
    top = records[0] if records else None
    if isinstance(top, Partner):
        return top
    named = getattr(top, "partner", None)
    return partners.get(named) if isinstance(named, str) else None


def _consented(item: TextValue, giver: Partner | None) -> bool:
    """Consent is the partner's ``public: true`` and that of every record holding the value
    that has a ``public`` flag (a referral's, for its prospect)."""
    if giver is None or not giver.public:
        return False
    return all(getattr(record, "public", True) is True for record in item.records)


def _folder(page: str) -> str:
    """The site folder of a generated page: ``p/<token>.md`` is built as ``p/<token>/``."""
    return page.removesuffix(".md") + "/"


def _token(folder: str) -> str:
    return folder.removesuffix("/").rsplit("/", 1)[-1]


def _folded(texts: Iterable[str]) -> list[str]:
    """Each text folded; each distinct one once (stages, methods and names repeat by the thousand)."""
    listed = list(texts)
    distinct = {text: fold(text) for text in set(listed)}
    return [distinct[text] for text in listed]


@functools.cache
def _fixed_corpus() -> str:
    """The folded wording of every site: fixed phrases and the templates' literal text (the
    templates are code, fixed while a process runs, as the render stamp's code digest assumes)."""
    return "\n".join(fold(text) for text in [*FIXED_PHRASES, *_template_words(), *_phrase_words()])


# The modules that compose the sentences public pages print (words.py and its parts).
_PHRASE_MODULES = (
    "words.py",
    "issue_sentences.py",
    "names_in_words.py",
    "numbers_in_words.py",
    "dates_in_words.py",
    "referral_labels.py",
)


def _phrase_words() -> Iterator[str]:
    """The literal text of the sentences the code composes, as of the templates: an issue opens
    "In March 2026 … to us. Thank you!", so a note saying "Thank you!" is no secret either.
    Docstrings are left out: no page prints them."""
    for module in _PHRASE_MODULES:
        tree = ast.parse(importlib.resources.files("generator").joinpath(module).read_text(encoding="utf-8"))
        docstrings = {id(doc) for node in ast.walk(tree) if (doc := _docstring_of(node)) is not None}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield node.value


def _docstring_of(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
        first = node.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            return first.value
    return None


def _template_words() -> Iterator[str]:
    """The literal text of the page templates: a note saying "Thank you!" is no secret."""
    for entry in importlib.resources.files("generator").joinpath("templates").iterdir():
        if entry.name.endswith(".j2"):
            yield from _TEMPLATE_TAG.split(entry.read_text(encoding="utf-8"))
