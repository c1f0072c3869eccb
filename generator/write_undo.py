"""Putting the docs folder back as it was when a write run fails part-way (writer.write_bytes).

A run that raises an error (a file it may not replace, a full disk) or is stopped with Ctrl-C
takes back every change it made, newest first: files it created are removed, files it replaced
or removed get their old bytes back. The old bytes, read anyway to compare, are kept in memory
up to a budget; beyond it the old files are kept as hard links in a folder beside the manifest:
a run that replaces every page (each day changes "3 days ago" on all of them) would otherwise
hold the whole site twice (121 MB of pages at 10,000 partners), and a link costs a little time
per file that bytes already read do not. A run that is killed cannot undo; it leaves its record
of pending files, from which the next run recovers (see writer's docstring), and its kept links,
which the next run deletes.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

# The old file as its link's number in the store, its bytes, or None: it did not exist.
Kept = int | bytes | None
MEMORY_BUDGET = 32 * 1024 * 1024  # old bytes held in memory by one run; links beyond
# Temporary names drawn as tempfile draws them; O_EXCL, not the draw, keeps two apart.
_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_NAMES = random.Random()


def replace_file(target: Path, content: bytes) -> None:
    """``content`` written beside ``target`` and renamed over it: readers see the old file or the
    new one, never half of one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = _temporary_beside(target)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, named as tempfile.mkstemp names them (writer recognises a
    killed run's by the name), with the mode of any new page: 0644 less the user's umask. The
    0644 set after mkstemp ignored the umask, so with umask 077 a page replaced in a folder made
    earlier became readable by every user, partners' notes and all (review49)."""
    while True:
        temporary = target.parent / f".tmp-{''.join(_NAMES.choices(_LETTERS, k=8))}{target.suffix}"
        with contextlib.suppress(FileExistsError):
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644), temporary


@dataclass
class UndoLog:
    """Each change a run has made, with what the file was before."""

    store: Path  # the run's kept old files; removed when the run ends either way
    docs_dir: Path = Path()
    # New pages, as the paths under docs_dir the caller holds anyway, and every other change by
    # its path as text: a run may change every page, and a Path each, kept to the end, would
    # cost megabytes at 10,000 partners.
    pages: list[str] = field(default_factory=list)
    changes: list[tuple[str, Kept]] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)  # made by this run, outermost first
    current: Path | str | None = None  # the file being written when an error stops the run
    held: int = 0  # bytes of old files held in memory

    def __post_init__(self) -> None:
        self.finish()  # links left by a run that was killed

    def finish(self) -> None:
        """The kept links deleted: only a folder holding nothing but this log's numbered links
        (a file or folder of someone else's by that name is never touched)."""
        if _holds_only_links(self.store):
            shutil.rmtree(self.store, ignore_errors=True)

    def make_folders(self, folder: Path) -> None:
        """``folder`` and any missing folders above it, each remembered to be removed on undo."""
        missing = []
        while not folder.is_dir():
            missing.append(folder)
            folder = folder.parent
        for made in reversed(missing):
            made.mkdir(exist_ok=True)
            self.folders.append(made)

    def created(self, path: Path) -> None:
        self.changes.append((os.fspath(path), None))

    def created_page(self, relative: str) -> None:
        self.pages.append(relative)

    def replace(self, target: Path, content: bytes, before: bytes) -> None:
        """:func:`replace_file` over a file that holds ``before``, kept until the run ends."""
        kept = self._keep(target, before)
        try:
            replace_file(target, content)
        except BaseException:
            self._drop(kept)
            raise
        self.changes.append((os.fspath(target), kept))

    def remove(self, target: Path) -> None:
        kept = self._keep(target, None)
        target.unlink()
        self.changes.append((os.fspath(target), kept))

    def undo(self) -> list[Path]:
        """Every change taken back, as far as the file system allows; the files it could not
        put back (their change stays)."""
        stuck = []
        undone = [*((os.path.join(self.docs_dir, page), None) for page in self.pages), *self.changes]
        for path, kept in reversed(undone):
            try:
                self._put_back(Path(path), kept)
            except OSError:
                stuck.append(Path(path))
        for folder in reversed(self.folders):
            with contextlib.suppress(OSError):  # not empty: something of someone else's is in it
                folder.rmdir()
        self.finish()
        return stuck

    def touched(self) -> tuple[str, ...]:
        """Every file under docs_dir this run changed, relative to it (as the manifest lists
        them): ``mkdocs serve`` must not take the changes and their undoing for an edit."""
        inside = (os.path.relpath(path, self.docs_dir) for path, _ in self.changes)
        return (*self.pages, *(Path(path).as_posix() for path in inside if not path.startswith("..")))

    def _keep(self, target: Path, before: bytes | None) -> Kept:
        """``before`` within the budget, else a hard link to ``target`` (no copy), or its bytes
        when the store is on another file system."""
        if before is not None and self.held + len(before) <= MEMORY_BUDGET:
            self.held += len(before)
            return before
        number = len(self.changes)
        try:
            self.store.mkdir(parents=True, exist_ok=True)
            os.link(target, self.store / str(number))
        except OSError:
            return target.read_bytes()
        return number

    def _put_back(self, path: Path, kept: Kept) -> None:
        if kept is None:
            path.unlink(missing_ok=True)
        elif isinstance(kept, int):
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.store / str(kept), path)
        else:
            replace_file(path, kept)

    def _drop(self, kept: Kept) -> None:
        if isinstance(kept, int):
            (self.store / str(kept)).unlink(missing_ok=True)


def _holds_only_links(store: Path) -> bool:
    if not store.is_dir() or store.is_symlink():
        return False
    return all(entry.name.isdigit() and entry.is_file() for entry in store.iterdir())


def os_failure(error: OSError) -> str:
    """One sentence for a file the run could not use (no traceback): which file, why, and what to
    do. A failed write of generated files says more of its own (:class:`WriteFailed`)."""
    if isinstance(error, WriteFailed) or not error.filename:
        return str(error)
    reason = error.strerror or str(error)
    return f"could not use {error.filename}: {reason}; make sure its folder is writable and the disk has room, then run again"


class WriteFailed(OSError):
    """Writing the generated files failed part-way; what had been written was put back."""

    def __init__(
        self,
        error: OSError,
        where: Path | str,
        docs_dir: Path,
        stuck: list[Path],
        touched: tuple[str, ...] = (),
    ) -> None:
        self.touched = touched  # the files it changed, then put back (relative to docs_dir)
        reason = error.strerror or str(error)
        if stuck:
            outcome = "these files could not be put back as they were: " + ", ".join(map(str, stuck))
        else:
            outcome = f"{docs_dir} is as it was before this run"
        super().__init__(error.errno, f"could not write {where}: {reason}; {outcome}")

    def __str__(self) -> str:
        return str(self.strerror)
