"""Text as the leak guard compares it, and finding many values in it in time linear in the text.

Built files and confidential values go through the same ``fold``: escapes undone (JSON, HTML,
URL, nested up to ``UNESCAPE_ROUNDS`` deep), invisible characters (soft hyphens, zero-width
spaces) dropped, case folded, whitespace runs collapsed. In built files, comments go and tags
without attributes read as a reader sees them (``Jo<strong>hn</strong>`` reads "John",
``Dana</td><td>Wu`` reads "Dana Wu"); tags with attributes stay, as they hold addresses and ids.
Each value is also looked for in the other forms a page may give it: its heading id
(Python-Markdown's ``slugify``) and, for names, the 20-character label of the SVG tree.
No MkDocs here.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from urllib.parse import unquote

import ahocorasick  # type: ignore[import-not-found]  # pyahocorasick ships no type hints

UNESCAPE_ROUNDS = 8  # each round is linear; real pages need at most 2, hostile ones 4 or 5
# pyahocorasick walks a node's whole failure chain at every character of the text, so a long
# repetitive key ("ha ha ha …", 100,000 characters) made the scan quadratic. Keys are at most
# ANCHOR characters; a longer value is found by its first ANCHOR characters, then str.find
# (linear, two-way search) confirms the whole value.
ANCHOR = 48
CHECK_BUDGET = 64  # anchor hits without a match, per file, before the str.find fallback
# Shorter forms must stand as a word: "Anne" is not found in "Annex". Longer ones are found
# even touching a letter or digit, and any form may touch CJK text (written without spaces).
WORD_BOUNDED = 12
_JSON_ESCAPE = re.compile(  # a literal first: fast search
    r"\\(?:u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|u([0-9a-f]{4})|([nrt\"/\\]))", re.IGNORECASE
)
_JSON_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "/": "/", "\\": "\\"}
_URL_ESCAPES = re.compile(r"%[0-9a-fA-F]{2}(?:%[0-9a-fA-F]{2})*")  # a literal first: fast search
# Tags without attributes are read as a reader sees them: inline elements join the text around
# them ("Jo<strong>hn</strong>" is "John"), every other one separates words ("Dana</td><td>Wu"
# is "Dana Wu"). Tags with attributes stay as written, so addresses and heading ids in them are
# searched too; one view of the text, not two, keeps the scan near the cost of reading it.
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|i|ins|kbd|mark|q|s|samp|small|span|strong"
    r"|sub|sup|time|u|var|wbr)\s*/?>"
)
_BARE_TAG = re.compile(r"</?[a-z][a-z0-9]*\s*/?>")  # the text is case-folded by then
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]"
)
# SVG path data (a sixth of a Material page: its icons) is drawing commands, never text a
# reader or a crawler sees; dropping it first makes every later pass shorter.
_PATH_DATA = re.compile(r'\sd="[-0-9A-Za-z.,\s]*"')
_SLUG_DROP = re.compile(r"[^\w\s-]")
_SLUG_JOIN = re.compile(r"[-\s]+")


def plain(text: str) -> str:
    """Escapes undone (repeatedly: "&amp;#45;" is "-") and whitespace runs collapsed."""
    return " ".join(_unescaped(text).split())


def fold(text: str) -> str:
    """``plain`` text in lower case, without invisible characters."""
    return " ".join(_INVISIBLE.sub("", _unescaped(text)).lower().split())


def page_text(text: str) -> str:
    """A built file's text to search: folded, without comments, tags without attributes read as
    a reader sees them (see ``_BARE_TAG``)."""
    text = _unescaped_page(text, markup="<" in text)
    if "<" in text:
        text = _read_tags(_without_comments(text))
    return " ".join(text.split())


def _unescaped_page(text: str, *, markup: bool) -> str:
    """Path data dropped (in markup), escapes undone, case and invisible characters folded."""
    if markup:
        text = _PATH_DATA.sub(" ", text)
    text = _unescaped(text).lower()
    return text if text.isascii() else _INVISIBLE.sub("", text)


def _read_tags(text: str) -> str:
    return _BARE_TAG.sub(" ", _INLINE_TAG.sub("", text))


class PageFolder:
    """``page_text`` for the pages of one site, which share most of their markup (Material
    repeats ~25 KB of header, navigation and icons on every page): each piece of a page is
    folded once per site, then the pieces are joined.

    A page is cut after every ``>`` that ends a line (before the line break). Folding then
    works piece by piece, exactly: no escape, path data or tag can hold both that ``>`` and
    that line break (tags end at their ``>``; escapes and path data hold neither character),
    no step removes either character, and the line break keeps the words on each side apart.
    Comments can run past a cut, so a page with one is folded whole.
    """

    _CUT = ">\n"

    def __init__(self) -> None:
        # A middle piece → its folded words and a space ("" for none), joined as they are.
        self._pieces: dict[str, str] = {}
        self._commented: set[str] = set()  # middle pieces holding "<!--" once unescaped

    def page_text(self, text: str) -> str:
        """Exactly ``page_text(text)``."""
        pieces = text.split(self._CUT)
        if len(pieces) < 3 or "<" not in text:
            return page_text(text)
        middle = pieces[1:-1]
        for piece in set(middle).difference(self._pieces):
            self._remember("\n" + piece + ">", piece)
        first, last = _folded_piece(pieces[0] + ">"), _folded_piece("\n" + pieces[-1])
        if first is None or last is None or not self._commented.isdisjoint(middle):
            return page_text(text)
        return "".join([first, *map(self._pieces.__getitem__, middle), last])[:-1]

    def _remember(self, text: str, piece: str) -> None:
        folded = _folded_piece(text)
        if folded is None:
            self._commented.add(piece)
        self._pieces[piece] = folded or ""


def _folded_piece(text: str) -> str | None:
    """A piece's folded words followed by a space ("" for none); None if it opens a comment."""
    text = _unescaped_page(text, markup=True)
    if "<!--" in text:
        return None
    words = _read_tags(text).split()
    return " ".join(words) + " " if words else ""


