"""The render memo kept across runs: which generated files need no render.

After a successful write, the record lists for each generated file the key it was rendered from
(render_memo: for a partner page the partner's own records, the shared part of the data and the
layout; for the others what they may show) and the size and digest of the bytes left on disk.
The next run renders a file again only when its key changed or the file is no longer exactly
those bytes (hand-edited, missing, replaced by a link); every other file is neither rendered nor
written. So a note edit at 10,000 partners renders one page, not 10,081 files.

The record is a cache, never an authority: it is ignored (every page is rendered, as without
it) when it is missing, unreadable, not signed with this site's secret, written by other
generator code, templates or libraries, or for another docs folder. It holds digests only: no
data, no secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import stamp
from .writer import folder_key

RECORD_VERSION = 1

FileState = list[int | str]  # [size in bytes, sha256 of the bytes], as the stamp records files


@dataclass(frozen=True)
class PageRecord:
    """Each recorded page's key and file state, as the last successful run left them."""

    pages: Mapping[str, tuple[bytes, FileState]] = field(default_factory=dict)

    def keeper(self, docs_dir: Path) -> Callable[[str, bytes], bool]:
        """For render.render_pages: whether the page at a path, with this key, can be kept."""
        return lambda path, key: self.can_keep(docs_dir, path, key)

    def can_keep(self, docs_dir: Path, path: str, key: bytes) -> bool:
        """Rendered from this key, and its file still holds exactly the bytes then written."""
        recorded = self.pages.get(path)
        return recorded is not None and recorded[0] == key and _holds(docs_dir / path, recorded[1])

    def states(self, paths: frozenset[str]) -> dict[str, FileState]:
        """The file states of kept pages (checked on disk by :meth:`can_keep`)."""
        return {path: self.pages[path][1] for path in paths}


def _holds(path: Path, state: FileState) -> bool:
    # Not through a link: what it points to can change without the link changing.
    return not path.is_symlink() and stamp.file_holds(path, state)


def read_record(record_file: Path, secret: bytes, docs_dir: Path) -> PageRecord:
    """The last run's record for ``docs_dir``, or an empty one when it cannot be trusted (see
    the docstring)."""
    try:
        content = json.loads(record_file.read_text("utf-8"))
    except (OSError, ValueError):
        return PageRecord()
    if not isinstance(content, dict) or not isinstance(content.get("pages"), dict):
        return PageRecord()
    head = _head(record_file, docs_dir)
    body = _body({name: content.get(name) for name in head}, content["pages"])
    if not hmac.compare_digest(str(content.get("signature", "")), _signature(secret, body)):
        return PageRecord()
    if any(content.get(name) != value for name, value in head.items()):
        return PageRecord()
    return PageRecord(_pages(content["pages"]))


def _head(record_file: Path, docs_dir: Path) -> dict[str, object]:
    """What a record must have been written for: this record format, the code and libraries
    rendering now, and this docs folder (the pages' paths are relative to it)."""
    return {
        "version": RECORD_VERSION,
        "environment": stamp.environment_digest(),
        "docs_dir": folder_key(docs_dir, record_file),
    }


def _pages(raw: dict[object, object]) -> dict[str, tuple[bytes, FileState]]:
    pages: dict[str, tuple[bytes, FileState]] = {}
    for path, entry in raw.items():
        if isinstance(path, str) and isinstance(entry, list) and len(entry) == 3:
            key, size, digest = entry
            if isinstance(key, str) and isinstance(size, int) and isinstance(digest, str):
                try:
                    pages[path] = (bytes.fromhex(key), [size, digest])
                except ValueError:
                    continue
    return pages


def write_record(
    record_file: Path,
    secret: bytes,
    docs_dir: Path,
    keys: Mapping[str, bytes],
    states: Mapping[str, FileState],
) -> None:
    """Record the key and file state of every page a successful run rendered or kept."""
    pages = {path: [keys[path].hex(), *states[path]] for path in sorted(keys) if path in states}
    head = _head(record_file, docs_dir)
    content = {**head, "pages": pages, "signature": _signature(secret, _body(head, pages))}
    record_file.parent.mkdir(parents=True, exist_ok=True)
    record_file.write_text(json.dumps(content, separators=(",", ":")) + "\n", encoding="utf-8")


def forget(record_file: Path) -> None:
    """Before a run changes any file: a record must never describe a half-written folder."""
    record_file.unlink(missing_ok=True)


def _body(head: Mapping[str, object], pages: object) -> bytes:
    return json.dumps([head, pages], sort_keys=True, separators=(",", ":")).encode()


def _signature(secret: bytes, body: bytes) -> str:
    """Keyed with the site secret: a record edited by hand, or made for another secret, is ignored."""
    return hmac.new(secret, b"render-memo\0" + body, hashlib.sha256).hexdigest()
