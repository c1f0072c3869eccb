"""Whose private page each address has shown, kept across runs, so that an address handed to
somebody else is told to the owner.

A partner's address is a keyed hash of their id (and epoch), not of the person. A former
partner's id given to somebody new, or a record renamed to another person, puts the newcomer's
page (their referrals, the notes to them) at the address the former partner still holds. No
single run's data can tell; this book can: every private page a run writes is listed, under
its secret, with the name it showed, and an entry stays after its page is removed. A run that
writes a page at a listed address under another name says so.

The book lives in ``.referral/`` (never in git), so a run on the owner's machine tells it; a
fresh clone (the Pages workflow) starts an empty book and tells nothing. It only informs: a
book that cannot be read starts afresh, one that cannot be written is left as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from .field_types import NAME_MAX
from .numbers_in_words import digits
from .problems import one_line
from .record_files import record_bytes
from .runnable import generator_command

Page = tuple[str, str]  # a private page's partner: (their id, their name)


class Handover(NamedTuple):
    """An address that showed another name in an earlier run."""

    before: str  # the name the address showed
    now: str  # the name it shows now
    partner: str  # the id the address is keyed by
    alike: bool = False  # one of the names is another partner's too: the id tells them apart


# Far above any real book (an address and a name, about 70 bytes, for each private page a
# secret ever gave: 32 MiB is 400,000 of them), as the data file's own limit (source.MAX_BYTES).
MAX_BOOK_BYTES = 32 * 1024 * 1024


def hand_overs(book_file: Path, secret: bytes, pages: Mapping[str, Page]) -> list[Handover]:
    """The addresses among ``pages`` (private page path → its partner) that showed another name
    in an earlier run under this secret, one each; the book then lists ``pages`` too."""
    books = _read(book_file)
    book = books.get(_fingerprint(secret), {})
    changed = {path: page for path, page in pages.items() if book.get(path) != page[1]}
    if changed:
        names = {path: name for path, (_, name) in changed.items()}
        _write(book_file, {**books, _fingerprint(secret): {**book, **names}})
    handed = [(book[path], name, partner) for path, (partner, name) in changed.items() if path in book]
    return _told_apart(handed, pages.values())


def _told_apart(handed: list[tuple[str, str, str]], pages: Iterable[Page]) -> list[Handover]:
    """Each handover, marked where its new name is another partner's too, or its old name was
    shown by another address handed over: "Steve Hall, now Anne Ortiz" beside another Anne
    Ortiz had the owner raise the `epoch` of either record, and two Sam Lees renamed alike
    collapsed into one pair. Two names swapped stay apart by their names alone."""
    named = Counter(name for _, name in pages)  # one page per partner id
    shown = Counter(before for before, _, _ in handed)
    alike = {name for name, count in (*named.items(), *shown.items()) if count > 1}
    return sorted(
        Handover(before, now, partner, bool({before, now} & alike)) for before, now, partner in handed
    )


def handover_warning(handed: list[Handover]) -> str:
    """What the owner is told of addresses that now show somebody else: the names, never the
    addresses (a log may be read without the secret); five at most, so it stays one line."""
    pairs = [_pair(handover) for handover in handed[:5]]
    if len(handed) > len(pairs):
        pairs.append(f"{digits(len(handed) - len(pairs))} more")
    listed = pairs[0] if len(pairs) == 1 else f"{'; '.join(pairs[:-1])}; and {pairs[-1]}"
    links = f"`{generator_command('links')}`"
    if len(handed) == 1:
        return (
            f"a private page's address shows another name than in an earlier run (the same partner "
            f"id and epoch): {listed}. Whoever was sent the earlier link opens the new page, with "
            "its referrals and the notes to them. If it is one person renamed, nothing needs doing; "
            f"if not, raise the new partner's `epoch` by one and send them their link from {links}"
        )
    # Two partners' names swapped read "a private page's address shows another name: A, now B;
    # and B, now A", as if one page had changed.
    return (
        f"{digits(len(handed))} private pages' addresses show other names than in an earlier run "
        f"(the same partner ids and epochs): {listed}. Whoever was sent an earlier link opens the "
        "new page, with its referrals and the notes to them. Where it is one person renamed, "
        "nothing needs doing; where not, raise the new partner's `epoch` by one and send them "
        f"their link from {links}"
    )


def _pair(handover: Handover) -> str:
    pair = f"{one_line(handover.before)}, now {one_line(handover.now)}"
    return f"{pair} (partner id {handover.partner})" if handover.alike else pair


def _read(book_file: Path) -> dict[str, dict[str, str]]:
    """Each secret's page of the book, by the secret's fingerprint: a run under the local preview
    secret between two under the published one must not wipe what the published addresses showed
    (a rename made meanwhile then went untold)."""
    try:
        if book_file.stat().st_size > MAX_BOOK_BYTES:
            return {}  # no book of ours; reading it would cost every run seconds and a gigabyte
        content = json.loads(record_bytes(book_file).decode("utf-8"))
    # RecursionError: JSON nested a few thousand deep (hand-broken or foreign). It came after
    # the pages were written, so the run ended in a traceback with its pages changed.
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    if not isinstance(content, dict):
        return {}
    if isinstance(content.get("secret"), str):  # the first book's form: one secret's pages
        content = {"books": {content["secret"]: content.get("pages")}}
    books = content.get("books")
    if not isinstance(books, dict):
        return {}
    return {fingerprint: _names(pages) for fingerprint, pages in books.items() if isinstance(pages, dict)}


def _names(pages: dict[str, object]) -> dict[str, str]:
    """The names a partner can have: a longer one (a foreign or hand-edited book) would have
    been quoted whole in the warning, one line of megabytes."""
    return {path: name for path, name in pages.items() if isinstance(name, str) and len(name) <= NAME_MAX}


def _write(book_file: Path, books: Mapping[str, Mapping[str, str]]) -> None:
    every = {fingerprint: dict(sorted(pages.items())) for fingerprint, pages in sorted(books.items())}
    text = json.dumps({"books": every}, ensure_ascii=False, indent=0)
    partial = book_file.with_name(f".{book_file.name}.partial")
    with contextlib.suppress(OSError):
        book_file.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, book_file)
    with contextlib.suppress(OSError):
        partial.unlink(missing_ok=True)


def _fingerprint(secret: bytes) -> str:
    """Names the secret without giving it away: each secret's addresses are a book of their own."""
    return hmac.new(secret, b"address-book", hashlib.sha256).hexdigest()[:32]