def forms(value: str, *, label: int | None = None) -> set[str]:
    """The folded forms to look for: the value, and for a name (``label`` given) its heading
    ids and its tree label when longer than ``label`` characters (shown cut, with an ellipsis).
    Names are what pages put in headings and tree boxes; notes only ever appear as text."""
    base = fold(value)
    found = {base}
    if label is not None:
        found.add(_slug(base, ascii_only=True))
        if not base.isascii():  # else both slugs are the same
            found.add(_slug(base, ascii_only=False))
        if len(value) > label:
            found.add(fold(value[: label - 1]))
    return {form for form in found if form}


def _slug(folded: str, *, ascii_only: bool) -> str:
    """Python-Markdown's toc ``slugify`` (the default heading ids; unicode=True for the other)."""
    text = folded
    if ascii_only:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SLUG_JOIN.sub("-", _SLUG_DROP.sub("", text).strip())


def _unescaped(text: str) -> str:
    for _ in range(UNESCAPE_ROUNDS):
        before, text = text, _unescape(text)
        if text == before:
            break
    return text


def _without_comments(text: str) -> str:
    """HTML comments removed; an unclosed one runs to the end. One pass, whatever the nesting."""
    parts, start = [], 0
    while (opening := text.find("<!--", start)) != -1:
        parts.append(text[start:opening])
        closing = text.find("-->", opening + 4)
        start = len(text) if closing == -1 else closing + 3
    parts.append(text[start:])
    return "".join(parts)


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


def _json_char(match: re.Match[str]) -> str:
    high, low, single, simple = match.groups()
    if high:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + (int(low, 16) - 0xDC00))
    if single:
        return chr(int(single, 16))
    return _JSON_SIMPLE[simple]


class Matcher:
    """Finds every value (by any of its folded forms) in folded text, in time linear in the text."""

    def __init__(self, value_forms: Mapping[str, Iterable[str]]) -> None:
        self._values: dict[str, list[str]] = defaultdict(list)  # form → values having it
        for value, its_forms in value_forms.items():
            for form in set(its_forms):
                self._values[form].append(value)
        # anchor → length → the longer forms starting with it. Stock notes share their opening
        # words by the thousand: a hit is checked by one slice per length, not one per form.
        self._long: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
        self._automaton = ahocorasick.Automaton()
        for form in sorted(self._values):
            if len(form) > ANCHOR:
                self._long[form[:ANCHOR]][len(form)].add(form)
            self._automaton.add_word(form[:ANCHOR], form[:ANCHOR])
        if len(self._automaton):
            self._automaton.make_automaton()

    def longest_key(self) -> int:
        """The automaton's longest key: bounds the work per character of text."""
        return max((len(form[:ANCHOR]) for form in self._values), default=0)

    def occurrences(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, value)`` for each place a form of a value occurs in ``text``."""
        if self._automaton.kind != ahocorasick.AHOCORASICK:
            return
        anchored: dict[str, list[int]] = defaultdict(list)
        for last, key in self._automaton.iter(text):
            start = last + 1 - len(key)
            if key in self._values and _standalone(text, start, last + 1, key):
                yield from ((start, last + 1, value) for value in self._values[key])
            if key in self._long:
                anchored[key].append(start)
        for key, starts in anchored.items():
            for start, form in self._long_forms(text, self._long[key], starts):
                yield from ((start, start + len(form), value) for value in self._values[form])

    @staticmethod
    def _long_forms(
        text: str, by_length: dict[int, set[str]], starts: list[int]
    ) -> Iterator[tuple[int, str]]:
        """Longer forms at the anchor's hits, without overlaps. Text that repeats the anchor
        many times without a match (a near copy of a repetitive note) would make slicing
        quadratic: past CHECK_BUDGET misses, each form is looked for once with str.find."""
        reached, misses = 0, 0
        for start in starts:
            if start < reached:
                continue
            if misses > CHECK_BUDGET:
                for form in sorted({form for forms in by_length.values() for form in forms}):
                    yield from ((found, form) for found in _find_all(text, form, start))
                return
            matched = [(length, text[start : start + length]) for length in by_length]
            found = [piece for length, piece in matched if piece in by_length[length]]
            misses += not found
            for piece in found:
                reached = max(reached, start + len(piece))
                yield start, piece


def _find_all(text: str, form: str, start: int) -> Iterator[int]:
    """Non-overlapping places of ``form``: each search resumes after the last one found."""
    while (found := text.find(form, start)) != -1:
        yield found
        start = found + len(form)


def _standalone(text: str, start: int, end: int, form: str) -> bool:
    """A short form counts only as a whole word (CJK characters end a word too)."""
    if len(form) >= WORD_BOUNDED:
        return True
    if start > 0 and _wordlike(form[0]) and _wordlike(text[start - 1]):
        return False
    return not (end < len(text) and _wordlike(form[-1]) and _wordlike(text[end]))


def _wordlike(char: str) -> bool:
    return char.isalnum() and not _is_cjk(char)


def _is_cjk(char: str) -> bool:
    point = ord(char)
    return (
        0x2E80 <= point <= 0x9FFF  # radicals, kana, CJK ideographs
        or 0xAC00 <= point <= 0xD7AF  # Hangul syllables
        or 0xF900 <= point <= 0xFAFF
        or 0xFF66 <= point <= 0xFF9F  # half-width katakana
        or 0x20000 <= point <= 0x3FFFF
    )
