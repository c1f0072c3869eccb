"""Under ``mkdocs serve``: rebuild once per save, not again for the generator's own writes.

MkDocs watches the whole docs folder, and every build starts by rendering partners.yaml into
it, so each save used to cost two full builds: one for the save, one for the files the first
build wrote. This handler replaces MkDocs' watch of the docs folder and ignores changes to the
generator's own files (and its temporary files); any other change still asks for a rebuild.

Changes seen while the generator is writing are held back and judged once the new list of its
files is known, so a page written for a new partner is recognised as its own. A generated file
changed after the generator finished is a hand edit (its own writes, even when their events
arrive late, are older): it asks for a rebuild, which renders the file again and says so. No MkDocs import:
the server is reached through the few attributes of MkDocs 1.6's ``LiveReloadServer`` (frozen).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol, TypeGuard

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers.api import BaseObserver

TEMPORARY_PREFIX = ".tmp-"  # write_undo.replace_file's files, renamed into place or removed


class LiveReloadServer(Protocol):
    """What is used of MkDocs 1.6's ``LiveReloadServer`` (a frozen release), named here so that
    the core needs no MkDocs import."""

    _rebuild_cond: threading.Condition
    _want_rebuild: bool

    @property
    def observer(self) -> BaseObserver: ...

    def unwatch(self, path: str) -> None: ...


def can_filter(server: object) -> TypeGuard[LiveReloadServer]:
    """The server exposes what is needed to ask for a rebuild and to replace a watch."""
    return all(hasattr(server, name) for name in ("_rebuild_cond", "_want_rebuild", "observer", "unwatch"))


def request_rebuild(server: LiveReloadServer) -> None:
    """What MkDocs' own watch callback does: wake its build loop."""
    with server._rebuild_cond:
        server._want_rebuild = True
        server._rebuild_cond.notify_all()


class OwnWritesIgnored(FileSystemEventHandler):
    """Asks for a rebuild on any change in the docs folder except the generator's own files."""

    def __init__(self, docs_dir: Path, rebuild: Callable[[], None]) -> None:
        self.docs_dir = docs_dir.resolve()
        self.rebuild = rebuild
        self.lock = threading.Lock()
        self.own: frozenset[str] = frozenset()
        self.generating = False
        self.held: list[str] = []
        self.finished_at = time.time()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        paths = [_text(event.src_path), _text(getattr(event, "dest_path", "") or "")]
        with self.lock:
            if self.generating:
                self.held.extend(path for path in paths if path)
                return
            changed = any(path and (not self._is_own(path) or self._edited_by_hand(path)) for path in paths)
        if changed:
            self.rebuild()

    def generation_started(self) -> None:
        with self.lock:
            self.generating = True

    def generation_finished(self, own_files: Iterable[str]) -> None:
        """``own_files``: the generator's files now, relative to the docs folder."""
        with self.lock:
            self.own = frozenset(own_files)
            self.generating = False
            self.finished_at = time.time()
            held, self.held = self.held, []
            foreign = any(not self._is_own(path) for path in held)
        if foreign:
            self.rebuild()

    def _edited_by_hand(self, path: str) -> bool:
        """Changed since the generator finished: before, a hand edit of a generated page was
        neither built nor mentioned until the next save of the data. A removed file is left to
        that next save (a late event of the generator's own removal looks the same)."""
        if os.path.basename(path).startswith(TEMPORARY_PREFIX):
            return False
        try:
            return os.stat(path).st_mtime > self.finished_at
        except OSError:
            return False

    def _is_own(self, path: str) -> bool:
        if os.path.basename(path).startswith(TEMPORARY_PREFIX):
            return True
        try:
            relative = Path(path).resolve().relative_to(self.docs_dir)
        except ValueError:
            return False
        return relative.as_posix() in self.own


def _text(path: str | bytes) -> str:
    return os.fsdecode(path)


def replace_docs_watch(server: LiveReloadServer, docs_dir: Path) -> OwnWritesIgnored:
    """Swap MkDocs' watch of ``docs_dir`` for one that ignores the generator's own writes."""
    handler = OwnWritesIgnored(docs_dir, lambda: request_rebuild(server))
    server.unwatch(str(docs_dir))
    server.observer.schedule(handler, str(docs_dir), recursive=True)
    return handler
