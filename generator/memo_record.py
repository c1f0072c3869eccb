"""The render memo kept across runs: which generated files need no render.

After a successful write, the record lists for each generated file the key it was rendered from
(render_memo: for a partner page the partner's own records, the shared part of the data and the
layout; for the others what they may show) and the size and digest of the bytes left on disk.
The next run renders a file again only when its key changed or the file is no longer exactly
those bytes (hand-edited, missing, replaced by a link); every other file is neither rendered nor
written. So a note edit at 10,000 partners renders one page, not 10,081 files. Whether a file
still holds those bytes is decided as the render stamp decides it: by its stat fields when they
were recorded and still match, else by reading it (stamp.current_state).

The record is a cache, never an authority: it is ignored (every page is rendered, as without
it) when it is missing, unreadable, not signed with this site's secret, or for another docs
folder; written by other generator code, templates or libraries, it keeps no page but still
tells the sizes the files were left at, so a hand edit is still named. It holds digests only: no
data, no secret. A record signed with another secret also tells the run that the secret
changed since the last run, so that it says every private address moved.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import stamp
from .record_files import record_bytes
from .writer import folder_key

RECORD_VERSION = 2  # 2: files' stat fields recorded; an older record means rendering everything once

FileState = stamp.FileState


@dataclass(frozen=True)
class PageRecord:
    """Each recorded page's key and file state, as the last successful run left them."""

    pages: Mapping[str, tuple[bytes, FileState]] = field(default_factory=dict)
    # Each kept page's state as checked in this run (its stat fields refreshed when it was read).
    checked: dict[str, FileState] = field(default_factory=dict, compare=False)
    # The last run's record is there but signed with another secret: every private address moves.
    other_secret: bool = False
    # Written by this generator code and these libraries: its keys can be compared. A record of
    # other code (an upgrade) still tells what sizes the files were left at (``size_of``).
    keys_hold: bool = True

    def keeper(self, docs_dir: Path) -> Callable[[str, bytes], bool]:
        """For render.render_pages: whether the page at a path, with this key, can be kept."""
        return lambda path, key: self.can_keep(docs_dir, path, key)

    def can_keep(self, docs_dir: Path, path: str, key: bytes) -> bool:
        """Rendered from this key, and its file still holds exactly the bytes then written."""
        recorded = self.pages.get(path)
        if recorded is None or recorded[0] != key or not self.keys_hold:
            return False
        current = stamp.current_state(docs_dir / path, recorded[1])
        if current is None:
            return False
        self.checked[path] = current
        return True

    def size_of(self, path: str) -> int | None:
        """The size of the file the last run left at ``path``, if it recorded one."""
        recorded = self.pages.get(path)
        size = recorded[1][0] if recorded and recorded[1] else None
        return size if isinstance(size, int) else None

    def states(self, paths: frozenset[str]) -> dict[str, FileState]:
        """The file states of kept pages, as :meth:`can_keep` found them on disk."""
        return {path: self.checked[path] for path in paths}


def read_record(record_file: Path, secret: bytes, docs_dir: Path) -> PageRecord:
    """The last run's record for ``docs_dir``, or an empty one when it cannot be trusted (see
    the docstring)."""
    try:
        content = json.loads(record_bytes(record_file).decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # the last: JSON nested thousands deep
        return PageRecord()
    if not isinstance(content, dict) or not isinstance(content.get("pages"), dict):
        return PageRecord()
    head = _head(record_file, docs_dir)
    body = _body({name: content.get(name) for name in head}, content["pages"])
    if not hmac.compare_digest(str(content.get("signature", "")), _signature(secret, body)):
        # Only a record of this format is signed as _signature signs now: an older one, or one
        # from a newer generator, says nothing of the secret.
        return PageRecord(other_secret=content.get("version") == RECORD_VERSION)
    if any(content.get(name) != value for name, value in head.items() if name != "environment"):
        return PageRecord()
    # Other code renders other bytes from the same key: nothing is kept, but the sizes the files
    # were left at still tell a hand edit (writer's report) from the last run's own bytes.
    return PageRecord(_pages(content["pages"]), keys_hold=content.get("environment") == head["environment"])


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
        if isinstance(path, str) and isinstance(entry, list) and entry and isinstance(entry[0], str):
            try:
                pages[path] = (bytes.fromhex(entry[0]), entry[1:])
            except ValueError:
                continue  # a state that is not well formed is caught by stamp.current_state
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
    # The pages serialised once (10,081 entries, 0.017 s at 10,000 partners, in the run's serial
    # tail), for both the signed body and the file: their keys are in sorted order already, so
    # this is the text ``sort_keys`` gives too, and the file is byte for byte what
    # json.dumps({**head, "pages": pages, "signature": ...}) wrote.
    listed = _compact(pages)
    signature = _signature(
        secret, f"[{json.dumps(head, sort_keys=True, separators=(',', ':'))},{listed}]".encode()
    )
    text = f'{_compact(head)[:-1]},"pages":{listed},"signature":{_compact(signature)}}}\n'
    record_file.parent.mkdir(parents=True, exist_ok=True)
    record_file.write_text(text, encoding="utf-8")


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def forget(record_file: Path) -> None:
    """Before a run changes any file: a record must never describe a half-written folder."""
    record_file.unlink(missing_ok=True)


def _body(head: Mapping[str, object], pages: object) -> bytes:
    return json.dumps([head, pages], sort_keys=True, separators=(",", ":")).encode()


def _signature(secret: bytes, body: bytes) -> str:
    """Keyed with the site secret: a record edited by hand, or made for another secret, is ignored."""
    return hmac.new(secret, b"render-memo\0" + body, hashlib.sha256).hexdigest()
