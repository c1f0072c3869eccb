"""Text as the leak guard compares it (leak_match finds the values in it).

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
from urllib.parse import unquote

from .svg_tree import label_kept

UNESCAPE_ROUNDS = 8  # each round is linear; real pages need at most 2, hostile ones 4 or 5
# Hex digits in any case; the simple escapes lower-case only, as JSON has them: "C:\Temp" in a
# page, or a PNG's bytes, hold a backslash before a capital that is no escape.
_JSON_ESCAPE = re.compile(  # a literal first: fast search
    r"\\(?:u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|u([0-9a-f]{4})|(?-i:([nrt\"/\\])))", re.IGNORECASE
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
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
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


def without_css_comments(text: str) -> str:
    """A stylesheet without its comments, which no browser shows (an unclosed one runs to the
    end): the product's own stylesheet says "the menu a phone opens", and a hidden partner's
    company "Menu" is no leak there. Text CSS does print (``content: "…"``) is still read."""
    return _CSS_COMMENT.sub("", text)


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

    Handling half a million pieces one by one cost more than folding them, so a page is first
    cut only where the next line is Material's commonest blank line, into blocks of pieces: a
    block seen before is one look-up, and only a new one is cut into its pieces.
    """

    _CUT = ">\n"
    # A subset of the cuts, and the commonest blank line of Material's pages after it: the same
    # pieces, grouped. A piece is folded with a line break before it, so the blank line it
    # loses holds no word and changes none (path data needs a space before it: it has one).
    _BLOCK = _CUT + "  \n"

    def __init__(self) -> None:
        # A middle piece, or a block of them → its folded words and a space ("" for none).
        self._pieces: dict[str, str] = {}
        self._blocks: dict[str, str] = {}  # blocks seen twice: page-only ones are not kept
        self._seen_once: set[int] = set()  # hashes of blocks seen once (only says when to keep)
        self._commented: set[str] = set()  # middle pieces and blocks holding "<!--" once unescaped

    def page_text(self, text: str) -> str:
        """Exactly ``page_text(text)``."""
        head, _, rest = text.partition(self._CUT)
        middle, cut, tail = rest.rpartition(self._CUT)
        if not cut or "<" not in text:
            return page_text(text)  # fewer than two cuts: nothing to share
        blocks = middle.split(self._BLOCK)  # from the second on, without the blank line opening them
        known = map(self._blocks.get, blocks)
        folded = [
            self._block(block) if words is None else words for block, words in zip(blocks, known, strict=True)
        ]
        first, last = _folded_piece(head + ">"), _folded_piece("\n" + tail)
        if first is None or last is None or not self._commented.isdisjoint(blocks):
            return page_text(text)
        return "".join([first, *folded, last])[:-1]

    def _block(self, block: str) -> str:
        """A block's folded words, from its pieces (each new one folded once); kept for later
        pages the second time it is seen."""
        pieces = block.split(self._CUT)
        new = [piece for piece in set(pieces) if piece not in self._pieces]
        for piece, words in zip(new, _folded_middles(new), strict=True):
            if words is None:
                self._commented.add(piece)
            self._pieces[piece] = words or ""
        if not self._commented.isdisjoint(pieces):
            self._commented.add(block)
        folded = "".join(map(self._pieces.__getitem__, pieces))
        if hash(block) in self._seen_once:
            self._blocks[block] = folded
        else:
            self._seen_once.add(hash(block))
        return folded


# Joins the middle pieces of a page folded together. No step of the fold makes or removes one
# (checked by counting), and none reaches past a piece's closing ">" or the next one's "\n".
_BETWEEN = "\x00"


def _folded_middles(pieces: list[str]) -> list[str | None]:
    """``_folded_piece`` of each middle piece (``"\\n" + piece + ">"``), folded in one pass of
    each step: the same words, as no escape, path data, tag or comment check reaches across
    the ``>`` and ``\\n`` around a separator; pieces that open a comment, or make or lose a
    separator, are folded one by one instead."""
    if len(pieces) < 2:
        return [_folded_piece("\n" + piece + ">") for piece in pieces]
    text = _unescaped_page("\n" + (">" + _BETWEEN + "\n").join(pieces) + ">", markup=True)
    chunks = _read_tags(text).split(_BETWEEN)
    if "<!--" in text or len(chunks) != len(pieces):
        return [_folded_piece("\n" + piece + ">") for piece in pieces]
    return [" ".join(words) + " " if (words := chunk.split()) else "" for chunk in chunks]


def _folded_piece(text: str) -> str | None:
    """A piece's folded words followed by a space ("" for none); None if it opens a comment."""
    text = _unescaped_page(text, markup=True)
    if "<!--" in text:
        return None
    words = _read_tags(text).split()
    return " ".join(words) + " " if words else ""


def forms(value: str, *, label: int | None = None) -> set[str]:
    """The folded forms to look for: the value (accents composed and decomposed, NFC and NFD),
    and for a name (``label`` given) its heading ids and its tree label when longer than
    ``label`` characters (shown cut, with an ellipsis). Names are what pages put in headings and
    tree boxes; notes only ever appear as text."""
    base = fold(value)
    found = {base}
    if not base.isascii():  # "José" with a combining accent or precomposed: the same name to a reader
        found |= {unicodedata.normalize("NFC", base), unicodedata.normalize("NFD", base)}
    if label is not None:
        found.add(_slug(base, ascii_only=True))
        if not base.isascii():  # else both slugs are the same
            found.add(_slug(base, ascii_only=False))
        kept = label_kept(value, label)
        if kept != value:
            found.add(fold(kept))
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


# The same runs of escapes (a word in another script, in a link) recur on every page. The answer
# depends on the text alone, so a memo kept for the process changes no scan's result.
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
